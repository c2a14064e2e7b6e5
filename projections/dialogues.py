"""Performance dialogues per employee and period. The notes and agreed actions stay in the log,
sealed under the employee's key: readers open them from the event at `position`, so erasing the
person leaves no plaintext in a read table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.dialogue import PerformanceDialogue
from domain.rating import Period
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.sql import Reader

# More sessions than this in one year with one person are not listed (bounded answers).
MAX_DIALOGUES_A_YEAR = 200
_RANK = {period.value: rank for rank, period in enumerate(Period, start=1)}

DIALOGUES = Table(
    name="performance_dialogues",
    columns=(
        ("id", "uuid"),
        ("employee_id", "uuid"),
        ("supervisor_id", "uuid"),
        ("unit_code", "text"),
        ("year", "integer"),
        ("period", "text"),
        ("period_rank", "integer"),
        ("held_on", "date"),
        ("kind", "text"),
        ("position", "bigint"),
        ("recorded_at", "timestamptz"),
    ),
    key=("id",),
    indexes=("(employee_id, year, period_rank, held_on)",),
)


class DialogueProjection:
    """Every recorded dialogue, without its free text."""

    name = "dialogues"
    tables: tuple[Table, ...] = (DIALOGUES,)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (PerformanceDialogue.Recorded,)

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        if isinstance(fact.event, PerformanceDialogue.Recorded):
            return [(DIALOGUES.name, (fact.stream_id,))]
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if not isinstance(ev, PerformanceDialogue.Recorded):
            return {}
        row = {
            "id": fact.stream_id,
            "employee_id": ev.employee_id,
            "supervisor_id": ev.supervisor_id,
            "unit_code": ev.unit_code,
            "year": ev.year,
            "period": ev.period,
            "period_rank": _RANK[ev.period],
            "held_on": ev.held_on,
            "kind": ev.kind,
            "position": fact.position,
            "recorded_at": fact.recorded_at,
        }
        return {(DIALOGUES.name, (fact.stream_id,)): row}


@dataclass(frozen=True)
class DialogueView:
    """A dialogue as clients read it (its free text is opened from the log at `position`)."""

    id: UUID
    employee_id: UUID
    year: int
    period: str
    held_on: date
    kind: str
    position: int
    recorded_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DialogueView:
        return cls(**{f: row[f] for f in cls.__dataclass_fields__})


DialogueKey = tuple[UUID, int]


async def dialogues_of(
    db: Reader, keys: list[DialogueKey]
) -> dict[DialogueKey, list[DialogueView]]:
    """The dialogues of each (employee, year), by period then date."""
    rows = await db.fetch(
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY employee_id, year"
        f" ORDER BY period_rank, held_on, position) AS n FROM {DIALOGUES.name}"
        " WHERE (employee_id, year) IN (SELECT * FROM unnest($1::uuid[], $2::integer[])))"
        " AS d WHERE n <= $3 ORDER BY period_rank, held_on, position",
        [k[0] for k in keys],
        [k[1] for k in keys],
        MAX_DIALOGUES_A_YEAR,
    )
    found: dict[DialogueKey, list[DialogueView]] = {k: [] for k in keys}
    for row in rows:
        found[(row["employee_id"], row["year"])].append(DialogueView.from_row(row))
    return found


async def dialogue_by_id(db: Reader, dialogue_id: UUID) -> DialogueView | None:
    """The dialogue with this id, if recorded."""
    row = await db.fetchrow(f"SELECT * FROM {DIALOGUES.name} WHERE id = $1", dialogue_id)
    return DialogueView.from_row(row) if row else None
