"""Facts for award decisions, gathered from the log as it stood at a position (never from views).

Deciding and re-evaluating run the same code with the same position, so they see the same facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.award_criteria import (
    CompletionFact,
    EvaluationFact,
    EvidenceRef,
    NomineeFacts,
    PenaltyFact,
)
from domain.discipline import DisciplinaryPenalty, PenaltyLevel
from domain.employee import Employee
from domain.evaluation import Evaluation
from domain.rating import Period, Predicate
from domain.rule_set import RuleSet, RuleSetSpec, spec_of
from domain.training_completion import TrainingCompletion
from domain.values import EmploymentType
from service.log import reads
from service.log.records import RecordedEvent
from service.log.store import EventStore

RULE_SET_PUBLISHED = "RuleSetPublished"


@dataclass(frozen=True)
class PublishedRuleSet:
    """A rule set version with the log position that published it."""

    spec: RuleSetSpec
    content_hash: str
    position: int


async def rule_sets_at(store: EventStore, position: int) -> list[PublishedRuleSet]:
    """Every rule set version published at or before a position."""
    found = []
    for recorded in await reads.of_type_until(store.pool, RULE_SET_PUBLISHED, position):
        event: Any = _decode(store, recorded)
        assert isinstance(event, RuleSet.Published)
        spec = spec_of(event.award_kind, event.version, event.effective_from, event.criteria)
        found.append(PublishedRuleSet(spec, event.content_hash, recorded.position))
    return found


async def nominee_facts(store: EventStore, employee_id: UUID, position: int) -> NomineeFacts:
    """The facts about one employee as the log stood at a position."""
    events = await store.prefetch(await reads.about_until(store.pool, employee_id, position))
    facts = facts_from_events((ref_of(e), _decode(store, e)) for e in events)
    if facts is None:
        raise LookupError(f"employee {employee_id} is not registered at position {position}")
    return facts


async def events_at(store: EventStore, positions: Sequence[int]) -> dict[int, RecordedEvent]:
    """The stored events at these positions (evidence), keyed by position."""
    events = await store.prefetch(await reads.at_positions(store.pool, positions))
    return {e.position: e for e in events}


def ref_of(recorded: RecordedEvent) -> EvidenceRef:
    """Where an event sits in the log."""
    return EvidenceRef(recorded.position, recorded.stream_id, recorded.stream_version)


def facts_from_events(events: Iterable[tuple[EvidenceRef, object]]) -> NomineeFacts | None:
    """Fold one person's events, in log order, into the facts criteria look at."""
    registration: tuple[EvidenceRef, Employee.Registered] | None = None
    evaluations: dict[UUID, EvaluationFact] = {}
    completions: dict[UUID, CompletionFact] = {}
    penalties: list[PenaltyFact] = []
    for ref, event in events:
        if isinstance(event, Employee.Registered):
            registration = (ref, event)
        elif isinstance(event, Evaluation.Finalised | Evaluation.ObjectionUpheld):
            # The predicate in force is the one of the latest finalisation or revision.
            evaluations[ref.stream_id] = EvaluationFact(
                ref, event.year, Period(event.period), Predicate(event.predicate)
            )
        elif isinstance(event, TrainingCompletion.Recorded):
            completions[ref.stream_id] = CompletionFact(ref, event.jp, event.effective_date)
        elif isinstance(event, TrainingCompletion.Revoked) and ref.stream_id in completions:
            done = completions[ref.stream_id]
            completions[ref.stream_id] = CompletionFact(
                done.evidence, done.jp, done.completed_on, revoked=True
            )
        elif isinstance(event, DisciplinaryPenalty.Recorded):
            penalties.append(PenaltyFact(ref, PenaltyLevel(event.level), event.effective_date))
    if registration is None:
        return None
    ref, registered = registration
    return NomineeFacts(
        registration=ref,
        employment_type=EmploymentType(registered.employment_type),
        nip=registered.nip,
        evaluations=tuple(evaluations.values()),
        completions=tuple(completions.values()),
        penalties=tuple(penalties),
    )


def _decode(store: EventStore, recorded: RecordedEvent) -> object:
    return store.codec.decode(
        recorded.stream_id, recorded.stream_version, recorded.topic, recorded.payload
    )
