"""Work bounded before it is spent: fragment fan-out, header and token sizes, the address rate
limit before any signature check, nested JSON, numbers out of range, non-object extensions, the
request id, and the metric labels."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path

import httpx
import pytest

from service.app import create_app
from service.services import Services
from tests.conftest import Tokens
from tests.hostile.pipeline_support import GQL, pipeline_settings, serve

HR = "196001011990011001"
REGISTER = 'mutation { registerUnit(input: {code: "DINKES", name: "Dinas"}) { __typename } }'


def fan_out(levels: int) -> str:
    spreads = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"query {{ ...F0 }} {spreads} fragment F{levels} on Query {{ __typename }}"


async def _median_seconds(client: httpx.AsyncClient, headers: dict[str, str], query: str) -> float:
    times = []
    for _ in range(7):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": query}, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code in (200, 400)
    return statistics.median(times)


async def test_fragment_fan_out_is_refused_at_the_cost_of_a_small_document(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = {**tokens.header(HR, "HR"), "Accept": GQL}
    for levels in (21, 40):
        refused = await client.post("/graphql", json={"query": fan_out(levels)}, headers=headers)
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    small = await _median_seconds(client, headers, "{ __typename }")
    wide = await _median_seconds(client, headers, fan_out(21))
    wider = await _median_seconds(client, headers, fan_out(40))
    # Linear in the document: 40 levels (2^40 expanded fields) cost what 21 levels cost.
    assert wide < 10 * small, (wide, small)
    assert wider < 10 * small, (wider, small)


async def test_healthz_answers_while_fan_out_documents_are_refused(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    async with (
        serve(pipeline_settings(tmp_path), services) as url,
        httpx.AsyncClient(base_url=url, timeout=30) as http,
    ):
        headers = tokens.header(HR, "HR")
        hostile = [
            http.post("/graphql", json={"query": fan_out(40)}, headers=headers) for _ in range(20)
        ]

        async def health() -> tuple[int, float]:
            started = time.perf_counter()
            response = await http.get("/healthz")
            return response.status_code, time.perf_counter() - started

        checked = asyncio.create_task(health())
        refused = await asyncio.gather(*hostile)
        status, waited = await checked
    assert all(r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" for r in refused)
    assert status == 200
    assert waited < 2


class _CountingVerifier:
    def __init__(self, services: Services) -> None:
        self.inner = services.verifier
        self.calls = 0

    def verify(self, token: str) -> object:
        self.calls += 1
        return self.inner.verify(token)


@pytest.fixture
def verifier(services: Services, monkeypatch: pytest.MonkeyPatch) -> _CountingVerifier:
    counting = _CountingVerifier(services)
    monkeypatch.setattr(services, "verifier", counting)
    return counting


async def test_huge_tokens_and_headers_are_refused_unverified_while_others_are_served(
    client: httpx.AsyncClient, tokens: Tokens, verifier: _CountingVerifier
) -> None:
    good = {**tokens.header(HR, "HR"), "Accept": GQL}
    query = {"query": "{ units { code } }"}
    hostile = [
        client.post("/graphql", json=query, headers={"Authorization": "Bearer " + "a" * 10**7}),
        client.post("/graphql", json=query, headers={**good, "X-Padding": "p" * 100_000}),
        client.post("/graphql", json=query, headers={"Authorization": "Bearer " + "a" * 10_000}),
    ]
    normal = [client.post("/graphql", json=query, headers=good) for _ in range(5)]
    huge, padded, long_token, *served = await asyncio.gather(*hostile, *normal)
    assert huge.status_code == 431
    assert huge.json()["errors"][0]["extensions"]["code"] == "REQUEST_HEADERS_TOO_LARGE"
    assert padded.status_code == 431
    assert long_token.status_code == 401
    assert long_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert [r.json() for r in served] == [{"data": {"units": []}}] * 5
    assert verifier.calls == 5  # only the normal requests' tokens were verified


async def test_the_address_rate_limit_applies_before_the_token_is_verified(
    services: Services, tokens: Tokens, tmp_path: Path, verifier: _CountingVerifier
) -> None:
    settings = pipeline_settings(
        tmp_path, KINERJA_ADDRESS_RATE_BURST="3", KINERJA_ADDRESS_RATE_PER_SECOND="0.1"
    )
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
        statuses = []
        for number in range(5):
            response = await http.post(
                "/graphql",
                json={"query": "{ units { code } }"},
                headers=tokens.header(f"caller-{number}", "AUDITOR"),
            )
            statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert verifier.calls == 3


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ units { code } }", "extensions": 0},
        {"query": "{ units { code } }", "extensions": False},
        {"query": "{ units { code } }", "extensions": []},
    ],
    ids=["zero", "false", "list"],
)
async def test_non_object_extensions_are_400(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, object]
) -> None:
    response = await client.post(
        "/graphql", json=body, headers={**tokens.header(HR, "HR"), "Accept": GQL}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    by_get = await client.get(
        "/graphql",
        params={"query": "{ units { code } }", "extensions": json.dumps(body["extensions"])},
        headers={**tokens.header(HR, "HR"), "Accept": GQL},
    )
    assert by_get.status_code == 400


@pytest.mark.parametrize(
    "content",
    [
        b'{"query": "{ units { code } }", "variables": {"v": ' + b"[" * 900 + b"]" * 900 + b"}}",
        b"[" * 5000 + b"]" * 5000,
        b'{"query": "{ units { code } }", "extensions": ' + b'{"a":' * 5000 + b"1" + b"}" * 5001,
    ],
    ids=["900-deep list", "5000-deep body", "5000-deep extensions"],
)
async def test_deeply_nested_json_is_a_coded_400(
    client: httpx.AsyncClient, tokens: Tokens, content: bytes
) -> None:
    response = await client.post(
        "/graphql",
        content=content,
        headers={**tokens.header(HR, "HR"), "Accept": GQL, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("raw", ["1e400", "-1", "1.5", '"x"', "true", "99999999999999999999"])
async def test_a_minimum_position_out_of_range_is_bad_user_input(
    client: httpx.AsyncClient, tokens: Tokens, raw: str
) -> None:
    content = '{"query": "{ units { code } }", "extensions": {"minPosition": ' + raw + "}}"
    response = await client.post(
        "/graphql",
        content=content,
        headers={**tokens.header(HR, "HR"), "Accept": GQL, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("raw", ["1e400", "99999999999999999999", "-1e400"])
async def test_variables_out_of_range_are_bad_user_input(
    client: httpx.AsyncClient, tokens: Tokens, raw: str
) -> None:
    query = "query($n: Int) { employees(first: $n) { edges { cursor } } }"
    content = json.dumps({"query": query})[:-1] + ', "variables": {"n": ' + raw + "}}"
    response = await client.post(
        "/graphql",
        content=content,
        headers={**tokens.header(HR, "HR"), "Accept": GQL, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_lone_surrogate_is_bad_user_input_and_appends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    headers = {**tokens.header(HR, "HR"), "Accept": GQL, "Content-Type": "application/json"}
    in_document = '{"query": "mutation { registerUnit(input: {code: \\"X\\", name: \\"\\ud800\\"})'
    in_document += ' { __typename } }"}'
    in_variables = json.dumps(
        {
            "query": 'mutation($n: String!) { registerUnit(input: {code: "X", name: $n})'
            " { __typename } }",
            "variables": {"n": "a\udc00b"},
        }
    )
    for content in (in_document, in_variables):
        response = await client.post("/graphql", content=content, headers=headers)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "surrogate" in error["message"]
    assert await services.store.head() == 0


async def test_a_bad_request_id_is_replaced_and_never_reaches_the_log(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    headers = tokens.header(HR, "HR")
    huge = await client.post(
        "/graphql", json={"query": REGISTER}, headers={**headers, "X-Request-Id": "r" * 10**6}
    )
    assert huge.status_code == 431
    assert await services.store.head() == 0
    for bad in (b"r" * 129, b"has spaces", "caf\u00e9".encode()):
        raw = [(k.encode(), v.encode()) for k, v in headers.items()]
        response = await client.post(
            "/graphql", json={"query": REGISTER}, headers=[*raw, (b"X-Request-Id", bad)]
        )
        generated = response.headers["x-request-id"]
        assert len(generated) == 36 and generated not in ("r" * 129, "has spaces")
    events = await services.store.read_all(0)
    assert len(events) == 1  # the first registration; the later ones are duplicates
    assert len(events[0].metadata["correlation_id"]) <= 128
    ok = await client.post(
        "/graphql", json={"query": "{ units { code } }"}, headers={**headers, "X-Request-Id": "a-1"}
    )
    assert ok.headers["x-request-id"] == "a-1"


async def test_distinct_operation_names_keep_the_metrics_small(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.header(HR, "HR")
    for number in range(3000):
        await client.post(
            "/graphql",
            json={"query": f"query Op{number}x {{ __typename }}"},
            headers=headers,
        )
    text = (await client.get("/metrics")).text
    assert len(text.encode()) < 100_000
    assert "Op2999x" not in text
    assert 'operation="other"' in text
