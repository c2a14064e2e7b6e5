"""Following the log: every event after a position, then new ones as they commit.

One LISTEN connection per process wakes every follower; each follower reads by position, so the
switch from replay to live has no gap and no duplicate. Polling covers a lost notification.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from service.eventstore import NOTIFY_CHANNEL, EventStore
from service.records import RecordedEvent


class LogFeed:
    """Shares one LISTEN connection among all followers of the log."""

    def __init__(self, pool: asyncpg.Pool, store: EventStore) -> None:
        self._pool = pool
        self._store = store
        self._waiters: set[asyncio.Event] = set()
        self._conn: Any = None
        self._lock = asyncio.Lock()
        self.followers: dict[str, int] = {}

    def _wake(self, *_: object) -> None:
        for waiter in self._waiters:
            waiter.set()

    async def _listen(self) -> None:
        async with self._lock:
            if self._conn is None:
                self._conn = await self._pool.acquire()
                await self._conn.add_listener(NOTIFY_CHANNEL, self._wake)

    async def close(self) -> None:
        async with self._lock:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    await self._conn.remove_listener(NOTIFY_CHANNEL, self._wake)
                await self._pool.release(self._conn)
                self._conn = None

    async def follow(
        self, after: int = 0, *, poll_interval: float = 1.0, page: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Every event after a position in log order, then each new one, until cancelled."""
        await self._listen()
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
