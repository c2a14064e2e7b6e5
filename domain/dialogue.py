"""Performance dialogues (bimbingan; PermenPAN-RB 6/2022, pendampingan kinerja): between
evaluations the supervisor gives feedback, coaching, mentoring or counselling, each session
recorded with its date, period, kind, notes and agreed actions. Notes are personal free text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue
from domain.local_time import local_day
from domain.rating import Period
from domain.values import require_text

MAX_AGREED_ACTIONS = 20


class DialogueKind(StrEnum):
    """What kind of session it was (umpan balik, coaching, mentoring, konseling)."""

    FEEDBACK = "FEEDBACK"
    COACHING = "COACHING"
    MENTORING = "MENTORING"
    COUNSELLING = "COUNSELLING"


@dataclass(frozen=True)
class DialogueEntry:
    """What the supervisor records about one session, as given."""

    year: int
    period: Period
    held_on: date
    kind: DialogueKind
    notes: str
    agreed_actions: Sequence[str] = ()


def _agreed_actions(actions: Sequence[str]) -> list[str]:
    if len(actions) > MAX_AGREED_ACTIONS:
        raise InvalidValue("agreedActions", f"at most {MAX_AGREED_ACTIONS} agreed actions")
    return [require_text("agreedActions", a, max_length=1000) for a in actions]


class PerformanceDialogue(Aggregate):
    """One dialogue between a supervisor and their subordinate; recorded once, never edited."""

    class Recorded(Aggregate.Created):
        """The supervisor recorded a performance dialogue with a subordinate."""

        employee_id: UUID
        supervisor_id: UUID
        unit_code: str
        year: int
        period: str
        held_on: date
        kind: str
        notes: str
        agreed_actions: list[str]

    def __init__(
        self,
        employee_id: UUID,
        supervisor_id: UUID,
        unit_code: str,
        year: int,
        period: str,
        held_on: date,
        kind: str,
        notes: str | None,
        agreed_actions: list[str] | None,
    ) -> None:
        # Notes and agreed actions read as None once the employee's personal data is erased.
        self.employee_id = employee_id
        self.supervisor_id = supervisor_id
        self.unit_code = unit_code
        self.year = year
        self.period = Period(period)
        self.held_on = held_on
        self.kind = DialogueKind(kind)

    @classmethod
    def record(
        cls,
        id: UUID,
        employee_id: UUID,
        supervisor_id: UUID,
        unit_code: str,
        entry: DialogueEntry,
        at: datetime,
    ) -> PerformanceDialogue:
        """Record a session held in the cycle's year (or after it), never in the future."""
        today = local_day(at)
        if entry.held_on > today:
            raise InvalidValue("heldOn", f"heldOn {entry.held_on} is in the future")
        if entry.held_on.year < entry.year:
            raise InvalidValue("heldOn", f"heldOn {entry.held_on} is before the {entry.year} cycle")
        return cls._create(
            cls.Recorded,
            id=id,
            timestamp=at,
            employee_id=employee_id,
            supervisor_id=supervisor_id,
            unit_code=unit_code,
            year=entry.year,
            period=entry.period.value,
            held_on=entry.held_on,
            kind=entry.kind.value,
            notes=require_text("notes", entry.notes, max_length=4000),
            agreed_actions=_agreed_actions(entry.agreed_actions),
        )
