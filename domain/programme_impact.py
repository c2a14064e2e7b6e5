"""Programme impact: association, never causation.

Of the employees whose development need of one period was closed by a completed training
before their next final evaluation, how many improved their predicate in that evaluation,
against those whose need stayed open until then."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.rating import Predicate

NOTE = (
    "Association, not causation: these figures show what happened alongside the programme, "
    "not what the programme caused. Other changes (staff, workload, systems, the survey's "
    "sample) move the same figures."
)
CLOSED_BY_TRAINING = "NEED_CLOSED_BY_TRAINING"
STAYED_OPEN = "NEED_STAYED_OPEN"


@dataclass(frozen=True)
class FinalEvaluation:
    """One final evaluation of an employee: when, the predicate, and its needs' closures."""

    year: int
    period_rank: int
    unit_code: str
    predicate: str
    position: int
    # area -> log position of the completion that closed it (None: still open)
    needs: Mapping[str, int | None]

    def closed_before(self, position: int) -> bool:
        """Whether a completed training closed one of its needs before that log position."""
        return any(p is not None and p < position for p in self.needs.values())


@dataclass(frozen=True)
class Cohort:
    """A group of employees and how many of them improved their predicate."""

    name: str
    employees: int
    improved: int


def _improved(before: FinalEvaluation, after: FinalEvaluation) -> bool:
    return Predicate(after.predicate).rank > Predicate(before.predicate).rank


def _first_with_needs(
    ordered: Sequence[FinalEvaluation], year: int, unit_code: str | None
) -> int | None:
    for i, e in enumerate(ordered):
        if e.year == year and e.needs and unit_code in (None, e.unit_code):
            return i
    return None


def cohorts(
    employees: Iterable[Sequence[FinalEvaluation]], year: int, unit_code: str | None = None
) -> tuple[Cohort, Cohort]:
    """Each employee counts once, by their first evaluation of the year that named needs.

    An employee without a later final evaluation is not counted (nothing to compare yet)."""
    closed = [0, 0]
    stayed = [0, 0]
    for evaluations in employees:
        ordered = sorted(evaluations, key=lambda e: (e.year, e.period_rank))
        first = _first_with_needs(ordered, year, unit_code)
        if first is None or first + 1 >= len(ordered):
            continue
        need, following = ordered[first], ordered[first + 1]
        group = closed if need.closed_before(following.position) else stayed
        group[0] += 1
        group[1] += 1 if _improved(need, following) else 0
    return Cohort(CLOSED_BY_TRAINING, *closed), Cohort(STAYED_OPEN, *stayed)


def change(values: Sequence[float | None]) -> float | None:
    """Last minus first of the values present, when there are at least two."""
    present = [v for v in values if v is not None]
    return present[-1] - present[0] if len(present) >= 2 else None
