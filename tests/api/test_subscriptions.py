"""Subscriptions over graphql-transport-ws against the app served by a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import websockets

from service.handlers.envelope import CommandContext
from service.services import Services
from tests.conftest import Tokens

HR = "196001011990011001"
SUBSCRIBE = "subscription($from: Int) { events(fromPosition: $from) { position type } }"


@pytest.fixture
def socket_url(live_url: str) -> str:
    return live_url.replace("http://", "ws://") + "/graphql"


async def _session(url: str, token: str) -> Any:
    socket = await websockets.connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    )
    ack = json.loads(await asyncio.wait_for(socket.recv(), 5))
    assert ack["type"] == "connection_ack"
    return socket


async def _register_unit(services: Services, tokens: Tokens, code: str) -> None:

    principal = services.verifier.verify(tokens(HR, "HR"))
    await services.organisation.register_unit(
        CommandContext(principal=principal, now=datetime.now(UTC)), code, f"Unit {code}"
    )


async def test_a_subscription_replays_then_streams_each_event_once_in_order(
    socket_url: str, services: Services, tokens: Tokens
) -> None:
    for code in ("DINKES", "DISDIK", "SETDA"):
        await _register_unit(services, tokens, code)
    socket = await _session(socket_url, tokens("partner-app", "PARTNER", scopes=["events"]))
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"from": 0}},
            }
        )
    )
    seen = []
    for _ in range(3):
        message = json.loads(await asyncio.wait_for(socket.recv(), 5))
        seen.append(message["payload"]["data"]["events"]["position"])
    await _register_unit(services, tokens, "BAPPEDA")
    message = json.loads(await asyncio.wait_for(socket.recv(), 5))
    seen.append(message["payload"]["data"]["events"]["position"])
    assert seen == [1, 2, 3, 4]
    assert message["payload"]["data"]["events"]["type"] == "UnitRegistered"
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(socket.recv(), 0.5)
    await socket.close()


async def test_a_partner_without_the_events_scope_is_refused(
    socket_url: str, tokens: Tokens
) -> None:
    socket = await _session(socket_url, tokens("partner-app", "PARTNER"))
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"from": 0}},
            }
        )
    )
    message = json.loads(await asyncio.wait_for(socket.recv(), 5))
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    await socket.close()


async def test_a_connection_without_a_valid_token_is_rejected(socket_url: str) -> None:
    socket = await websockets.connect(socket_url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer x"}})
    )
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
