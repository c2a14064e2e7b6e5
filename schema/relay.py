"""Relay's `node(id:)` and `nodes(ids:)`: any object read again by its global id.

A global id is either a stream id (a canonical UUID: employees, evaluations, award decisions,
training programmes and completions, performance dialogues) or the opaque id of a unit (see
schema/node.py). Each kind is read by the same read function and under the same access rule as its
direct query: what the caller may not read is null, and its fields mask what they mask there (a
PARTNER without `pii` gets no NIP or name). Any other text is BAD_USER_INPUT, never a guess.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

import strawberry
from graphql import GraphQLError

from projections import awards, catalogue, directory, jp_ledger
from projections import dialogues as dialogue_reads
from schema.context import Info
from schema.dialogues import PerformanceDialogueType
from schema.links import AwardDecisionType, EmployeeType, TrainingCompletionType, UnitType
from schema.node import UNIT_KIND, Node
from schema.pagination import MAX_CURSOR_LENGTH, text_cursor
from schema.performance_queries import readable_evaluation
from schema.training import TrainingProgramType
from service.auth.policy import VIEW_READERS

MAX_NODES = 100


def _forged(why: str) -> GraphQLError:
    return GraphQLError(
        f"invalid id: pass an `id` this service returned; {why}",
        extensions={"code": "BAD_USER_INPUT", "argument": "id"},
    )


def _stream_id(value: str) -> UUID | None:
    """The stream id a global id names, or None when it is not a canonical UUID."""
    try:
        parsed = UUID(value)
    except ValueError:
        return None
    return parsed if str(parsed) == value else None


async def _employee(info: Info, stream_id: UUID) -> Node | None:
    view = await info.context.loaders["employee"].load(stream_id)
    if view is None or not info.context.may_read_employee(view):
        return None
    return EmployeeType.of(view, info.context)


async def _evaluation(info: Info, stream_id: UUID) -> Node | None:
    return await readable_evaluation(info, str(stream_id))


async def _award(info: Info, stream_id: UUID) -> Node | None:
    if not info.context.access.holds(*VIEW_READERS):
        return None
    view = await awards.award_by_id(info.context.services.pool, stream_id)
    return AwardDecisionType.of(view) if view else None


async def _program(info: Info, stream_id: UUID) -> Node | None:
    view = await catalogue.program_by_id(info.context.services.pool, stream_id)
    return TrainingProgramType.of(view) if view else None


async def _dialogue(info: Info, stream_id: UUID) -> Node | None:
    view = await dialogue_reads.dialogue_by_id(info.context.services.pool, stream_id)
    if view is None:
        return None
    subject = await info.context.loaders["employee"].load(view.employee_id)
    if subject is None or not info.context.may_read_employee(subject):
        return None
    return PerformanceDialogueType.of(view, subject)


async def _completion(info: Info, stream_id: UUID) -> Node | None:
    view = await jp_ledger.completion_by_id(info.context.services.pool, stream_id)
    if view is None:
        return None
    subject = await info.context.loaders["employee"].load(view.employee_id)
    if subject is None or not info.context.may_read_employee(subject):
        return None
    return TrainingCompletionType.of(view)


# The other kinds whose id is a stream id, in the order they are looked for (one keyed read each).
_STREAM_KINDS: tuple[Callable[[Info, UUID], Awaitable[Node | None]], ...] = (
    _evaluation,
    _award,
    _program,
    _dialogue,
    _completion,
)


async def _stream_node(info: Info, stream_id: UUID) -> Node | None:
    """The object of this stream, if the caller may read it (None: no such object or hidden)."""
    if await info.context.loaders["employee"].load(stream_id) is not None:
        return await _employee(info, stream_id)
    for read in _STREAM_KINDS:
        found = await read(info, stream_id)
        if found is not None:
            return found
    return None


async def _unit(info: Info, global_id: str) -> Node | None:
    try:
        code = text_cursor(UNIT_KIND, global_id, "id")
    except GraphQLError:
        raise _forged("it is not an id of this service or was altered") from None
    assert code is not None
    view = await directory.unit_by_code(info.context.services.pool, code)
    return UnitType.of(view) if view else None


async def resolve_node(info: Info, global_id: str) -> Node | None:
    """The object a global id names, read as its direct query reads it."""
    if len(global_id) > MAX_CURSOR_LENGTH:
        raise _forged(f"it is longer than {MAX_CURSOR_LENGTH} characters")
    stream_id = _stream_id(global_id)
    if stream_id is not None:
        return await _stream_node(info, stream_id)
    return await _unit(info, global_id)


@strawberry.type
class RelayQuery:
    @strawberry.field(
        description=(
            "The object with this global id (any `id` of a type implementing `Node`), or null"
            " when there is none or your role may not read it. Fields are masked as in the"
            " direct queries. An id this service did not issue is a BAD_USER_INPUT error."
        )
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A `Node.id`.")],
    ) -> Node | None:
        info.context.reader()
        return await resolve_node(info, str(id))

    @strawberry.field(
        description=(
            f"The objects with these global ids (at most {MAX_NODES}), in the order asked; null"
            " where `node(id:)` would be null. One id this service did not issue fails the field."
        )
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description=f"`Node.id` values, at most {MAX_NODES}."),
        ],
    ) -> list[Node | None]:
        info.context.reader()
        if len(ids) > MAX_NODES:
            raise GraphQLError(
                f"nodes takes at most {MAX_NODES} ids; {len(ids)} were sent",
                extensions={"code": "BAD_USER_INPUT", "argument": "ids"},
            )
        wanted = [str(i) for i in ids]
        for value in wanted:  # every id is checked before anything is read
            if len(value) > MAX_CURSOR_LENGTH or (
                _stream_id(value) is None and not _is_unit_id(value)
            ):
                raise _forged(f"{value[:40]!r} is not an id of this service")
        # One batched read finds the employees among the stream ids.
        await info.context.loaders["employee"].load_many(
            [s for s in map(_stream_id, wanted) if s is not None]
        )
        return [await resolve_node(info, value) for value in wanted]


def _is_unit_id(value: str) -> bool:
    try:
        text_cursor(UNIT_KIND, value, "id")
    except GraphQLError:
        return False
    return True
