"""The event store's writer: queued appends committed together, in two round trips a group.

Concurrent appends queue up for one writer task, which commits everything queued as one group
(many callers share one fsync). A group is staged on the log head as one read shows it (the
head's position and hash, the streams' versions, the idempotency keys already used, the clock),
then written by one call of `kinerja_append` (migration 007), a statement of its own and so a
transaction of its own: it takes the global append lock and writes only if the head is still
the one staged on. Positions stay gap-free in commit order across processes, and a group that
lost the race to another writer is staged again. When the lock is busy (another process
commits), the writer waits for it in a transaction, checks that no caller left meanwhile, and
stages and writes again holding it.

Should the database refuse a group's rows, the group is split and committed in halves, so only
the request at fault fails. A caller who gives up while its group is being committed finds
nothing of its request in the log: once the lock is held, the group is staged again without it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.db.pg import Connection
from service.log.codec import EncodedEvent
from service.log.hashchain import GENESIS, record_hash
from service.log.records import (
    AppendResult,
    IdempotencyKey,
    RecordedEvent,
    StreamWrite,
    VersionConflictError,
)
from service.log.store_sql import APPEND_SQL, STATE_SQL

APPEND_LOCK = 7_301_002
NOTIFY_CHANNEL = "kinerja_events"
# Errors in which the database refused a group's rows (a value too long for an index, a value out
# of range): nothing was committed, so its requests may be committed apart.
_ROWS_REFUSED = (asyncpg.DataError, asyncpg.ProgramLimitExceededError)


@dataclass
class Request:
    """One caller's append, checked and encoded, waiting for its group."""

    writes: list[tuple[StreamWrite, list[EncodedEvent]]]
    metadata: dict[str, Any]
    key: IdempotencyKey | None
    result: dict[str, Any]
    future: asyncio.Future[AppendResult]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _Head:
    """The log as a group is staged on it, advanced by each request staged."""

    now: datetime
    position: int
    hash: bytes
    versions: dict[UUID, int]
    known: dict[tuple[str, str], tuple[dict[str, Any], int]]


Committed = Callable[[Request, AppendResult], None]


class GroupWriter:
    """Commits queued requests in groups, on connections of `pool`."""

    def __init__(self, pool: asyncpg.Pool, max_batch: int, committed: Committed) -> None:
        self._pool = pool
        self._max_batch = max_batch
        self._committed = committed
        self._queue: asyncio.Queue[Request] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def submit(self, request: Request) -> AppendResult:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write_loop(), name="event-store-writer")
        await self._queue.put(request)
        return await request.future

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

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

    async def _commit_group(self, batch: list[Request]) -> None:
        try:
            async with self._pool.acquire() as conn:
                outcomes = await self._write_group(conn, batch)
        except _ROWS_REFUSED as error:
            if len(batch) == 1:
                _fail(batch, error)
                return
            # Nothing was committed: find the request at fault by committing the halves apart.
            half = len(batch) // 2
            await self._commit_group(batch[:half])
            await self._commit_group(batch[half:])
            return
        except Exception as error:
            _fail(batch, error)
            return
        for request, outcome in outcomes:
            if request.future.done():
                continue
            if isinstance(outcome, BaseException):
                request.future.set_exception(outcome)
            else:
                self._committed(request, outcome)
                request.future.set_result(outcome)

    async def _write_group(
        self, conn: Connection, batch: list[Request]
    ) -> list[tuple[Request, AppendResult | BaseException]]:
        while batch := [r for r in batch if not r.future.done()]:
            outcomes, written = await _attempt(conn, batch)
            if written is None:
                # Another transaction holds the append lock: wait for it, and write holding it.
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)
                    if any(r.future.done() for r in batch):
                        continue  # a caller gave up meanwhile: stage again without it
                    outcomes, written = await _attempt(conn, batch)
            if written:
                return list(zip(batch, outcomes, strict=True))
        return []


Staged = tuple[list[AppendResult | BaseException], bool | None]


async def _attempt(conn: Connection, batch: list[Request]) -> Staged:
    """Stage the group on the head as read now and commit it: True if written (or nothing to
    write), False if the head moved on meanwhile, None if the append lock was busy."""
    head = await _read_head(conn, batch)
    staged_on = head.position
    outcomes = [_stage(request, head) for request in batch]
    rows = [row for r in batch for row in r.rows]
    if not rows:
        return outcomes, True
    return outcomes, await _insert(conn, batch, rows, staged_on)


async def _read_head(conn: Connection, batch: list[Request]) -> _Head:
    """Everything the group needs to know, in one round trip."""
    keys = [r.key for r in batch if r.key is not None]
    state = await conn.fetchrow(
        STATE_SQL,
        list({w.stream_id for r in batch for w, _ in r.writes}),
        [k.scope for k in keys],
        [k.key for k in keys],
    )
    assert state is not None
    return _Head(
        now=state["now"],
        position=state["position"] or 0,
        hash=bytes(state["hash"]) if state["hash"] is not None else GENESIS,
        versions={UUID(k): int(v) for k, v in state["versions"].items()},
        known={(scope, key): (result, int(pos)) for scope, key, result, pos in state["keys"]},
    )


def _stage(request: Request, head: _Head) -> AppendResult | BaseException:
    """Stage one request's rows on the head (a replay or a conflict stages none)."""
    request.rows = []
    key = (request.key.scope, request.key.key) if request.key is not None else None
    if key is not None and key in head.known:
        first_result, first_position = head.known[key]
        return AppendResult(first_position, first_result, replayed=True)
    conflict = _conflict(request, head.versions)
    if conflict is not None:
        return conflict
    for write, events in request.writes:
        for ev in events:
            head.position += 1
            record = RecordedEvent(
                head.position,
                ev.stream_id,
                ev.stream_version,
                ev.event_type,
                ev.topic,
                ev.type_version,
                ev.payload,
                request.metadata,
                write.subject_id,
                head.now,
                ev.effective_date,
                b"",
            )
            head.hash = record_hash(head.hash, record)
            request.rows.append((*record.as_row()[:-1], head.hash))
        if events:
            head.versions[write.stream_id] = events[-1].stream_version
    if key is not None:
        head.known[key] = (request.result, head.position)
    return AppendResult(head.position, request.result)


async def _insert(
    conn: Connection, batch: list[Request], rows: list[tuple[Any, ...]], staged_on: int
) -> bool | None:
    keyed = [
        (r.key.scope, r.key.key, r.result, r.rows[-1][0])
        for r in batch
        if r.key is not None and r.rows
    ]
    written: bool | None = await conn.fetchval(
        APPEND_SQL,
        staged_on,
        APPEND_LOCK,
        *[list(column) for column in zip(*rows, strict=True)],
        *[list(column) for column in zip(*keyed, strict=True)] or [[], [], [], []],
        NOTIFY_CHANNEL,
        str(rows[-1][0]),
    )
    return written


def _fail(batch: list[Request], error: BaseException) -> None:
    for request in batch:
        if not request.future.done():
            request.future.set_exception(error)


def _conflict(request: Request, versions: dict[UUID, int]) -> VersionConflictError | None:
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
