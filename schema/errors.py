"""The shared error types of every mutation result, and the mapping from service errors to them."""

from __future__ import annotations

import strawberry

from domain.errors import AlreadyExists, DomainError, InvalidValue, NotFoundError, RuleBroken
from service.handlers.envelope import NotAllowed
from service.log.records import VersionConflictError


@strawberry.type(description="The input is malformed; `field` names the input field at fault.")
class ValidationError:
    message: str = strawberry.field(description="What is wrong, in English, for a developer.")
    field: str | None = strawberry.field(
        default=None,
        description="The input field at fault (camelCase, e.g. `nip`); null: not one field.",
    )


@strawberry.type(description="The caller's role, scope or unit does not allow this.")
class NotAuthorized:
    message: str = strawberry.field(description="Which role, scope or unit this needs.")


@strawberry.type(description="Something the input refers to does not exist.")
class NotFound:
    message: str = strawberry.field(description="What was looked for and not found.")


@strawberry.type(description="The stream changed since the caller read it.")
class VersionConflict:
    message: str = strawberry.field(description="Which stream moved on; read it again, retry.")
    expected_version: int = strawberry.field(description="The `expectedVersion` you sent.")
    actual_version: int = strawberry.field(description="The stream's version now.")


@strawberry.type(description="The input is well-formed but a rule of the programme refuses it.")
class RuleViolation:
    message: str = strawberry.field(description="What the rule requires, in English.")
    rule: str = strawberry.field(
        description="A stable code of the rule, e.g. `cycle_closed`; switch on it, not on message."
    )


MutationError = ValidationError | NotAuthorized | NotFound | VersionConflict | RuleViolation


def error_result(error: Exception) -> MutationError:
    """The error type a client sees for an expected failure; unexpected ones propagate."""
    if isinstance(error, InvalidValue):
        return ValidationError(message=error.message, field=error.field)
    if isinstance(error, AlreadyExists):
        return ValidationError(message=error.message, field=error.field)
    if isinstance(error, NotAllowed):
        return NotAuthorized(message=str(error))
    if isinstance(error, NotFoundError):
        return NotFound(message=error.message)
    if isinstance(error, VersionConflictError):
        return VersionConflict(
            message=str(error), expected_version=error.expected, actual_version=error.actual
        )
    if isinstance(error, RuleBroken):
        return RuleViolation(message=error.message, rule=error.rule)
    if isinstance(error, DomainError):
        return ValidationError(message=error.message)
    raise error


EXPECTED_ERRORS = (DomainError, NotAllowed, VersionConflictError)
