"""As-of reads: the views as the log stood at a past moment, for one person.

The log is replayed through the projections' own folds in memory (projections.engine.replay):
the same code the projector runs, never a second implementation. Rebuilding every projection
aside and comparing it with the live tables is `service/views/compare.py`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from domain.organisation import unit_stream_id
from projections.engine import Fact, Key, MemoryRows, Projection, Row, RowRef, Table, replay
from service.db.server import init_connection
from service.errors import ClientFacingError
from service.log import reads
from service.log.codec import EventCodec
from service.log.keyring import SEALED
from service.log.records import RecordedEvent
from service.log.store import EventStore
from service.views.facts import to_fact
from service.views.rows import write_rows

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

    async def load(self, store: EventStore, positions: list[int]) -> list[Fact]:
        """The facts at these positions, in that order: the cached ones as they are, the rest
        read in one query (their sealed fields' keys loaded) and decoded."""
        found = {p: fact for p in positions if (fact := self._facts.get(p)) is not None}
        if missing := [p for p in positions if p not in found]:
            events = await store.prefetch(await reads.at_positions(store.pool, missing))
            found.update((fact.position, fact) for fact in self.facts(events))
        return [found[p] for p in positions if p in found]


class Replay:
    """The facts of an as-of read, folded into memory one projection at a time when a read first
    needs its tables. A projection's fold sees only its own tables' rows, so folding each one
    through all the facts gives the rows folding them together (engine.replay) would."""

    def __init__(self, projections: list[Projection], facts: list[Fact]) -> None:
        self._pending = {id(p): p for p in projections}
        self._owner = {t.name: id(p) for p in projections for t in p.tables}
        self._facts = facts
        self._rows: dict[RowRef, Row] = {}

    def get(self, table: str, key: Key) -> Row | None:
        """One replayed row (folding only the projection that owns the table, if not yet)."""
        self._fold(self._owner[table])
        return self._rows.get((table, key))

    @property
    def rows(self) -> dict[RowRef, Row]:
        """Every replayed row (folding the projections not folded yet)."""
        for projection in list(self._pending):
            self._fold(projection)
        return self._rows

    def _fold(self, projection: int) -> None:
        if (found := self._pending.pop(projection, None)) is not None:
            self._rows.update(replay([found], self._facts).rows)


async def replay_subject(
    store: EventStore,
    projections: list[Projection],
    subject_id: UUID,
    *,
    until: datetime | None = None,
    position: int | None = None,
    cache: FactCache | None = None,
) -> Replay:
    """The views of one person (and of the units they belonged to) as the log stood then."""
    pool, decode = store.pool, cache or FactCache(store.codec, size=0)
    about = await reads.positions_about_as_of(pool, subject_id, until=until, position=position)
    facts = await decode.load(store, about)
    codes = {
        value
        for fact in facts
        for name in _UNIT_FIELDS
        if isinstance(value := getattr(fact.event, name, None), str)
    }
    if codes:
        streams = [unit_stream_id(code) for code in codes]
        units = await reads.positions_of_streams_as_of(
            pool, streams, until=until, position=position
        )
        facts += await decode.load(store, units)
        facts.sort(key=lambda fact: fact.position)
    return Replay(projections, facts)


# The as-of connections: a document may carry at most MAX_AS_OF_FIELDS as-of fields (the
# pipeline's AsOfFieldsRule), so one connection stays free for other clients.
AS_OF_POOL_SIZE = 4
MAX_AS_OF_FIELDS = 3
AS_OF_BUSY = "SERVICE_UNAVAILABLE"


class AsOfReader:
    """Read queries answered from replayed rows instead of the live views.

    Each query borrows an as-of connection (waiting at most `timeout` seconds), fills its
    temporary tables (they shadow the live ones of the same name) inside a transaction, runs,
    rolls the rows back and gives the connection back. No request holds a connection while it
    waits for another, so any number of as-of fields in any number of requests cannot deadlock
    the pool; when it stays busy the query fails with a coded, retryable error.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        projections: list[Projection],
        memory: MemoryRows | Replay,
        timeout: float = 5.0,
    ) -> None:
        self._pool = pool
        self._tables = {t.name: t for p in projections for t in p.tables}
        self._memory = memory
        self._rows: dict[RowRef, Row | None] | None = None
        self._timeout = timeout

    async def fetch(self, query: str, *args: Any, timeout: float | None = None) -> list[Any]:
        return list(await self._run(lambda conn: conn.fetch(query, *args, timeout=timeout)))

    async def fetchrow(self, query: str, *args: Any, timeout: float | None = None) -> Any:
        return await self._run(lambda conn: conn.fetchrow(query, *args, timeout=timeout))

    async def fetchval(
        self, query: str, *args: Any, column: int = 0, timeout: float | None = None
    ) -> Any:
        return await self._run(
            lambda conn: conn.fetchval(query, *args, column=column, timeout=timeout)
        )

    async def _run(self, read: Callable[[Any], Awaitable[Any]]) -> Any:
        rows = self._replayed()  # folded before a connection is borrowed, not while holding it
        try:
            conn = await self._pool.acquire(timeout=self._timeout)
        except TimeoutError:
            raise ClientFacingError(
                f"every as-of connection stayed busy for {self._timeout:g} s; retry shortly",
                AS_OF_BUSY,
            ) from None
        try:
            await _temporary_tables(conn, self._tables)
            transaction = conn.transaction()
            await transaction.start()
            try:
                await write_rows(conn, self._tables, rows, {}, existed=set())
                return await read(conn)
            finally:
                await transaction.rollback()
        finally:
            await self._pool.release(conn)

    def _replayed(self) -> dict[RowRef, Row | None]:
        # Folded on the first read only (a replay folds its other projections then), once.
        if self._rows is None:
            self._rows = dict(self._memory.rows)
        return self._rows


async def _temporary_tables(conn: Any, tables: dict[str, Table]) -> None:
    """Create the temporary read tables this connection does not have yet (kept, empty)."""
    absent = await conn.fetchval(
        "SELECT coalesce(array_agg(n), '{}') FROM unnest($1::text[]) AS n"
        " WHERE to_regclass('pg_temp.' || n) IS NULL",
        list(tables),
    )
    if absent:
        # One round trip for every CREATE (the simple protocol takes several statements).
        await conn.execute(";\n".join(s for n in absent for s in tables[n].ddl(temporary=True)))


async def as_of_pool(url: str, size: int = AS_OF_POOL_SIZE) -> asyncpg.Pool:
    """Connections for as-of reads: no statement cache, so no plan can point at a live table
    that a temporary one of the same name shadows; replaced after a bounded number of queries,
    so the dead rows their temporary tables collect stay few."""
    pool = await asyncpg.create_pool(
        url,
        min_size=0,
        max_size=size,
        max_queries=2000,
        statement_cache_size=0,
        init=init_connection,
        server_settings={"application_name": "kinerja-as-of"},
    )
    assert pool is not None
    return pool
