"""The other background loops: the LISTEN connection of the log feed and the checkpoint signer
come back by themselves after a failure, and each failure is counted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg

from service.log.records import RecordedEvent
from service.services import Services
from tests.integration.test_event_store import META, _unit_write
from tests.owner import owner_connection


async def _until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


async def test_the_log_feed_replaces_its_killed_listen_connection(
    services: Services, database_url: str
) -> None:
    received: list[RecordedEvent] = []

    async def follower() -> None:
        # A long poll: new events arrive promptly only through LISTEN.
        async for event in services.feed.follow(0, poll_interval=30):
            received.append(event)

    following = asyncio.create_task(follower())
    try:
        await _until(lambda: services.feed.supervisor.up)
        admin = await asyncpg.connect(database_url)
        try:
            killed = await admin.fetchval(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            )
        finally:
            await admin.close()
        assert killed == 1
        await _until(lambda: services.feed.supervisor.failures == 1)
        await _until(lambda: services.feed.supervisor.up)
        await services.store.append([_unit_write("DINKES")], META)
        await _until(lambda: [e.position for e in received] == [1], seconds=5)
    finally:
        following.cancel()


async def test_the_checkpoint_signer_restarts_after_a_failure(
    services: Services, database_url: str
) -> None:
    await services.store.append([_unit_write("DINKES")], META)
    # Only the owner may rename a table (the service role owns nothing).
    async with owner_connection(database_url) as owner:
        await owner.execute("ALTER TABLE checkpoints RENAME TO checkpoints_away")
    services.transparency.start(interval=0.1, every=1)
    try:
        await _until(lambda: services.transparency.supervisor.failures >= 1)
        async with owner_connection(database_url) as owner:
            await owner.execute("ALTER TABLE checkpoints_away RENAME TO checkpoints")

        async def signed() -> int:
            return int(await services.pool.fetchval("SELECT count(*) FROM checkpoints"))

        # The row is written before the loop reports itself healthy: wait for both.
        for _ in range(200):
            if await signed() and services.transparency.supervisor.up:
                break
            await asyncio.sleep(0.05)
        assert await signed() == 1
        assert services.transparency.supervisor.up
    finally:
        await services.transparency.stop()
