"""The programme-impact view: each employee's final evaluations with which of their development
needs a completed training closed (and when), and each unit's completions per year.

The needs follow the same rules as the performance view's open needs (a completion closes the
open need of its area; a revocation reopens what it closed), but keep every period's needs
instead of only the latest, so a need of an earlier period can be compared with what followed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from domain.evaluation import Evaluation
from domain.programme_impact import FinalEvaluation
from domain.rating import Period
from domain.training_completion import TrainingCompletion
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.sql import Reader

IMPACT_EMPLOYEES = Table(
    name="impact_employees",
    columns=(("employee_id", "uuid"), ("evaluations", "jsonb"), ("open_needs", "jsonb")),
    key=("employee_id",),
)
IMPACT_COMPLETIONS = Table(
    name="impact_completions",
    columns=(
        ("completion_id", "uuid"),
        ("unit_code", "text"),
        ("year", "integer"),
        ("revoked", "boolean"),
    ),
    key=("completion_id",),
    indexes=("(unit_code, year)",),
)
_RANK = {period.value: rank for rank, period in enumerate(Period, start=1)}
_FINAL = (Evaluation.Finalised, Evaluation.ObjectionUpheld)
_COMPLETION = (TrainingCompletion.Recorded, TrainingCompletion.Revoked)


class ProgrammeImpactProjection:
    """Final evaluations with their needs' closures per employee; completions per unit."""

    name = "programme_impact"
    tables: tuple[Table, ...] = (IMPACT_EMPLOYEES, IMPACT_COMPLETIONS)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (*_FINAL, *_COMPLETION)

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        ev = fact.event
        if isinstance(ev, _FINAL):
            return [(IMPACT_EMPLOYEES.name, (ev.employee_id,))]
        if isinstance(ev, _COMPLETION):
            refs: list[RowRef] = [(IMPACT_COMPLETIONS.name, (fact.stream_id,))]
            if ev.development_needs_met:
                refs.append((IMPACT_EMPLOYEES.name, (ev.employee_id,)))
            return refs
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if isinstance(ev, _FINAL):
            ref: RowRef = (IMPACT_EMPLOYEES.name, (ev.employee_id,))
            return {ref: _with_evaluation(_employee(rows.get(ref), ev.employee_id), fact, ev)}
        assert isinstance(ev, _COMPLETION)
        changes: Changes = {}
        completion: RowRef = (IMPACT_COMPLETIONS.name, (fact.stream_id,))
        if isinstance(ev, TrainingCompletion.Recorded):
            changes[completion] = {
                "completion_id": fact.stream_id,
                "unit_code": ev.unit_code,
                "year": ev.year,
                "revoked": False,
            }
        elif (current := rows.get(completion)) is not None:
            changes[completion] = dict(current, revoked=True)
        if ev.development_needs_met:
            ref = (IMPACT_EMPLOYEES.name, (ev.employee_id,))
            employee = _employee(rows.get(ref), ev.employee_id)
            changes[ref] = _with_closures(employee, fact, ev)
        return changes


def _employee(current: Row | None, employee_id: UUID) -> Row:
    if current is None:
        return {"employee_id": employee_id, "evaluations": {}, "open_needs": {}}
    return {
        "employee_id": employee_id,
        "evaluations": {
            k: dict(v, needs=dict(v["needs"])) for k, v in current["evaluations"].items()
        },
        "open_needs": dict(current["open_needs"]),
    }


def _with_evaluation(
    row: Row, fact: Fact, ev: Evaluation.Finalised | Evaluation.ObjectionUpheld
) -> Row:
    key = str(fact.stream_id)
    evaluations: dict[str, Any] = row["evaluations"]
    open_needs: dict[str, str] = row["open_needs"]
    entry = evaluations.get(key) or {"position": fact.position, "needs": {}}
    entry.update(year=ev.year, rank=_RANK[ev.period], unit=ev.unit_code, predicate=ev.predicate)
    previous = set(getattr(ev, "previous_development_needs", ()))
    needs: dict[str, Any] = entry["needs"]
    for area in dict.fromkeys([*previous, *ev.development_needs]):
        if area not in ev.development_needs:
            # A revision dropped the area: its need goes, unless a training already met it.
            if open_needs.get(area) == key and needs.get(area) is None:
                needs.pop(area, None)
                del open_needs[area]
            continue
        if area in previous and area in needs:
            continue
        needs[area] = None
        open_needs[area] = key
    evaluations[key] = entry
    return row


def _with_closures(
    row: Row, fact: Fact, ev: TrainingCompletion.Recorded | TrainingCompletion.Revoked
) -> Row:
    closer = {"by": str(fact.stream_id), "position": fact.position}
    for area in ev.development_needs_met:
        key = row["open_needs"].get(area)
        if key is None or key not in row["evaluations"]:
            continue
        needs = row["evaluations"][key]["needs"]
        if isinstance(ev, TrainingCompletion.Recorded) and needs.get(area) is None:
            needs[area] = closer
        elif isinstance(ev, TrainingCompletion.Revoked) and _closer(needs, area) == closer["by"]:
            needs[area] = None
    return row


def _closer(needs: Mapping[str, Any], area: str) -> str | None:
    closed = needs.get(area)
    return str(closed["by"]) if closed else None


def _final(entry: Mapping[str, Any]) -> FinalEvaluation:
    return FinalEvaluation(
        year=entry["year"],
        period_rank=entry["rank"],
        unit_code=entry["unit"],
        predicate=entry["predicate"],
        position=entry["position"],
        needs={a: (c["position"] if c else None) for a, c in entry["needs"].items()},
    )


async def evaluation_histories(
    db: Reader, year: int, unit_code: str | None = None
) -> list[list[FinalEvaluation]]:
    """The final evaluations of every employee with needs in the year (of the unit, if named)."""
    rows = await db.fetch(
        f"SELECT evaluations FROM {IMPACT_EMPLOYEES.name} WHERE EXISTS (SELECT 1 FROM"
        " jsonb_each(evaluations) e WHERE (e.value->>'year')::int = $1"
        " AND e.value->'needs' <> '{}'::jsonb"
        " AND ($2::text IS NULL OR e.value->>'unit' = $2))",
        year,
        unit_code,
    )
    return [[_final(e) for e in r["evaluations"].values()] for r in rows]


async def completions_by_unit(db: Reader, year: int) -> dict[str, int]:
    """Training completions of the year that still count, per unit at the time of completion."""
    rows = await db.fetch(
        f"SELECT unit_code, count(*) AS n FROM {IMPACT_COMPLETIONS.name}"
        " WHERE year = $1 AND NOT revoked GROUP BY unit_code",
        year,
    )
    return {r["unit_code"]: int(r["n"]) for r in rows}
