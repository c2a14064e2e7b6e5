"""Plain records the event store speaks: what goes in (a write) and what comes out (an event)."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from domain.errors import InvalidValue
from domain.values import is_storable_text

# An idempotency key: 1-200 ASCII letters, digits, '-', '_', '.' or ':' (a UUID, a ULID, a
# "client:order:42" all fit). The store refuses anything else before it joins a commit group.
IDEMPOTENCY_KEY_MAX = 200
IDEMPOTENCY_KEY_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_.:")
# The scope is "<token subject>:<mutation name>"; the subject is bounded with the metadata.
IDEMPOTENCY_SCOPE_MAX = 320

# The longest value of each metadata field the store writes beside every event, and the input
# field a refusal names. Reasons match the longest reason the domain accepts (4,000 characters).
METADATA_LIMITS: dict[str, tuple[int, str]] = {
    "actor": (256, "actor"),
    "actor_role": (32, "actorRole"),
    "client_id": (256, "clientId"),
    "correlation_id": (256, "requestId"),
    "causation_id": (256, "causationId"),
    "reason": (4000, "reason"),
}


def check_idempotency_key(key: str) -> str:
    """The key itself if it is 1-200 characters of the documented alphabet; else InvalidValue."""
    if not key:
        raise InvalidValue("idempotencyKey", "idempotencyKey must not be empty")
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise InvalidValue(
            "idempotencyKey",
            f"idempotencyKey must be at most {IDEMPOTENCY_KEY_MAX} characters, got {len(key)}",
        )
    if not IDEMPOTENCY_KEY_ALPHABET.issuperset(key):
        raise InvalidValue(
            "idempotencyKey",
            "idempotencyKey may contain only ASCII letters, digits, '-', '_', '.' and ':'",
        )
    return key


@dataclass(frozen=True)
class Metadata:
    """Who did it, for whom, in which request and why: stored beside every event."""

    actor: str
    actor_role: str
    client_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        fields = (
            ("actor", self.actor),
            ("actor_role", self.actor_role),
            ("client_id", self.client_id),
            ("correlation_id", self.correlation_id),
            ("causation_id", self.causation_id),
            ("reason", self.reason),
        )
        return {k: v for k, v in fields if v is not None}

    def check(self) -> None:
        """Refuse a value longer than the store writes (stored events are read as they are)."""
        for name, (limit, field_name) in METADATA_LIMITS.items():
            value = getattr(self, name)
            if value is None:
                continue
            if len(value) > limit:
                raise InvalidValue(field_name, f"{field_name} must be at most {limit} characters")
            if not is_storable_text(value):
                raise InvalidValue(
                    field_name, f"{field_name} must be text without NUL or lone surrogates"
                )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Metadata:
        return cls(
            actor=str(data.get("actor", "")),
            actor_role=str(data.get("actor_role", "")),
            client_id=data.get("client_id"),
            correlation_id=data.get("correlation_id"),
            causation_id=data.get("causation_id"),
            reason=data.get("reason"),
        )


@dataclass(frozen=True)
class StreamWrite:
    """New events for one stream; they must follow its current version exactly.

    A write with no events and an `unchanged_at` version writes nothing: it makes the append fail
    with a version conflict if that stream (read to decide the change) moved on meanwhile."""

    stream_id: UUID
    events: tuple[DomainEventProtocol[Any], ...]
    subject_id: UUID | None = None
    unchanged_at: int | None = None


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key for one mutation; `scope` keeps keys of different actors apart."""

    scope: str
    key: str

    def __post_init__(self) -> None:
        check_idempotency_key(self.key)
        if not 0 < len(self.scope) <= IDEMPOTENCY_SCOPE_MAX:
            raise InvalidValue(
                "idempotencyKey", f"the key's scope must be 1-{IDEMPOTENCY_SCOPE_MAX} characters"
            )


@dataclass(frozen=True)
class AppendResult:
    """What an append produced: the last position and the caller's result document."""

    position: int
    result: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False


@dataclass(frozen=True)
class RecordedEvent:
    """One row of the log, as stored."""

    position: int
    stream_id: UUID
    stream_version: int
    event_type: str
    topic: str
    type_version: int
    payload: bytes
    metadata: dict[str, Any]
    subject_id: UUID | None
    recorded_at: datetime
    effective_date: date | None
    hash: bytes

    def as_row(self) -> tuple[Any, ...]:
        """The values in the `events` table's column order."""
        return (
            self.position,
            self.stream_id,
            self.stream_version,
            self.event_type,
            self.topic,
            self.type_version,
            self.payload,
            self.metadata,
            self.subject_id,
            self.recorded_at,
            self.effective_date,
            self.hash,
        )


class VersionConflictError(Exception):
    """A stream moved on since the caller read it."""

    def __init__(self, stream_id: UUID, expected: int, actual: int) -> None:
        super().__init__(
            f"stream {stream_id} is at version {actual}, the change expected {expected}"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
