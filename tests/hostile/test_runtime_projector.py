"""A projector under fire: its connections are terminated during a mutation load, and it is
stopped altogether. Committed mutations keep answering their success, honestly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from service.app import create_app
from service.cli.projections import verify_projections
from service.services import Services, build_services, close_services
from service.settings import Settings
from service.views.projector import PROJECTOR_APPLICATION
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
MUTATIONS = 80

REGISTER = """
mutation($nip: String!) {
  registerEmployee(input: {nip: $nip, name: "Pegawai Uji", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Analis"}) {
    __typename
    ... on RegisterEmployeeSuccess { position viewsCurrent employee { nip name unit { code } } }
  }
}"""
UNIT = """
mutation { registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) {
  __typename ... on RegisterUnitSuccess { position viewsCurrent unit { code name } } } }"""


def nip(i: int) -> str:
    return f"198503152010011{i:03d}"


@contextlib.asynccontextmanager
async def app_client(settings: Settings, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
        yield http


@pytest.fixture
async def supervised(settings: Settings, database_url: str) -> AsyncIterator[Services]:
    """Services with the projector running in the background, as `kinerja serve` runs it."""
    quick = settings.model_copy(update={"views_wait": 1.0})
    built = await build_services(quick, database_url, run_projector=True)
    try:
        yield built
    finally:
        await close_services(built)


async def _kill_projector(database_url: str, stop: asyncio.Event, kills: list[int]) -> None:
    admin = await asyncpg.connect(database_url)
    try:
        while not stop.is_set():
            killed = await admin.fetchval(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = $1 AND datname = current_database()",
                PROJECTOR_APPLICATION,
            )
            kills.append(int(killed))
            await asyncio.sleep(0.3)
    finally:
        await admin.close()


async def _watch_ready(http: httpx.AsyncClient, stop: asyncio.Event, seen: list[int]) -> None:
    while not stop.is_set():
        seen.append((await http.get("/readyz")).status_code)
        await asyncio.sleep(0.02)


async def _load(http: httpx.AsyncClient, hr: dict[str, str]) -> list[dict[str, Any]]:
    gate = asyncio.Semaphore(8)

    async def one(i: int) -> dict[str, Any]:
        async with gate:
            return await gql(http, REGISTER, {"nip": nip(i)}, hr)

    return await asyncio.gather(*(one(i) for i in range(1, MUTATIONS + 1)))


async def test_the_projector_restarts_itself_while_its_connections_are_killed(
    settings: Settings, supervised: Services, database_url: str, tokens: Tokens
) -> None:
    hr = tokens.header(HR, "HR")
    async with app_client(settings, supervised) as http:
        await gql(http, UNIT, None, hr)
        stop, kills, ready = asyncio.Event(), list[int](), list[int]()
        killer = asyncio.create_task(_kill_projector(database_url, stop, kills))
        watcher = asyncio.create_task(_watch_ready(http, stop, ready))
        answers = await _load(http, hr)
        await asyncio.sleep(1.0)  # a kill after the load, too
        stop.set()
        await asyncio.gather(killer, watcher)
        head = await supervised.store.head()
        for _ in range(300):
            if supervised.projector.reached >= head and supervised.projector.listening:
                break
            await asyncio.sleep(0.1)
        assert supervised.projector.reached == head, "the views did not reach the log head"
        assert (await http.get("/readyz")).status_code == 200
        metrics = (await http.get("/metrics")).text

    assert sum(kills) >= 3, f"the test killed the projector only {sum(kills)} times"
    assert supervised.projector.supervisor.failures >= 3
    assert 'kinerja_background_failures_total{loop="projector"}' in metrics
    assert 503 in ready, "/readyz never said the projector was down"
    # Every answer is a success whose position holds that employee's registration.
    assert all("errors" not in a for a in answers), [a for a in answers if "errors" in a]
    results = [a["data"]["registerEmployee"] for a in answers]
    assert {r["__typename"] for r in results} == {"RegisterEmployeeSuccess"}
    logged = await supervised.pool.fetch(
        "SELECT position FROM events WHERE event_type = 'EmployeeRegistered' ORDER BY position"
    )
    assert sorted(r["position"] for r in results) == [r["position"] for r in logged]
    assert sorted(r["employee"]["nip"] for r in results) == [nip(i) for i in range(1, 81)]
    assert await verify_projections(supervised) == []


async def test_a_mutation_while_the_projector_is_stopped_answers_from_the_log(
    settings: Settings, database_url: str, tokens: Tokens
) -> None:
    # A worker deployment whose projector worker is down: nothing applies the events.
    stopped = settings.model_copy(update={"projector": "worker", "views_wait": 0.3})
    services = await build_services(stopped, database_url, run_projector=False)
    hr = tokens.header(HR, "HR")
    try:
        async with app_client(stopped, services) as http:
            unit = (await gql(http, UNIT, None, hr))["data"]["registerUnit"]
            employee = (await gql(http, REGISTER, {"nip": nip(1)}, hr))["data"]["registerEmployee"]
            logged = await services.pool.fetch("SELECT position, event_type FROM events")
            await services.projector.catch_up()  # the worker comes back
            read = await gql(
                http,
                "query($n: String!) { employee(nip: $n) { nip name unit { code } } }",
                {"n": nip(1)},
                hr,
            )
    finally:
        await close_services(services)
    assert unit == {
        "__typename": "RegisterUnitSuccess",
        "position": 1,
        "viewsCurrent": False,
        "unit": {"code": "DINKES", "name": "Dinas Kesehatan"},
    }
    assert [(r["position"], r["event_type"]) for r in logged] == [
        (1, "UnitRegistered"),
        (2, "EmployeeRegistered"),
    ]
    assert employee["__typename"] == "RegisterEmployeeSuccess"
    assert employee["viewsCurrent"] is False
    assert employee["position"] == 2
    # The object answered from the committed events is the one the views show once caught up.
    assert employee["employee"] == read["data"]["employee"]
