"""Erasure over GraphQL: `eraseSubject` (ADMIN)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Info
from schema.errors import MutationError
from schema.mutations import Committed, MutationSuccess, run_command


@strawberry.input
class EraseSubjectInput:
    nip: str
    reason: str
    idempotency_key: str | None = None


@strawberry.type(description="The person's key is destroyed; their events remain, unreadable.")
class EraseSubjectSuccess(MutationSuccess):
    erased: bool
    position: int


EraseSubjectResult = Annotated[
    EraseSubjectSuccess | MutationError, strawberry.union("EraseSubjectResult")
]


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(description="Erase a person's personal data by destroying their key.")
    async def erase_subject(self, info: Info, input: EraseSubjectInput) -> EraseSubjectResult:
        handlers = info.context.services.privacy
        outcome = await run_command(
            info,
            lambda c: handlers.erase_subject(c, input.nip, input.reason),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        return EraseSubjectSuccess(erased=True, **outcome.receipt)
