"""Rebuilding a projection without downtime: fresh tables from position 0, then an atomic swap.

The live tables keep serving while the new ones fill. The swap locks the projection's checkpoint
row (so the projector pauses on it), applies the last events, renames the tables and moves the
checkpoint, all in one transaction: readers see either the old tables or the new ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg

from projections.engine import Projection, Table
from service.db.pg import Connection
from service.log.store import EventStore
from service.views.facts import to_fact
from service.views.projector import apply_facts

NEXT = "__next"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RebuildResult:
    """Which projections a rebuild swapped in, and the log position they reached."""

    projections: tuple[str, ...]
    position: int


def _next(table: Table) -> str:
    return f"{table.name}{NEXT}"


async def _create_fresh(conn: Connection, projection: Projection) -> None:
    for table in projection.tables:
        await conn.execute(f"DROP TABLE IF EXISTS {_next(table)}")
        for statement in table.ddl(_next(table)):
            await conn.execute(statement)


async def _fill(
    conn: Connection,
    store: EventStore,
    projections: Sequence[Projection],
    after: int,
    until: int | None,
    progress: Progress,
) -> int:
    """Apply events after `after` (up to `until`, or the head) into the fresh tables.

    Each event is read and decoded once, then folded into every projection's fresh tables.
    """
    names = {t.name: _next(t) for p in projections for t in p.tables}
    page = asyncio.create_task(store.read_all(after, 5000))
    while events := await page:
        if until is not None:
            events = [e for e in events if e.position <= until]
            if not events:
                break
        # Read the next page while this one is decoded and folded.
        page = asyncio.create_task(store.read_all(events[-1].position, 5000))
        facts = [to_fact(store.codec, e) for e in events]
        async with conn.transaction():
            for projection in projections:
                await apply_facts(conn, projection, facts, names)
        after = events[-1].position
        progress(after, len(events))
    page.cancel()
    return after


async def _swap(conn: Connection, projection: Projection, position: int) -> None:
    for table in projection.tables:
        fresh = _next(table)
        await conn.execute(f"DROP TABLE {table.name}")
        await conn.execute(f"ALTER TABLE {fresh} RENAME TO {table.name}")
        await conn.execute(
            f"ALTER TABLE {table.name} RENAME CONSTRAINT {fresh}_pkey TO {table.name}_pkey"
        )
        for i in range(len(table.indexes)):
            await conn.execute(f"ALTER INDEX {fresh}_ix{i} RENAME TO {table.name}_ix{i}")
    await conn.execute(
        "UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1",
        projection.name,
        position,
    )


async def rebuild(
    pool: asyncpg.Pool,
    store: EventStore,
    projections: Sequence[Projection],
    progress: Progress = lambda position, count: None,
) -> RebuildResult:
    """Rebuild projections from position 0 into fresh tables and swap them in together."""
    async with pool.acquire() as conn:
        for projection in projections:
            await _create_fresh(conn, projection)
        reached = await _fill(conn, store, projections, 0, None, progress)
        async with conn.transaction():
            # The projector waits on these rows while the last events go in and the tables swap.
            await conn.fetch(
                "SELECT position FROM projection_checkpoints WHERE name = ANY($1::text[])"
                " ORDER BY name FOR UPDATE",
                [p.name for p in projections],
            )
            head = await store.head()
            reached = await _fill(conn, store, projections, reached, head, progress)
            for projection in projections:
                await _swap(conn, projection, reached)
    return RebuildResult(tuple(p.name for p in projections), reached)
