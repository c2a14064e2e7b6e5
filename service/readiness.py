"""What `kinerja migrate` does as the owner, and what `serve` and `project` check before they start.

The migrations themselves are `service/db/migrate.py`; here they meet the key-encryption key
(keys stored unwrapped are wrapped in the same transaction) and the published checkpoints.
"""

from __future__ import annotations

from functools import partial

from projections.registry import all_projections
from service.audit.publish import CheckpointPublisher
from service.db.migrate import migrate, require_current_schema
from service.db.pg import Connection
from service.db.roles import check_connected_role
from service.db.server import create_pool, open_database, service_role
from service.log.kek import KekRing, check_kek, open_kek_ring, wrap_plain_keys
from service.settings import Settings


async def migrate_database(settings: Settings) -> list[str]:
    """`kinerja migrate`: connect as the owner and bring the database up to this version."""
    keks = open_kek_ring(settings)
    async with open_database(settings, owner=True) as url:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                then = partial(wrap_plain_keys, keks=keks)
                return await migrate(conn, service=service_role(settings), then=then)
        finally:
            await pool.close()


async def check_ready(conn: Connection, keks: KekRing, *, production: bool) -> None:
    """What `kinerja serve` and `kinerja project` check before they start (and never fix)."""
    await require_current_schema(conn, all_projections())
    await check_kek(conn, keks)
    await check_connected_role(conn, production=production)


async def check_database(settings: Settings) -> None:
    """Connect as the service and refuse (StartupRefused) when it could not start."""
    keks = open_kek_ring(settings)
    CheckpointPublisher(settings.checkpoint_dir).check()
    async with open_database(settings) as url:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                await check_ready(conn, keks, production=settings.production)
        finally:
            await pool.close()
