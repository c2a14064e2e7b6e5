"""The event store: group-committed, gap-free, hash-chained appends and reads, on asyncpg.

Concurrent `append` calls queue up for one writer task; the writer commits everything queued as one
transaction under a global advisory lock, so positions are gap-free in commit order across processes
and many callers share one fsync (group commit). Each caller still gets its own result or error.

A request is checked before it joins a group (its idempotency key, its metadata and its size are
bounded), so one bad request cannot make the group's transaction fail for the others; should the
database refuse a group's rows all the same, the group is split and committed in halves, so only
the request at fault fails.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from domain.errors import InvalidValue
from service.db.pg import Connection
from service.log.codec import EncodedEvent, EventCodec
from service.log.hashchain import GENESIS, canonical_json, record_hash
from service.log.records import (
    AppendResult,
    IdempotencyKey,
    Metadata,
    RecordedEvent,
    StreamWrite,
    VersionConflictError,
)
from service.log.sealing import seal_writes

# record_from_row is part of this module's interface (history reads rows with it).
from service.log.store_sql import EVENT_COLUMNS, INSERT_SQL, STATE_SQL
from service.log.store_sql import record_from_row as record_from_row
from service.telemetry.metrics import EVENTS_APPENDED

APPEND_LOCK = 7_301_002
NOTIFY_CHANNEL = "kinerja_events"
# The most one append may write: its events' payloads and metadata, in bytes.
MAX_APPEND_BYTES = 8 * 1024 * 1024
# Errors in which the database refused a group's rows (a value too long for an index, a value out
# of range): the transaction rolled back before commit, so its requests may be committed apart.
_ROWS_REFUSED = (asyncpg.DataError, asyncpg.ProgramLimitExceededError)


@dataclass
class _Request:
    writes: list[tuple[StreamWrite, list[EncodedEvent]]]
    metadata: dict[str, Any]
    key: IdempotencyKey | None
    result: dict[str, Any]
    future: asyncio.Future[AppendResult]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


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
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Request] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        # The newest position this process committed (a lower bound of the log head).
        self.last_position = 0

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None

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
        request = _Request(encoded, meta, idempotency, result or {}, loop.create_future())
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_loop(), name="event-store-writer")
        await self._queue.put(request)
        return await request.future

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def prefetch(self, events: list[RecordedEvent]) -> list[RecordedEvent]:
        """Load the keys the returned events' sealed fields need, so they decode."""
        if self.codec.keyring is not None and events:
            await self.codec.keyring.prefetch(
                [e.payload for e in events] + [canonical_json(e.metadata) for e in events]
            )
        return events

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # Let callers woken by the last commit queue their next append, so groups fill up.
            await asyncio.sleep(0)
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            live = [r for r in batch if not r.future.done()]
            if live:
                await self._commit_group(live)

    async def _commit_group(self, batch: list[_Request]) -> None:
        try:
            async with self._pool.acquire() as conn:
                outcomes = await self._write_group(conn, batch)
        except _ROWS_REFUSED as error:
            if len(batch) == 1:
                if not batch[0].future.done():
                    batch[0].future.set_exception(error)
                return
            # Nothing was committed: find the request at fault by committing the halves apart.
            half = len(batch) // 2
            await self._commit_group(batch[:half])
            await self._commit_group(batch[half:])
            return
        except Exception as error:
            for request in batch:
                if not request.future.done():
                    request.future.set_exception(error)
            return
        for request, outcome in outcomes:
            if request.future.done():
                continue
            if isinstance(outcome, BaseException):
                request.future.set_exception(outcome)
            else:
                EVENTS_APPENDED.inc(len(request.rows))
                self.last_position = max(self.last_position, outcome.position)
                request.future.set_result(outcome)

    async def _write_group(
        self, conn: Connection, batch: list[_Request]
    ) -> list[tuple[_Request, AppendResult | BaseException]]:
        while batch:
            try:
                async with conn.transaction():
                    outcomes = await self._stage(conn, batch)
                    # A caller that gave up while we waited must find nothing in the log: roll
                    # back and stage again without it rather than commit on its behalf.
                    if any(r.future.done() for r in batch):
                        raise _Retry
                    rows = [row for r in batch for row in r.rows]
                    if rows:
                        await self._insert(conn, batch, rows)
                    return list(zip(batch, outcomes, strict=True))
            except _Retry:
                batch = [r for r in batch if not r.future.done()]
        return []

    async def _stage(
        self, conn: Connection, batch: list[_Request]
    ) -> list[AppendResult | BaseException]:
        await conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)
        # Everything the group needs to know, read in one round trip under the lock.
        keys = [r.key for r in batch if r.key is not None]
        state = await conn.fetchrow(
            STATE_SQL,
            list({w.stream_id for r in batch for w, _ in r.writes}),
            [k.scope for k in keys],
            [k.key for k in keys],
        )
        assert state is not None
        now: datetime = state["now"]
        position: int = state["position"] or 0
        previous: bytes = bytes(state["hash"]) if state["hash"] is not None else GENESIS
        versions = {UUID(k): int(v) for k, v in state["versions"].items()}
        known: dict[tuple[str, str], tuple[dict[str, Any], int]] = {
            (scope, key): (result, int(pos)) for scope, key, result, pos in state["keys"]
        }
        outcomes: list[AppendResult | BaseException] = []
        for request in batch:
            request.rows = []
            if request.key is not None and (request.key.scope, request.key.key) in known:
                first = known[(request.key.scope, request.key.key)]
                outcomes.append(AppendResult(first[1], first[0], replayed=True))
                continue
            conflict = _conflict(request, versions)
            if conflict is not None:
                outcomes.append(conflict)
                continue
            meta = request.metadata
            for write, events in request.writes:
                for ev in events:
                    position += 1
                    record = RecordedEvent(
                        position,
                        ev.stream_id,
                        ev.stream_version,
                        ev.event_type,
                        ev.topic,
                        ev.type_version,
                        ev.payload,
                        meta,
                        write.subject_id,
                        now,
                        ev.effective_date,
                        b"",
                    )
                    previous = record_hash(previous, record)
                    request.rows.append((*record.as_row()[:-1], previous))
                if events:
                    versions[write.stream_id] = events[-1].stream_version
            if request.key is not None:
                known[(request.key.scope, request.key.key)] = (request.result, position)
            outcomes.append(AppendResult(position, request.result))
        return outcomes

    async def _insert(
        self, conn: Connection, batch: list[_Request], rows: list[tuple[Any, ...]]
    ) -> None:
        keyed = [
            (r.key.scope, r.key.key, r.result, r.rows[-1][0])
            for r in batch
            if r.key is not None and r.rows
        ]
        await conn.execute(
            INSERT_SQL,
            *[list(column) for column in zip(*rows, strict=True)],
            *[list(column) for column in zip(*keyed, strict=True)] or [[], [], [], []],
            NOTIFY_CHANNEL,
            str(rows[-1][0]),
        )

    async def idempotent_result(self, key: IdempotencyKey) -> AppendResult | None:
        """The stored result of an earlier mutation with this key, if there was one."""
        row = await self._pool.fetchrow(
            "SELECT result, position FROM idempotency_keys WHERE scope = $1 AND key = $2",
            key.scope,
            key.key,
        )
        if row is None:
            return None
        return AppendResult(row["position"], row["result"], replayed=True)

    async def read_stream(
        self, stream_id: UUID, *, after_version: int = 0, up_to_position: int | None = None
    ) -> list[RecordedEvent]:
        """The events of one stream in version order, after a version, up to a log position."""
        rows = await self._pool.fetch(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version > $3"
            " AND ($2::bigint IS NULL OR position <= $2) ORDER BY stream_version",
            stream_id,
            up_to_position,
            after_version,
        )
        return await self.prefetch([record_from_row(r) for r in rows])

    async def read_all(self, after: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """A page of the log after a position, in position order."""
        rows = await self._pool.fetch(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2",
            after,
            limit,
        )
        return await self.prefetch([record_from_row(r) for r in rows])

    async def head(self) -> int:
        """The last position in the log (0 when empty)."""
        value = await self._pool.fetchval("SELECT coalesce(max(position), 0) FROM events")
        return int(value)


def _check_size(writes: list[tuple[StreamWrite, list[EncodedEvent]]], meta: dict[str, Any]) -> None:
    size = sum(len(e.payload) for _, events in writes for e in events)
    size += len(canonical_json(meta)) * sum(len(events) for _, events in writes)
    if size > MAX_APPEND_BYTES:
        raise InvalidValue("input", f"this change would write {size} bytes, the most is 8 MiB")


class _Retry(Exception):
    """Internal: roll the group back and commit it again without the callers who left."""


def _conflict(request: _Request, versions: dict[UUID, int]) -> VersionConflictError | None:
    for write, events in request.writes:
        if events:
            expected = events[0].stream_version - 1
        elif write.unchanged_at is not None:
            expected = write.unchanged_at
        else:
            continue
        actual = versions.get(write.stream_id, 0)
        if actual != expected:
            return VersionConflictError(write.stream_id, expected, actual)
    return None
