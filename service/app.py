"""The composition root: the ASGI app (Starlette + Strawberry), health, readiness, metrics."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from schema.context import Context
from schema.root import build_schema
from service.application import Services, running
from service.auth import AuthError, Principal
from service.graphql_endpoint import EndpointConfig, GraphQLEndpoint
from service.metrics import PROJECTION_LAG
from service.persisted import PersistedQueries
from service.ratelimit import RateLimiter
from service.settings import Settings

READY_LAG_BOUND = 1000
STATIC = Path(__file__).parent / "static"
GRAPHIQL_PAGE = STATIC / "graphiql.html"


def _principal(services: Services, header: str | None) -> tuple[Principal | None, str | None]:
    if not header:
        return None, None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "the Authorization header must be 'Bearer <token>'"
    try:
        return services.verifier.verify(token.strip()), None
    except AuthError as error:
        return None, str(error)


def _context(services: Services, request: Request | WebSocket, auth: str | None) -> Context:
    principal, error = _principal(services, auth)
    return Context(
        services=services,
        principal=principal,
        now=datetime.now(UTC),
        request_id=request.headers.get("x-request-id") or str(uuid.uuid4()),
        auth_error=error,
    )


async def http_context(request: Request) -> Context:
    """The resolvers' context for one HTTP request."""
    return _context(request.app.state.services, request, request.headers.get("authorization"))


class KinerjaWebSockets(GraphQL[Context, None]):
    """Strawberry's graphql-transport-ws handling; the token comes in `connection_init`."""

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        return _context(request.app.state.services, request, None)

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        if not raw and params.get("token"):
            raw = f"Bearer {params['token']}"
        principal, error = _principal(context.services, str(raw) if raw else None)
        if principal is None:
            raise ConnectionRejectionError({"message": error or "a bearer token is required"})
        context.principal = principal


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers, the projector loop (if it runs here) is up, and the
    views are at most READY_LAG_BOUND events behind the log."""
    services: Services = request.app.state.services
    try:
        head = await services.store.head()
        if not services.settings.run_projector:
            await services.projector.load_positions()
    except Exception as error:
        return JSONResponse({"status": "unavailable", "error": type(error).__name__}, 503)
    lag = head - services.projector.reached
    status = "ready"
    if services.projector.stopped:
        status = "projector stopped"
    elif lag > READY_LAG_BOUND:
        status = "lagging"
    return JSONResponse(
        {"status": status, "head": head, "lag": lag}, 200 if status == "ready" else 503
    )


async def metrics(request: Request) -> Response:
    services: Services = request.app.state.services
    head, reached = await services.positions()
    PROJECTION_LAG.set(head - reached)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class _LateViews:
    """The services' view clock, looked up per call (the services start with the app)."""

    def __init__(self, services: Callable[[], Services]) -> None:
        self._services = services

    async def positions(self) -> tuple[int, int]:
        return await self._services().positions()

    async def wait_for(self, position: int, timeout: float) -> None:
        await self._services().wait_for(position, timeout)


def create_app(settings: Settings, services: Services | None = None) -> Starlette:
    """The app; with `services` given (tests) it uses them instead of starting its own."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if services is not None:
            app.state.services = services
            yield
            return
        async with running(settings) as started:
            app.state.services = started
            yield

    schema = build_schema()
    websockets = KinerjaWebSockets(schema, graphql_ide=None, max_subscriptions_per_connection=10)

    endpoint = GraphQLEndpoint(
        schema._schema,
        http_context,
        _LateViews(lambda: app.state.services),
        EndpointConfig(
            max_body=settings.max_body_bytes,
            production=settings.production,
            graphiql_html=GRAPHIQL_PAGE.read_text(encoding="utf-8") if settings.graphiql else None,
            min_position_timeout=settings.min_position_timeout,
        ),
        RateLimiter(settings.rate_per_second, settings.rate_burst),
        PersistedQueries(settings.allow_list_file),
    )
    app = Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", websockets),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Mount("/graphiql-assets", StaticFiles(directory=STATIC / "graphiql")),
        ],
        lifespan=lifespan,
    )
    if services is not None:
        app.state.services = services
    return app
