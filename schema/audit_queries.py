"""The audit trail query: events in log order, filtered, each masked for the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry
from graphql import GraphQLError

from schema.audit import AuditEvent, people_of
from schema.context import Info, page_size
from schema.descriptions import AFTER
from schema.pagination import PageInfo, connection_page, encode_cursor, position_cursor
from service.audit import reader as audit
from service.auth.policy import TRAIL_READERS, VIEW_READERS
from service.auth.tokens import Role


@strawberry.type(description="One audit event of a page and its cursor.")
class AuditEventEdge:
    cursor: str = strawberry.field(description="Opaque; pass as `after` to continue after it.")
    node: AuditEvent = strawberry.field(description="The event at this place of the page.")


@strawberry.type(description="A page of audit events in log order.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(description="The events of this page.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, where to go on.")


_Nip = Annotated[str | None, strawberry.argument(description="Only events about this employee.")]
_StreamId = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only events of this stream.")
]
_Actor = Annotated[
    str | None, strawberry.argument(description="Only events by this actor (an NIP).")
]
_EventType = Annotated[
    str | None, strawberry.argument(description="Only this type, e.g. EvaluationFinalised.")
]
_From = Annotated[
    datetime | None,
    strawberry.argument(name="from", description="Recorded at or after (ISO 8601)."),
]
_To = Annotated[
    datetime | None, strawberry.argument(description="Recorded at or before (ISO 8601).")
]
_First = Annotated[
    int | None, strawberry.argument(description="Page size: at most 100 (default 50).")
]
_After = Annotated[str | None, strawberry.argument(description=AFTER)]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Events in log order, filtered; payloads masked by role.")
    async def audit_trail(
        self,
        info: Info,
        nip: _Nip = None,
        stream_id: _StreamId = None,
        actor: _Actor = None,
        event_type: _EventType = None,
        from_: _From = None,
        to: _To = None,
        first: _First = 50,
        after: _After = None,
    ) -> AuditEventConnection:
        principal = info.context.reader(*TRAIL_READERS)
        own_only = principal.has(Role.EMPLOYEE) and not principal.has(*VIEW_READERS)
        if own_only and (nip is None or nip.strip() != principal.sub):
            raise GraphQLError(
                "an employee reads only their own trail", extensions={"code": "FORBIDDEN"}
            )
        size = page_size(first)
        start = position_cursor("event", after)
        ids = info.context.services.ids
        where = audit.TrailFilter(
            subject_id=ids.employee_id(nip.strip()) if nip else None,
            stream_id=_uuid(stream_id),
            actor=str(ids.employee_id(actor.strip())) if actor else None,
            event_type=event_type,
            since=from_,
            until=to,
        )
        return await _trail_page(info, where, size, start)


async def _trail_page(
    info: Info, where: audit.TrailFilter, size: int, start: int
) -> AuditEventConnection:
    """A page of the trail after log position `start`, each event masked for the caller."""
    services = info.context.services
    codec = services.store.codec
    events = await audit.trail(services.pool, codec, where, after=start, limit=size + 1)
    people = await people_of(info, events[:size])
    access = info.context.access
    edges, page_info = connection_page(
        events,
        size,
        lambda e: AuditEventEdge(
            cursor=encode_cursor("event", str(e.position)),
            node=AuditEvent.of(codec, e, access, people.get(e.subject_id)),
        ),
        after=start > 0,
    )
    return AuditEventConnection(edges=edges, page_info=page_info)


def _uuid(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise GraphQLError(
            "streamId is not a valid id", extensions={"code": "BAD_USER_INPUT"}
        ) from None
