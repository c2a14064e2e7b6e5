"""One pipeline, every transport: each refusal of the HTTP tests is the same refusal over
graphql-transport-ws, and the WebSocket obeys the allow-list, the introspection policy and the
masking as HTTP does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import websockets

from projections import directory
from service.services import Services
from tests.conftest import Tokens
from tests.hostile.pipeline_support import (
    TRANSPORTS,
    connect,
    over_websocket,
    pipeline_settings,
    serve,
)

HR = "196001011990011001"
UNITS = "{ units { code name } }"
NODE = "node { id nip name employmentType positionKind unit { code name } }"
PAGES = (
    "query($n: Int) { "
    + " ".join(f"p{i}: employees(first: $n) {{ edges {{ {NODE} }} }}" for i in range(25))
    + " }"
)
FAN_OUT = (
    "query { ...F0 } "
    + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(21))
    + " fragment F21 on Query { __typename }"
)

# (name, document, variables, the refusal's message part); every one is BAD_USER_INPUT.
REFUSED: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("syntax", "{ units { code ", None, "Syntax Error"),
    ("unknown field", "{ units { nonsense } }", None, "nonsense"),
    (
        "aliases",
        "{ units { code " + " ".join(f"a{i}: code" for i in range(40)) + " } }",
        None,
        "aliases",
    ),
    (
        "depth",
        "{ __schema { types { fields { type " + "{ ofType " * 16 + "{ name }" + " }" * 20,
        None,
        "levels deep",
    ),
    ("first literal", "{ employees(first: 101) { edges { cursor } } }", None, "first must be"),
    (
        "first variable",
        "query($n: Int) { employees(first: $n) { edges { cursor } } }",
        {"n": 101},
        "first must be",
    ),
    ("cost of aliased pages", PAGES, {"n": 100}, "may cost"),
    ("fragment fan-out", FAN_OUT, None, "limit"),
    ("long document", "{ __typename } #" + "x" * 100_000, None, "characters long"),
    ("bad variable", "query($n: String!) { employee(nip: $n) { name } }", {"n": 5}, "String"),
    ("NUL in the document", '{ employee(nip: "1\\u0000") { name } }', None, "NUL"),
    (
        "lone surrogate",
        "query($n: String!) { employee(nip: $n) { name } }",
        {"n": "\ud800"},
        "surrogate",
    ),
]


@pytest.fixture
async def url(services: Services, tmp_path: Path) -> AsyncIterator[str]:
    async with serve(pipeline_settings(tmp_path), services) as base:
        yield base


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
async def test_every_refusal_is_the_same_on_every_transport(
    url: str,
    tokens: Tokens,
    transport: str,
    query: str,
    variables: dict[str, Any] | None,
    message: str,
) -> None:
    answer = await TRANSPORTS[transport](url, tokens(HR, "HR"), query, variables)
    assert answer.code == "BAD_USER_INPUT"
    assert message in answer.errors[0]["message"]
    assert answer.data is None
    assert answer.status in (None, 400)


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
async def test_the_cost_counts_the_variables_value(
    url: str, tokens: Tokens, transport: str
) -> None:
    small = await TRANSPORTS[transport](url, tokens(HR, "HR"), PAGES, {"n": 10})
    assert small.errors == []
    assert small.data["p0"] == {"edges": []}


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
async def test_unexpected_errors_are_masked_and_coded_on_every_transport(
    url: str, tokens: Tokens, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> list[directory.UnitView]:
        raise RuntimeError("sorry, too many clients already (postgres://secret@db)")

    monkeypatch.setattr(directory, "all_units", broken)
    answer = await TRANSPORTS[transport](url, tokens(HR, "HR"), UNITS)
    assert answer.errors[0]["message"] == "Internal server error"
    assert answer.code == "INTERNAL_SERVER_ERROR"
    assert "secret" not in json.dumps(answer.errors)


async def test_the_allow_list_holds_on_every_transport(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    listed = tmp_path / "allow.json"
    listed.write_text(json.dumps({"units": UNITS}))
    settings = pipeline_settings(tmp_path, KINERJA_ALLOWLIST_FILE=str(listed))
    async with serve(settings, services) as url:
        for run in TRANSPORTS.values():
            assert (await run(url, tokens(HR, "HR"), UNITS)).data == {"units": []}
            refused = await run(url, tokens(HR, "HR"), "{ units { code } }")
            assert refused.code == "FORBIDDEN"
            assert refused.status in (None, 403)


async def test_production_introspection_is_refused_to_a_partner_on_every_transport(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    query = "{ __schema { queryType { name } } }"
    # Production refuses a short id secret (service/settings.py): give it a strong one.
    strong = {"KINERJA_ENV": "production", "KINERJA_ID_SECRET": "test-id-secret-" + "y" * 32}
    async with serve(pipeline_settings(tmp_path, **strong), services) as url:
        for run in TRANSPORTS.values():
            partner = await run(url, tokens("app", "PARTNER"), query)
            assert partner.code == "BAD_USER_INPUT"
            assert "introspection" in partner.errors[0]["message"].lower()
            auditor = await run(url, tokens("a-1", "AUDITOR"), query)
            assert auditor.data == {"__schema": {"queryType": {"name": "Query"}}}
            guess = await run(url, tokens("app", "PARTNER"), "{ unit { nam } }")
            assert guess.code == "BAD_USER_INPUT"
            assert "Did you mean" not in json.dumps(guess.errors)


async def test_mutations_are_refused_over_websocket_and_append_nothing(
    url: str, tokens: Tokens, services: Services
) -> None:
    mutation = 'mutation { registerUnit(input: {code: "X", name: "Y"}) { __typename } }'
    answer = await over_websocket(url, tokens(HR, "HR"), mutation)
    assert answer.code == "BAD_USER_INPUT"
    assert "HTTP POST" in answer.errors[0]["message"]
    assert await services.store.head() == 0


async def test_the_caller_rate_limit_holds_over_websocket(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    settings = pipeline_settings(tmp_path, KINERJA_RATE_BURST="3", KINERJA_RATE_PER_SECOND="1")
    async with serve(settings, services) as url:
        socket = await connect(url, tokens(HR, "HR"))
        codes = []
        for number in range(5):
            message = {"id": str(number), "type": "subscribe", "payload": {"query": UNITS}}
            await socket.send(json.dumps(message))
            answer = json.loads(await socket.recv())
            if answer["type"] == "next":
                codes.append("ok")
                await socket.recv()  # complete
            else:
                codes.append(answer["payload"][0]["extensions"]["code"])
        await socket.close()
    assert codes == ["ok"] * 3 + ["RATE_LIMITED"] * 2


async def test_a_deeply_nested_websocket_message_closes_only_its_connection(
    url: str, tokens: Tokens
) -> None:
    socket = await connect(url, tokens(HR, "HR"))
    await socket.send(
        '{"id": "1", "type": "subscribe", "payload": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
    assert (await over_websocket(url, tokens(HR, "HR"), UNITS)).data == {"units": []}
