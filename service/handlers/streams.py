"""Loading a command's streams: each from its snapshot on, several (and the command's
idempotency key) in one round trip, what one command read kept in its own context."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.domain import Aggregate

from service.log import reads
from service.log.records import AppendResult, IdempotencyKey, RecordedEvent
from service.log.snapshots import SnapshotStore
from service.log.store import EventStore

A = TypeVar("A", bound=Aggregate)


@dataclass
class _Stream:
    """One stream as read: its snapshot row (if any) and the events after it."""

    snapshot: tuple[int, str, bytes] | None = None
    events: list[RecordedEvent] = field(default_factory=list)


@dataclass
class Session:
    """What one command has read: streams loaded ahead, and each one's snapshot version."""

    loader: StreamLoader
    read: dict[UUID, _Stream] = field(default_factory=dict)
    loaded_from: dict[UUID, int] = field(default_factory=dict)

    async def preload(
        self, stream_ids: Sequence[UUID], key: IdempotencyKey | None
    ) -> AppendResult | None:
        """Read the streams ahead and the key's first outcome (its replay), in one round trip."""
        if not stream_ids and key is None:
            return None
        streams, replayed = await self.loader.fetch(stream_ids, key)
        self.read.update(streams)
        return replayed


_SESSION: ContextVar[Session | None] = ContextVar("kinerja_command_session", default=None)


class StreamLoader:
    """Reads streams (with their snapshots) through the event store's pool."""

    def __init__(self, store: EventStore, snapshots: SnapshotStore | None) -> None:
        self.store = store
        self.snapshots = snapshots

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        """The reads of one command, visible only to the task running it."""
        session = Session(self)
        token = _SESSION.set(session)
        try:
            yield session
        finally:
            _SESSION.reset(token)

    def loaded_from(self, stream_id: UUID) -> int:
        """The snapshot version this command loaded the stream from (0: from the start)."""
        session = _SESSION.get()
        return session.loaded_from.get(stream_id, 0) if session is not None else 0

    async def load(self, stream_id: UUID, kind: type[A]) -> A | None:
        """The aggregate as its stream stands (read ahead by this command, or now)."""
        session = _SESSION.get()
        stream = session.read.get(stream_id) if session is not None else None
        if stream is None:
            stream = (await self.fetch([stream_id], None))[0].get(stream_id, _Stream())
        aggregate: Any = None
        since = 0
        if stream.snapshot is not None and self.snapshots is not None:
            since = stream.snapshot[0]
            aggregate = self.snapshots.restore(stream_id, *stream.snapshot)
        for recorded in stream.events:
            event: Any = self.store.codec.decode(
                recorded.stream_id, recorded.stream_version, recorded.topic, recorded.payload
            )
            aggregate = event.mutate(aggregate)
        if aggregate is not None and not isinstance(aggregate, kind):
            raise TypeError(f"stream {stream_id} holds a {type(aggregate).__name__}")
        if aggregate is not None and session is not None:
            session.loaded_from[stream_id] = since
        return cast(A, aggregate)

    async def fetch(
        self, stream_ids: Sequence[UUID], key: IdempotencyKey | None
    ) -> tuple[dict[UUID, _Stream], AppendResult | None]:
        """Streams (every id asked has an entry) and the key's first outcome, one round trip."""
        found = await reads.for_command(
            self.store.pool, stream_ids, key, self.snapshots is not None
        )
        streams = {stream_id: _Stream() for stream_id in stream_ids}
        for stream_id, snapshot in found.snapshots.items():
            streams[stream_id].snapshot = snapshot
        replayed, events = found.replayed, found.events
        for recorded in await self.store.prefetch(events):
            streams[recorded.stream_id].events.append(recorded)
        return streams, replayed
