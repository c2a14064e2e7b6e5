"""The audit trail's event as a caller reads it: metadata, payload masked by role."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from domain.personal_data import Kind
from schema.context import Info, subject_of
from schema.descriptions import POSITION, RECORDED_AT
from service.audit import reader as audit
from service.auth.policy import Access, Subject
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


async def people_of(info: Info, events: list[RecordedEvent]) -> dict[UUID | None, Subject]:
    """The people these events are about, as the views know them now (one batched read)."""
    ids = sorted({e.subject_id for e in events if e.subject_id is not None})
    views = await info.context.loaders["employee"].load_many(ids)
    return {i: subject_of(v) for i, v in zip(ids, views, strict=True) if v is not None}
