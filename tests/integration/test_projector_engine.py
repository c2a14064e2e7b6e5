"""The projector: exactly-once under two processes, and a rebuild while writes and reads go on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from domain.values import EmploymentType, PositionKind
from projections import directory
from projections.engine import Changes, Fact, Row, RowRef, Table
from service.auth.tokens import Principal, Role
from service.cli.projections import verify_projections
from service.db.migrate import create_read_tables
from service.handlers.envelope import CommandContext
from service.handlers.organisation import RegisterEmployee
from service.services import Services
from service.views.projector import Projector
from service.views.rebuild import rebuild
from tests.owner import owner_connection, owner_pool

APPLIED = Table("test_applied", (("position", "bigint"), ("times", "integer")), ("position",))


class CountingProjection:
    """Counts how often each event is applied: any 2 means an event was applied twice."""

    name = "test_counting"
    tables: tuple[Table, ...] = (APPLIED,)

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        return [(APPLIED.name, (fact.position,))]

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ref = (APPLIED.name, (fact.position,))
        before = rows.get(ref)
        return {ref: {"position": fact.position, "times": (before or {"times": 0})["times"] + 1}}


def _ctx() -> CommandContext:
    return CommandContext(Principal("196001011990011001", frozenset({Role.HR})), datetime.now(UTC))


def _nip(i: int) -> str:
    return f"19850315201001{1 if i % 2 else 2}{i + 1:03d}"


async def _register(services: Services, start: int, count: int) -> None:
    for i in range(start, start + count):
        await services.organisation.register_employee(
            _ctx(),
            RegisterEmployee(
                _nip(i),
                f"Pegawai {i}",
                EmploymentType.PNS,
                "DINKES",
                PositionKind.PELAKSANA,
                "Pelaksana",
            ),
        )


async def test_two_projectors_never_apply_the_same_event_twice(
    services: Services, database_url: str
) -> None:
    await services.organisation.register_unit(_ctx(), "DINKES", "Dinas Kesehatan")
    await _register(services, 0, 40)
    async with owner_connection(database_url) as owner:  # `kinerja migrate` makes read tables
        await create_read_tables(owner, [CountingProjection()])
    first = Projector(services.pool, services.store, [CountingProjection()], batch_size=7)
    second = Projector(services.pool, services.store, [CountingProjection()], batch_size=5)
    await first.setup()
    await second.setup()
    await asyncio.gather(first.catch_up(), second.catch_up(), first.catch_up())
    rows = await services.pool.fetch("SELECT position, times FROM test_applied ORDER BY 1")
    head = await services.store.head()
    assert [(r["position"], r["times"]) for r in rows] == [(p, 1) for p in range(1, head + 1)]
    checkpoint = await services.pool.fetchval(
        "SELECT position FROM projection_checkpoints WHERE name = 'test_counting'"
    )
    assert checkpoint == head


async def test_a_rebuild_during_writes_matches_a_fresh_build_and_no_query_fails(
    services: Services, database_url: str
) -> None:
    await services.organisation.register_unit(_ctx(), "DINKES", "Dinas Kesehatan")
    await _register(services, 0, 30)
    await services.projector.catch_up()
    failures: list[BaseException] = []
    done = asyncio.Event()

    async def reader() -> None:
        while not done.is_set():
            try:
                await directory.employees_page(services.pool, unit_code=None, after=None, limit=50)
            except Exception as error:
                failures.append(error)
            await asyncio.sleep(0)

    async def writer() -> None:
        await _register(services, 30, 30)
        await services.projector.catch_up()

    reading = asyncio.create_task(reader())
    projection = next(p for p in services.projector.projections if p.name == "directory")
    # A rebuild swaps tables, so it runs as the owner; the service keeps reading the new ones.
    async with owner_pool(database_url) as owner:
        await asyncio.gather(writer(), rebuild(owner, services.store, [projection]))
    await services.projector.catch_up()
    done.set()
    await reading
    assert failures == []
    assert await verify_projections(services) == []
    count = await services.pool.fetchval("SELECT count(*) FROM directory_employees")
    assert count == 60
    async with owner_pool(database_url) as owner:
        await rebuild(owner, services.store, [projection])
    assert await verify_projections(services) == []
    indexes = await services.pool.fetch(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'directory_employees' ORDER BY 1"
    )
    assert [r["indexname"] for r in indexes] == [
        "directory_employees_ix0",
        "directory_employees_ix1",
        "directory_employees_ix2",
        "directory_employees_pkey",
    ]
