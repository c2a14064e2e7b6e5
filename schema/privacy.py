"""Erasure over GraphQL: `eraseSubject` (ADMIN)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Info
from schema.descriptions import IDEMPOTENCY_KEY, INPUT, RESULT
from schema.errors import MutationError
from schema.mutations import Committed, MutationSuccess, run_command


@strawberry.input(description="Erase one person's personal data (ADMIN; UU 27/2022).")
class EraseSubjectInput:
    nip: str = strawberry.field(description="The NIP of the registered employee to erase.")
    reason: str = strawberry.field(description="Why (the request or legal ground); at most 500.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The person's key is destroyed; their events remain, unreadable.")
class EraseSubjectSuccess(MutationSuccess):
    erased: bool = strawberry.field(
        description="Always true: names, NIP and free text of the person now read as null."
    )


EraseSubjectResult = Annotated[
    EraseSubjectSuccess | MutationError, strawberry.union("EraseSubjectResult", description=RESULT)
]


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(description="Erase a person's personal data by destroying their key.")
    async def erase_subject(
        self,
        info: Info,
        input: Annotated[EraseSubjectInput, strawberry.argument(description=INPUT)],
    ) -> EraseSubjectResult:
        handlers = info.context.services.privacy
        outcome = await run_command(
            info,
            lambda c: handlers.erase_subject(c, input.nip, input.reason),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        return EraseSubjectSuccess(erased=True, **outcome.receipt)
