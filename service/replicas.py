"""Reads on streaming replicas: queries, subscriptions' catch-up, proofs and as-of replays.

Each `KINERJA_READ_DATABASE_URL` gets a read side: the primary's services with the replica's
pool, event store (read only), projection checkpoints and stored checkpoints. Commands,
idempotency lookups and checkpoint signing stay on the primary: its writer signs, the replica
serves what was signed. A read with a minimum log position waits, bounded, until the replica's
own projection checkpoints (they replicate with the read tables) reach it; past the bound the
primary answers (`KINERJA_READ_FALLBACK=primary`) or the read is refused with VIEWS_NOT_READY
(`refuse`).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

import asyncpg

from service.audit.checkpoint import SignedCheckpoint
from service.audit.proofs import TransparencyLog
from service.db.server import create_pool
from service.log.feed import LogFeed
from service.log.reads import HEAD_SQL, head
from service.log.store import EventStore
from service.settings import Settings
from service.telemetry.metrics import REPLICA_FALLBACKS
from service.views.projector import ProjectionTimeout, Projector

if TYPE_CHECKING:
    from service.services import Services

log = logging.getLogger("kinerja.replicas")

_POSITIONS = (
    f"SELECT ({HEAD_SQL}),"
    " (SELECT coalesce(min(position), 0) FROM projection_checkpoints WHERE name = ANY($1))"
)


def pool_options(settings: Settings, *, reads: bool = False) -> dict[str, Any]:
    """The sizes (and, behind PgBouncer, no statement cache) of the service's pools."""
    size = settings.read_pool_max_size if reads else settings.pool_max_size
    return {
        "min_size": min(settings.pool_min_size, size),
        "max_size": size,
        "statement_cache_size": 0 if settings.pgbouncer else 100,
    }


def direct_url(settings: Settings, url: str) -> str:
    """Where LISTEN and the as-of sessions connect: KINERJA_LISTEN_DATABASE_URL, else `url`."""
    return settings.listen_database_url or url


async def replica_positions(pool: asyncpg.Pool, names: list[str]) -> tuple[int, int]:
    """(the replica's log head, the position its views reached), in one round trip."""
    row = await pool.fetchrow(_POSITIONS, names)
    assert row is not None
    return int(row[0]), int(row[1])


class StoredCheckpoints(TransparencyLog):
    """The verifiable log as a replica serves it: what the primary's writer signed and stored,
    proofs from the stored tree and the replicated events; it never writes."""

    async def sync(self) -> int:
        return await head(self._pool)

    async def checkpoint(self) -> SignedCheckpoint:
        return await self.latest()

    async def latest(self) -> SignedCheckpoint:
        return await self.newest_stored()

    def start(self, interval: float, every: int) -> None:
        raise RuntimeError("a replica signs no checkpoint: the primary's writer does")


async def attach_read_sides(services: Services) -> None:
    """A direct LISTEN pool when one is configured, and a read side for each replica."""
    settings = services.settings
    listen = direct_url(settings, services.database_url)
    if listen != services.database_url:
        pool = await create_pool(listen, min_size=0, max_size=1 + len(settings.read_database_urls))
        services.feed = LogFeed(pool, services.store)
    elif settings.pgbouncer:
        log.warning(
            "KINERJA_PGBOUNCER is set without KINERJA_LISTEN_DATABASE_URL: LISTEN and the as-of"
            " sessions need a direct connection (transaction pooling drops session state)"
        )
    for url in settings.read_database_urls:
        services.replicas.append(await open_replica(services, url))


async def open_replica(primary: Services, url: str) -> Services:
    """The read side on the replica at `url` (connected as the service role, like the primary)."""
    settings = primary.settings
    pool = await create_pool(url, **pool_options(settings, reads=True))
    try:
        # The primary's key ring: an erasure forgets the key at once, however far the replica lags.
        store = EventStore(pool, primary.store.codec, actor_id=primary.ids.employee_id)
        projector = Projector(pool, store, primary.projector.projections, inline=False)
        await projector.setup()
    except BaseException:
        await pool.close()
        raise
    return dataclasses.replace(
        primary,
        database_url=url,
        pool=pool,
        store=store,
        projector=projector,
        transparency=StoredCheckpoints(pool, primary.transparency.signer, settings.log_origin),
        feed=LogFeed(primary.feed.pool, store),
        replicas=[],
        primary=primary,
        _as_of_pool=None,
    )


async def wait_for_reads(
    primary: Services, reads: Services, position: int, timeout: float
) -> Services:
    """Where a read that needs `position` is answered: `reads` once it has it, else the primary
    (or ProjectionTimeout with `KINERJA_READ_FALLBACK=refuse`)."""
    if reads is primary:
        await primary.wait_for(position, timeout)
        return primary
    try:
        await reads.wait_for(position, timeout)
        return reads
    except ProjectionTimeout:
        if primary.settings.read_fallback == "refuse":
            raise
    REPLICA_FALLBACKS.inc()
    log.info("replica short of position %d after %g s: the primary answers", position, timeout)
    await primary.wait_for(position, timeout)
    return primary
