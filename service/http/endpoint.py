"""The `/graphql` HTTP endpoint: GraphQL over HTTP in front of the one request pipeline.

What is HTTP's alone lives here: media types and status codes, the body, the APQ hash lookup,
the read-your-writes wait, and the request id header. Every other step is the pipeline's
(`service.http.pipeline`), shared with the WebSocket transport.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from prometheus_client import Counter, Histogram
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from service.auth.tokens import Principal
from service.http.persisted import OTHER, PersistedQueryNotFound, query_hash
from service.http.pipeline import Admission, Pipeline, RateLimited, request_id_of
from service.http.protocol import (
    GRAPHQL_RESPONSE,
    GraphQLRequest,
    RequestError,
    header_map,
    negotiate,
    read_request,
)
from service.http.response_cache import Encoded, encode_json
from service.telemetry import logs, metrics
from service.views.projector import ProjectionTimeout

MIN_POSITION_HEADER = "x-kinerja-min-position"
MAX_POSITION = 2**63 - 1
# Pre-execution refusals whose status is not the media type's default (400, or 200 for JSON).
_STATUS_OF_CODE = {"RATE_LIMITED": 429, "FORBIDDEN": 403, "INTERNAL_SERVER_ERROR": 500}


class RequestContext(Protocol):
    """What the endpoint needs of the resolvers' context."""

    principal: Principal | None
    request_id: str

    async def aclose(self) -> None:
        """Release what the request opened."""

    async def wait_for(self, position: int, timeout: float) -> None:
        """Return once the views it reads include the position, or raise ProjectionTimeout."""


ContextFactory = Callable[[Request, Admission, str], Awaitable[RequestContext]]


@dataclass(frozen=True)
class EndpointConfig:
    """The endpoint's knobs (from Settings)."""

    max_body: int = 1_000_000
    graphiql_html: str | None = None
    min_position_timeout: float = 5.0


_json = encode_json


class GraphQLEndpoint:
    """Reads one GraphQL-over-HTTP request, runs it through the pipeline, answers it."""

    def __init__(
        self,
        schema: Schema,
        pipeline: Pipeline,
        context: ContextFactory,
        config: EndpointConfig,
    ) -> None:
        self._schema = schema
        self._pipeline = pipeline
        self._context = context
        self._config = config

    async def handle(self, request: Request) -> Response:
        """Answer one GraphQL-over-HTTP request."""
        if self._wants_ide(request):
            return HTMLResponse(self._config.graphiql_html or "")
        started = time.perf_counter()
        media_type = GRAPHQL_RESPONSE
        request_id = request_id_of(_first(request.headers.raw, b"x-request-id"))
        logs.request_id.set(request_id)
        label = OTHER
        try:
            self._pipeline.check_headers(request.headers.raw)
            headers = header_map(request)
            media_type = negotiate(headers.get("accept"))
            client = request.scope.get("client")
            address = client[0] if client else "unknown"
            admission = self._pipeline.admit(address, headers.get("authorization"))
            gql = await read_request(request, headers, media_type, self._config.max_body)
            query = self._resolve(gql)
            document = query_hash(query)
            label = self._pipeline.persisted.label(document, gql.operation_name)
            response = await self._cached(headers, gql, document, admission, address)
            if response is None:
                response = await self._executed(request, gql, query, admission, request_id)
        except RequestError as error:
            metrics.ERRORS.labels(error.code).inc()
            response = _error_response(error, media_type)
        response.headers["X-Request-Id"] = request_id
        _requests(label, response.status_code).inc()
        _latency(label).observe(time.perf_counter() - started)
        return response

    def _wants_ide(self, request: Request) -> bool:
        return (
            request.method == "GET"
            and self._config.graphiql_html is not None
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params
        )

    async def _cached(
        self,
        headers: dict[str, str],
        gql: GraphQLRequest,
        document: str,
        admission: Admission,
        address: str,
    ) -> Response | None:
        """A query answered before, from the response cache (the pipeline's step before the
        document steps); None when it cannot be decided here."""
        if _min_position_of(headers, gql) is not None:
            return None  # read-your-writes waits first, in `_run`
        found = await self._pipeline.cached(admission, address, document, gql)
        if found is None:
            return None
        status, body, headers = (
            (200, found, {}) if isinstance(found, bytes) else _answer(found, gql.media_type)
        )
        return Response(body, status_code=status, media_type=gql.media_type, headers=headers)

    async def _executed(
        self, request: Request, gql: GraphQLRequest, query: str, admission: Admission, rid: str
    ) -> Response:
        context = await self._context(request, admission, rid)
        try:
            response = await self._run(request, gql, query, context)
        except BaseException:
            await context.aclose()
            raise
        # What the request opened (as-of connections) is released after the answer is sent.
        response.background = BackgroundTask(context.aclose)
        return response

    def _resolve(self, gql: GraphQLRequest) -> str:
        try:
            query = self._pipeline.persisted.resolve(gql.query, gql.extensions)
        except PersistedQueryNotFound:
            raise RequestError(200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND") from None
        except ValueError as error:
            raise RequestError(400, str(error)) from None
        if not query:
            raise RequestError(400, "a GraphQL request needs a query")
        return query

    async def _run(
        self, request: Request, gql: GraphQLRequest, query: str, context: RequestContext
    ) -> Response:
        await self._read_your_writes(request, gql, context)
        allowed = [OperationType.QUERY]
        if request.method == "POST":
            allowed.append(OperationType.MUTATION)
        try:
            result = await self._schema.execute(
                query,
                variable_values=gql.variables,
                context_value=context,
                operation_name=gql.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=gql.extensions,
            )
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise RequestError(
                    400, "subscriptions run over WebSocket (graphql-transport-ws)"
                ) from None
            raise RequestError(405, "only queries may be sent with GET; use POST") from None
        except (CannotGetOperationTypeError, MissingQueryError):
            raise RequestError(400, "the operation to run is missing or ambiguous") from None
        status, body, headers = _answer(result, gql.media_type)
        return Response(body, status_code=status, media_type=gql.media_type, headers=headers)

    async def _read_your_writes(
        self, request: Request, gql: GraphQLRequest, context: RequestContext
    ) -> None:
        raw = _min_position_of(header_map(request), gql)
        if raw is None:
            return
        position = _position(raw)
        try:
            # The request's read side: its replica, or the primary past the bound.
            await context.wait_for(position, self._config.min_position_timeout)
        except ProjectionTimeout as error:
            raise RequestError(503, str(error), "VIEWS_NOT_READY") from None


def _first(raw: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first header of this (lower-case) name, as Starlette's `headers.get` finds it."""
    for key, value in raw:
        if key == name:
            return value.decode("latin-1")
    return None


def _min_position_of(headers: dict[str, str], gql: GraphQLRequest) -> Any:
    """The minimum position the request asks the views to reach, as sent (None: none)."""
    return headers.get(MIN_POSITION_HEADER) or gql.extensions.get("minPosition")


@functools.cache
def _requests(label: str, status: int) -> Counter:
    """The request counter's series (a bounded set: allow-listed operations, `other`)."""
    return metrics.REQUESTS.labels(label, str(status))


@functools.cache
def _latency(label: str) -> Histogram:
    return metrics.LATENCY.labels(label)


def _position(raw: Any) -> int:
    """A log position from the header (text) or `extensions.minPosition` (a JSON integer)."""
    if isinstance(raw, float) and raw.is_integer() and math.isfinite(raw):
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_POSITION:
        raise RequestError(400, f"the minimum position must be an integer from 0 to {MAX_POSITION}")
    return raw


def _answer(result: ExecutionResult, media_type: str) -> tuple[int, bytes, dict[str, str]]:
    errors = [e.formatted for e in result.errors or []]
    # Errors before execution (refusals, variables that do not coerce) leave no data and no path.
    if result.data is None and result.errors and all(e.path is None for e in result.errors):
        extensions = errors[0].get("extensions") or {}
        default = 400 if media_type == GRAPHQL_RESPONSE else 200
        status = _STATUS_OF_CODE.get(str(extensions.get("code")), default)
        headers = {}
        if "retryAfter" in extensions:
            headers["Retry-After"] = f"{extensions['retryAfter']:g}"
        return status, _json({"errors": errors}), headers
    if not errors and isinstance(result.data, Encoded):
        return 200, result.data.body, {}  # a cached answer: encoded when it was cached
    body: dict[str, Any] = {"data": result.data}
    if errors:
        body["errors"] = errors
    return 200, _json(body), {}


def _error_response(error: RequestError, media_type: str) -> Response:
    """A request answered before the pipeline's document steps: no `data` key."""
    errors = [{"message": error.message, "extensions": {"code": error.code}}]
    headers = {}
    if error.status == 405:
        headers["Allow"] = "POST"
    if isinstance(error, RateLimited):
        headers["Retry-After"] = f"{error.retry_after:g}"
    return Response(
        _json({"errors": errors}), status_code=error.status, media_type=media_type, headers=headers
    )
