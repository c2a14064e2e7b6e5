"""Automatic persisted queries under hostile use: each hash answers its own document, over GET
and POST; only a validated document of an authenticated caller is registered."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest

from tests.conftest import Tokens

HR = "196001011990011001"
TYPENAME = "{ __typename }"
PUBLIC_KEY = "{ publicKey }"


def _ext(query: str) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def _by_hash(
    client: httpx.AsyncClient, method: str, query: str, headers: dict[str, str]
) -> dict[str, Any]:
    if method == "GET":
        params = {"extensions": json.dumps(_ext(query))}
        response = await client.get("/graphql", params=params, headers=headers)
    else:
        response = await client.post("/graphql", json={"extensions": _ext(query)}, headers=headers)
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_each_hash_answers_its_own_document(
    client: httpx.AsyncClient, tokens: Tokens, method: str
) -> None:
    headers = tokens.header(HR, "HR")
    for query in (TYPENAME, PUBLIC_KEY):
        registered = await client.post(
            "/graphql", json={"query": query, "extensions": _ext(query)}, headers=headers
        )
        assert "errors" not in registered.json()
    key = (await _by_hash(client, method, PUBLIC_KEY, headers))["data"]
    assert set(key) == {"publicKey"}
    assert (await _by_hash(client, method, TYPENAME, headers)) == {"data": {"__typename": "Query"}}
    assert (await _by_hash(client, method, PUBLIC_KEY, headers))["data"] == key


async def test_anonymous_callers_and_invalid_documents_register_nothing(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    anonymous = await client.post(
        "/graphql", json={"query": TYPENAME, "extensions": _ext(TYPENAME)}
    )
    assert anonymous.json() == {"data": {"__typename": "Query"}}
    miss = await _by_hash(client, "POST", TYPENAME, tokens.header(HR, "HR"))
    assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    invalid = "{ units { nonsense } }"
    headers = tokens.header(HR, "HR")
    await client.post(
        "/graphql", json={"query": invalid, "extensions": _ext(invalid)}, headers=headers
    )
    again = await _by_hash(client, "POST", invalid, headers)
    assert again["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_hash_that_does_not_match_its_query_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": TYPENAME, "extensions": _ext(PUBLIC_KEY)},
        headers=tokens.header(HR, "HR"),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
