"""Evaluating an award's rule set against the facts about a nominee: a pure function.

The facts name the events they come from (log position, stream, version), so every result can
cite its evidence, and the same facts always give the same results (re-evaluation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any
from uuid import UUID

from domain.discipline import PenaltyLevel
from domain.jp_rules import rules_for_year
from domain.rating import Period, Predicate
from domain.rule_set import Criterion, CriterionKind, RuleSetSpec
from domain.values import EmploymentType, Nip

# Later periods of a year sort after earlier ones; the annual evaluation closes the year.
_PERIOD_ORDER = {p: i for i, p in enumerate(Period)}


@dataclass(frozen=True, order=True)
class EvidenceRef:
    """An event of the log: its position and its place in its stream."""

    position: int
    stream_id: UUID
    stream_version: int

    def to_data(self) -> dict[str, Any]:
        """The reference as a decision event stores it."""
        return {
            "position": self.position,
            "stream_id": str(self.stream_id),
            "stream_version": self.stream_version,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> EvidenceRef:
        """A reference from its stored form."""
        return cls(int(data["position"]), UUID(str(data["stream_id"])), int(data["stream_version"]))


@dataclass(frozen=True)
class EvaluationFact:
    """A final evaluation's current predicate and the event that fixed it."""

    evidence: EvidenceRef
    year: int
    period: Period
    predicate: Predicate


@dataclass(frozen=True)
class CompletionFact:
    """A training completion: JP earned on a day, and whether it was revoked since."""

    evidence: EvidenceRef
    jp: int
    completed_on: date
    revoked: bool = False


@dataclass(frozen=True)
class PenaltyFact:
    """A disciplinary penalty and the day it took effect."""

    evidence: EvidenceRef
    level: PenaltyLevel
    effective_on: date


@dataclass(frozen=True)
class NomineeFacts:
    """Everything the criteria may look at, each fact with the event that produced it."""

    registration: EvidenceRef
    employment_type: EmploymentType
    nip: str | None
    evaluations: Sequence[EvaluationFact] = ()
    completions: Sequence[CompletionFact] = ()
    penalties: Sequence[PenaltyFact] = ()


@dataclass(frozen=True)
class CriterionResult:
    """One criterion as evaluated: what was required, what was found, and from which events."""

    name: str
    kind: CriterionKind
    required: str
    actual: str
    met: bool
    evidence: tuple[EvidenceRef, ...] = field(default_factory=tuple)

    def to_data(self) -> dict[str, Any]:
        """The result as a decision event stores it."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "required": self.required,
            "actual": self.actual,
            "met": self.met,
            "evidence": [e.to_data() for e in self.evidence],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CriterionResult:
        """A result from its stored form."""
        return cls(
            name=data["name"],
            kind=CriterionKind(data["kind"]),
            required=data["required"],
            actual=data["actual"],
            met=bool(data["met"]),
            evidence=tuple(EvidenceRef.from_data(e) for e in data["evidence"]),
        )


def evaluate(rule_set: RuleSetSpec, facts: NomineeFacts, on: date) -> list[CriterionResult]:
    """Every criterion of the rule set, in order, as the facts stand on the decision day."""
    return [_evaluate_one(c, facts, on) for c in rule_set.criteria]


def eligible(results: Sequence[CriterionResult]) -> bool:
    """A nominee is eligible when every criterion is met."""
    return all(r.met for r in results)


def _evaluate_one(criterion: Criterion, facts: NomineeFacts, on: date) -> CriterionResult:
    kind = criterion.kind
    if kind is CriterionKind.PREDICATE_AT_LEAST_LAST_ANNUAL:
        return _last_annual(criterion, facts)
    if kind is CriterionKind.PREDICATE_AT_LEAST_LATEST:
        return _latest(criterion, facts)
    if kind is CriterionKind.JP_REQUIREMENT_MET:
        return _jp(facts, on)
    if kind is CriterionKind.YEARS_OF_SERVICE_AT_LEAST:
        return _years_of_service(criterion, facts, on)
    if kind is CriterionKind.EMPLOYMENT_TYPE_PNS:
        is_pns = facts.employment_type is EmploymentType.PNS
        actual = facts.employment_type.value
        return CriterionResult(
            "employment type PNS", kind, "PNS", actual, is_pns, (facts.registration,)
        )
    return _no_penalty(facts, on)


def _last_annual(criterion: Criterion, facts: NomineeFacts) -> CriterionResult:
    assert criterion.predicate is not None and criterion.count is not None
    wanted, count = criterion.predicate, criterion.count
    annual = sorted(
        (e for e in facts.evaluations if e.period is Period.TAHUNAN),
        key=lambda e: e.year,
        reverse=True,
    )[:count]
    consecutive = all(a.year - b.year == 1 for a, b in pairwise(annual))
    met = len(annual) == count and consecutive and all(e.predicate.at_least(wanted) for e in annual)
    actual = ", ".join(f"{e.year}: {e.predicate.value}" for e in annual) or "none"
    return CriterionResult(
        name=f"predicate at least {wanted.value} in the last {count} annual evaluations",
        kind=criterion.kind,
        required=f"{wanted.value} in {count} consecutive annual evaluations",
        actual=actual,
        met=met,
        evidence=tuple(e.evidence for e in annual),
    )


def _latest(criterion: Criterion, facts: NomineeFacts) -> CriterionResult:
    assert criterion.predicate is not None
    wanted = criterion.predicate
    latest = max(facts.evaluations, key=lambda e: (e.year, _PERIOD_ORDER[e.period]), default=None)
    if latest is None:
        actual = "none"
    else:
        actual = f"{latest.predicate.value} ({latest.year} {latest.period.value})"
    return CriterionResult(
        name=f"predicate at least {wanted.value} in the latest period",
        kind=criterion.kind,
        required=wanted.value,
        actual=actual,
        met=latest is not None and latest.predicate.at_least(wanted),
        evidence=() if latest is None else (latest.evidence,),
    )


def _jp(facts: NomineeFacts, on: date) -> CriterionResult:
    year = on.year
    counted = [c for c in facts.completions if c.completed_on.year == year and not c.revoked]
    earned = sum(c.jp for c in counted)
    required = rules_for_year(year).required_for(facts.employment_type)
    return CriterionResult(
        name=f"JP requirement of {year} met",
        kind=CriterionKind.JP_REQUIREMENT_MET,
        required=f"{required} JP",
        actual=f"{earned} JP",
        met=earned >= required,
        evidence=tuple(sorted(c.evidence for c in counted)),
    )


def _years_of_service(criterion: Criterion, facts: NomineeFacts, on: date) -> CriterionResult:
    assert criterion.years is not None
    # Only a PNS NIP records the TMT CPNS; without it, years of service are unknown.
    known = facts.nip is not None and facts.employment_type is EmploymentType.PNS
    years = Nip(facts.nip).years_of_service_on(on) if known and facts.nip else None
    return CriterionResult(
        name=f"at least {criterion.years} years of service",
        kind=criterion.kind,
        required=f"{criterion.years} years",
        actual="unknown" if years is None else f"{years} years",
        met=years is not None and years >= criterion.years,
        evidence=(facts.registration,),
    )


def _no_penalty(facts: NomineeFacts, on: date) -> CriterionResult:
    barring = sorted(
        (p for p in facts.penalties if p.level.medium_or_heavy and p.effective_on <= on),
        key=lambda p: p.evidence,
    )
    actual = ", ".join(f"{p.level.value} on {p.effective_on.isoformat()}" for p in barring)
    return CriterionResult(
        name="no medium or heavy disciplinary penalty",
        kind=CriterionKind.NO_MEDIUM_OR_HEAVY_PENALTY,
        required="none",
        actual=actual or "none",
        met=not barring,
        evidence=tuple(p.evidence for p in barring),
    )
