"""Reading the log for auditors: filtered pages of events and their payloads as plain JSON."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from domain.personal_data import Kind, fields_of
from service.auth.policy import NOBODY, Access, Subject
from service.log import reads
from service.log.codec import EventCodec
from service.log.hashchain import canonical_json
from service.log.reads import TrailFilter as TrailFilter
from service.log.records import RecordedEvent

MASK = "***"


async def trail(
    pool: asyncpg.Pool, codec: EventCodec, where: TrailFilter, *, after: int, limit: int
) -> list[RecordedEvent]:
    """A page of the events that match, in log order, after a position (keyset)."""
    events = await reads.matching(pool, where, after=after, limit=limit)
    if codec.keyring is not None:
        await codec.keyring.prefetch(
            [e.payload for e in events] + [canonical_json(e.metadata) for e in events]
        )
    return events


def _plain(value: Any) -> Any:
    """Drop the transcoder's `{_type_, _data_}` wrappers so clients see plain JSON values."""
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            return _plain(value["_data_"])
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def payload_json(
    codec: EventCodec,
    recorded: RecordedEvent,
    access: Access | None = None,
    subject: Subject = NOBODY,
) -> dict[str, Any]:
    """An event's payload as JSON; without `access` in full (for the service's own use), else
    with every field masked whose declared kind the caller may not read about this subject."""
    data = _plain(json.loads(codec.open(recorded.payload)))
    data.pop("originator_topic", None)
    if access is None:
        return dict(data)
    return mask_payload(data, recorded.event_type, access, subject)


def mask_payload(
    data: dict[str, Any], event_type: str, access: Access, subject: Subject
) -> dict[str, Any]:
    declared = fields_of(event_type)
    shown: dict[str, Any] = {}
    for name, value in data.items():
        # An event type without a declaration is masked as if every field were free text.
        kind = declared.kind_of(name) if declared is not None else Kind.FREE_TEXT
        readable = kind is None or access.reads(kind, subject, event_type, name)
        shown[name] = value if readable or value is None else MASK
    return shown


def event_subject(recorded: RecordedEvent, person: Subject | None) -> Subject:
    """Whom an event is about: its person as the views know them, else its unit, else nobody."""
    if person is not None:
        return person
    if recorded.subject_id is not None:
        return Subject(id=recorded.subject_id)
    data = json.loads(recorded.payload)
    unit = data.get("unit_code") if isinstance(data, dict) else None
    return Subject(unit_code=unit if isinstance(unit, str) else None)


ERASED = "[erased]"


def reason_of(codec: EventCodec, metadata: dict[str, Any]) -> str | None:
    """The metadata reason, opened from its seal (None once its person is erased)."""
    reason = metadata.get("reason")
    if isinstance(reason, dict) and codec.keyring is not None:
        opened = codec.keyring.open("reason", reason)
        return str(opened) if opened is not None else None
    return str(reason) if reason is not None else None


def actor_of(codec: EventCodec, metadata: dict[str, Any]) -> str:
    """Who acted: the token subject, opened from its seal ("[erased]" once they are erased)."""
    actor = metadata.get("actor", "")
    if isinstance(actor, dict) and codec.keyring is not None:
        opened = codec.keyring.open("actor", actor)
        return str(opened) if opened is not None else ERASED
    return str(actor)
