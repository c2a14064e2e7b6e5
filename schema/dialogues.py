"""Performance dialogues (bimbingan): the dialogue type and `Employee { dialogues(year) }`.

Kind, date and period are visible to whoever reads the employee; notes and agreed actions are
free text (schema.free_text says who reads them), opened from the sealed event in the log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from domain.dialogue import DialogueKind, PerformanceDialogue
from domain.rating import Period
from projections import dialogues as reads
from projections.dialogues import DialogueKey, DialogueView
from projections.directory import EmployeeView
from schema.context import Info
from schema.descriptions import YEAR
from schema.enums import DialogueKindEnum, PeriodEnum
from schema.free_text import sees_free_text
from schema.loaders import loader, logged_event
from schema.node import Node
from schema.training_ledger import check_year


@strawberry.type(
    name="PerformanceDialogue", description="A session of a supervisor with a subordinate."
)
class PerformanceDialogueType(Node):
    view: strawberry.Private[DialogueView]
    subject: strawberry.Private[EmployeeView]
    year: int = strawberry.field(description="The cycle's calendar year it belongs to.")
    period: PeriodEnum = strawberry.field(  # type: ignore[valid-type]
        description="The period it belongs to; it also shows on that evaluation."
    )
    held_on: date = strawberry.field(description="The date the session took place.")
    kind: DialogueKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Feedback, coaching, mentoring or counselling."
    )
    recorded_at: datetime = strawberry.field(description="When it was recorded in the log (UTC).")

    @classmethod
    def of(cls, view: DialogueView, subject: EmployeeView) -> PerformanceDialogueType:
        """The dialogue of this view, about this employee."""
        return cls(
            view=view,
            subject=subject,
            year=view.year,
            period=Period(view.period),
            held_on=view.held_on,
            kind=DialogueKind(view.kind),
            recorded_at=view.recorded_at,
        )

    @strawberry.field(description="The dialogue's id (UUID).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(description="Personal free text: the person, their supervisor, HR, AUDITOR.")
    async def notes(self, info: Info) -> str | None:
        event = await self._event(info)
        return event.notes if event is not None else None

    @strawberry.field(description="Personal free text, as `notes`; empty when not readable.")
    async def agreed_actions(self, info: Info) -> list[str]:
        event = await self._event(info)
        return list(event.agreed_actions or []) if event is not None else []

    async def _event(self, info: Info) -> PerformanceDialogue.Recorded | None:
        """The recorded event, opened, if the caller may read the free text."""
        if not sees_free_text(info, self.subject):
            return None
        event = await logged_event(info, self.view.position)
        return event if isinstance(event, PerformanceDialogue.Recorded) else None


async def dialogues_of(
    info: Info, subject: EmployeeView, year: int, owner: object = None
) -> list[PerformanceDialogueType]:
    """The employee's dialogues of a year (as of `owner`'s replay, if any)."""
    db = info.context.db_for(owner)

    async def load(keys: list[DialogueKey]) -> list[list[DialogueView]]:
        found = await reads.dialogues_of(db, keys)
        return [found[k] for k in keys]

    views = await loader(info, "dialogues", load, owner).load((subject.id, check_year(year)))
    return [PerformanceDialogueType.of(v, subject) for v in views]


@strawberry.type(name="EmployeeDialogues")
class EmployeeDialogueFields:
    """The dialogue field of Employee (composed into it in schema/links.py)."""

    view: strawberry.Private[EmployeeView]

    @strawberry.field(
        description="Performance dialogues (bimbingan) of a year, by period and date."
    )
    async def dialogues(
        self, info: Info, year: Annotated[int, strawberry.argument(description=YEAR)]
    ) -> list[PerformanceDialogueType]:
        return await dialogues_of(info, self.view, year, self)
