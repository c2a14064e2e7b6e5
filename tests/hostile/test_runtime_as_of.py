"""As-of reads under abuse: a bounded number per document, no deadlock of their pool, and a
server that stops on SIGTERM while one is stuck in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import asyncpg
import httpx

from service.auth.tokens import mint_token
from service.http.as_of_limit import AS_OF_POOL_SIZE, MAX_AS_OF_FIELDS
from service.settings import Settings
from tests.conftest import Tokens
from tests.graphql import gql
from tests.integration.test_make_run import ROOT, _free_port

HR = "196001011990011001"
NIP = "198503152010011002"

SETUP = """
mutation($nip: String!) {
  registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename }
  registerEmployee(input: {nip: $nip, name: "Budi Santoso", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Pengadministrasi"}) {
    __typename }
}"""


def as_of_document(aliases: int) -> str:
    fields = " ".join(
        f"a{i}: employeeAtPosition(nip: $nip, position: {i + 2}) {{ name unit {{ code }} }}"
        for i in range(aliases)
    )
    return f"query($nip: String!) {{ {fields} }}"


async def test_more_as_of_fields_than_allowed_are_refused_before_any_read(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    auditor = tokens.header("auditor-1", "AUDITOR")
    await gql(client, SETUP, {"nip": NIP}, tokens.header(HR, "HR"))
    body = await gql(client, as_of_document(MAX_AS_OF_FIELDS + 2), {"nip": NIP}, auditor)
    assert "data" not in body or body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert f"the limit is {MAX_AS_OF_FIELDS}" in body["errors"][0]["message"]
    # Hidden in fragments that spread each other twice: counted (once per fragment), refused.
    fan_out = """
    query($nip: String!) { ...F0 }
    fragment F0 on Query { ...F1 ...F1 }
    fragment F1 on Query { ...F2 ...F2 }
    fragment F2 on Query { employeeAsOf(nip: $nip, at: "2030-01-01T00:00:00Z") { name } }"""
    spread = await gql(client, fan_out, {"nip": NIP}, auditor)
    assert spread["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_allowed_maximum_answers_for_many_clients_at_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await gql(client, SETUP, {"nip": NIP}, tokens.header(HR, "HR"))
    auditor = tokens.header("auditor-1", "AUDITOR")
    document = as_of_document(MAX_AS_OF_FIELDS)
    # More as-of fields in flight than the pool has connections: none may wait for ever.
    clients = 2 * AS_OF_POOL_SIZE
    answers = await asyncio.wait_for(
        asyncio.gather(*(gql(client, document, {"nip": NIP}, auditor) for _ in range(clients))),
        30,
    )
    for answer in answers:
        assert "errors" not in answer, answer
        assert answer["data"]["a0"] == {"name": "Budi Santoso", "unit": {"code": "DINKES"}}
    other = tokens.header("auditor-2", "AUDITOR")
    single = await asyncio.wait_for(gql(client, as_of_document(1), {"nip": NIP}, other), 10)
    assert single["data"]["a0"]["name"] == "Budi Santoso"


async def _serve(database_url: str, tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    env = dict(os.environ) | {
        "DATABASE_URL": database_url,
        "KINERJA_DATA_DIR": str(tmp_path / "var"),
        "KINERJA_PORT": str(port),
        "KINERJA_JWT_SECRET": "serve-secret-" + "x" * 32,
        "KINERJA_ID_SECRET": "serve-id-secret",
        "KINERJA_ENV": "test",
        "KINERJA_DEFAULT_RULE_SETS": "0",
        "KINERJA_SHUTDOWN_SECONDS": "6",
    }
    return await asyncio.create_subprocess_exec(
        str(ROOT / ".venv" / "bin" / "kinerja"),
        "serve",
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


async def test_sigterm_stops_a_real_server_while_an_as_of_read_is_stuck(
    database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    server = await _serve(database_url, tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    settings = Settings.from_env(
        {"KINERJA_JWT_SECRET": "serve-secret-" + "x" * 32, "KINERJA_ID_SECRET": "x"}
    )
    hr = {"Authorization": f"Bearer {mint_token(settings, HR, ['HR'])}"}
    auditor = {"Authorization": f"Bearer {mint_token(settings, 'auditor-1', ['AUDITOR'])}"}
    blocker = await asyncpg.connect(database_url)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in range(300):
                try:
                    await http.get("/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            setup = await gql(http, SETUP, {"nip": NIP}, hr)
            assert setup["data"]["registerEmployee"]["__typename"] == "RegisterEmployeeSuccess"
            # Hold the log so the replay of the as-of read waits inside the server.
            transaction = blocker.transaction()
            await transaction.start()
            await blocker.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            stuck = asyncio.create_task(gql(http, as_of_document(1), {"nip": NIP}, auditor))
            await asyncio.sleep(1.0)
            assert not stuck.done()
            started = time.monotonic()
            os.killpg(server.pid, signal.SIGTERM)
            await asyncio.wait_for(server.wait(), 20)
            stopped_in = time.monotonic() - started
            await transaction.rollback()
            stuck.cancel()
        assert stopped_in < 12, f"shutdown took {stopped_in:.1f} s"
    finally:
        if server.returncode is None:
            os.killpg(server.pid, signal.SIGKILL)
            await server.wait()
        await blocker.close()
