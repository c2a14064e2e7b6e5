"""Performance dialogues (bimbingan): `recordPerformanceDialogue`, `Employee { dialogues(year) }`.

Kind, date and period are visible to whoever reads the employee; notes and agreed actions are
free text (schema.free_text says who reads them), opened from the sealed event in the log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from domain.dialogue import DialogueEntry, DialogueKind, PerformanceDialogue
from domain.rating import Period
from projections import dialogues as reads
from projections.dialogues import DialogueKey, DialogueView
from projections.directory import EmployeeView
from schema.context import Info
from schema.descriptions import IDEMPOTENCY_KEY, INPUT, NIP, PERIOD, RESULT, YEAR
from schema.enums import DialogueKindEnum, PeriodEnum
from schema.errors import MutationError
from schema.free_text import sees_free_text
from schema.loaders import loader, logged_event
from schema.mutations import Committed, MutationSuccess, run_command
from schema.node import Node
from schema.training_ledger import check_year
from service.handlers.dialogues import RecordDialogue


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


@strawberry.input(description="One dialogue of the evaluator with a current subordinate.")
class RecordPerformanceDialogueInput:
    nip: str = strawberry.field(description=NIP)
    year: int = strawberry.field(description="The cycle's calendar year it belongs to.")
    period: PeriodEnum = strawberry.field(description=PERIOD)  # type: ignore[valid-type]
    held_on: date = strawberry.field(description="The date the session took place.")
    kind: DialogueKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Feedback, coaching, mentoring or counselling."
    )
    notes: str = strawberry.field(description="What was discussed; personal free text (sealed).")
    agreed_actions: list[str] | None = strawberry.field(
        default=None, description="What the employee and supervisor agreed to do; free text."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The dialogue was recorded.")
class RecordPerformanceDialogueSuccess(MutationSuccess):
    dialogue: PerformanceDialogueType = strawberry.field(description="The recorded dialogue.")


RecordPerformanceDialogueResult = Annotated[
    RecordPerformanceDialogueSuccess | MutationError,
    strawberry.union("RecordPerformanceDialogueResult", description=RESULT),
]


@strawberry.type
class DialogueMutation:
    @strawberry.mutation(description="Record a dialogue with a current subordinate (EVALUATOR).")
    async def record_performance_dialogue(
        self,
        info: Info,
        input: Annotated[RecordPerformanceDialogueInput, strawberry.argument(description=INPUT)],
    ) -> RecordPerformanceDialogueResult:
        command = RecordDialogue(
            nip=input.nip,
            entry=DialogueEntry(
                year=input.year,
                period=Period(input.period),
                held_on=input.held_on,
                kind=DialogueKind(input.kind),
                notes=input.notes,
                agreed_actions=tuple(input.agreed_actions or ()),
            ),
        )
        handlers = info.context.services.dialogues
        outcome = await run_command(
            info, lambda c: handlers.record_dialogue(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        return RecordPerformanceDialogueSuccess(
            dialogue=await _recorded(info, outcome), **outcome.receipt
        )


async def _recorded(info: Info, outcome: Committed) -> PerformanceDialogueType:
    # Read where the committed events are, even before the views have applied them.
    view = await reads.dialogue_by_id(outcome.db, UUID(outcome.result["dialogue_id"]))
    subject = await info.context.loaders["employee"].load(UUID(outcome.result["employee_id"]))
    assert view is not None and subject is not None
    return PerformanceDialogueType.of(view, subject)
