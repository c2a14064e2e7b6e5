"""An award case: nominated, decided against the rule set in force (with its evidence), revoked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.award_criteria import CriterionResult, eligible
from domain.errors import RuleBroken
from domain.rule_set import AwardKind, RuleSetSpec
from domain.values import require_text


class AwardOutcome(StrEnum):
    """What the decision was."""

    GRANTED = "GRANTED"
    REJECTED = "REJECTED"


class AwardStatus(StrEnum):
    """Where an award case stands."""

    NOMINATED = "NOMINATED"
    GRANTED = "GRANTED"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"


@dataclass(frozen=True)
class Evaluated:
    """The rule set in force and its results, gathered as the log stood at `facts_position`."""

    rule_set: RuleSetSpec
    results: Sequence[CriterionResult]
    facts_position: int
    decided_on: date


class Award(Aggregate):
    """One nomination of an employee for an award, and what became of it."""

    class Nominated(Aggregate.Created):
        """An employee was nominated for an award, with a rationale (personal data)."""

        employee_id: UUID
        unit_code: str
        kind: str
        rationale: str

    class Decided(Aggregate.Event):
        """The award was granted or rejected; every criterion with its evidence is recorded."""

        employee_id: UUID
        unit_code: str
        kind: str
        outcome: str
        eligible: bool
        flagged: bool
        justification: str | None
        decided_on: date
        facts_position: int
        rule_set_id: UUID
        rule_set_version: int
        rule_set_hash: str
        criteria: list[dict[str, Any]]

        def apply(self, aggregate: Aggregate) -> None:
            """The case takes the decision's outcome as its status."""
            assert isinstance(aggregate, Award)
            aggregate.status = AwardStatus(self.outcome)

    class Revoked(Aggregate.Event):
        """A granted award was revoked, with a reason."""

        employee_id: UUID
        kind: str
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            """The case is revoked."""
            assert isinstance(aggregate, Award)
            aggregate.status = AwardStatus.REVOKED

    def __init__(self, employee_id: UUID, unit_code: str, kind: str, rationale: str) -> None:
        self.employee_id = employee_id
        self.unit_code = unit_code
        self.kind = AwardKind(kind)
        self.status = AwardStatus.NOMINATED

    @classmethod
    def nominate(
        cls,
        id: UUID,
        employee_id: UUID,
        unit_code: str,
        kind: AwardKind,
        rationale: str,
        at: datetime,
    ) -> Award:
        """Open an award case for an employee; the rationale is required."""
        return cls._create(
            cls.Nominated,
            id=id,
            timestamp=at,
            employee_id=employee_id,
            unit_code=unit_code,
            kind=kind.value,
            rationale=require_text("rationale", rationale, max_length=4000),
        )

    def decide(
        self,
        outcome: AwardOutcome,
        evaluated: Evaluated,
        justification: str | None,
        at: datetime,
    ) -> None:
        """Decide once; a decision against the criteria needs a justification and is flagged."""
        if self.status is not AwardStatus.NOMINATED:
            raise RuleBroken("award_status", f"this nomination is already {self.status.value}")
        rule_set = evaluated.rule_set
        if rule_set.award_kind is not self.kind:
            raise RuleBroken("rule_set_kind", "the rule set is for another award")
        is_eligible = eligible(evaluated.results)
        against_rules = is_eligible != (outcome is AwardOutcome.GRANTED)
        text = _override_justification(rule_set, is_eligible, outcome, against_rules, justification)
        self.trigger_event(
            self.Decided,
            timestamp=at,
            employee_id=self.employee_id,
            unit_code=self.unit_code,
            kind=self.kind.value,
            outcome=outcome.value,
            eligible=is_eligible,
            flagged=against_rules,
            justification=text,
            decided_on=evaluated.decided_on,
            facts_position=evaluated.facts_position,
            rule_set_id=rule_set.id,
            rule_set_version=rule_set.version,
            rule_set_hash=rule_set.content_hash,
            criteria=[r.to_data() for r in evaluated.results],
        )

    def revoke(self, reason: str, at: datetime) -> None:
        """Revoke a granted award; the reason is required."""
        if self.status is not AwardStatus.GRANTED:
            raise RuleBroken(
                "award_status", f"only a granted award can be revoked (it is {self.status.value})"
            )
        self.trigger_event(
            self.Revoked,
            timestamp=at,
            employee_id=self.employee_id,
            kind=self.kind.value,
            reason=require_text("reason", reason, max_length=2000),
        )


def _override_justification(
    rule_set: RuleSetSpec,
    is_eligible: bool,
    outcome: AwardOutcome,
    against_rules: bool,
    justification: str | None,
) -> str | None:
    """The justification as recorded; a decision against the criteria must have one."""
    text = None
    if justification is not None and justification.strip():
        text = require_text("justification", justification, max_length=4000)
    if against_rules and text is None:
        verdict = "not eligible" if not is_eligible else "eligible"
        raise RuleBroken(
            "override_justification",
            f"the nominee is {verdict} under {rule_set.award_kind.value} "
            f"version {rule_set.version}: {outcome.value} needs a justification",
        )
    return text
