"""The running service's parts, wired once: pool, store, handlers, projector, verifier."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg

from projections.registry import all_projections
from service.audit.checkpoint import CheckpointSigner
from service.audit.proofs import TransparencyLog
from service.audit.publish import CheckpointPublisher
from service.auth.tokens import TokenVerifier
from service.db.server import create_pool, open_database
from service.handlers.awards import AwardHandlers, AwardOpportunities
from service.handlers.dialogues import DialogueHandlers
from service.handlers.envelope import Repository
from service.handlers.identity import SubjectIds
from service.handlers.organisation import OrganisationHandlers
from service.handlers.outcomes import OutcomeHandlers
from service.handlers.performance import PerformanceHandlers
from service.handlers.performance_unit import UnitPerformanceHandlers
from service.handlers.privacy import PrivacyHandlers
from service.handlers.rule_sets import ensure_default_rule_sets
from service.handlers.training import OpenNeedsView, TrainingHandlers
from service.handlers.unit_staff import DirectoryStaff
from service.log.codec import EventCodec
from service.log.feed import LogFeed
from service.log.kek import KekRing, open_kek_ring
from service.log.keyring import KeyRing
from service.log.snapshots import SnapshotStore
from service.log.store import EventStore
from service.readiness import check_ready
from service.replicas import attach_read_sides, direct_url, pool_options, replica_positions
from service.settings import Settings
from service.views.as_of import FactCache, as_of_pool
from service.views.projector import ProjectionTimeout, Projector, own_pool

# How long a cached read waits for the projector to scan a write it was told of (NOTIFY).
CACHE_SETTLE_SECONDS = 0.05


@dataclass
class Services:
    """Everything a request or a CLI command needs, built from the settings."""

    settings: Settings
    database_url: str
    pool: asyncpg.Pool
    store: EventStore
    projector: Projector
    verifier: TokenVerifier
    ids: SubjectIds
    transparency: TransparencyLog
    keyring: KeyRing
    privacy: PrivacyHandlers
    feed: LogFeed
    facts: FactCache
    organisation: OrganisationHandlers
    training: TrainingHandlers
    performance: PerformanceHandlers
    unit_performance: UnitPerformanceHandlers
    awards: AwardHandlers
    dialogues: DialogueHandlers
    outcomes: OutcomeHandlers

    _as_of_pool: asyncpg.Pool | None = None
    _as_of_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # KINERJA_READ_DATABASE_URL: one read side per replica; a read side knows its primary.
    replicas: list[Services] = field(default_factory=list)
    primary: Services | None = None
    _turn: int = 0

    def reads(self) -> Services:
        """Where the next query reads: the replicas in turn, else the primary itself."""
        if not self.replicas:
            return self
        self._turn = (self._turn + 1) % len(self.replicas)
        return self.replicas[self._turn]

    async def wait_for_views(self, position: int, timeout: float = 5.0) -> None:
        """Read-your-writes: wait until the views include this log position."""
        await self.projector.wait_for(position, timeout)

    async def as_of(self) -> asyncpg.Pool:
        """The connections of as-of reads, opened on first use."""
        if self.primary is not None:
            # A replay reads the replica's log; its temporary tables need a writable session.
            return await self.primary.as_of()
        async with self._as_of_lock:  # concurrent first uses open one pool, not several
            if self._as_of_pool is None:
                url = direct_url(self.settings, self.database_url)
                self._as_of_pool = await as_of_pool(url, self.settings.as_of_pool_size)
        return self._as_of_pool

    async def positions(self) -> tuple[int, int]:
        """(log head, position every view has reached): what a cached answer depends on."""
        projector = self.projector
        if self.primary is not None:
            return await replica_positions(self.pool, [p.name for p in projector.projections])
        if projector.listening:
            # No round trip: NOTIFY announces every commit; the views cannot be ahead of it.
            reached = projector.reached
            return max(projector.notified_head, self.store.last_position, reached), reached
        head = await self.store.head()
        if not self.settings.run_projector:
            await projector.load_positions()
        return head, projector.reached

    async def cache_positions(self, tables: frozenset[str] | None) -> tuple[int | str, ...]:
        """What a cached answer reading `tables` depends on: where they last changed, and the
        log head while events are not yet scanned here (None: the head and every view)."""
        head, reached = await self.positions()
        if tables is None or self.primary is not None:
            return head, reached
        if head > self.projector.scanned and self.projector.listening:
            # A write announced, not yet scanned here: wait (briefly) to learn which tables it
            # changed rather than answer anew under a key of its own.
            with contextlib.suppress(ProjectionTimeout):
                await self.projector.wait_for(head, CACHE_SETTLE_SECONDS)
        pending = head if head > self.projector.scanned else 0
        return "tables", pending, *self.projector.table_positions(tables)

    async def wait_for(self, position: int, timeout: float) -> None:
        await self.projector.wait_for(position, timeout)


async def build_services(settings: Settings, url: str, *, run_projector: bool) -> Services:
    """Connect, check the schema and the KEK, and start the projector if asked."""
    keks = open_kek_ring(settings)
    publisher = CheckpointPublisher(settings.checkpoint_dir)
    publisher.check()
    pool = await _ready_pool(settings, url, keks)
    ids = SubjectIds(settings.id_secret)
    keyring = KeyRing(pool, keks)
    store = EventStore(pool, EventCodec(keyring), actor_id=ids.employee_id)
    repo = Repository(store, SnapshotStore(pool, store.codec))
    projector = Projector(pool, store, all_projections(), inline=settings.run_projector)
    await projector.setup()
    await _publish_default_rule_sets(settings, repo, projector)
    transparency = _transparency(settings, pool, publisher)
    performance = PerformanceHandlers(repo, ids, DirectoryStaff(pool))
    if run_projector:
        projector.start(own_pool(direct_url(settings, url)))
        transparency.start(settings.checkpoint_interval, settings.checkpoint_every)
    services = Services(
        settings=settings,
        database_url=url,
        pool=pool,
        store=store,
        projector=projector,
        verifier=TokenVerifier(settings),
        ids=ids,
        transparency=transparency,
        keyring=keyring,
        privacy=PrivacyHandlers(repo, ids, keyring),
        feed=LogFeed(pool, store),
        facts=FactCache(store.codec),
        organisation=OrganisationHandlers(repo, ids),
        training=TrainingHandlers(repo, ids, OpenNeedsView(pool), AwardOpportunities(pool)),
        performance=performance,
        unit_performance=UnitPerformanceHandlers(repo, performance),
        awards=AwardHandlers(repo, ids),
        dialogues=DialogueHandlers(repo, performance),
        outcomes=OutcomeHandlers(repo),
    )
    return await _with_read_sides(services)


async def _with_read_sides(services: Services) -> Services:
    """The services with their replicas' read sides attached; all closed if one fails."""
    try:
        await attach_read_sides(services)
    except BaseException:
        await close_services(services)
        raise
    return services


async def _ready_pool(settings: Settings, url: str, keks: KekRing) -> asyncpg.Pool:
    """A pool on a database whose schema and KEK check out; closed again if they do not."""
    pool = await create_pool(url, **pool_options(settings))
    try:
        # Never change the schema here (`kinerja migrate` does): refuse a database behind.
        async with pool.acquire() as conn:
            await check_ready(conn, keks, production=settings.production)
    except BaseException:
        await pool.close()
        raise
    return pool


def _transparency(
    settings: Settings, pool: asyncpg.Pool, publisher: CheckpointPublisher
) -> TransparencyLog:
    """The verifiable log, signing with the service's checkpoint key (created on first start)."""
    signer = CheckpointSigner.load_or_create(settings.log_key_file, settings.log_origin)
    return TransparencyLog(pool, signer, settings.log_origin, publisher)


async def _publish_default_rule_sets(
    settings: Settings, repo: Repository, projector: Projector
) -> None:
    published = await ensure_default_rule_sets(repo) if settings.default_rule_sets else 0
    if published and settings.run_projector:
        # Projecting in this process: let the rule sets show before the first request.
        await projector.catch_up()


async def close_services(services: Services, timeout: float = 2.0) -> None:
    """Stop the background loops and close the pools; connections still lent out after
    `timeout` seconds (a request that is being cancelled) are terminated, so shutdown is bounded."""
    await services.transparency.stop()
    for side in [services, *services.replicas]:
        await side.feed.close()
    await services.projector.stop()
    await services.store.close()
    pools = [services.pool] + ([services._as_of_pool] if services._as_of_pool else [])
    pools += [side.pool for side in services.replicas]
    if services.feed.pool is not services.pool:
        pools.append(services.feed.pool)
    for pool in pools:
        try:
            await asyncio.wait_for(pool.close(), timeout)
        except TimeoutError:
            pool.terminate()


@contextlib.asynccontextmanager
async def running(
    settings: Settings, *, run_projector: bool | None = None, owner: bool = False
) -> AsyncIterator[Services]:
    """The services for the configured (or embedded) database, closed on exit; connected as
    the service role, or as the owner for the commands that change tables (a rebuild)."""
    async with open_database(settings, owner=owner) as url:
        services = await build_services(
            settings,
            url,
            run_projector=settings.run_projector if run_projector is None else run_projector,
        )
        try:
            yield services
        finally:
            await close_services(services)
