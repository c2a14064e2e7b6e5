"""The one way a mutation runs: parse done by the resolver, then handler, then read-your-writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from schema.context import Info
from schema.errors import EXPECTED_ERRORS, MutationError, NotAuthorized, error_result
from service.commands import CommandContext
from service.records import AppendResult


async def run_command(
    info: Info,
    call: Callable[[CommandContext], Awaitable[AppendResult]],
    idempotency_key: str | None = None,
) -> AppendResult | MutationError:
    """Run one handler for the caller; map expected failures to error types."""
    context = info.context
    if context.principal is None:
        return NotAuthorized(message=context.auth_error or "authentication required")
    try:
        result = await call(context.command(idempotency_key))
    except EXPECTED_ERRORS as error:
        return error_result(error)
    await context.services.wait_for_views(result.position)
    return result
