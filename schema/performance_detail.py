"""Evaluation detail: per-target ratings with evidence, behaviour notes, feedback, and the
dialogues of the period. Ratings are visible to whoever reads the evaluation; the free text
(evidence, notes, feedback) only to those schema.free_text allows, opened from the log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

from domain.evaluation import Evaluation
from domain.rating import CoreValue, Rating
from projections import performance_reads as reads
from projections.directory import EmployeeView
from projections.performance_reads import EvaluationView
from schema.context import Info
from schema.dialogues import PerformanceDialogueType, dialogues_of
from schema.enums import CoreValueEnum, RatingEnum
from schema.free_text import sees_free_text
from schema.loaders import loader, logged_event

if TYPE_CHECKING:
    _Assessing = Evaluation.Submitted | Evaluation.Corrected | Evaluation.ObjectionUpheld
_ASSESSING = (Evaluation.Submitted, Evaluation.Corrected, Evaluation.ObjectionUpheld)


@strawberry.type(name="TargetRating", description="The rating of one work target of the SKP.")
class TargetRatingType:
    target_index: int = strawberry.field(description="The target's index in the plan, from 0.")
    title: str = strawberry.field(description="The target's title as agreed in the plan.")
    rating: RatingEnum = strawberry.field(  # type: ignore[valid-type]
        description="How the realisation compares with the target."
    )
    evidence: list[str] | None = strawberry.field(
        description="Bukti dukung (links, document numbers); null without the right to read it."
    )


@strawberry.type(name="BehaviourNote", description="The note on one BerAKHLAK core value.")
class BehaviourNoteType:
    value: CoreValueEnum = strawberry.field(  # type: ignore[valid-type]
        description="The core value the note is about."
    )
    note: str | None = strawberry.field(description="Free text; null without the right.")


@strawberry.type(name="EvaluationDetail")
class EvaluationDetailFields:
    """The detail fields of Evaluation (composed into it in schema/performance.py)."""

    view: strawberry.Private[EvaluationView]

    @strawberry.field(description="Per-target ratings of the current assessment.")
    async def target_ratings(self, info: Info) -> list[TargetRatingType]:
        event, personal = await _assessment(info, self)
        return [
            TargetRatingType(
                target_index=int(r["target_index"]),
                title=str(r["title"]),
                rating=Rating(r["rating"]),
                evidence=[str(e) for e in r.get("evidence") or []] if personal else None,
            )
            for r in (event.target_ratings if event is not None else [])
        ]

    @strawberry.field(description="One note per BerAKHLAK core value (free text masked).")
    async def behaviour_notes(self, info: Info) -> list[BehaviourNoteType]:
        event, personal = await _assessment(info, self)
        notes: dict[str, str] = (event.behaviour_notes or {}) if event is not None else {}
        if event is None:
            return []
        return [
            BehaviourNoteType(value=v, note=notes.get(v.value) if personal else None)
            for v in CoreValue
        ]

    @strawberry.field(description="The evaluator's feedback; personal free text.")
    async def feedback(self, info: Info) -> str | None:
        event, personal = await _assessment(info, self)
        return event.feedback if event is not None and personal else None

    @strawberry.field(description="The performance dialogues of the evaluation's period.")
    async def dialogues(self, info: Info) -> list[PerformanceDialogueType]:
        subject = await _subject(info, self.view)
        if subject is None:
            return []
        found = await dialogues_of(info, subject, self.view.year, getattr(self, "as_of", None))
        return [d for d in found if d.view.period == self.view.period]


async def _subject(info: Info, view: EvaluationView) -> EmployeeView | None:
    found: EmployeeView | None = await info.context.loaders["employee"].load(view.employee_id)
    return found


async def _assessment(info: Info, owner: Any) -> tuple[_Assessing | None, bool]:
    """The event holding the current assessment, and whether its free text is readable."""
    view: EvaluationView = owner.view
    db = info.context.db_for(owner)

    async def load(ids: list[Any]) -> list[int | None]:
        found = await reads.assessment_positions(db, ids)
        return [found.get(i) for i in ids]

    position = await loader(info, "assessment_position", load, owner).load(view.id)
    event = await logged_event(info, position) if position is not None else None
    subject = await _subject(info, view)
    personal = subject is not None and sees_free_text(info, subject)
    return (event if isinstance(event, _ASSESSING) else None), personal
