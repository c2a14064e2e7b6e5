"""The performance view of each employee: cycles, plans, evaluations with their history, the
current predicate, potential and talent box, and open development needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.cycle import PerformanceCycle
from domain.evaluation import Evaluation, EvaluationStatus
from domain.plan import PerformancePlan
from domain.potential import PotentialAssessment
from domain.rating import Period
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.needs_met import COMPLETION_EVENTS, needs_met_changes, needs_met_refs
from projections.performance_standings import PERIOD_RANK, with_potential, with_predicate

CYCLES = Table(
    name="performance_cycles",
    columns=(("year", "integer"), ("status", "text"), ("position", "bigint")),
    key=("year",),
)
PLANS = Table(
    name="performance_plans",
    columns=(
        ("id", "uuid"),
        ("employee_id", "uuid"),
        ("unit_code", "text"),
        ("year", "integer"),
        ("targets", "jsonb"),
        ("version", "integer"),
        ("agreed_at", "timestamptz"),
    ),
    key=("id",),
    indexes=("(employee_id, year)",),
)
EVALUATIONS = Table(
    name="performance_evaluations",
    columns=(
        ("id", "uuid"),
        ("employee_id", "uuid"),
        ("unit_code", "text"),
        ("year", "integer"),
        ("period", "text"),
        ("period_rank", "integer"),
        ("status", "text"),
        ("predicate", "text"),
        ("previous_predicate", "text"),
        ("suggested_results_rating", "text"),
        ("results_rating", "text"),
        ("behaviour_rating", "text"),
        ("development_needs", "jsonb"),
        ("distribution_rule_version", "integer"),
        ("distribution_flagged", "boolean"),
        ("override_justification", "text"),
        ("finalised_on", "date"),
        ("version", "integer"),
        ("updated_at", "timestamptz"),
    ),
    key=("id",),
    indexes=("(employee_id, year, period_rank)",),
)
HISTORY = Table(
    name="performance_evaluation_history",
    columns=(
        ("evaluation_id", "uuid"),
        ("position", "bigint"),
        ("event_type", "text"),
        ("recorded_at", "timestamptz"),
        ("actor_role", "text"),
        ("status", "text"),
        ("predicate", "text"),
        ("reason", "text"),
    ),
    key=("evaluation_id", "position"),
)
STANDINGS = Table(
    name="performance_employees",
    columns=(
        ("employee_id", "uuid"),
        ("current_evaluation_id", "uuid"),
        ("current_year", "integer"),
        ("current_period_rank", "integer"),
        ("current_predicate", "text"),
        ("potential_year", "integer"),
        ("potential_level", "text"),
        ("talent_box", "integer"),
    ),
    key=("employee_id",),
    indexes=("(current_predicate, employee_id)",),
)
# Open development needs, one row per employee and competency area. Training completions in the
# area may close a row (closed, closed_by, closed_at); a fold of the training context owns that.
NEEDS = Table(
    name="performance_development_needs",
    columns=(
        ("employee_id", "uuid"),
        ("area", "text"),
        ("evaluation_id", "uuid"),
        ("year", "integer"),
        ("period", "text"),
        ("opened_at", "timestamptz"),
        ("closed", "boolean"),
        ("closed_by", "uuid"),
        ("closed_at", "timestamptz"),
    ),
    key=("employee_id", "area"),
)

_STATUS_AFTER: dict[type, EvaluationStatus] = {
    Evaluation.Submitted: EvaluationStatus.SUBMITTED,
    Evaluation.Corrected: EvaluationStatus.SUBMITTED,
    Evaluation.Finalised: EvaluationStatus.FINAL,
    Evaluation.ObjectionFiled: EvaluationStatus.OBJECTED,
    Evaluation.ObjectionUpheld: EvaluationStatus.REVISED,
    Evaluation.ObjectionRejected: EvaluationStatus.OBJECTION_REJECTED,
}
_EVALUATION_EVENTS = tuple(_STATUS_AFTER)
_FINAL_EVENTS = (Evaluation.Finalised, Evaluation.ObjectionUpheld)
_POTENTIAL_EVENTS = (PotentialAssessment.Recorded, PotentialAssessment.Reassessed)


class PerformanceProjection:
    """Cycles, plans, evaluations, employee standings and development needs."""

    name = "performance"
    tables: tuple[Table, ...] = (CYCLES, PLANS, EVALUATIONS, HISTORY, STANDINGS, NEEDS)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (
        PerformanceCycle.Opened,
        PerformanceCycle.Closed,
        PerformancePlan.Agreed,
        PerformancePlan.Reagreed,
        *_POTENTIAL_EVENTS,
        *COMPLETION_EVENTS,
        *_EVALUATION_EVENTS,
    )

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        ev = fact.event
        if isinstance(ev, PerformanceCycle.Opened | PerformanceCycle.Closed):
            return [(CYCLES.name, (ev.year,))]
        if isinstance(ev, PerformancePlan.Agreed | PerformancePlan.Reagreed):
            return [(PLANS.name, (fact.stream_id,))]
        if isinstance(ev, _POTENTIAL_EVENTS):
            return [(STANDINGS.name, (ev.employee_id,))]
        if isinstance(ev, COMPLETION_EVENTS):
            return needs_met_refs(NEEDS.name, ev)
        if not isinstance(ev, _EVALUATION_EVENTS):
            return []
        refs: list[RowRef] = [
            (EVALUATIONS.name, (fact.stream_id,)),
            (HISTORY.name, (fact.stream_id, fact.position)),
        ]
        if isinstance(ev, _FINAL_EVENTS):
            refs.append((STANDINGS.name, (ev.employee_id,)))
            refs.extend((NEEDS.name, (ev.employee_id, area)) for area in _areas(ev))
        return refs

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if isinstance(ev, PerformanceCycle.Opened | PerformanceCycle.Closed):
            status = "OPEN" if isinstance(ev, PerformanceCycle.Opened) else "CLOSED"
            row = {"year": ev.year, "status": status, "position": fact.position}
            return {(CYCLES.name, (ev.year,)): row}
        if isinstance(ev, PerformancePlan.Agreed | PerformancePlan.Reagreed):
            return {(PLANS.name, (fact.stream_id,)): _plan_row(fact, ev)}
        if isinstance(ev, _POTENTIAL_EVENTS):
            ref: RowRef = (STANDINGS.name, (ev.employee_id,))
            return {ref: with_potential(rows.get(ref), ev)}
        if isinstance(ev, COMPLETION_EVENTS):
            return needs_met_changes(NEEDS.name, fact, ev, rows)
        return _fold_evaluation(fact, rows)


def _areas(ev: Evaluation.Finalised | Evaluation.ObjectionUpheld) -> list[str]:
    if isinstance(ev, Evaluation.ObjectionUpheld):
        return list(dict.fromkeys([*ev.previous_development_needs, *ev.development_needs]))
    return list(ev.development_needs)


def _plan_row(fact: Fact, ev: PerformancePlan.Agreed | PerformancePlan.Reagreed) -> Row:
    return {
        "id": fact.stream_id,
        "employee_id": ev.employee_id,
        "unit_code": ev.unit_code,
        "year": ev.year,
        "targets": list(ev.targets),
        "version": fact.stream_version,
        "agreed_at": fact.recorded_at,
    }


def _fold_evaluation(fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
    ev = fact.event
    assert isinstance(ev, _EVALUATION_EVENTS)
    ref: RowRef = (EVALUATIONS.name, (fact.stream_id,))
    row = _evaluation_row(fact, ev, rows.get(ref))
    changes: Changes = {
        ref: row,
        (HISTORY.name, (fact.stream_id, fact.position)): {
            "evaluation_id": fact.stream_id,
            "position": fact.position,
            "event_type": type(ev).__name__,
            "recorded_at": fact.recorded_at,
            "actor_role": fact.metadata.get("actor_role"),
            "status": row["status"],
            "predicate": row["predicate"],
            # The objection's own text is the employee's personal data: it stays in the log.
            "reason": getattr(ev, "reason", None),
        },
    }
    if isinstance(ev, _FINAL_EVENTS):
        standing: RowRef = (STANDINGS.name, (ev.employee_id,))
        changes[standing] = with_predicate(rows.get(standing), fact, ev)
        changes.update(_needs(fact, ev, rows))
    return changes


def _evaluation_row(fact: Fact, ev: Any, current: Row | None) -> Row:
    row: Row = dict(current) if current else {"id": fact.stream_id, "predicate": None}
    row.update(
        employee_id=ev.employee_id,
        unit_code=ev.unit_code,
        year=ev.year,
        period=ev.period,
        period_rank=PERIOD_RANK[Period(ev.period)],
        status=_STATUS_AFTER[type(ev)].value,
        version=fact.stream_version,
        updated_at=fact.recorded_at,
    )
    if isinstance(ev, Evaluation.Submitted):
        row.update(previous_predicate=None, finalised_on=None)
    for name in ("suggested_results_rating", "results_rating", "behaviour_rating", "predicate"):
        if hasattr(ev, name):
            row[name] = getattr(ev, name)
    if hasattr(ev, "development_needs"):
        row["development_needs"] = list(ev.development_needs)
    if isinstance(ev, (*_FINAL_EVENTS, Evaluation.Submitted)):
        row["distribution_rule_version"] = getattr(ev, "distribution_rule_version", None)
        row["distribution_flagged"] = getattr(ev, "distribution_flagged", False)
        row["override_justification"] = getattr(ev, "override_justification", None)
    if isinstance(ev, Evaluation.Finalised):
        row["finalised_on"] = ev.finalised_on
    if isinstance(ev, Evaluation.ObjectionUpheld):
        row["previous_predicate"] = ev.previous_predicate
    return row


def _needs(
    fact: Fact,
    ev: Evaluation.Finalised | Evaluation.ObjectionUpheld,
    rows: Mapping[RowRef, Row | None],
) -> Changes:
    previous = set(getattr(ev, "previous_development_needs", ()))
    changes: Changes = {}
    for area in _areas(ev):
        ref: RowRef = (NEEDS.name, (ev.employee_id, area))
        current = rows.get(ref)
        if area not in ev.development_needs:
            # A revision dropped the area: withdraw the need it had opened, unless already met.
            if current and current["evaluation_id"] == fact.stream_id and not current["closed"]:
                changes[ref] = None
            continue
        if area in previous and current is not None:
            continue
        changes[ref] = {
            "employee_id": ev.employee_id,
            "area": area,
            "evaluation_id": fact.stream_id,
            "year": ev.year,
            "period": ev.period,
            "opened_at": fact.recorded_at,
            "closed": False,
            "closed_by": None,
            "closed_at": None,
        }
    return changes
