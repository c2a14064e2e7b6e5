"""The canonical byte form of a stored event and the SHA-256 chain over the log.

Documented in README.md ("The hash chain"); the offline verifier depends on it, so change it
only with a new chain version.
"""

from __future__ import annotations

import hashlib
import json
import struct
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from service.log.records import RecordedEvent

GENESIS = bytes(32)


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8: the same bytes for the same value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def timestamp_text(moment: datetime) -> str:
    """A UTC timestamp with microseconds, e.g. `2026-11-29T05:15:36.123456Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _field(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def event_hash(
    previous: bytes,
    position: int,
    stream_id: UUID,
    stream_version: int,
    event_type: str,
    topic: str,
    type_version: int,
    payload: bytes,
    metadata: dict[str, Any],
    subject_id: UUID | None,
    recorded_at: datetime,
    effective_date: date | None,
) -> bytes:
    """SHA-256 over the previous hash and the canonical form of one event."""
    parts = [
        previous,
        struct.pack(">Q", position),
        stream_id.bytes,
        struct.pack(">I", stream_version),
        _field(event_type.encode()),
        _field(topic.encode()),
        struct.pack(">I", type_version),
        _field(payload),
        _field(canonical_json(metadata)),
        _field(subject_id.bytes if subject_id else b""),
        _field(timestamp_text(recorded_at).encode()),
        _field(effective_date.isoformat().encode() if effective_date else b""),
    ]
    return hashlib.sha256(b"".join(parts)).digest()


def record_hash(previous: bytes, event: RecordedEvent) -> bytes:
    """The chain hash a stored event must have, from its stored columns."""
    return event_hash(
        previous,
        event.position,
        event.stream_id,
        event.stream_version,
        event.event_type,
        event.topic,
        event.type_version,
        event.payload,
        event.metadata,
        event.subject_id,
        event.recorded_at,
        event.effective_date,
    )
