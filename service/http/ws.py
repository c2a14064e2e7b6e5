"""GraphQL over WebSocket (`graphql-transport-ws` only) in front of the one request pipeline.

The connection is admitted once, at `connection_init`, by the same steps as an HTTP request
(header bound, address rate limit, token size, signature); each `subscribe` then passes the
pipeline's document steps inside `Schema.stream`. When the token expires the server closes the
connection with code 4401 ("token expired"); the client re-authenticates by reconnecting with a
fresh token. Mutations are refused over WebSocket: they are sent with HTTP POST.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from service.auth.tokens import Principal
from service.http.pipeline import Pipeline, request_id_of
from service.http.protocol import RequestError

TOKEN_EXPIRED = 4401
TOKEN_EXPIRED_REASON = "token expired"


class ConnectionContext(Protocol):
    """What the WebSocket transport needs of the resolvers' context."""

    principal: Principal | None
    client: str
    connection: Any
    connection_params: dict[str, Any] | None

    async def aclose(self) -> None:
        """Release what the connection opened."""

    def on_close(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Run `closer` when the connection ends."""


ContextFactory = Callable[[WebSocket, str], ConnectionContext]


class PipelineWebSockets(GraphQL[Any, None]):
    """Strawberry's graphql-transport-ws handling; the token comes in `connection_init`."""

    def __init__(self, schema: Schema, pipeline: Pipeline, context: ContextFactory) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=10,
        )
        self._pipeline = pipeline
        self._make_context = context

    async def run(
        self,
        request: Request | WebSocket,
        context: Any = UNSET,
        root_value: None = UNSET,
    ) -> Any:
        if not isinstance(request, WebSocket):
            return await super().run(request, context, root_value)
        try:
            self._pipeline.check_headers(request.headers.raw)
        except RequestError:
            await request.close(code=1008)  # before the handshake: the client sees HTTP 403
            return None
        connection = self._make_context(request, request_id_of(request.headers.get("x-request-id")))
        try:
            return await super().run(request, connection, root_value)
        except RecursionError:  # a message nested deeper than the JSON parser's stack
            with contextlib.suppress(RuntimeError):
                await request.close(code=4400, reason="the message nests values too deeply")
            return None
        finally:
            await connection.aclose()

    async def on_ws_connect(self, context: ConnectionContext) -> None:
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        if not raw and params.get("token"):
            raw = f"Bearer {params['token']}"
        try:
            admission = self._pipeline.admit(context.client, str(raw) if raw else None)
        except RequestError as error:
            raise ConnectionRejectionError({"message": error.message}) from None
        if admission.principal is None:
            message = admission.auth_error or "a bearer token is required"
            raise ConnectionRejectionError({"message": message})
        context.principal = admission.principal
        if admission.expires_at is not None:
            self._close_at_expiry(context, admission.expires_at)

    def _close_at_expiry(self, context: ConnectionContext, expires_at: float) -> None:
        socket: WebSocket = context.connection

        async def close_when_expired() -> None:
            await asyncio.sleep(max(expires_at - time.time(), 0))
            context.principal = None
            with contextlib.suppress(RuntimeError):
                await socket.close(code=TOKEN_EXPIRED, reason=TOKEN_EXPIRED_REASON)

        timer = asyncio.create_task(close_when_expired())

        async def cancel() -> None:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer

        context.on_close(cancel)
