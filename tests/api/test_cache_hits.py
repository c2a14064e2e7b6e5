"""A response-cache hit over HTTP is answered before Strawberry executes anything: with the bytes,
status and headers the executed answer had, only to callers who see the same, under the caller's
rate limit, counted in the metrics and written to the access log."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from service.app import create_app
from service.http.steps import PipelineSchema
from service.services import Services
from service.settings import Settings
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
PAGE = "query Page { employees(first: 50) { edges { node { nip name positionTitle version } } } }"
UNITS = "{ units { code name } }"
UNIT = 'mutation { registerUnit(input: {code: "%s", name: "Unit %s"}) { __typename } }'
EMPLOYEE = """
mutation($nip: String!) {
  registerEmployee(input: {nip: $nip, name: "Sri Wahyuni", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Analis"}) {
    ... on RegisterEmployeeSuccess { position }
  }
}"""


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_JWT_SECRET": "test-secret-" + "x" * 32,
            "KINERJA_ID_SECRET": "test-id-secret",
            "KINERJA_ENV": "test",
            **env,
        }
    )


@asynccontextmanager
async def _client(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as client:
        yield client


async def _seeded(client: httpx.AsyncClient, tokens: Tokens, services: Services) -> None:
    hr = tokens.header("seeder", "HR")
    await gql(client, UNIT % ("DINKES", "DINKES"), headers=hr)
    await gql(client, UNIT % ("DISDIK", "DISDIK"), headers=hr)
    await gql(client, EMPLOYEE, {"nip": "198503152010011002"}, hr)
    await services.wait_for_views(await services.store.head())


async def _metric(client: httpx.AsyncClient, name: str, labels: str) -> float:
    text = (await client.get("/metrics")).text
    found = re.search(rf"^{name}\{{{labels}\}} ([0-9.e+]+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


async def _hits(client: httpx.AsyncClient) -> float:
    return await _metric(client, "kinerja_response_cache_total", 'result="hit"')


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The documents Strawberry's execute ran, in order."""
    ran: list[str | None] = []
    execute = PipelineSchema.execute

    async def counted(self: PipelineSchema, query: str | None, *args: Any, **kwargs: Any) -> Any:
        ran.append(query)
        return await execute(self, query, *args, **kwargs)

    monkeypatch.setattr(PipelineSchema, "execute", counted)
    return ran


def _same_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k != "x-request-id"}


async def test_a_hit_is_answered_unexecuted_with_the_same_bytes_status_and_headers(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, executions: list[str | None]
) -> None:
    await _seeded(client, tokens, services)
    hr = tokens.header(HR, "HR")
    for accept in ("application/graphql-response+json", "application/json"):
        headers = {**hr, "Accept": accept}
        first = await client.post("/graphql", json={"query": PAGE}, headers=headers)
        ran, hits = len(executions), await _hits(client)
        requests = await _metric(
            client, "kinerja_graphql_requests_total", 'operation="other",status="200"'
        )
        again = await client.post(
            "/graphql", json={"query": PAGE}, headers={**headers, "X-Request-Id": "hit-1"}
        )
        assert len(executions) == ran, "the hit went through Strawberry's execute"
        assert await _hits(client) == hits + 1
        assert (again.status_code, again.content) == (first.status_code, first.content)
        assert _same_headers(again) == _same_headers(first)
        assert again.headers["content-type"].startswith(accept)
        assert again.headers["x-request-id"] == "hit-1"
        assert (
            await _metric(
                client, "kinerja_graphql_requests_total", 'operation="other",status="200"'
            )
            == requests + 1
        )
        by_get = await client.get("/graphql", params={"query": PAGE}, headers=headers)
        assert (by_get.status_code, by_get.content, len(executions)) == (200, first.content, ran)
    # Read-your-writes waits first: the request executes, and is still answered from the cache.
    hits = await _hits(client)
    waited = await client.post(
        "/graphql",
        json={"query": PAGE, "extensions": {"minPosition": 1}},
        headers={**hr, "Accept": "application/json"},
    )
    assert waited.content == first.content and await _hits(client) == hits + 1
    assert executions[-1] == PAGE


async def test_a_hit_is_served_only_to_callers_who_may_see_the_same(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, executions: list[str | None]
) -> None:
    await _seeded(client, tokens, services)
    callers = {
        "hr": tokens.header(HR, "HR"),
        "partner": tokens.header("app", "PARTNER"),
        "pii partner": tokens.header("app", "PARTNER", scopes=["pii"]),
        "hr of another unit": tokens.header(HR, "HR", unit="DISDIK"),
        "employee": tokens.header(HR, "EMPLOYEE"),
        "anonymous": {},
        "forged token": {"Authorization": "Bearer " + tokens(HR, "HR")[:-4] + "AAAA"},
    }
    first = {}
    for name, headers in callers.items():
        first[name] = (await client.post("/graphql", json={"query": PAGE}, headers=headers)).json()
    node = first["hr"]["data"]["employees"]["edges"][0]["node"]
    assert node["nip"] == "198503152010011002"
    assert first["pii partner"] == first["hr"]
    assert first["partner"]["data"]["employees"]["edges"][0]["node"]["nip"] is None
    assert first["hr of another unit"]["data"]["employees"]["edges"] == []
    for refused in ("employee", "anonymous", "forged token"):
        assert first[refused]["data"] is None, refused
    hits, ran = await _hits(client), len(executions)
    for _ in range(2):
        for name, headers in reversed(callers.items()):
            answer = await client.post("/graphql", json={"query": PAGE}, headers=headers)
            assert answer.json() == first[name], name
    # Four callers' answers are cached (errors never are); each was answered from its own entry.
    assert await _hits(client) == hits + 2 * 4
    assert len(executions) == ran + 2 * 3


async def test_the_callers_rate_limit_refuses_hits_as_it_refuses_any_request(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, KINERJA_RATE_BURST="3", KINERJA_RATE_PER_SECOND="0.01")
    async with _client(services, settings) as client:
        await _seeded(client, tokens, services)
        reader = tokens.header("reader", "AUDITOR")
        answers = [
            await client.post("/graphql", json={"query": PAGE}, headers=reader) for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        hits = await _hits(client)
        refused_hit = answers[-1]
        refused_miss = await client.post("/graphql", json={"query": UNITS}, headers=reader)
        assert refused_miss.status_code == 429
        assert refused_hit.content == refused_miss.content
        assert _same_headers(refused_hit) == _same_headers(refused_miss)
        assert refused_hit.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert int(refused_hit.headers["retry-after"]) >= 1
        assert await _hits(client) == hits, "a refused request counted as a hit"
        other = tokens.header("other-reader", "AUDITOR")
        for _ in range(2):
            answer = await client.post("/graphql", json={"query": PAGE}, headers=other)
            assert answer.content == answers[0].content


async def test_the_access_log_writes_a_line_for_every_hit(
    services: Services, tokens: Tokens, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Served by uvicorn as `kinerja serve` starts it (its own access log, no log config)."""
    app = create_app(_settings(tmp_path), services)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(250):
        if server.started:
            break
        await asyncio.sleep(0.02)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            await _seeded(client, tokens, services)
            hr = tokens.header(HR, "HR")
            await client.post("/graphql", json={"query": PAGE}, headers=hr)
            hits = await _hits(client)
            with caplog.at_level(logging.INFO, logger="uvicorn.access"):
                for _ in range(3):
                    await client.post("/graphql", json={"query": PAGE}, headers=hr)
            assert await _hits(client) == hits + 3
    finally:
        server.should_exit = True
        await task
    lines = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert [line for line in lines if '"POST /graphql HTTP/1.1" 200' in line] == lines
    assert len(lines) == 3
