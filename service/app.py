"""The composition root: the ASGI app (Starlette + Strawberry), health, readiness, metrics."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from schema.context import Context
from schema.root import build_schema
from service.application import Services, running
from service.auth import AuthError, Principal
from service.settings import Settings

READY_LAG_BOUND = 1000


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


class KinerjaGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with kinerja's per-request context."""

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        services: Services = request.app.state.services
        principal, error = _principal(services, request.headers.get("authorization"))
        return Context(
            services=services,
            principal=principal,
            now=datetime.now(UTC),
            request_id=request.headers.get("x-request-id") or str(uuid.uuid4()),
            auth_error=error,
        )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        head = await services.store.head()
        if not services.settings.run_projector:
            await services.projector.load_positions()
    except Exception as error:
        return JSONResponse({"status": "unavailable", "error": type(error).__name__}, 503)
    lag = head - services.projector.reached
    ready = lag <= READY_LAG_BOUND
    return JSONResponse(
        {"status": "ready" if ready else "lagging", "head": head, "lag": lag},
        200 if ready else 503,
    )


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


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

    graphql = KinerjaGraphQL(build_schema(), graphql_ide="graphiql" if settings.graphiql else None)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )
    if services is not None:
        app.state.services = services
    return app
