"""The unit's performance view: predicate distribution per period, completion, overrides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.evaluation import Evaluation
from domain.rating import Predicate
from domain.unit_year import UnitYear
from projections.directory import EMPLOYEES
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.sql import Reader

UNIT_PREDICATES = Table(
    name="performance_unit_predicates",
    columns=(
        ("unit_code", "text"),
        ("year", "integer"),
        ("period", "text"),
        ("employee_id", "uuid"),
        ("evaluation_id", "uuid"),
        ("predicate", "text"),
        ("flagged", "boolean"),
    ),
    key=("unit_code", "year", "period", "employee_id"),
)
UNIT_YEARS = Table(
    name="performance_unit_years",
    columns=(
        ("unit_code", "text"),
        ("year", "integer"),
        ("organization_predicate", "text"),
        ("overrides", "jsonb"),
        ("flagged", "integer"),
    ),
    key=("unit_code", "year"),
)
_FINAL_EVENTS = (Evaluation.Finalised, Evaluation.ObjectionUpheld)
_UNIT_YEAR_EVENTS = (
    UnitYear.OrganizationPredicateSet,
    UnitYear.DistributionOverrideRecorded,
    UnitYear.AnnualPredicateRecorded,
)


class UnitViewProjection:
    """Final predicates per unit and period, and each unit-year's bounds and overrides."""

    name = "unit_view"
    tables: tuple[Table, ...] = (UNIT_PREDICATES, UNIT_YEARS)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (*_FINAL_EVENTS, *_UNIT_YEAR_EVENTS)

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        ev = fact.event
        if isinstance(ev, _FINAL_EVENTS):
            return [(UNIT_PREDICATES.name, (ev.unit_code, ev.year, ev.period, ev.employee_id))]
        if isinstance(ev, _UNIT_YEAR_EVENTS):
            return [(UNIT_YEARS.name, (ev.unit_code, ev.year))]
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if isinstance(ev, _FINAL_EVENTS):
            key = (ev.unit_code, ev.year, ev.period, ev.employee_id)
            row = dict(zip(UNIT_PREDICATES.key, key, strict=True))
            row.update(
                evaluation_id=fact.stream_id,
                predicate=ev.predicate,
                flagged=ev.distribution_flagged,
            )
            return {(UNIT_PREDICATES.name, key): row}
        assert isinstance(ev, _UNIT_YEAR_EVENTS)
        ref: RowRef = (UNIT_YEARS.name, (ev.unit_code, ev.year))
        current = rows.get(ref) or {
            "unit_code": ev.unit_code,
            "year": ev.year,
            "organization_predicate": None,
            "overrides": [],
            "flagged": 0,
        }
        year = dict(current)
        if isinstance(ev, UnitYear.OrganizationPredicateSet):
            year["organization_predicate"] = ev.predicate
        elif isinstance(ev, UnitYear.DistributionOverrideRecorded):
            override = {
                "justification": ev.override_justification,
                "recorded_at": fact.recorded_at.isoformat(),
                "actor_role": fact.metadata.get("actor_role"),
                "position": fact.position,
            }
            year["overrides"] = [*year["overrides"], override]
        elif ev.flagged:
            year["flagged"] = year["flagged"] + 1
        return {ref: year}


@dataclass(frozen=True)
class Override:
    """A recorded distribution override."""

    justification: str
    recorded_at: str
    actor_role: str | None


@dataclass(frozen=True)
class UnitYearView:
    """A unit's year: its organisation predicate, overrides and how many results were flagged."""

    unit_code: str
    year: int
    organization_predicate: str | None
    overrides: list[Override]
    flagged: int


async def distribution(
    db: Reader, unit_code: str, year: int, period: str
) -> list[tuple[Predicate, int]]:
    """How many final evaluations of the unit and period have each predicate (best first)."""
    rows = await db.fetch(
        f"SELECT predicate, count(*) AS n FROM {UNIT_PREDICATES.name}"
        " WHERE unit_code = $1 AND year = $2 AND period = $3 GROUP BY predicate",
        unit_code,
        year,
        period,
    )
    counts = {r["predicate"]: r["n"] for r in rows}
    return [(p, int(counts.get(p.value, 0))) for p in Predicate]


async def completion(db: Reader, unit_code: str, year: int, period: str) -> tuple[int, int]:
    """(final evaluations of the unit's current employees, the unit's active employees)."""
    row = await db.fetchrow(
        f"SELECT count(*) AS active, count(p.employee_id) AS final FROM {EMPLOYEES.name} e"
        f" LEFT JOIN {UNIT_PREDICATES.name} p ON p.employee_id = e.id AND p.unit_code = $1"
        " AND p.year = $2 AND p.period = $3 WHERE e.unit_code = $1",
        unit_code,
        year,
        period,
    )
    return int(row["final"]), int(row["active"])


async def unit_year(db: Reader, unit_code: str, year: int) -> UnitYearView | None:
    """The unit's year as HR and inspectors see it, if anything was recorded for it."""
    row = await db.fetchrow(
        f"SELECT * FROM {UNIT_YEARS.name} WHERE unit_code = $1 AND year = $2", unit_code, year
    )
    if row is None:
        return None
    overrides: list[dict[str, Any]] = row["overrides"]
    return UnitYearView(
        unit_code=row["unit_code"],
        year=row["year"],
        organization_predicate=row["organization_predicate"],
        overrides=[
            Override(o["justification"], o["recorded_at"], o["actor_role"]) for o in overrides
        ],
        flagged=row["flagged"],
    )


async def active_employee_ids(db: Reader, unit_code: str) -> tuple[UUID, ...]:
    """The stream ids of the unit's employees now."""
    rows = await db.fetch(f"SELECT id FROM {EMPLOYEES.name} WHERE unit_code = $1", unit_code)
    return tuple(r["id"] for r in rows)
