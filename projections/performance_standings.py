"""An employee's standing in the performance view: the predicate of their latest evaluated
period, their latest potential, and the talent box the two place them in."""

from __future__ import annotations

from typing import Any

from domain.evaluation import Evaluation
from domain.potential import PotentialAssessment
from domain.rating import Period, PotentialLevel, Predicate, talent_box
from projections.engine import Fact, Row

PERIOD_RANK = {period: rank for rank, period in enumerate(Period, start=1)}


def _with_talent_box(row: Row) -> Row:
    predicate, level = row["current_predicate"], row["potential_level"]
    box = None
    if predicate is not None and level is not None:
        box = talent_box(Predicate(predicate), PotentialLevel(level))
    return dict(row, talent_box=box)


def _standing(current: Row | None, employee_id: Any) -> Row:
    if current is not None:
        return dict(current)
    return {
        "employee_id": employee_id,
        "current_evaluation_id": None,
        "current_year": None,
        "current_period_rank": None,
        "current_predicate": None,
        "potential_year": None,
        "potential_level": None,
        "talent_box": None,
    }


def with_potential(
    current: Row | None, ev: PotentialAssessment.Recorded | PotentialAssessment.Reassessed
) -> Row:
    """The standing with the potential of the latest year assessed (a reassessment replaces)."""
    row = _standing(current, ev.employee_id)
    if row["potential_year"] is None or ev.year >= row["potential_year"]:
        row.update(potential_year=ev.year, potential_level=ev.level)
    return _with_talent_box(row)


def with_predicate(
    current: Row | None, fact: Fact, ev: Evaluation.Finalised | Evaluation.ObjectionUpheld
) -> Row:
    """The standing with the predicate of a final or revised evaluation, if of the latest period."""
    row = _standing(current, ev.employee_id)
    rank = PERIOD_RANK[Period(ev.period)]
    # The current predicate is the one of the latest period; a revision of it replaces it.
    if row["current_year"] is None or (ev.year, rank) >= (
        row["current_year"],
        row["current_period_rank"],
    ):
        row.update(
            current_evaluation_id=fact.stream_id,
            current_year=ev.year,
            current_period_rank=rank,
            current_predicate=ev.predicate,
        )
    return _with_talent_box(row)
