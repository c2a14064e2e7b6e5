"""Read queries of the performance view (tables in projections/performance.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from projections import directory
from projections.directory import EMPLOYEES, EmployeeView
from projections.performance import (
    CYCLES,
    EVALUATIONS,
    HISTORY,
    NEEDS,
    PLANS,
    STANDINGS,
)
from projections.sql import Reader


@dataclass(frozen=True)
class EvaluationView:
    """An evaluation as clients read it (no notes or feedback: those stay in the log)."""

    id: UUID
    employee_id: UUID
    unit_code: str
    year: int
    period: str
    status: str
    predicate: str | None
    previous_predicate: str | None
    suggested_results_rating: str
    results_rating: str
    behaviour_rating: str
    development_needs: list[str]
    distribution_rule_version: int | None
    distribution_flagged: bool
    override_justification: str | None
    finalised_on: date | None
    version: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EvaluationView:
        """The view of one table row."""
        return cls(**{f: row[f] for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class EvaluationStep:
    """One event in an evaluation's history."""

    position: int
    event_type: str
    recorded_at: datetime
    actor_role: str | None
    status: str
    predicate: str | None
    reason: str | None


@dataclass(frozen=True)
class Standing:
    """An employee's current predicate, potential and talent box."""

    current_predicate: str | None
    potential_level: str | None
    talent_box: int | None


@dataclass(frozen=True)
class PlanView:
    """An agreed performance plan (SKP)."""

    id: UUID
    employee_id: UUID
    year: int
    targets: list[dict[str, Any]]
    version: int


async def evaluations_of(db: Reader, employee_ids: list[UUID]) -> dict[UUID, list[EvaluationView]]:
    """Each employee's evaluations, by year and period."""
    rows = await db.fetch(
        f"SELECT * FROM {EVALUATIONS.name} WHERE employee_id = ANY($1::uuid[])"
        " ORDER BY year, period_rank",
        employee_ids,
    )
    found: dict[UUID, list[EvaluationView]] = {i: [] for i in employee_ids}
    for row in rows:
        found[row["employee_id"]].append(EvaluationView.from_row(row))
    return found


async def evaluation_by_id(db: Reader, evaluation_id: UUID) -> EvaluationView | None:
    """One evaluation, if it exists."""
    row = await db.fetchrow(f"SELECT * FROM {EVALUATIONS.name} WHERE id = $1", evaluation_id)
    return EvaluationView.from_row(row) if row else None


async def history(db: Reader, evaluation_id: UUID) -> list[EvaluationStep]:
    """The events of one evaluation in log order."""
    rows = await db.fetch(
        f"SELECT * FROM {HISTORY.name} WHERE evaluation_id = $1 ORDER BY position",
        evaluation_id,
    )
    return [EvaluationStep(**{k: r[k] for k in EvaluationStep.__dataclass_fields__}) for r in rows]


async def standings(db: Reader, employee_ids: list[UUID]) -> dict[UUID, Standing]:
    """Current predicate, potential and talent box per employee (absent: nothing recorded)."""
    rows = await db.fetch(
        f"SELECT * FROM {STANDINGS.name} WHERE employee_id = ANY($1::uuid[])", employee_ids
    )
    return {
        r["employee_id"]: Standing(r["current_predicate"], r["potential_level"], r["talent_box"])
        for r in rows
    }


async def open_needs(db: Reader, employee_ids: list[UUID]) -> dict[UUID, list[str]]:
    """Each employee's open development needs (competency areas), by area."""
    rows = await db.fetch(
        f"SELECT employee_id, area FROM {NEEDS.name} WHERE employee_id = ANY($1::uuid[])"
        " AND NOT closed ORDER BY area",
        employee_ids,
    )
    found: dict[UUID, list[str]] = {i: [] for i in employee_ids}
    for row in rows:
        found[row["employee_id"]].append(row["area"])
    return found


async def cycle_status(db: Reader, year: int) -> str | None:
    """OPEN or CLOSED, or None when the year's cycle was never opened."""
    status: str | None = await db.fetchval(
        f"SELECT status FROM {CYCLES.name} WHERE year = $1", year
    )
    return status


async def plan_by_id(db: Reader, plan_id: UUID) -> PlanView | None:
    """One agreed plan, if it exists."""
    row = await db.fetchrow(f"SELECT * FROM {PLANS.name} WHERE id = $1", plan_id)
    if row is None:
        return None
    return PlanView(row["id"], row["employee_id"], row["year"], row["targets"], row["version"])


async def employees_with_predicate(
    db: Reader,
    *,
    predicate: str,
    unit_code: str | None,
    after: UUID | None,
    limit: int,
    before: UUID | None = None,
    backward: bool = False,
) -> list[EmployeeView]:
    """A page of employees whose current predicate is this one, in id order (keyset), between
    `after` and `before`; `backward` takes the last `limit` of them."""
    rows = await db.fetch(
        f"SELECT e.* FROM {EMPLOYEES.name} e JOIN {STANDINGS.name} s ON s.employee_id = e.id"
        " WHERE s.current_predicate = $1 AND ($2::text IS NULL OR e.unit_code = $2)"
        " AND ($3::uuid IS NULL OR e.id > $3) AND ($5::uuid IS NULL OR e.id < $5)"
        f" ORDER BY e.id {'DESC' if backward else 'ASC'} LIMIT $4",
        predicate,
        unit_code,
        after,
        limit,
        before,
    )
    views = [EmployeeView.from_row(r) for r in rows]
    return views[::-1] if backward else views


@dataclass(frozen=True)
class EmployeeFilter:
    """Which employees a list holds: of one current predicate, of one unit (None: any)."""

    predicate: str | None = None
    unit_code: str | None = None


async def employees_page(
    db: Reader,
    *,
    predicate: str | None,
    unit_code: str | None,
    after: UUID | None,
    limit: int,
    before: UUID | None = None,
    backward: bool = False,
) -> list[EmployeeView]:
    """A page of employees in id order, optionally of one unit and one current predicate."""
    if predicate is None:
        return await directory.employees_page(
            db, unit_code=unit_code, after=after, limit=limit, before=before, backward=backward
        )
    return await employees_with_predicate(
        db,
        predicate=predicate,
        unit_code=unit_code,
        after=after,
        limit=limit,
        before=before,
        backward=backward,
    )


async def count_employees(db: Reader, *, predicate: str | None, unit_code: str | None) -> int:
    """How many employees a page of `employees_page` is drawn from (one count query)."""
    if predicate is None:
        return await directory.count_employees(db, unit_code=unit_code)
    value = await db.fetchval(
        f"SELECT count(*) FROM {EMPLOYEES.name} e JOIN {STANDINGS.name} s ON s.employee_id = e.id"
        " WHERE s.current_predicate = $1 AND ($2::text IS NULL OR e.unit_code = $2)",
        predicate,
        unit_code,
    )
    return int(value)


# The events that carry an evaluation's assessment (ratings, notes, feedback); the latest counts.
ASSESSMENT_EVENTS = ("Submitted", "Corrected", "ObjectionUpheld")


async def assessment_positions(db: Reader, evaluation_ids: list[UUID]) -> dict[UUID, int]:
    """The log position of each evaluation's current assessment (its latest assessing event)."""
    rows = await db.fetch(
        f"SELECT evaluation_id, max(position) AS position FROM {HISTORY.name}"
        " WHERE evaluation_id = ANY($1::uuid[]) AND event_type = ANY($2::text[])"
        " GROUP BY evaluation_id",
        evaluation_ids,
        list(ASSESSMENT_EVENTS),
    )
    return {r["evaluation_id"]: r["position"] for r in rows}
