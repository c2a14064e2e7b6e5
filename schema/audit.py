"""The audit trail: every event with its metadata, payloads masked by role."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, cast
from uuid import UUID

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from domain.personal_data import Kind
from schema.context import Info, page_size, subject_of
from schema.descriptions import AFTER, POSITION, RECORDED_AT
from schema.pagination import PageInfo, connection_page, encode_cursor, position_cursor
from service.audit import reader as audit
from service.auth.policy import TRAIL_READERS, VIEW_READERS, Access, Subject
from service.auth.tokens import Role
from service.log.codec import EventCodec
from service.log.records import RecordedEvent


@strawberry.type(description="One event of the log as auditors read it.")
class AuditEvent:
    position: int = strawberry.field(description=POSITION)
    stream_id: strawberry.ID = strawberry.field(
        description="The stream (aggregate) it belongs to, e.g. an employee's or evaluation's id."
    )
    stream_version: int = strawberry.field(description="Its number within the stream, from 1.")
    type: str = strawberry.field(description="The event type, e.g. EvaluationFinalised.")
    type_version: int = strawberry.field(description="The version of the event type's payload.")
    recorded_at: datetime = strawberry.field(description=RECORDED_AT)
    effective_date: date | None = strawberry.field(
        description="The business date it takes effect (e.g. a completion date); null: none."
    )
    actor: str = strawberry.field(
        description="Who acted (token subject); `***` without the right to read names."
    )
    actor_role: str = strawberry.field(description="The role the actor acted in, e.g. HR.")
    client_id: str | None = strawberry.field(description="The partner application, if any.")
    correlation_id: str | None = strawberry.field(
        description="The request id that appended it (X-Request-Id); null: none."
    )
    causation_id: str | None = strawberry.field(
        description="The event or command that caused it, if recorded; null: none."
    )
    reason: str | None = strawberry.field(
        description="Why, as given with the command; free text, null without the right to read it."
    )
    payload: JSON = strawberry.field(
        description="The event's data as JSON; personal fields masked for this caller's role."
    )
    hash: str = strawberry.field(description="The event's chain hash (hex).")

    @classmethod
    def of(
        cls, codec: EventCodec, recorded: RecordedEvent, access: Access, person: Subject | None
    ) -> AuditEvent:
        """The event as this caller may read it about its subject (`person`, if one is known)."""
        meta = recorded.metadata
        subject = audit.event_subject(recorded, person)
        names = access.reads(Kind.PERSONAL, subject)
        text = access.reads(Kind.FREE_TEXT, subject, recorded.event_type)
        return cls(
            position=recorded.position,
            stream_id=strawberry.ID(str(recorded.stream_id)),
            stream_version=recorded.stream_version,
            type=recorded.event_type,
            type_version=recorded.type_version,
            recorded_at=recorded.recorded_at,
            effective_date=recorded.effective_date,
            actor=audit.actor_of(codec, meta) if names else audit.MASK,
            actor_role=str(meta.get("actor_role", "")),
            client_id=meta.get("client_id"),
            correlation_id=meta.get("correlation_id"),
            causation_id=meta.get("causation_id"),
            reason=audit.reason_of(codec, meta) if text else None,
            payload=cast(JSON, audit.payload_json(codec, recorded, access, subject)),
            hash=recorded.hash.hex(),
        )


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


async def people_of(info: Info, events: list[RecordedEvent]) -> dict[UUID | None, Subject]:
    """The people these events are about, as the views know them now (one batched read)."""
    ids = sorted({e.subject_id for e in events if e.subject_id is not None})
    views = await info.context.loaders["employee"].load_many(ids)
    return {i: subject_of(v) for i, v in zip(ids, views, strict=True) if v is not None}


def _uuid(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise GraphQLError(
            "streamId is not a valid id", extensions={"code": "BAD_USER_INPUT"}
        ) from None
