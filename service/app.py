"""The composition root: the ASGI app (Starlette + Strawberry), health, readiness, metrics."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.schema.config import StrawberryConfig

from schema.context import Context
from schema.root import build_schema
from service.auth.tokens import Principal
from service.http.endpoint import EndpointConfig, GraphQLEndpoint
from service.http.persisted import PersistedQueries
from service.http.pipeline import Admission, Pipeline, PipelineConfig, ReadClock
from service.http.ratelimit import RateLimiter
from service.http.response_cache import ResponseCache
from service.http.steps import PipelineSchema
from service.http.ws import PipelineWebSockets
from service.services import Services, running
from service.settings import Settings
from service.telemetry.metrics import PROJECTION_LAG

READY_LAG_BOUND = 1000
STATIC = Path(__file__).parent / "http" / "static"
GRAPHIQL_PAGE = STATIC / "graphiql.html"
NOBODY = Admission(principal=None, auth_error=None)


def _context(
    services: Services,
    request: Request | WebSocket,
    admission: Admission,
    request_id: str,
    connection: WebSocket | None = None,
) -> Context:
    return Context(
        services=services,
        reads=services.reads(),
        principal=admission.principal,
        now=datetime.now(UTC),
        request_id=request_id,
        auth_error=admission.auth_error,
        client=request.client.host if request.client else "unknown",
        connection=connection,
    )


async def http_context(request: Request, admission: Admission, request_id: str) -> Context:
    """The resolvers' context for one HTTP request."""
    return _context(request.app.state.services, request, admission, request_id)


def socket_context(socket: WebSocket, request_id: str) -> Context:
    """The resolvers' context for one WebSocket connection (its principal comes at init)."""
    return _context(socket.app.state.services, socket, NOBODY, request_id, socket)


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

    async def cache_positions(self, tables: frozenset[str] | None) -> tuple[int | str, ...]:
        return await self._services().cache_positions(tables)

    def read_side(self) -> ReadClock:
        return self._services().reads()


def _pipeline(settings: Settings, services: Callable[[], Services]) -> Pipeline:
    def verify(token: str) -> Principal:
        return services().verifier.verify(token)

    return Pipeline(
        PipelineConfig(
            production=settings.production,
            max_header_bytes=settings.max_header_bytes,
            max_token_bytes=settings.max_token_bytes,
            document_cache_bytes=settings.document_cache_bytes,
        ),
        verify,
        (
            RateLimiter(settings.address_rate_per_second, settings.address_rate_burst),
            RateLimiter(settings.rate_per_second, settings.rate_burst),
        ),
        PersistedQueries(settings.allow_list_file, max_bytes=settings.apq_bytes),
        ResponseCache(max_bytes=settings.response_cache_bytes),
        _LateViews(services),
    )


def _lifespan(
    settings: Settings, services: Services | None
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Start the services for the app's lifetime, or lend it the given ones (tests)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if services is not None:
            app.state.services = services
            yield
            return
        async with running(settings) as started:
            app.state.services = started
            # What start-up built (the schema, the pools, the modules) lives as long as the
            # process: out of the collector's generations, each collection scans only what
            # requests allocate.
            gc.freeze()
            yield

    return lifespan


def create_app(settings: Settings, services: Services | None = None) -> Starlette:
    """The app; with `services` given (tests) it uses them instead of starting its own."""
    pipeline = _pipeline(settings, lambda: app.state.services)
    schema = build_schema(
        [pipeline.extension],
        PipelineSchema,
        # In production no "did you mean" leaks the names introspection would hide.
        StrawberryConfig(disable_field_suggestions=settings.production),
    )
    pipeline.bind(schema)
    websockets = PipelineWebSockets(schema, pipeline, socket_context)
    endpoint = GraphQLEndpoint(
        schema,
        pipeline,
        http_context,
        EndpointConfig(
            max_body=settings.max_body_bytes,
            graphiql_html=GRAPHIQL_PAGE.read_text(encoding="utf-8") if settings.graphiql else None,
            min_position_timeout=settings.min_position_timeout,
        ),
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
        lifespan=_lifespan(settings, services),
    )
    if services is not None:
        app.state.services = services
    return app
