"""The views as they will stand once the projector applies what is already committed.

A mutation whose events committed while the views lag (the projector restarting, or slow) still
answers the object it made: the events the views have not applied yet are folded, by the
projections' own folds, over the live rows they touch, and the mutation reads its object from
those rows (anything they do not hold comes from the live views, which it did not change).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLError

from projections.engine import MemoryRows
from projections.sql import Reader
from service.services import Services
from service.views.as_of import AsOfReader
from service.views.facts import to_fact
from service.views.rows import load_rows

log = logging.getLogger("kinerja.pending")

# Folding more than this many unapplied events for one answer is more work than a request
# may spend: the mutation then reads the live views alone (its answer still says viewsCurrent
# false).
PENDING_LIMIT = 2000


async def pending_rows(services: Services, position: int) -> MemoryRows | None:
    """The rows the unapplied events up to `position` produce, or None beyond PENDING_LIMIT."""
    projections = services.projector.projections
    names = [p.name for p in projections]
    sql = "SELECT name, position FROM projection_checkpoints WHERE name = ANY($1::text[])"
    low = min((r["position"] for r in await services.pool.fetch(sql, names)), default=0)
    if position - low > PENDING_LIMIT:
        return None
    events = [
        e for e in await services.store.read_all(low, position - low) if e.position <= position
    ]
    facts = [to_fact(services.store.codec, e) for e in events]
    memory = MemoryRows()
    # One snapshot for the checkpoints and the rows, so each row is folded from where it stood.
    async with (
        services.pool.acquire() as conn,
        conn.transaction(isolation="repeatable_read", readonly=True),
    ):
        reached = {r["name"]: r["position"] for r in await conn.fetch(sql, names)}
        for projection in projections:
            todo = [f for f in facts if f.position > reached.get(projection.name, 0)]
            wanted = {ref for fact in todo for ref in projection.touches(fact)}
            tables = {t.name: t for t in projection.tables}
            live = await load_rows(conn, tables, wanted, {})
            memory.rows.update({ref: row for ref, row in live.items() if row is not None})
            for fact in todo:
                memory.apply(projection, fact)
    return memory


class AheadReader:
    """Reads the rows the pending events produce first, the live views for everything else
    (and for everything while every as-of connection is busy)."""

    def __init__(self, ahead: AsOfReader, live: Reader) -> None:
        self._ahead = ahead
        self._live = live

    async def _first(self, ahead: Awaitable[Any], live: Callable[[], Awaitable[Any]]) -> Any:
        try:
            found = await ahead
        except GraphQLError:
            found = None
        return found if found not in (None, []) else await live()

    async def fetch(self, query: str, *args: Any, timeout: float | None = None) -> list[Any]:
        return list(
            await self._first(
                self._ahead.fetch(query, *args, timeout=timeout),
                lambda: self._live.fetch(query, *args, timeout=timeout),
            )
        )

    async def fetchrow(self, query: str, *args: Any, timeout: float | None = None) -> Any:
        return await self._first(
            self._ahead.fetchrow(query, *args, timeout=timeout),
            lambda: self._live.fetchrow(query, *args, timeout=timeout),
        )

    async def fetchval(
        self, query: str, *args: Any, column: int = 0, timeout: float | None = None
    ) -> Any:
        return await self._first(
            self._ahead.fetchval(query, *args, column=column, timeout=timeout),
            lambda: self._live.fetchval(query, *args, column=column, timeout=timeout),
        )


async def reader_at(services: Services, position: int) -> Reader:
    """Where a mutation reads the object it made when the views have not reached `position`."""
    try:
        memory = await pending_rows(services, position)
        if memory is not None:
            ahead = AsOfReader(
                await services.as_of(),
                services.projector.projections,
                memory,
                services.settings.as_of_wait,
            )
            return AheadReader(ahead, services.pool)
    except Exception:
        log.exception("could not fold the unapplied events up to %s", position)
    return services.pool
