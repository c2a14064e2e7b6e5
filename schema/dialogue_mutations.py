"""`recordPerformanceDialogue`: the evaluator records a dialogue with a current subordinate."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from domain.dialogue import DialogueEntry, DialogueKind
from domain.rating import Period
from projections import dialogues as reads
from schema.context import Info
from schema.descriptions import IDEMPOTENCY_KEY, INPUT, NIP, PERIOD, RESULT
from schema.dialogues import PerformanceDialogueType
from schema.enums import DialogueKindEnum, PeriodEnum
from schema.errors import MutationError
from schema.mutations import Committed, MutationSuccess, run_command
from service.handlers.answers import DialogueAnswer
from service.handlers.dialogues import RecordDialogue


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


async def _recorded(info: Info, outcome: Committed[DialogueAnswer]) -> PerformanceDialogueType:
    # Read where the committed events are, even before the views have applied them.
    view = await reads.dialogue_by_id(outcome.db, UUID(outcome.answer.dialogue_id))
    subject = await info.context.loaders["employee"].load(UUID(outcome.answer.employee_id))
    assert view is not None and subject is not None
    return PerformanceDialogueType.of(view, subject)
