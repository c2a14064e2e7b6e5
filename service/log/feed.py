"""Following the log: every event after a position, then new ones as they commit.

One LISTEN connection per process wakes every follower; each follower reads by position, so the
switch from replay to live has no gap and no duplicate. Polling covers a lost notification, and
the LISTEN connection is supervised: when it closes it is replaced (with backoff, counted).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import asyncpg

from service.log.records import RecordedEvent
from service.log.store import NOTIFY_CHANNEL, EventStore
from service.supervise import Supervised


class LogFeed:
    """Shares one LISTEN connection among all followers of the log."""

    def __init__(self, pool: asyncpg.Pool, store: EventStore) -> None:
        self._pool = pool
        self._store = store
        self._waiters: set[asyncio.Event] = set()
        self._task: asyncio.Task[None] | None = None
        self.supervisor = Supervised("log_feed")
        self.followers: dict[str, int] = {}

    @property
    def pool(self) -> asyncpg.Pool:
        """Where the LISTEN connection comes from (a direct one behind PgBouncer)."""
        return self._pool

    def _wake(self, *_: object) -> None:
        for waiter in self._waiters:
            waiter.set()

    def _listen(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.supervisor.run(self._hold), name="log-feed")

    async def _hold(self, healthy: Callable[[], None]) -> None:
        """One attempt: hold a LISTEN connection until it closes."""
        closed = asyncio.Event()
        conn = await self._pool.acquire()
        try:
            conn.add_termination_listener(lambda _conn: closed.set())
            await conn.add_listener(NOTIFY_CHANNEL, self._wake)
            healthy()
            # Followers read by position: waking them after a reconnect loses nothing.
            self._wake()
            await closed.wait()
            raise ConnectionError("the LISTEN connection of the log feed was closed")
        finally:
            with contextlib.suppress(Exception):
                await conn.remove_listener(NOTIFY_CHANNEL, self._wake)
            with contextlib.suppress(Exception):
                await self._pool.release(conn)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def follow(
        self, after: int = 0, *, poll_interval: float = 1.0, page: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Every event after a position in log order, then each new one, until cancelled."""
        self._listen()
        wake = asyncio.Event()
        self._waiters.add(wake)
        try:
            while True:
                wake.clear()
                events = await self._store.read_all(after, page)
                for event in events:
                    yield event
                    after = event.position
                if len(events) < page:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), poll_interval)
        finally:
            self._waiters.discard(wake)
