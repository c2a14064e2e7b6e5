"""The event store on a real PostgreSQL: concurrency, gap-free order, the chain, append-only."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import asyncpg
import pytest

from domain.organisation import Unit
from service.db.server import create_pool, with_user
from service.log.codec import EventCodec
from service.log.hashchain import GENESIS, event_hash
from service.log.records import Metadata, RecordedEvent, StreamWrite, VersionConflictError
from service.log.store import APPEND_LOCK, EventStore
from service.services import Services
from tests.conftest import SERVICE_ROLE
from tests.owner import owner_connection

META = Metadata(actor="196001011990011001", actor_role="HR")
NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _unit_write(code: str) -> StreamWrite:
    unit = Unit.register(code, f"Unit {code}", NOW)
    return StreamWrite(unit.id, tuple(unit.collect_events()))


async def test_two_appends_at_the_same_version_one_wins(services: Services) -> None:
    first, second = _unit_write("DINKES"), _unit_write("DINKES")
    results = await asyncio.gather(
        services.store.append([first], META),
        services.store.append([second], META),
        return_exceptions=True,
    )
    assert sum(isinstance(r, VersionConflictError) for r in results) == 1, results
    assert await services.store.head() == 1


async def test_concurrent_appenders_get_gap_free_positions_and_a_valid_chain(
    services: Services,
) -> None:
    received: list[RecordedEvent] = []

    async def subscriber() -> None:
        async for event in services.feed.follow(0, poll_interval=0.2):
            received.append(event)
            if len(received) == 200:
                return

    listening = asyncio.create_task(subscriber())
    await asyncio.sleep(0.05)

    async def appender(task: int) -> None:
        for i in range(10):
            await services.store.append([_unit_write(f"U{task:02d}X{i:02d}")], META)

    await asyncio.gather(*(appender(t) for t in range(20)))
    await asyncio.wait_for(listening, 10)
    events = await services.store.read_all(0, 1000)
    assert [e.position for e in events] == list(range(1, 201))
    assert [e.position for e in received] == list(range(1, 201))
    _assert_chain(events)


def _assert_chain(events: list[RecordedEvent]) -> None:
    previous = GENESIS
    for e in events:
        previous = event_hash(
            previous,
            e.position,
            e.stream_id,
            e.stream_version,
            e.event_type,
            e.topic,
            e.type_version,
            e.payload,
            e.metadata,
            e.subject_id,
            e.recorded_at,
            e.effective_date,
        )
        assert previous == e.hash, f"chain breaks at position {e.position}"


async def test_two_writers_as_two_processes_interleave_without_gaps_or_a_broken_chain(
    services: Services, database_url: str
) -> None:
    """Two stores on their own pools race for the head: each group that lost is staged again,
    positions stay gap-free, the chain holds, and recorded_at never goes back."""
    url = with_user(database_url, SERVICE_ROLE.name, SERVICE_ROLE.password)
    pool = await create_pool(url, min_size=1, max_size=4)
    other = EventStore(pool, EventCodec())
    try:

        async def appender(store: EventStore, task: int) -> None:
            for i in range(15):
                await store.append([_unit_write(f"W{task:02d}X{i:02d}")], META)

        writers = [appender(services.store if t % 2 else other, t) for t in range(16)]
        await asyncio.gather(*writers)
    finally:
        await other.close()
        await pool.close()
    events = await services.store.read_all(0, 1000)
    assert [e.position for e in events] == list(range(1, 241))
    _assert_chain(events)
    times = [e.recorded_at for e in events]
    assert times == sorted(times)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET event_type = 'X'",
        "DELETE FROM events",
        "TRUNCATE events",
    ],
)
async def test_the_log_refuses_update_delete_and_truncate(
    services: Services, database_url: str, statement: str
) -> None:
    await services.store.append([_unit_write("DISDIK")], META)
    # Even the owner, who holds every privilege (the service role holds none of these).
    async with owner_connection(database_url) as owner:
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await owner.execute(statement)
    assert await services.store.head() == 1


async def test_a_cancelled_append_leaves_no_event_and_no_gap(services: Services) -> None:
    blocker = await services.pool.acquire()
    try:
        # Hold the append lock so the next append waits inside its transaction.
        tx = blocker.transaction()
        await tx.start()
        await blocker.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK)
        pending = asyncio.create_task(services.store.append([_unit_write("BAPPEDA")], META))
        await asyncio.sleep(0.2)
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pending
        await tx.rollback()
    finally:
        await services.pool.release(blocker)
    result = await services.store.append([_unit_write("SETDA")], META)
    assert result.position == 1
    events = await services.store.read_all(0)
    assert [(e.position, e.event_type) for e in events] == [(1, "UnitRegistered")]
