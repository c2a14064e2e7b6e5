"""Helpers of the pipeline's hostile tests: a live server with its own settings, one operation
over WebSocket (graphql-transport-ws) or HTTP, and the first error code of an answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import websockets

from service.app import create_app
from service.services import Services
from service.settings import Settings

GQL = "application/graphql-response+json"


def pipeline_settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_JWT_SECRET": "test-secret-" + "x" * 32,
            # Long enough for production, which some of these tests run as.
            "KINERJA_ID_SECRET": "test-id-secret-" + "y" * 32,
            "KINERJA_ENV": "test",
            "KINERJA_DEFAULT_RULE_SETS": "0",
            **env,
        }
    )


@asynccontextmanager
async def serve(settings: Settings, services: Services) -> AsyncIterator[str]:
    """The app with these settings, served by a real uvicorn on a free loopback port."""
    config = uvicorn.Config(
        create_app(settings, services),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(250):
        if server.started:
            break
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass(frozen=True)
class Answer:
    """What a transport answered one operation: its errors (or data) and how it ended."""

    errors: list[dict[str, Any]]
    data: Any = None
    status: int | None = None

    @property
    def code(self) -> str | None:
        return str(self.errors[0]["extensions"]["code"]) if self.errors else None


async def connect(url: str, token: str) -> Any:
    socket = await websockets.connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_size=None,
    )
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    )
    ack = json.loads(await asyncio.wait_for(socket.recv(), 5))
    assert ack["type"] == "connection_ack"
    return socket


async def over_websocket(
    url: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> Answer:
    """Subscribe once and read the first message the server sends for it."""
    socket = await connect(url, token)
    try:
        payload = {"query": query, "variables": variables or {}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
    finally:
        await socket.close()
    if message["type"] == "error":
        return Answer(errors=message["payload"])
    assert message["type"] == "next", message
    return Answer(errors=message["payload"].get("errors", []), data=message["payload"]["data"])


async def over_http(
    url: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> Answer:
    """POST once with the graphql-response+json media type."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        # json.dumps escapes non-ASCII, so even a lone surrogate travels (as `\\ud800`).
        response = await http.post(
            "/graphql",
            content=json.dumps({"query": query, "variables": variables or {}}),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": GQL,
                "Content-Type": "application/json",
            },
        )
    body = response.json()
    return Answer(errors=body.get("errors", []), data=body.get("data"), status=response.status_code)


TRANSPORTS = {"http": over_http, "websocket": over_websocket}
