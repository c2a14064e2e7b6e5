"""The one way a mutation runs: parse done by the resolver, then handler, then read-your-writes.

A mutation whose events committed always answers its success: when the views have not
included its position within the wait, the success says so (`viewsCurrent: false`) and the
object is read from the unapplied events folded over the live rows (schema.pending).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import strawberry

from projections.sql import Reader
from schema.context import Context, Info
from schema.errors import EXPECTED_ERRORS, MutationError, NotAuthorized, error_result
from schema.pending import reader_at
from service.handlers.envelope import CommandContext, Done
from service.log.records import AppendResult

log = logging.getLogger("kinerja.mutations")
R = TypeVar("R")
S = TypeVar("S")


@strawberry.interface(description="What every mutation's success carries: where its events are.")
class MutationSuccess:
    position: int = strawberry.field(
        description="The log position of the last event appended (committed, durable)."
    )
    views_current: bool = strawberry.field(
        description="True when the read views include `position`. False: the events are"
        " committed but the views have not applied them yet (the object is built from the"
        " committed events); reads sent with `X-Kinerja-Min-Position` wait for them."
    )


@dataclass(frozen=True)
class Committed(AppendResult, Generic[R]):
    """An append that committed, whether the views include it, where to read its object, and
    the command's typed answer (the ids the object is read by)."""

    views_current: bool = True
    db: Reader = field(default=None, repr=False)  # type: ignore[assignment]
    answer: R = field(default=None)  # type: ignore[assignment]

    @property
    def receipt(self) -> dict[str, Any]:
        """The fields every `...Success` takes from the append (see MutationSuccess)."""
        return {"position": self.position, "views_current": self.views_current}


# How a mutation finds its object: the `...Success` fields, read where the outcome says.
Read = Callable[["Committed[R]"], Awaitable[dict[str, Any]]]


async def mutate(
    info: Info,
    call: Callable[[CommandContext], Awaitable[Done[R]]],
    idempotency_key: str | None,
    success: Callable[..., S],
    read: Read[R],
) -> S | MutationError:
    """The one path from a command to its `...Success` (the object `read` finds where the
    outcome says, and the receipt) or to its error type."""
    outcome: Committed[R] | MutationError = await run_command(info, call, idempotency_key)
    if not isinstance(outcome, Committed):
        return outcome
    return success(**await read(outcome), **outcome.receipt)


async def run_command(
    info: Info,
    call: Callable[[CommandContext], Awaitable[AppendResult]],
    idempotency_key: str | None = None,
) -> Committed[Any] | MutationError:
    """Run one handler for the caller; map expected failures to error types."""
    context = info.context
    if context.principal is None:
        return NotAuthorized(message=context.auth_error or "authentication required")
    try:
        result = await call(context.command(idempotency_key))
    except EXPECTED_ERRORS as error:
        return error_result(error)
    return await _committed(context, result)


async def _committed(context: Context, result: AppendResult) -> Committed[Any]:
    """Wait (bounded) for the views; past the wait, answer from the committed events."""
    services = context.services
    answer = result.answer if isinstance(result, Done) else None
    try:
        await services.wait_for_views(result.position, services.settings.views_wait)
    except Exception as error:
        # Committed is committed: a late or failing projector must not turn it into an error.
        log.warning("views not at %s after the mutation: %s", result.position, error)
        db = await reader_at(services, result.position)
        return Committed(result.position, result.result, result.replayed, False, db, answer)
    return Committed(result.position, result.result, result.replayed, True, services.pool, answer)
