"""The event store: hash-chained, gap-free appends (group-committed) and reads, on asyncpg.

An append is checked before it joins a commit group (its idempotency key, its metadata and its
size are bounded), so one bad request cannot make the group's commit fail for the others; the
group commit itself is service/log/group_commit.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from domain.errors import InvalidValue
from service.log.codec import EncodedEvent, EventCodec
from service.log.group_commit import APPEND_LOCK, NOTIFY_CHANNEL, GroupWriter, Request
from service.log.hashchain import canonical_json
from service.log.records import AppendResult, IdempotencyKey, Metadata, RecordedEvent, StreamWrite
from service.log.sealing import seal_writes

# record_from_row is part of this module's interface (history reads rows with it).
from service.log.store_sql import EVENT_COLUMNS
from service.log.store_sql import record_from_row as record_from_row
from service.telemetry.metrics import EVENTS_APPENDED

# Part of this module's interface: the lock every append takes, the channel it notifies.
__all__ = ["APPEND_LOCK", "MAX_APPEND_BYTES", "NOTIFY_CHANNEL", "EventStore", "record_from_row"]

# The most one append may write: its events' payloads and metadata, in bytes.
MAX_APPEND_BYTES = 8 * 1024 * 1024


class EventStore:
    """Appends events with optimistic concurrency and reads them back in log order."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        codec: EventCodec,
        *,
        max_batch: int = 512,
        actor_id: Callable[[str], UUID] | None = None,
    ) -> None:
        self._pool = pool
        self.codec = codec
        # Maps a token subject to the person whose key seals it in metadata (staff act as NIPs).
        self._actor_id = actor_id
        self._writer = GroupWriter(pool, max_batch, self._committed)
        # The newest position this process committed (a lower bound of the log head).
        self.last_position = 0

    async def close(self) -> None:
        await self._writer.close()

    def _committed(self, request: Request, outcome: AppendResult) -> None:
        EVENTS_APPENDED.inc(len(request.rows))
        self.last_position = max(self.last_position, outcome.position)

    async def append(
        self,
        writes: Sequence[StreamWrite],
        metadata: Metadata,
        *,
        idempotency: IdempotencyKey | None = None,
        result: dict[str, Any] | None = None,
    ) -> AppendResult:
        """Append the writes atomically; raise VersionConflictError if any stream moved on."""
        try:
            encoded = [(w, [self.codec.encode(e) for e in w.events]) for w in writes]
        except UnicodeEncodeError:
            raise InvalidValue("input", "text must be valid Unicode (no lone surrogates)") from None
        if not any(events for _, events in encoded):
            raise ValueError("an append needs at least one event")
        metadata.check()
        encoded, meta = await seal_writes(self.codec, self._actor_id, encoded, metadata)
        _check_size(encoded, meta)
        loop = asyncio.get_running_loop()
        request = Request(encoded, meta, idempotency, result or {}, loop.create_future())
        return await self._writer.submit(request)

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def prefetch(
        self, events: list[RecordedEvent], *, metadata: bool = True
    ) -> list[RecordedEvent]:
        """Load the keys the returned events' sealed fields need, so they decode (those of their
        metadata too, unless `metadata` is False: facts carry their metadata sealed)."""
        if self.codec.keyring is not None and events:
            await self.codec.keyring.prefetch(
                [e.payload for e in events], [e.metadata for e in events] if metadata else ()
            )
        return events

    async def read_all(
        self,
        after: int = 0,
        limit: int = 1000,
        *,
        via: asyncpg.Pool | None = None,
        metadata: bool = True,
    ) -> list[RecordedEvent]:
        """A page of the log after a position, in position order (read on `via`'s connections,
        if given: the projector reads on its own); `metadata` as for `prefetch`."""
        rows = await (via or self._pool).fetch(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2",
            after,
            limit,
        )
        return await self.prefetch([record_from_row(r) for r in rows], metadata=metadata)

    async def head(self) -> int:
        """The last position in the log (0 when empty)."""
        value = await self._pool.fetchval("SELECT coalesce(max(position), 0) FROM events")
        return int(value)


def _check_size(writes: list[tuple[StreamWrite, list[EncodedEvent]]], meta: dict[str, Any]) -> None:
    size = sum(len(e.payload) for _, events in writes for e in events)
    size += len(canonical_json(meta)) * sum(len(events) for _, events in writes)
    if size > MAX_APPEND_BYTES:
        raise InvalidValue("input", f"this change would write {size} bytes, the most is 8 MiB")
