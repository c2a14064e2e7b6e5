"""Programme impact: association, never causation.

Of the employees whose development need of one period of the year was closed by a completed
training before their next final evaluation, how many improved their predicate in that
evaluation, against those whose needs stayed open until then."""

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


def _pair(
    ordered: Sequence[FinalEvaluation], year: int, unit_code: str | None
) -> tuple[bool, FinalEvaluation, FinalEvaluation] | None:
    """(closed?, the evaluation whose need counts, the next final evaluation), if any."""
    candidates = [
        i
        for i, e in enumerate(ordered[:-1])
        if e.year == year and e.needs and unit_code in (None, e.unit_code)
    ]
    for i in candidates:
        if ordered[i].closed_before(ordered[i + 1].position):
            return True, ordered[i], ordered[i + 1]
    if not candidates:
        return None
    return False, ordered[candidates[0]], ordered[candidates[0] + 1]


def cohorts(
    employees: Iterable[Sequence[FinalEvaluation]], year: int, unit_code: str | None = None
) -> tuple[Cohort, Cohort]:
    """Each employee counts once. In the closed cohort by the first evaluation of the year whose
    need a training closed before the next final evaluation; otherwise in the open cohort by
    their first evaluation of the year that named needs. Improvement is judged in the next
    final evaluation; an employee without one is not counted (nothing to compare yet)."""
    closed = [0, 0]
    stayed = [0, 0]
    for evaluations in employees:
        found = _pair(sorted(evaluations, key=lambda e: (e.year, e.period_rank)), year, unit_code)
        if found is None:
            continue
        was_closed, need, following = found
        group = closed if was_closed else stayed
        group[0] += 1
        group[1] += 1 if _improved(need, following) else 0
    return Cohort(CLOSED_BY_TRAINING, *closed), Cohort(STAYED_OPEN, *stayed)


def change(values: Sequence[float | None]) -> float | None:
    """Last minus first of the values present, when there are at least two."""
    present = [v for v in values if v is not None]
    return present[-1] - present[0] if len(present) >= 2 else None
