"""Plain records the event store speaks: what goes in (a write) and what comes out (an event)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol


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
    """New events for one stream; they must follow its current version exactly."""

    stream_id: UUID
    events: tuple[DomainEventProtocol[Any], ...]
    subject_id: UUID | None = None


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key for one mutation; `scope` keeps keys of different actors apart."""

    scope: str
    key: str


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
