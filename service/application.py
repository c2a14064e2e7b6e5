"""The running service's parts, wired once: pool, store, handlers, projector, verifier."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

from projections.registry import all_projections
from service.auth import TokenVerifier
from service.codec import EventCodec
from service.commands import Repository
from service.database import create_pool, database_url
from service.eventstore import EventStore
from service.handlers.organisation import OrganisationHandlers
from service.identity import SubjectIds
from service.migrate import migrate
from service.projector import Projector
from service.settings import Settings


@dataclass
class Services:
    """Everything a request or a CLI command needs, built from the settings."""

    settings: Settings
    pool: asyncpg.Pool
    store: EventStore
    projector: Projector
    verifier: TokenVerifier
    ids: SubjectIds
    organisation: OrganisationHandlers

    async def wait_for_views(self, position: int, timeout: float = 5.0) -> None:
        """Read-your-writes: wait until the views include this log position."""
        await self.projector.wait_for(position, timeout)


async def build_services(settings: Settings, url: str, *, run_projector: bool) -> Services:
    """Connect, migrate, create the read tables, and start the projector if asked."""
    pool = await create_pool(url)
    async with pool.acquire() as conn:
        await migrate(conn)
    store = EventStore(pool, EventCodec())
    repo = Repository(store)
    ids = SubjectIds(settings.id_secret)
    projector = Projector(pool, store, all_projections(), inline=settings.run_projector)
    await projector.setup()
    if run_projector:
        projector.start()
    return Services(
        settings=settings,
        pool=pool,
        store=store,
        projector=projector,
        verifier=TokenVerifier(settings),
        ids=ids,
        organisation=OrganisationHandlers(repo, ids),
    )


async def close_services(services: Services) -> None:
    await services.projector.stop()
    await services.store.close()
    await services.pool.close()


@contextlib.asynccontextmanager
async def running(
    settings: Settings, *, run_projector: bool | None = None
) -> AsyncIterator[Services]:
    """The services for the configured (or embedded) database, closed on exit."""
    async with database_url(settings.database_url, settings.data_dir) as url:
        services = await build_services(
            settings,
            url,
            run_projector=settings.run_projector if run_projector is None else run_projector,
        )
        try:
            yield services
        finally:
            await close_services(services)
