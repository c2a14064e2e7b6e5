"""The projector: the only writer of read tables. It folds the log into them in batches, each batch
in one transaction with the projection's checkpoint, so every event is applied exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from projections.engine import Fact, Projection
from service.db.pg import Connection
from service.db.server import init_connection
from service.log.store import NOTIFY_CHANNEL, EventStore
from service.supervise import Supervised
from service.views.facts import to_fact
from service.views.rows import apply_facts as apply_facts
from service.views.rows import load_rows as load_rows
from service.views.rows import write_rows as write_rows

log = logging.getLogger("kinerja.projector")


Connect = Callable[[], Awaitable[asyncpg.Pool]]
PROJECTOR_APPLICATION = "kinerja-projector"


def own_pool(url: str, application_name: str = PROJECTOR_APPLICATION) -> Connect:
    """Fresh connections for each attempt of a background loop, named in pg_stat_activity."""

    async def connect() -> asyncpg.Pool:
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=2,
            init=init_connection,
            server_settings={"application_name": application_name},
        )
        assert pool is not None
        return pool

    return connect


class ProjectionTimeout(Exception):
    """The views did not reach a requested log position in time."""


class Projector:
    """Keeps every projection's tables caught up with the log."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        store: EventStore,
        projections: Sequence[Projection],
        *,
        batch_size: int = 1000,
        inline: bool = True,
    ) -> None:
        self._pool = pool
        self._store = store
        self.projections = list(projections)
        self.batch_size = batch_size
        # Inline: a process without the background loop applies events itself when it waits.
        # Otherwise (a separate projector worker) it only watches the checkpoints.
        self._inline = inline
        self.positions: dict[str, int] = {}
        # The log position at which each read table last changed, known for every event up to
        # `scanned` (the batches scanned here, whoever applied them); see `table_positions`.
        self.changed: dict[str, int] = {}
        self.scanned = 0
        self._owner = {t.name: p.name for p in self.projections for t in p.tables}
        # The newest log position announced by NOTIFY (kept while the loop runs).
        self.notified_head = 0
        self._advanced = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self.supervisor = Supervised("projector")

    async def setup(self) -> None:
        """Read where each projection stands (`kinerja migrate` creates the tables)."""
        await self.load_positions()

    async def load_positions(self) -> None:
        rows = await self._pool.fetch("SELECT name, position FROM projection_checkpoints")
        stored = {r["name"]: r["position"] for r in rows}
        self.positions = {p.name: stored.get(p.name, 0) for p in self.projections}
        for projection in self.projections:
            # Applied here unseen (another process, an earlier run): changed anywhere up to it.
            if self.positions[projection.name] > self.scanned:
                for table in projection.tables:
                    self.changed[table.name] = self.positions[projection.name]
        self.scanned = max(self.scanned, self.reached)

    def start(self, connect: Connect | None = None) -> None:
        """Run the catch-up loop in the background (LISTEN-driven, polling as a fallback).

        The loop is supervised: a failure is logged, counted and the loop restarts with backoff,
        each attempt on fresh connections from `connect` (a pool of its own, closed after it).
        """
        if self._task is None:
            self._task = asyncio.create_task(
                self.supervisor.run(lambda healthy: self._attempt(connect, healthy)),
                name="projector",
            )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _attempt(self, connect: Connect | None, healthy: Callable[[], None]) -> None:
        pool = await connect() if connect is not None else self._pool
        try:
            # A batch whose commit was lost with its connection may have applied: start from
            # the stored checkpoints (the batches skip what they hold anyway).
            await self.load_positions()
            await self._follow(pool, healthy)
        finally:
            if pool is not self._pool:
                pool.terminate()

    async def _follow(
        self, pool: asyncpg.Pool, healthy: Callable[[], None], poll_interval: float = 1.0
    ) -> None:
        """One attempt: LISTEN, then apply what the log has whenever it grows."""
        wake = asyncio.Event()

        def listener(_conn: Connection, _pid: int, _channel: str, payload: object) -> None:
            if isinstance(payload, str) and payload.isdigit():
                self.notified_head = max(self.notified_head, int(payload))
            wake.set()

        conn = await pool.acquire()
        try:
            conn.add_termination_listener(lambda _conn: wake.set())
            await conn.add_listener(NOTIFY_CHANNEL, listener)
            while True:
                wake.clear()
                await self.catch_up(pool)
                if conn.is_closed():
                    raise ConnectionError("the projector's LISTEN connection was closed")
                healthy()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), poll_interval)
        finally:
            with contextlib.suppress(Exception):
                await conn.remove_listener(NOTIFY_CHANNEL, listener)
            with contextlib.suppress(Exception):
                await pool.release(conn)

    async def catch_up(self, pool: asyncpg.Pool | None = None) -> int:
        """Apply every event not yet applied; return the position all projections reached."""
        while True:
            after = self.reached
            events = await self._store.read_all(after, self.batch_size, via=pool, metadata=False)
            if not events:
                return after
            facts = [to_fact(self._store.codec, e) for e in events]
            self.positions.update(await self._apply(facts, pool or self._pool))
            self._scan(facts)
            async with self._advanced:
                self._advanced.notify_all()

    async def _apply(self, facts: list[Fact], pool: asyncpg.Pool) -> dict[str, int]:
        """Apply a batch to every projection in one transaction with all their checkpoints.

        The checkpoint rows are locked (in name order, so two projector processes cannot
        deadlock); each projection skips what another process applied meanwhile.
        """
        names = [p.name for p in self.projections]
        async with pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT name, position FROM projection_checkpoints WHERE name = ANY($1::text[])"
                " ORDER BY name FOR UPDATE",
                names,
            )
            reached: dict[str, int] = {r["name"]: r["position"] for r in rows}
            moved: dict[str, int] = {}
            for projection in self.projections:
                todo = [f for f in facts if f.position > reached[projection.name]]
                if todo:
                    await apply_facts(conn, projection, todo)
                    moved[projection.name] = reached[projection.name] = todo[-1].position
            if moved:
                await conn.execute(
                    "UPDATE projection_checkpoints SET position = m.position, updated_at = now()"
                    " FROM unnest($1::text[], $2::bigint[]) AS m(name, position)"
                    " WHERE projection_checkpoints.name = m.name",
                    list(moved),
                    list(moved.values()),
                )
            return reached

    def _scan(self, facts: list[Fact]) -> None:
        """Note the tables each (now applied) fact changes: a batch read from `reached` on."""
        if not facts:
            return
        for projection in self.projections:
            for fact in facts:
                for table, _ in projection.touches(fact):
                    self.changed[table] = max(self.changed.get(table, 0), fact.position)
        self.scanned = max(self.scanned, facts[-1].position)

    def table_positions(self, tables: frozenset[str]) -> tuple[int, ...]:
        """Where these read tables last changed, in name order: equal tuples, equal tables.

        A table whose projection applied events not scanned here counts as changed at its
        projection's position (it may have changed anywhere up to there).
        """
        found = []
        for table in sorted(tables):
            owner = self._owner.get(table)
            applied = self.positions.get(owner, 0) if owner else self.reached
            stale = owner is None or applied > self.scanned
            found.append(applied if stale else self.changed.get(table, 0))
        return tuple(found)

    @property
    def listening(self) -> bool:
        """Whether the background loop runs here and is up (so `notified_head` is being kept)."""
        return self._task is not None and self.supervisor.up

    @property
    def stopped(self) -> bool:
        """Whether this process should project but its loop is down (restarting, or ended)."""
        return self._task is not None and not self.supervisor.up

    @property
    def reached(self) -> int:
        """The position every projection has applied."""
        return min(self.positions.values(), default=0)

    async def wait_for(self, position: int, timeout: float = 5.0) -> None:
        """Return once every projection has applied the position, or raise ProjectionTimeout."""
        try:
            async with asyncio.timeout(timeout):
                if self._task is not None:
                    async with self._advanced:
                        await self._advanced.wait_for(lambda: self.reached >= position)
                else:
                    while True:
                        # Inline: apply what is there; a worker elsewhere: watch its checkpoints.
                        await (self.catch_up() if self._inline else self.load_positions())
                        if self.reached >= position:
                            break
                        await asyncio.sleep(0.02)
        except TimeoutError:
            raise ProjectionTimeout(
                f"the views have not reached log position {position} within {timeout:g} s"
            ) from None
