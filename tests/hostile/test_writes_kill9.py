"""kill -9 of a real `kinerja serve` during 1,000 concurrent keyed mutations, three times.

A pass sends all 1,000 `registerUnit` mutations (each with its own idempotency key) at once; the
first three passes SIGKILL the API once 250 more events have committed, a fourth runs to the end.
After every pass: each acknowledged mutation is in the log at the position it was told, positions
are gap-free, each key committed once, and every mutation committed before the pass (answered or
not) replayed its first position instead of appending again. At the end each of the 1,000 is in
the log exactly once and `kinerja audit verify` and `kinerja projections verify` pass."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import asyncpg
import httpx
import pytest

from domain.organisation import unit_stream_id
from service.auth.tokens import mint_token
from service.settings import Settings

KINERJA = str(Path(sys.executable).parent / "kinerja")
MUTATIONS = 1000
# Each of the three killed passes lets this many new events commit, then kills the API.
KILLS = 3
GROWTH = 250
IN_FLIGHT = 200

REGISTER_UNIT = """
mutation($code: String!, $key: String!) {
  registerUnit(input: {code: $code, name: "Unit", idempotencyKey: $key}) {
    __typename
    ... on RegisterUnitSuccess { position }
  }
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Api:
    """One `kinerja serve` process (a real uvicorn) on a loopback port."""

    env: dict[str, str]
    log: IO[bytes]
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['KINERJA_PORT']}"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            KINERJA, "serve", env=self.env, stdout=self.log, stderr=self.log
        )
        async with httpx.AsyncClient() as http:
            for _ in range(600):
                try:
                    if (await http.get(f"{self.url}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        raise AssertionError("kinerja serve did not answer /healthz within a minute")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                await self.kill()


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """The API's data folder (its signing key must outlive every restart of the test)."""
    with tempfile.TemporaryDirectory(prefix="kinerja-kill9-") as folder:
        yield Path(folder)


@pytest.fixture
def serve_log(data_dir: Path) -> Iterator[IO[bytes]]:
    """What the API processes print."""
    with (data_dir / "serve.log").open("wb") as log:
        yield log


@pytest.fixture
async def api(database_url: str, data_dir: Path, serve_log: IO[bytes]) -> AsyncIterator[Api]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    env |= {
        "DATABASE_URL": database_url,
        "KINERJA_DATA_DIR": str(data_dir / "var"),
        "KINERJA_PORT": str(_free_port()),
        "KINERJA_ENV": "test",
        "KINERJA_JWT_SECRET": "kill9-secret-" + "x" * 32,
        "KINERJA_ID_SECRET": "kill9-id-secret",
        "KINERJA_DEFAULT_RULE_SETS": "0",
        "KINERJA_RATE_PER_SECOND": "100000",
        "KINERJA_RATE_BURST": "100000",
        # One client address sends all 4,000 requests: the per-address bucket must not refuse.
        "KINERJA_ADDRESS_RATE_PER_SECOND": "100000",
        "KINERJA_ADDRESS_RATE_BURST": "100000",
    }
    server = Api(env, serve_log)
    try:
        yield server
    finally:
        await server.stop()


async def _mutate(http: httpx.AsyncClient, api: Api, token: str, code: str, key: str) -> int | None:
    """The acknowledged position, or None if the API gave no success (killed, or an error)."""
    try:
        response = await http.post(
            f"{api.url}/graphql",
            json={"query": REGISTER_UNIT, "variables": {"code": code, "key": key}},
            headers={"Authorization": f"Bearer {token}"},
        )
        answer = response.json()["data"]["registerUnit"]
    except (httpx.TransportError, ValueError, KeyError, TypeError):
        return None
    return int(answer["position"]) if answer["__typename"] == "RegisterUnitSuccess" else None


def _client() -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0))


async def _send_all(
    api: Api, token: str, work: list[tuple[str, str]], kill_at: int | None, db: asyncpg.Connection
) -> dict[str, int]:
    """Send every mutation at once (at most IN_FLIGHT on the wire) and collect the
    acknowledgements; with `kill_at`, SIGKILL the API as soon as the log holds that many events."""
    acked: dict[str, int] = {}
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(http: httpx.AsyncClient, code: str, key: str) -> None:
        # Unkilled, a client retries a lost answer with the same key (a keep-alive connection the
        # server closed as it was reused): the retry replays the first result, never appends.
        attempts = 1 if kill_at is not None else 3
        position = None
        for _ in range(attempts):
            async with gate:
                if api.process is None or api.process.returncode is not None:
                    return
                position = await _mutate(http, api, token, code, key)
            if position is not None:
                acked[key] = position
                return

    async with _client() as http:
        sending = asyncio.gather(*(one(http, code, key) for code, key in work))
        if kill_at is not None:
            deadline = time.monotonic() + 120
            while await db.fetchval("SELECT count(*) FROM events") < kill_at:
                assert time.monotonic() < deadline, f"the log never reached {kill_at} events"
                await asyncio.sleep(0.02)
            await api.kill()
        await asyncio.wait_for(sending, 180)
    return acked


async def _log(db: asyncpg.Connection) -> tuple[list[int], dict[str, int]]:
    positions = [r["position"] for r in await db.fetch("SELECT position FROM events ORDER BY 1")]
    rows = await db.fetch("SELECT key, position FROM idempotency_keys")
    return positions, {r["key"]: r["position"] for r in rows}


async def _pass(
    api: Api, db: asyncpg.Connection, token: str, work: list[tuple[str, str]], kill: bool
) -> tuple[int, int, int]:
    """One pass of all the mutations; returns (acknowledged, committed before, committed after)."""
    _, before = await _log(db)
    await api.start()
    acked = await _send_all(api, token, work, len(before) + GROWTH if kill else None, db)
    positions, keys = await _log(db)
    assert positions == list(range(1, len(positions) + 1)), "positions have a gap"
    assert len(keys) == len(positions), "a mutation committed twice or without its key"
    for key, position in acked.items():
        assert keys.get(key) == position, f"acknowledged {key} at {position} is not in the log"
    for key, position in before.items():
        assert keys[key] == position
        # Committed before this pass: the retry replayed it (same position), never appended it.
        assert acked.get(key, position) == position, f"{key} was appended twice"
    return len(acked), len(before), len(keys)


async def _views_at_head(db: asyncpg.Connection, head: int) -> None:
    for _ in range(600):
        reached = await db.fetchval("SELECT min(position) FROM projection_checkpoints")
        if reached == head:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the views did not reach position {head}")


async def _cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        KINERJA, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, output.decode()


@pytest.mark.slow
async def test_kill_9_during_1000_keyed_mutations_loses_nothing_and_retries_append_once(
    api: Api, database_url: str
) -> None:
    started = time.monotonic()
    token = mint_token(Settings.from_env(api.env), "196001011990011001", ["HR"])
    work = [(f"K{i:04d}", f"kill9-{i}") for i in range(MUTATIONS)]
    db = await asyncpg.connect(database_url)
    try:
        passes = [await _pass(api, db, token, work, kill=True) for _ in range(KILLS)]
        passes.append(await _pass(api, db, token, work, kill=False))
        acked, _, committed = passes[-1]
        # The last pass, unkilled, answered every mutation; each is in the log exactly once.
        assert acked == committed == MUTATIONS
        streams = {p: s for p, s in await db.fetch("SELECT position, stream_id FROM events")}
        _, keys = await _log(db)
        assert {streams[keys[key]] for _, key in work} == {unit_stream_id(c) for c, _ in work}
        await _views_at_head(db, MUTATIONS)
    finally:
        await db.close()
    await api.stop()
    audit, projections = await asyncio.gather(
        _cli(api.env, "audit", "verify"), _cli(api.env, "projections", "verify")
    )
    assert audit[0] == 0, audit[1]
    assert projections[0] == 0, projections[1]
    # Every kill left mutations unanswered: the log grew in every pass.
    assert all(a[2] < b[2] for a, b in itertools.pairwise(passes))
    seconds = time.monotonic() - started
    print(f"kill -9 passes (acknowledged, committed before, after): {passes}, {seconds:.1f}s")
