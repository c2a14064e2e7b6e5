"""A training completion: the JP an employee earned, counted to the year of the completion date."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.employee import Employee
from domain.enrolment_rules import competency_area_key
from domain.errors import InvalidValue, RuleBroken
from domain.jp_rules import JpRuleSet
from domain.training import (
    TrainingProgram,
    completion_stream_id,
    normalise_certificate,
    require_jp,
)
from domain.values import require_text


@dataclass(frozen=True)
class CompletionEntry:
    """What the provider's certificate says: date, JP (the programme's if absent), number, score."""

    completed_on: date
    certificate_number: str
    jp: int | None = None
    score: float | None = None


@dataclass(frozen=True)
class CompletionContext:
    """What the handler knows at recording time: today, the enrolment, the open needs' areas."""

    today: date
    enrolment_id: UUID | None = None
    open_needs: Sequence[str] = ()


def _checked_score(score: float | None) -> float | None:
    if score is None:
        return None
    if math.isnan(score) or not 0 <= score <= 100:
        raise InvalidValue("score", f"score must be between 0 and 100, got {score}")
    return score


def _not_in_future(completed_on: date, today: date) -> date:
    if completed_on > today:
        raise InvalidValue(
            "completedOn",
            f"completion date {completed_on.isoformat()} is in the future "
            f"(today is {today.isoformat()})",
        )
    return completed_on


def _needs_met(program: TrainingProgram, open_needs: Sequence[str]) -> list[str]:
    """The open development needs in the programme's competency area, as they were spelled."""
    area = competency_area_key(program.competency_area)
    return [need for need in open_needs if competency_area_key(need) == area]


class TrainingCompletion(Aggregate):
    """A completed programme: recorded once per certificate, revoked (never erased) if invalid."""

    class Recorded(Aggregate.Created):
        """A completion was recorded; `effective_date` is the completion date (valid time)."""

        employee_id: UUID
        unit_code: str
        employment_type: str
        program_id: UUID
        program_code: str
        competency_area: str
        kind: str
        jp: int
        effective_date: date
        year: int
        certificate_number: str
        score: float | None
        enrolment_id: UUID | None
        development_needs_met: list[str]
        rule_version: int
        required_jp: int
        cap_jp: int | None

    class Revoked(Aggregate.Event):
        """A completion was found invalid; it stays in the history but no longer counts."""

        completion_id: UUID
        employee_id: UUID
        program_id: UUID
        year: int
        jp: int
        development_needs_met: list[str]
        reason: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, TrainingCompletion)
            aggregate.revoked = True

    def __init__(
        self,
        employee_id: UUID,
        unit_code: str,
        program_id: UUID,
        year: int,
        jp: int,
        development_needs_met: list[str],
    ) -> None:
        # The created event carries more (for the views); the aggregate keeps what it decides on.
        self.employee_id = employee_id
        self.unit_code = unit_code
        self.program_id = program_id
        self.year = year
        self.jp = jp
        self.development_needs_met = development_needs_met
        self.revoked = False

    @classmethod
    def record(
        cls,
        program: TrainingProgram,
        employee: Employee,
        entry: CompletionEntry,
        rules: JpRuleSet,
        context: CompletionContext,
        at: datetime,
    ) -> TrainingCompletion:
        """Record a completion of an open programme, dated no later than today.

        It meets the employee's open development needs in the programme's competency area.
        """
        program.require_open()
        completed_on = _not_in_future(entry.completed_on, context.today)
        jp = program.jp if entry.jp is None else require_jp(entry.jp)
        certificate = normalise_certificate(entry.certificate_number)
        return cls._create(
            cls.Recorded,
            id=completion_stream_id(certificate),
            timestamp=at,
            employee_id=employee.id,
            unit_code=employee.unit_code,
            employment_type=employee.employment_type.value,
            program_id=program.id,
            program_code=program.code,
            competency_area=program.competency_area,
            kind=program.kind.value,
            jp=jp,
            effective_date=completed_on,
            year=completed_on.year,
            certificate_number=certificate,
            score=_checked_score(entry.score),
            enrolment_id=context.enrolment_id,
            development_needs_met=_needs_met(program, context.open_needs),
            rule_version=rules.version,
            required_jp=rules.required_for(employee.employment_type),
            cap_jp=rules.cap_for(employee.employment_type),
        )

    def revoke(self, reason: str, at: datetime) -> None:
        """Revoke the completion with a written reason; revoking twice is refused."""
        if self.revoked:
            raise RuleBroken("completion_revoked", "this completion is already revoked")
        self.trigger_event(
            self.Revoked,
            timestamp=at,
            completion_id=self.id,
            employee_id=self.employee_id,
            program_id=self.program_id,
            year=self.year,
            jp=self.jp,
            development_needs_met=self.development_needs_met,
            reason=require_text("reason", reason, max_length=1000),
        )
