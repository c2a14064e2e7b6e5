"""How training completions change development needs: a completion closes the open needs of its
competency area, and revoking it reopens the needs it had closed. The needs table belongs to the
performance view, which calls these with its table's name."""

from __future__ import annotations

from collections.abc import Mapping

from domain.training_completion import TrainingCompletion
from projections.engine import Changes, Fact, Row, RowRef

COMPLETION_EVENTS = (TrainingCompletion.Recorded, TrainingCompletion.Revoked)


def needs_met_refs(
    table: str, ev: TrainingCompletion.Recorded | TrainingCompletion.Revoked
) -> list[RowRef]:
    """The need rows (employee, area) the completion met, as the evaluation spelled the areas."""
    return [(table, (ev.employee_id, area)) for area in ev.development_needs_met]


def needs_met_changes(
    table: str,
    fact: Fact,
    ev: TrainingCompletion.Recorded | TrainingCompletion.Revoked,
    rows: Mapping[RowRef, Row | None],
) -> Changes:
    """Close the open needs a completion met; reopen those a revoked completion had closed."""
    changes: Changes = {}
    for ref in needs_met_refs(table, ev):
        current = rows.get(ref)
        if current is None:
            continue
        if isinstance(ev, TrainingCompletion.Recorded) and not current["closed"]:
            changes[ref] = dict(
                current, closed=True, closed_by=fact.stream_id, closed_at=fact.recorded_at
            )
        elif isinstance(ev, TrainingCompletion.Revoked) and current["closed_by"] == fact.stream_id:
            changes[ref] = dict(current, closed=False, closed_by=None, closed_at=None)
    return changes
