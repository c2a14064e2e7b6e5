"""GraphQL over HTTP: media types, status codes, limits, masking, persisted queries, the cache."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from projections import directory
from service.app import create_app
from service.services import Services
from service.settings import Settings
from tests.conftest import Tokens

GQL = "application/graphql-response+json"
JSON = "application/json"
HR = "196001011990011001"
UNITS = "{ units { code name } }"


def _headers(tokens: Tokens, accept: str = GQL) -> dict[str, str]:
    return {**tokens.header(HR, "HR"), "Accept": accept}


@asynccontextmanager
async def _client_with(
    services: Services, tmp_path: Path, **env: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_JWT_SECRET": "test-secret-" + "x" * 32,
            "KINERJA_ID_SECRET": "test-id-secret-" + "i" * 32,
            **env,
        }
    )
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as client:
        yield client


@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_a_valid_query_answers_200_in_the_asked_media_type(
    client: httpx.AsyncClient, tokens: Tokens, accept: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": UNITS}, headers=_headers(tokens, accept)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    assert response.json() == {"data": {"units": []}}


@pytest.mark.parametrize(
    ("accept", "status"), [(GQL, 400), (JSON, 200)], ids=["graphql-response", "json"]
)
@pytest.mark.parametrize("query", ["{ units { code ", "{ units { nonsense } }"])
async def test_parse_and_validation_failures_have_no_data_and_the_right_status(
    client: httpx.AsyncClient, tokens: Tokens, accept: str, status: int, query: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": query}, headers=_headers(tokens, accept)
    )
    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("accept", [GQL, JSON])
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"{}", "needs a query"),
        (b'[{"query": "{ units { code } }"}]', "batched requests are not supported"),
    ],
)
async def test_malformed_requests_are_400(
    client: httpx.AsyncClient, tokens: Tokens, accept: str, content: bytes, message: str
) -> None:
    response = await client.post(
        "/graphql",
        content=content,
        headers={**_headers(tokens, accept), "Content-Type": JSON},
    )
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), (JSON, 200)])
async def test_bad_variables_are_a_request_error(
    client: httpx.AsyncClient, tokens: Tokens, accept: str, status: int
) -> None:
    query = "query($n: String!) { employee(nip: $n) { name } }"
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"n": 5}},
        headers=_headers(tokens, accept),
    )
    assert response.status_code == status
    assert "data" not in response.json()
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_get_runs_queries_and_refuses_mutations(
    client: httpx.AsyncClient, tokens: Tokens, accept: str
) -> None:
    ok = await client.get("/graphql", params={"query": UNITS}, headers=_headers(tokens, accept))
    assert ok.status_code == 200
    assert ok.json() == {"data": {"units": []}}
    mutation = 'mutation { registerUnit(input: {code: "X", name: "Y"}) { __typename } }'
    refused = await client.get(
        "/graphql", params={"query": mutation}, headers=_headers(tokens, accept)
    )
    assert refused.status_code == 405
    assert "POST" in refused.headers["allow"]


async def test_unsupported_media_types_are_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    not_acceptable = await client.post(
        "/graphql", json={"query": UNITS}, headers=_headers(tokens, "text/csv")
    )
    assert not_acceptable.status_code == 406
    for accept in (GQL, JSON):
        wrong_body = await client.post(
            "/graphql",
            content=UNITS,
            headers={**_headers(tokens, accept), "Content-Type": "text/plain"},
        )
        assert wrong_body.status_code == 415


ALIASES = "{ units { code " + " ".join(f"a{i}: code" for i in range(40)) + " } }"
DEEP = "{ __schema { types { fields { type " + "{ ofType " * 16 + "{ name }" + " }" * 20
FIRST_101 = "{ employees(first: 101) { edges { cursor } } }"


@pytest.mark.parametrize("query", [ALIASES, DEEP, FIRST_101], ids=["aliases", "depth", "first"])
async def test_oversized_documents_are_refused_and_the_service_answers_right_after(
    client: httpx.AsyncClient, tokens: Tokens, query: str
) -> None:
    response = await client.post("/graphql", json={"query": query}, headers=_headers(tokens))
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    again = await client.post("/graphql", json={"query": UNITS}, headers=_headers(tokens))
    assert again.json() == {"data": {"units": []}}


@pytest.mark.parametrize("accept", [GQL, JSON])
async def test_a_two_megabyte_body_is_413(
    client: httpx.AsyncClient, tokens: Tokens, accept: str
) -> None:
    padding = " " * (2 * 1024 * 1024)
    response = await client.post(
        "/graphql",
        content=json.dumps({"query": UNITS + padding}).encode(),
        headers={**_headers(tokens, accept), "Content-Type": JSON},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(accept)
    again = await client.post("/graphql", json={"query": UNITS}, headers=_headers(tokens))
    assert again.status_code == 200


async def test_a_burst_over_the_rate_limit_is_429_with_retry_after(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    async with _client_with(
        services, tmp_path, KINERJA_RATE_BURST="5", KINERJA_RATE_PER_SECOND="1"
    ) as client:
        statuses = [
            (await client.post("/graphql", json={"query": UNITS}, headers=_headers(tokens)))
            for _ in range(7)
        ]
        assert [r.status_code for r in statuses] == [200] * 5 + [429] * 2
        assert int(statuses[-1].headers["retry-after"]) >= 1
        assert statuses[-1].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        other = await client.post(
            "/graphql", json={"query": UNITS}, headers=tokens.header("other", "AUDITOR")
        )
        assert other.status_code == 200


async def test_unexpected_errors_are_masked_with_a_code(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> list[directory.UnitView]:
        raise RuntimeError("connection string postgres://secret@db")

    monkeypatch.setattr(directory, "all_units", broken)
    response = await client.post("/graphql", json={"query": UNITS}, headers=_headers(tokens))
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in response.text


async def test_automatic_persisted_queries(client: httpx.AsyncClient, tokens: Tokens) -> None:
    digest = hashlib.sha256(UNITS.encode()).hexdigest()
    ext = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    miss = await client.post("/graphql", json={"extensions": ext}, headers=_headers(tokens))
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    register = await client.post(
        "/graphql", json={"query": UNITS, "extensions": ext}, headers=_headers(tokens)
    )
    assert register.json() == {"data": {"units": []}}
    hit = await client.get(
        "/graphql", params={"extensions": json.dumps(ext)}, headers=_headers(tokens)
    )
    assert hit.json() == {"data": {"units": []}}


async def test_allow_list_mode_refuses_unlisted_documents(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    listed = tmp_path / "allow.json"
    listed.write_text(json.dumps({"units": UNITS}))
    async with _client_with(services, tmp_path, KINERJA_ALLOWLIST_FILE=str(listed)) as client:
        ok = await client.post("/graphql", json={"query": UNITS}, headers=_headers(tokens))
        assert ok.status_code == 200
        refused = await client.post(
            "/graphql", json={"query": "{ units { code } }"}, headers=_headers(tokens)
        )
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("projector", ["inline", "background loop"])
async def test_the_cache_never_answers_older_than_the_views(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, projector: str
) -> None:
    if projector == "background loop":
        services.projector.start()
    headers = _headers(tokens)
    assert (await client.post("/graphql", json={"query": UNITS}, headers=headers)).json() == {
        "data": {"units": []}
    }
    await client.post(
        "/graphql",
        json={
            "query": 'mutation { registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"})'
            " { __typename } }"
        },
        headers=headers,
    )
    after = await client.post("/graphql", json={"query": UNITS}, headers=headers)
    assert after.json() == {"data": {"units": [{"code": "DINKES", "name": "Dinas Kesehatan"}]}}
    trail = "{ auditTrail { edges { node { type } } } }"
    first = await client.post("/graphql", json={"query": trail}, headers=headers)
    await client.post(
        "/graphql",
        json={
            "query": 'mutation { registerUnit(input: {code: "DISDIK", name: "Dinas Pendidikan"})'
            " { __typename } }"
        },
        headers=headers,
    )
    second = await client.post("/graphql", json={"query": trail}, headers=headers)
    assert len(second.json()["data"]["auditTrail"]["edges"]) == (
        len(first.json()["data"]["auditTrail"]["edges"]) + 1
    )
    await services.projector.stop()


async def test_a_minimum_position_waits_for_the_views_or_says_why_not(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    async with _client_with(services, tmp_path, KINERJA_MIN_POSITION_TIMEOUT="0.3") as client:
        written = await client.post(
            "/graphql",
            json={
                "query": 'mutation { registerUnit(input: {code: "DISDIK", name: "Dinas'
                ' Pendidikan"}) { ... on RegisterUnitSuccess { position } } }'
            },
            headers=_headers(tokens),
        )
        position = written.json()["data"]["registerUnit"]["position"]
        read = await client.post(
            "/graphql",
            json={"query": UNITS},
            headers={**_headers(tokens), "X-Kinerja-Min-Position": str(position)},
        )
        assert read.json()["data"]["units"][0]["code"] == "DISDIK"
        too_far = await client.post(
            "/graphql",
            json={"query": UNITS},
            headers={**_headers(tokens), "X-Kinerja-Min-Position": str(position + 50)},
        )
        assert too_far.status_code == 503
        assert too_far.json()["errors"][0]["extensions"]["code"] == "VIEWS_NOT_READY"


async def test_introspection_is_for_staff_only_in_production(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    query = {"query": "{ __schema { queryType { name } } }"}
    async with _client_with(services, tmp_path, KINERJA_ENV="production") as client:
        partner = await client.post(
            "/graphql", json=query, headers={**tokens.header("app", "PARTNER"), "Accept": GQL}
        )
        assert partner.status_code == 400
        assert "introspection" in partner.json()["errors"][0]["message"].lower()
        auditor = await client.post(
            "/graphql", json=query, headers={**tokens.header("a-1", "AUDITOR"), "Accept": GQL}
        )
        assert auditor.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code != 200 or "GraphiQL" not in page.text
