"""Reading the log for auditors: filtered pages of events and their payloads as plain JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.codec import EventCodec
from service.eventstore import record_from_row
from service.eventstore_sql import EVENT_COLUMNS
from service.hashchain import canonical_json
from service.records import RecordedEvent

# Payload fields that carry personal data (UU 27/2022): masked for readers without the right.
PERSONAL_FIELDS = frozenset(
    {
        "nip",
        "name",
        "supervisor_nip",
        "feedback",
        "notes",
        "agreed_actions",
        "note",
        "behaviour_notes",
        "justification",
        "rationale",
        "reason",
        "rating_justification",
    }
)
MASK = "***"


@dataclass(frozen=True)
class TrailFilter:
    """Which events an auditor asks for; every field optional."""

    subject_id: UUID | None = None
    stream_id: UUID | None = None
    actor: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def trail(
    pool: asyncpg.Pool, codec: EventCodec, where: TrailFilter, *, after: int, limit: int
) -> list[RecordedEvent]:
    """A page of the events that match, in log order, after a position (keyset)."""
    rows = await pool.fetch(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE position > $1"
        " AND ($2::uuid IS NULL OR subject_id = $2 OR stream_id = $2)"
        " AND ($3::uuid IS NULL OR stream_id = $3)"
        " AND ($4::text IS NULL OR metadata->>'actor_id' = $4 OR metadata->>'actor' = $4)"
        " AND ($5::text IS NULL OR event_type = $5)"
        " AND ($6::timestamptz IS NULL OR recorded_at >= $6)"
        " AND ($7::timestamptz IS NULL OR recorded_at <= $7)"
        " ORDER BY position LIMIT $8",
        after,
        where.subject_id,
        where.stream_id,
        where.actor,
        where.event_type,
        where.since,
        where.until,
        limit,
    )
    events = [record_from_row(r) for r in rows]
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


def payload_json(codec: EventCodec, recorded: RecordedEvent, *, personal: bool) -> dict[str, Any]:
    """An event's payload as JSON; personal fields masked unless the reader may see them."""
    data = _plain(json.loads(codec.open(recorded.payload)))
    data.pop("originator_topic", None)
    if not personal:
        data = _mask(data)
    return dict(data)


ERASED = "[erased]"


def actor_of(codec: EventCodec, metadata: dict[str, Any]) -> str:
    """Who acted: the token subject, opened from its seal ("[erased]" once they are erased)."""
    actor = metadata.get("actor", "")
    if isinstance(actor, dict) and codec.keyring is not None:
        opened = codec.keyring.open("actor", actor)
        return str(opened) if opened is not None else ERASED
    return str(actor)


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK if k in PERSONAL_FIELDS else _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value
