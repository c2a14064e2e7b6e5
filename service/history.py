"""History: views as the log stood at a past moment, and projections rebuilt aside for checks.

Both replay the log through the projections' own folds in memory (projections.engine.replay):
the same code the projector runs, never a second implementation.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from domain.organisation import unit_stream_id
from projections.engine import Fact, MemoryRows, Projection, Row, replay
from service.codec import EventCodec
from service.database import init_connection
from service.eventstore import EventStore, record_from_row
from service.eventstore_sql import EVENT_COLUMNS
from service.facts import to_fact
from service.keyring import SEALED
from service.pg import Connection
from service.projector import write_rows
from service.records import RecordedEvent

_UNIT_FIELDS = ("unit_code", "to_unit", "from_unit")


class FactCache:
    """Decoded events by log position, for replays that read the same streams again.

    Events never change, so a decoded one stays right; events with sealed personal fields are
    never kept (erasure must leave no plaintext behind), and the cache is bounded.
    """

    def __init__(self, codec: EventCodec, size: int = 100_000) -> None:
        self._codec = codec
        self._size = size
        self._facts: OrderedDict[int, Fact] = OrderedDict()

    def facts(self, events: list[RecordedEvent]) -> list[Fact]:
        found = []
        for event in events:
            fact = self._facts.get(event.position)
            if fact is None:
                fact = to_fact(self._codec, event)
                if SEALED.encode() not in event.payload:
                    self._facts[event.position] = fact
                    if len(self._facts) > self._size:
                        self._facts.popitem(last=False)
            found.append(fact)
        return found


_BOUNDED = (
    " AND ($2::timestamptz IS NULL OR recorded_at <= $2)"
    " AND ($3::bigint IS NULL OR position <= $3) ORDER BY position"
)


async def replay_subject(
    store: EventStore,
    projections: list[Projection],
    subject_id: UUID,
    *,
    until: datetime | None = None,
    position: int | None = None,
    cache: FactCache | None = None,
) -> MemoryRows:
    """The views of one person (and of the units they belonged to) as the log stood then."""
    rows = await store.pool.fetch(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE (subject_id = $1 OR stream_id = $1)" + _BOUNDED,
        subject_id,
        until,
        position,
    )
    events = await store.prefetch([record_from_row(r) for r in rows])
    decode = cache or FactCache(store.codec, size=0)
    facts = decode.facts(events)
    codes = {
        value
        for fact in facts
        for name in _UNIT_FIELDS
        if isinstance(value := getattr(fact.event, name, None), str)
    }
    if codes:
        units = await store.pool.fetch(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = ANY($1::uuid[])" + _BOUNDED,
            [unit_stream_id(code) for code in codes],
            until,
            position,
        )
        facts += decode.facts([record_from_row(r) for r in units])
        facts.sort(key=lambda fact: fact.position)
    return replay(projections, facts)


async def replay_all(store: EventStore, projections: list[Projection]) -> MemoryRows:
    """Every projection rebuilt from position 0, in memory."""
    memory = MemoryRows()
    after = 0
    while events := await store.read_all(after, 5000):
        for event in events:
            fact = to_fact(store.codec, event)
            for projection in projections:
                memory.apply(projection, fact)
        after = events[-1].position
    return memory


@dataclass(frozen=True)
class RowDifference:
    """One read-table row that differs between the live tables and a rebuild."""

    table: str
    key: tuple[Any, ...]
    live: Row | None
    rebuilt: Row | None

    def describe(self) -> str:
        if self.live is None:
            return f"{self.table} {self.key}: missing from the live table"
        if self.rebuilt is None:
            return f"{self.table} {self.key}: in the live table but not in a rebuild"
        changed = sorted(
            k
            for k in self.live.keys() | self.rebuilt.keys()
            if self.live.get(k) != self.rebuilt.get(k)
        )
        return f"{self.table} {self.key}: columns differ: {', '.join(changed)}"


async def compare_with_live(
    conn: Connection, projections: list[Projection], rebuilt: MemoryRows
) -> list[RowDifference]:
    """Every row where the live read tables and the rebuilt ones disagree."""
    differences: list[RowDifference] = []
    for projection in projections:
        for table in projection.tables:
            live = {
                table.key_of(r): dict(r) for r in await conn.fetch(f"SELECT * FROM {table.name}")
            }
            fresh = {table.key_of(r): r for r in rebuilt.table(table.name)}
            for key in sorted(live.keys() | fresh.keys(), key=repr):
                if live.get(key) != fresh.get(key):
                    differences.append(
                        RowDifference(table.name, key, live.get(key), fresh.get(key))
                    )
    return differences


class AsOfReader:
    """One private connection, read by resolvers one query at a time (asyncpg needs that)."""

    def __init__(self, pool: asyncpg.Pool, conn: Any, tables: list[str]) -> None:
        self._pool = pool
        self._conn = conn
        self._tables = tables
        self._lock = asyncio.Lock()

    async def fetch(self, query: str, *args: Any, timeout: float | None = None) -> list[Any]:
        async with self._lock:
            return list(await self._conn.fetch(query, *args, timeout=timeout))

    async def fetchrow(self, query: str, *args: Any, timeout: float | None = None) -> Any:
        async with self._lock:
            return await self._conn.fetchrow(query, *args, timeout=timeout)

    async def fetchval(
        self, query: str, *args: Any, column: int = 0, timeout: float | None = None
    ) -> Any:
        async with self._lock:
            return await self._conn.fetchval(query, *args, column=column, timeout=timeout)

    async def close(self) -> None:
        """Empty the temporary tables (kept for the connection's next replay) and give it back."""
        try:
            # DELETE, not TRUNCATE: a replay holds few rows, and TRUNCATE makes new files.
            await self._conn.execute("; ".join(f"DELETE FROM {t}" for t in self._tables))
        except BaseException:
            await self._conn.execute("DISCARD TEMP")
            raise
        finally:
            await self._pool.release(self._conn)


async def as_of_pool(url: str) -> asyncpg.Pool:
    """Connections for as-of reads: no statement cache, so no plan can point at a live table
    that a temporary one of the same name shadows."""
    pool = await asyncpg.create_pool(
        url, min_size=0, max_size=4, statement_cache_size=0, init=init_connection
    )
    assert pool is not None
    return pool


async def open_as_of(
    pool: asyncpg.Pool, projections: list[Projection], memory: MemoryRows
) -> AsOfReader:
    """A connection whose temporary read tables hold the replayed views.

    Temporary tables shadow the live ones of the same name, so every read query of the
    projections answers from the past state on this connection. The caller closes it.
    """
    conn = await pool.acquire()
    tables = {t.name: t for p in projections for t in p.tables}
    reader = AsOfReader(pool, conn, list(tables))
    try:
        # A connection keeps its temporary tables between replays (emptied at close).
        absent = await conn.fetchval(
            "SELECT coalesce(array_agg(n), '{}') FROM unnest($1::text[]) AS n"
            " WHERE to_regclass('pg_temp.' || n) IS NULL",
            list(tables),
        )
        missing = [tables[name] for name in absent]
        if missing:
            # One round trip for every CREATE (the simple protocol takes several statements).
            await conn.execute(";\n".join(s for t in missing for s in t.ddl(temporary=True)))
        await write_rows(conn, tables, dict(memory.rows), {}, existed=set())
    except BaseException:
        await reader.close()
        raise
    return reader
