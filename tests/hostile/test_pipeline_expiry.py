"""A subscription keeps to its token: the connection closes with 4401 soon after `exp`, and a
client re-authenticates by reconnecting with a fresh token."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets

from service.http.ws import TOKEN_EXPIRED
from tests.conftest import Tokens
from tests.hostile.pipeline_support import connect

SUBSCRIBE = "subscription { events(fromPosition: 0) { position type } }"


async def test_a_subscription_closes_soon_after_its_token_expires(
    live_url: str, tokens: Tokens
) -> None:
    token = tokens("partner-app", "PARTNER", scopes=["events"], ttl_seconds=3)
    expires = time.time() + 3
    socket = await connect(live_url, token)
    message = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
    await socket.send(json.dumps(message))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), 10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == TOKEN_EXPIRED
    assert closed.value.rcvd.reason == "token expired"
    assert time.time() - expires < 2
    fresh = await connect(live_url, tokens("partner-app", "PARTNER", scopes=["events"]))
    await fresh.send(json.dumps(message))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(fresh.recv(), 0.5)  # streaming, waiting for events
    await fresh.close()
