"""The role x data matrix of docs/security.md, cell by cell, over HTTP and the `events` socket.

Every role reads the same city (tests/api/policy_scenario.py) on every path; a cell holds the
markers (names and NIPs, private free text, award and distribution grounds) the answer shows.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import websockets

from service.services import Services
from tests.api.policy_scenario import (
    EVERYTHING,
    JUSTIFICATION,
    NAMES,
    NIP,
    OVERRIDE,
    OVERSIGHT_TEXT,
    PRIVATE_TEXT,
    RATIONALE,
    SUPERVISOR,
    PolicyCity,
)
from tests.conftest import Tokens
from tests.graphql import gql

PATHS: dict[str, tuple[str, frozenset[str]]] = {
    # path: (document, the markers it can show to a reader who may read everything)
    "employee": (
        "query($nip: String!) { employee(nip: $nip) { nip name"
        " awards { overrideJustification } evaluations { id } } }",
        NAMES | {JUSTIFICATION},
    ),
    "employees": ("{ employees(first: 50) { edges { node { nip name } } } }", NAMES),
    "evaluation": (
        "query($id: ID!) { evaluation(id: $id) { overrideJustification employee { nip name }"
        " history { type reason } } }",
        NAMES | {"Koreksi-bukti-ND-7"},
    ),
    "auditTrail": (
        "query($trail: String) { auditTrail(nip: $trail, first: 100) {"
        " edges { node { type actor reason payload } } } }",
        EVERYTHING,
    ),
    "awardDecisions": (
        "{ awardDecisions(first: 20) { edges { node { decidedBy overrideJustification"
        " nominee { nip name } criteria { evidence { type reason payload } } } } } }",
        NAMES | {JUSTIFICATION},
    ),
    "unit": (
        '{ unit(code: "DINKES") { name performanceYear(year: 2026) {'
        " overrides { justification } } } }",
        frozenset({OVERRIDE}),
    ),
}
SUBORDINATE_TEXT = PRIVATE_TEXT | {RATIONALE, JUSTIFICATION}


@dataclass(frozen=True)
class Caller:
    """One row of the matrix: a token, what it reads, and where it is refused."""

    sub: str
    roles: tuple[str, ...]
    reads: frozenset[str]
    claims: dict[str, Any] = field(default_factory=dict)
    refused: frozenset[str] = frozenset()
    subscribes: bool = False


ALL_PATHS = frozenset(PATHS)
MATRIX: dict[str, Caller] = {
    "HR": Caller("196001011990011001", ("HR",), EVERYTHING),
    "HR with unit DINKES": Caller("196001011990011001", ("HR",), EVERYTHING, {"unit": "DINKES"}),
    "HR with unit DISDIK": Caller("196001011990011001", ("HR",), frozenset(), {"unit": "DISDIK"}),
    "EVALUATOR (supervisor)": Caller(SUPERVISOR, ("EVALUATOR",), NAMES | SUBORDINATE_TEXT),
    "EVALUATOR (another)": Caller("197502022001012003", ("EVALUATOR",), NAMES),
    "EMPLOYEE (themself)": Caller(
        NIP,
        ("EMPLOYEE",),
        NAMES | SUBORDINATE_TEXT,
        refused=frozenset({"employees", "awardDecisions", "unit"}),
    ),
    "PARTNER": Caller("app-1", ("PARTNER",), frozenset(), {"scopes": ["events"]}, subscribes=True),
    "PARTNER with pii": Caller(
        "app-2", ("PARTNER",), EVERYTHING, {"scopes": ["pii", "events"]}, subscribes=True
    ),
    "AUDITOR": Caller("auditor-1", ("AUDITOR",), EVERYTHING, subscribes=True),
    "INSPECTOR": Caller("inspector-1", ("INSPECTOR",), NAMES | OVERSIGHT_TEXT),
    "ADMIN": Caller("admin-1", ("ADMIN",), EVERYTHING, subscribes=True),
    "no roles": Caller("nobody-1", (), frozenset(), refused=ALL_PATHS),
}


def _shown(body: Any) -> frozenset[str]:
    text = json.dumps(body, ensure_ascii=False)
    return frozenset(m for m in EVERYTHING if m in text)


def _codes(body: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code", "") for e in body.get("errors", [])}


async def test_every_cell_over_http_reads_what_the_matrix_says(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    city = await PolicyCity.built(client, tokens)
    wrong = []
    for name, caller in MATRIX.items():
        headers = tokens.header(caller.sub, *caller.roles, **caller.claims)
        own = NIP if "EMPLOYEE" in caller.roles else None
        variables = {"nip": NIP, "id": city.evaluation_id, "trail": own}
        for path, (document, can_show) in PATHS.items():
            body = await gql(client, document, variables, headers)
            refused = path in caller.refused
            expected = frozenset() if refused else can_show & caller.reads
            codes = _codes(body)
            if _shown(body) != expected or (codes != {"FORBIDDEN"} if refused else codes):
                wrong.append((name, path, sorted(_shown(body)), sorted(expected), codes))
    assert wrong == [], "\n".join(map(str, wrong))


async def _subscribe(url: str, token: str, count: int) -> list[dict[str, Any]]:
    """Every message of an `events` subscription from position 0, up to `count` events."""
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "connection_ack"
        query = "subscription { events(fromPosition: 0) { type actor reason payload } }"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        messages: list[dict[str, Any]] = []
        while len(messages) < count:
            message = json.loads(await asyncio.wait_for(socket.recv(), 5))
            messages.append(message)
            if message["type"] != "next" or "errors" in message["payload"]:
                break
        return messages


@pytest.fixture
def socket_url(live_url: str) -> str:
    return live_url.replace("http://", "ws://") + "/graphql"


async def test_every_cell_of_the_events_subscription_reads_what_the_matrix_says(
    client: httpx.AsyncClient, services: Services, tokens: Tokens, socket_url: str
) -> None:
    await PolicyCity.built(client, tokens)
    count = await services.store.head()
    wrong = []
    for name, caller in MATRIX.items():
        token = tokens(caller.sub, *caller.roles, **caller.claims)
        messages = await _subscribe(socket_url, token, count)
        if caller.subscribes:
            ok = len(messages) == count and all(m["type"] == "next" for m in messages)
            expected = caller.reads
        else:
            [refusal] = messages
            payload = refusal["payload"]
            errors = payload if refusal["type"] == "error" else payload.get("errors", [])
            ok = [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]
            expected = frozenset()
        if not ok or _shown(messages) != expected:
            wrong.append((name, ok, sorted(_shown(messages)), sorted(expected)))
    assert wrong == [], "\n".join(map(str, wrong))
