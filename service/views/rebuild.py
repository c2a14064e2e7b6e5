"""Rebuilding a projection without downtime: fresh tables from position 0, then an atomic swap.

The live tables keep serving while the new ones fill. The fresh tables start empty, so the log
up to its head is folded in memory (no row needs reading back) and each table is written with
one COPY. The swap locks the projection's checkpoint row (so the projector pauses on it),
applies the events that came meanwhile, renames the tables and moves the checkpoint, all in one
transaction: readers see either the old tables or the new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from projections.engine import MemoryRows, Projection, Row, Table, folding
from service.db.pg import Connection
from service.log.codec import EventCodec
from service.log.records import RecordedEvent
from service.log.store import EventStore
from service.views.facts import to_fact
from service.views.projector import apply_facts

NEXT = "__next"
PAGE = 5000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RebuildResult:
    """Which projections a rebuild swapped in, and the log position they reached."""

    projections: tuple[str, ...]
    position: int


def _next(table: Table) -> str:
    return f"{table.name}{NEXT}"


def _tables(projections: Sequence[Projection]) -> list[Table]:
    return [t for p in projections for t in p.tables]


async def _create_fresh(conn: Connection, projections: Sequence[Projection]) -> None:
    """Every fresh table (keyed, not yet indexed: COPY is quicker into a table without them)."""
    statements = [
        f"DROP TABLE IF EXISTS {_next(t)}; {t.ddl(_next(t))[0]}" for t in _tables(projections)
    ]
    await conn.execute(";\n".join(statements))


async def _index_fresh(conn: Connection, projections: Sequence[Projection]) -> None:
    statements = [s for t in _tables(projections) for s in t.ddl(_next(t))[1:]]
    if statements:
        await conn.execute(";\n".join(statements))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the rows pile up: each full collection would walk
    every row folded so far. What the folds drop is freed by reference counting meanwhile;
    garbage in cycles (if any) waits until the collector is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _fill_in_memory(
    conn: Connection, store: EventStore, projections: Sequence[Projection], progress: Progress
) -> int:
    """Fold the log from position 0 in memory (as a replay does) while the fresh tables are
    created, then COPY each one in and index it."""
    creating = asyncio.create_task(_create_fresh(conn, projections))
    with _collector_paused():
        try:
            memory, after = await _fold_all(store, projections, progress)
        finally:
            await creating
        by_table: dict[str, list[Row]] = {}
        for (table_name, _), row in memory.rows.items():
            by_table.setdefault(table_name, []).append(row)
        # One transaction: one commit to wait for, not one per table.
        async with conn.transaction():
            for table in _tables(projections):
                if rows := by_table.get(table.name):
                    await conn.copy_records_to_table(
                        _next(table), records=_records(table, rows), columns=table.column_names
                    )
            await _index_fresh(conn, projections)
    return after


def _records(table: Table, rows: list[Row]) -> list[tuple[Any, ...]]:
    """The rows as COPY records, in column order (None for a column a row leaves out)."""
    cols = table.column_names
    if len(cols) > 1:
        pick = operator.itemgetter(*cols)
        with contextlib.suppress(KeyError):
            return [pick(row) for row in rows]
    return [tuple(map(row.get, cols)) for row in rows]


async def _fold_all(
    store: EventStore, projections: Sequence[Projection], progress: Progress
) -> tuple[MemoryRows, int]:
    memory = MemoryRows()
    # The projections that fold each topic's events (by their declared event classes).
    by_topic: dict[str, list[Projection]] = {}
    after = 0
    page = asyncio.create_task(store.read_all(after, PAGE, metadata=False))
    while events := await page:
        # Read the next page while this one is decoded and folded.
        page = asyncio.create_task(store.read_all(events[-1].position, PAGE, metadata=False))
        _fold_page(memory, store.codec, projections, by_topic, events)
        after = events[-1].position
        progress(after, len(events))
    return memory, after


def _fold_page(
    memory: MemoryRows,
    codec: EventCodec,
    projections: Sequence[Projection],
    by_topic: dict[str, list[Projection]],
    events: list[RecordedEvent],
) -> None:
    apply = memory.apply
    for event in events:
        folds = by_topic.get(event.topic)
        if folds is None:
            folds = by_topic[event.topic] = folding(projections, codec.event_class(event.topic))
        if folds:
            # Decoded once, for the projections that fold it (an event none folds is not).
            fact = to_fact(codec, event)
            for projection in folds:
                apply(projection, fact)


async def _fill(
    conn: Connection,
    store: EventStore,
    projections: Sequence[Projection],
    after: int,
    until: int,
    progress: Progress,
) -> int:
    """Apply the events after `after` up to `until` into the (filled) fresh tables."""
    names = {t.name: _next(t) for t in _tables(projections)}
    while events := [
        e for e in await store.read_all(after, PAGE, metadata=False) if e.position <= until
    ]:
        facts = [to_fact(store.codec, e) for e in events]
        for projection in projections:
            await apply_facts(conn, projection, facts, names)
        after = events[-1].position
        progress(after, len(events))
    return after


def _swap_sql(projection: Projection) -> list[str]:
    statements = []
    for table in projection.tables:
        fresh = _next(table)
        statements += [
            f"DROP TABLE {table.name}",
            f"ALTER TABLE {fresh} RENAME TO {table.name}",
            f"ALTER TABLE {table.name} RENAME CONSTRAINT {fresh}_pkey TO {table.name}_pkey",
        ]
        statements += [
            f"ALTER INDEX {fresh}_ix{i} RENAME TO {table.name}_ix{i}"
            for i in range(len(table.indexes))
        ]
    return statements


async def rebuild(
    pool: asyncpg.Pool,
    store: EventStore,
    projections: Sequence[Projection],
    progress: Progress = lambda position, count: None,
) -> RebuildResult:
    """Rebuild projections from position 0 into fresh tables and swap them in together."""
    async with pool.acquire() as conn:
        reached = await _fill_in_memory(conn, store, projections, progress)
        async with conn.transaction():
            # The projector waits on these rows while the last events go in and the tables swap.
            await conn.fetch(
                "SELECT position FROM projection_checkpoints WHERE name = ANY($1::text[])"
                " ORDER BY name FOR UPDATE",
                [p.name for p in projections],
            )
            head = await store.head()
            reached = await _fill(conn, store, projections, reached, head, progress)
            await conn.execute(";\n".join(s for p in projections for s in _swap_sql(p)))
            await conn.execute(
                "UPDATE projection_checkpoints SET position = $1, updated_at = now()"
                " WHERE name = ANY($2::text[])",
                reached,
                [p.name for p in projections],
            )
    return RebuildResult(tuple(p.name for p in projections), reached)
