"""The `/graphql` HTTP endpoint: one request from bytes to a response, every limit on the way."""

from __future__ import annotations

import inspect
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationType,
    execute,
    validate,
)
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service import logs, metrics
from service.auth import Principal, Role
from service.graphql_http import (
    GRAPHQL_RESPONSE,
    GraphQLRequest,
    RequestError,
    negotiate,
    operation_of,
    read_request,
)
from service.graphql_limits import DocumentChecker, Limits
from service.persisted import NotAllowListed, PersistedQueries, PersistedQueryNotFound
from service.projector import ProjectionTimeout
from service.ratelimit import RateLimiter
from service.response_cache import ResponseCache

log = logging.getLogger("kinerja.graphql")
STAFF = (Role.HR, Role.ADMIN, Role.AUDITOR, Role.INSPECTOR, Role.EVALUATOR)
MIN_POSITION_HEADER = "x-kinerja-min-position"


class RequestContext(Protocol):
    """What the endpoint needs of the resolvers' context."""

    principal: Principal | None
    request_id: str

    async def aclose(self) -> None:
        """Release what the request opened."""


class ViewClock(Protocol):
    """Where the views stand, and a bounded wait for them (the service's projector)."""

    async def positions(self) -> tuple[int, int]:
        """(log head, position every view has reached)."""

    async def wait_for(self, position: int, timeout: float) -> None:
        """Return once the views include the position, or raise ProjectionTimeout."""


@dataclass(frozen=True)
class EndpointConfig:
    """The endpoint's knobs (from Settings)."""

    max_body: int = 1_000_000
    production: bool = False
    graphiql_html: str | None = None
    min_position_timeout: float = 5.0


def _code_of(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    return "BAD_USER_INPUT" if error.path is None else "INTERNAL_SERVER_ERROR"


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """A client-facing error: unexpected failures masked, every error with `extensions.code`."""
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        log.error(
            "unexpected error in %s",
            error.path,
            exc_info=original,
            extra={"request_id": request_id},
        )
        masked = GraphQLError(
            "Internal server error",
            error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
        return dict(masked.formatted)
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(error.extensions or {})
    formatted["extensions"] = {**extensions, "code": _code_of(error)}
    return formatted


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class GraphQLEndpoint:
    """Negotiates, limits, parses, validates, executes and caches one GraphQL request."""

    def __init__(
        self,
        schema: GraphQLSchema,
        context: Callable[[Request], Awaitable[RequestContext]],
        views: ViewClock,
        config: EndpointConfig,
        limiter: RateLimiter,
        persisted: PersistedQueries,
        limits: Limits | None = None,
    ) -> None:
        self._schema = schema
        self._context = context
        self._views = views
        self._config = config
        self._limiter = limiter
        self._persisted = persisted
        self._checker = DocumentChecker(schema, limits or Limits())
        self._cache = ResponseCache()

    async def handle(self, request: Request) -> Response:
        """Answer one GraphQL-over-HTTP request."""
        if self._wants_ide(request):
            return HTMLResponse(self._config.graphiql_html or "")
        started = time.perf_counter()
        media_type = GRAPHQL_RESPONSE
        operation = "unknown"
        try:
            media_type = negotiate(request.headers.get("accept"))
            gql = await read_request(request, self._config.max_body)
            context = await self._context(request)
            logs.request_id.set(context.request_id)
            self._rate_limit(request, context)
            document, operation = self._document(request, gql, context)
            try:
                response = await self._run(request, gql, document, context)
            except BaseException:
                await context.aclose()
                raise
            # What the request opened (as-of connections) is released after the answer is sent.
            response.background = BackgroundTask(context.aclose)
        except RequestError as error:
            metrics.ERRORS.labels(error.code).inc()
            response = _error_response(error, media_type)
        response.headers["X-Request-Id"] = logs.request_id.get() or ""
        metrics.REQUESTS.labels(operation, str(response.status_code)).inc()
        metrics.LATENCY.labels(operation).observe(time.perf_counter() - started)
        return response

    def _wants_ide(self, request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return (
            request.method == "GET"
            and self._config.graphiql_html is not None
            and "text/html" in accept
            and "query" not in request.query_params
        )

    def _rate_limit(self, request: Request, context: RequestContext) -> None:
        who = context.principal.sub if context.principal else None
        client = who or (request.client.host if request.client else "anonymous")
        wait = self._limiter.take(client)
        if wait:
            raise _RateLimited(wait)

    def _document(
        self, request: Request, gql: GraphQLRequest, context: RequestContext
    ) -> tuple[DocumentNode, str]:
        try:
            query = self._persisted.resolve(gql.query, gql.extensions)
        except PersistedQueryNotFound:
            raise RequestError(200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND") from None
        except NotAllowListed as error:
            raise RequestError(403, str(error), "FORBIDDEN") from None
        except ValueError as error:
            raise RequestError(400, str(error)) from None
        if not query:
            raise RequestError(400, "a GraphQL request needs a query")
        checked = self._checker.check(query)
        if isinstance(checked, list):
            raise _Invalid(checked)
        principal = context.principal
        if self._config.production and not (principal and principal.has(*STAFF)):
            hidden = validate(self._schema, checked, [NoSchemaIntrospectionCustomRule])
            if hidden:
                raise _Invalid(hidden)
        selected = operation_of(checked, gql.operation_name)
        if selected is None:
            raise RequestError(400, "the operation to run is missing or ambiguous")
        if request.method == "GET" and selected.operation is not OperationType.QUERY:
            raise RequestError(405, "only queries may be sent with GET; use POST")
        if selected.operation is OperationType.SUBSCRIPTION:
            raise RequestError(400, "subscriptions run over WebSocket (graphql-transport-ws)")
        name = selected.name.value if selected.name else selected.operation.value
        return checked, name

    async def _run(
        self,
        request: Request,
        gql: GraphQLRequest,
        document: DocumentNode,
        context: RequestContext,
    ) -> Response:
        await self._read_your_writes(request, gql)
        selected = operation_of(document, gql.operation_name)
        cacheable = selected is not None and selected.operation is OperationType.QUERY
        key = None
        if cacheable:
            key = self._cache.key(
                gql.query or "",
                gql.variables,
                gql.operation_name,
                _visibility(context.principal),
                await self._views.positions(),
            )
            if (body := self._cache.get(key)) is not None:
                metrics.CACHE.labels("hit").inc()
                return Response(body, media_type=gql.media_type)
            metrics.CACHE.labels("miss").inc()
        result = execute(
            self._schema,
            document,
            context_value=context,
            variable_values=gql.variables,
            operation_name=gql.operation_name,
        )
        if inspect.isawaitable(result):
            result = await result
        assert isinstance(result, ExecutionResult)
        status, body = self._body(result, gql.media_type, context.request_id)
        if key is not None and status == 200 and not result.errors:
            self._cache.put(key, body)
        return Response(body, status_code=status, media_type=gql.media_type)

    async def _read_your_writes(self, request: Request, gql: GraphQLRequest) -> None:
        raw = request.headers.get(MIN_POSITION_HEADER) or gql.extensions.get("minPosition")
        if raw is None:
            return
        try:
            position = int(raw)
        except (TypeError, ValueError):
            raise RequestError(400, "the minimum position must be an integer") from None
        try:
            await self._views.wait_for(position, self._config.min_position_timeout)
        except ProjectionTimeout as error:
            raise RequestError(503, str(error), "VIEWS_NOT_READY") from None

    def _body(self, result: ExecutionResult, media_type: str, request_id: str) -> tuple[int, bytes]:
        errors = [format_error(e, request_id) for e in result.errors or []]
        for error in errors:
            metrics.ERRORS.labels(error["extensions"]["code"]).inc()
        # Errors before execution (variables that do not coerce) leave no data and no path.
        request_failed = result.data is None and any(e.path is None for e in result.errors or [])
        if request_failed:
            status = 400 if media_type == GRAPHQL_RESPONSE else 200
            return status, _json({"errors": errors})
        body: dict[str, Any] = {"data": result.data}
        if errors:
            body["errors"] = errors
        return 200, _json(body)


def _error_response(error: RequestError, media_type: str) -> Response:
    """A request answered before execution: no `data` key; the status the spec asks for."""
    if isinstance(error, _Invalid):
        errors = [{**e.formatted, "extensions": {"code": "BAD_USER_INPUT"}} for e in error.errors]
        status = 400 if media_type == GRAPHQL_RESPONSE else 200
    else:
        errors = [{"message": error.message, "extensions": {"code": error.code}}]
        status = error.status
    headers = {}
    if status == 405:
        headers["Allow"] = "POST"
    if isinstance(error, _RateLimited):
        headers["Retry-After"] = f"{error.retry_after:g}"
    return Response(
        _json({"errors": errors}), status_code=status, media_type=media_type, headers=headers
    )


def _visibility(principal: Principal | None) -> tuple[str, ...]:
    if principal is None:
        return ("anonymous",)
    # Everything service/policy.py decides on: subject, roles, scopes and the `unit` limit.
    scopes = sorted(principal.scopes)
    return (principal.sub, *sorted(principal.roles), "|", *scopes, "|", principal.unit or "")


class _RateLimited(RequestError):
    def __init__(self, wait: float) -> None:
        super().__init__(429, f"too many requests: retry in {wait:g} s", "RATE_LIMITED")
        self.retry_after = wait


class _Invalid(RequestError):
    """The document does not parse or validate: 400 (graphql-response+json) or 200 (json)."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__(400, "; ".join(e.message for e in errors))
        self.errors = errors
