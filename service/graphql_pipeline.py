"""The one request pipeline, for HTTP and WebSocket alike.

Every document passes the same steps, written once, in this order:

1. request bounds: the header block and the bearer token are measured (`Pipeline.check_headers`,
   `Pipeline.admit`), bodies by the HTTP reader;
2. rate limit per client address, before any token is verified (`Pipeline.admit`);
3. authentication (the operator's verifier; a token too large is refused unverified);
4. persisted queries (HTTP resolves an APQ hash to its document before it executes);
5. parse, cached by the document's digest, with the token limit (`on_parse`);
6. rate limit per caller (`sub`, else the address), text checks, the allow-list, the limits
   measured with the variables' values, then graphql-core's validation with the introspection
   policy (`on_validate`); a document that validates is cached and, for an authenticated caller
   who sent its hash, registered for APQ;
7. execute (queries answered from the response cache when they may be, `on_execute`);
8. every error coded in `extensions.code`, unexpected ones masked (`on_operation`,
   `on_stream_result`).

Steps 5 to 8 are a Strawberry schema extension, so they run inside `Schema.execute` (HTTP) and
`Schema.stream` (graphql-transport-ws) without either transport repeating them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import graphql
import jwt
from graphql import (
    DocumentNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
)
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from service import metrics
from service.auth import AuthError, Principal, Role
from service.graphql_http import RequestError
from service.graphql_limits import (
    MAX_JSON_DEPTH,
    Limits,
    StringValuesRule,
    input_problem,
    limit_errors,
    paged_fields,
)
from service.persisted import NotAllowListed, PersistedQueries, sent_hash
from service.ratelimit import RateLimiter
from service.response_cache import BoundedLRU, ResponseCache, digest

log = logging.getLogger("kinerja.graphql")
STAFF = (Role.HR, Role.ADMIN, Role.AUDITOR, Role.INSPECTOR, Role.EVALUATOR)
MAX_REQUEST_ID = 128


def request_id_of(header: str | None) -> str:
    """The client's `X-Request-Id` if it is 1 to 128 printable ASCII characters, else a new id."""
    if header and len(header) <= MAX_REQUEST_ID and all("!" <= c <= "~" for c in header):
        return header
    return str(uuid.uuid4())


class RequestContext(Protocol):
    """What the pipeline needs of the resolvers' context."""

    principal: Principal | None
    request_id: str
    client: str
    connection: Any


class ViewClock(Protocol):
    """Where the views stand (the response cache keys answers by it)."""

    async def positions(self) -> tuple[int, int]:
        """(log head, position every view has reached)."""


@dataclass(frozen=True)
class PipelineConfig:
    """The pipeline's knobs (from Settings)."""

    limits: Limits = field(default_factory=Limits)
    production: bool = False
    max_header_bytes: int = 16_384
    max_token_bytes: int = 8_192
    document_cache_entries: int = 512
    document_cache_bytes: int = 8_000_000


@dataclass(frozen=True)
class Admission:
    """A request past the bounds, the address limit and authentication."""

    principal: Principal | None
    auth_error: str | None
    expires_at: float | None


class Pipeline:
    """The state every step shares: limiters, caches, the persisted documents, the verifier."""

    def __init__(
        self,
        config: PipelineConfig,
        verify: Callable[[str], Principal],
        limiters: tuple[RateLimiter, RateLimiter],
        persisted: PersistedQueries,
        responses: ResponseCache,
        views: ViewClock,
    ) -> None:
        self.config = config
        self._verify = verify
        self.addresses, self.callers = limiters
        self.persisted = persisted
        self.responses = responses
        self.views = views
        self.documents: BoundedLRU[str, DocumentNode] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )
        self.paged: frozenset[str] = frozenset()

    def bind(self, schema: Schema) -> None:
        """Learn which fields are paged from the schema's SDL (the public description of it)."""
        self.paged = paged_fields(graphql.build_schema(schema.as_str()))

    def extension(self) -> SchemaExtension:
        """A fresh extension for one operation (Strawberry calls this per operation)."""
        return PipelineExtension(self)

    def check_headers(self, headers: Iterable[tuple[bytes, bytes]]) -> None:
        """431 when the header block is larger than the bound (before anything reads it)."""
        size = sum(len(name) + len(value) + 4 for name, value in headers)
        if size > self.config.max_header_bytes:
            raise RequestError(
                431,
                f"the request headers are larger than {self.config.max_header_bytes} bytes",
                "REQUEST_HEADERS_TOO_LARGE",
            )

    def admit(self, address: str, authorization: str | None) -> Admission:
        """Address rate limit, then the token's size, then its signature (in that order)."""
        wait = self.addresses.take(f"address:{address}")
        if wait:
            raise RateLimited(wait)
        if not authorization:
            return Admission(None, None, None)
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return Admission(None, "the Authorization header must be 'Bearer <token>'", None)
        if len(token) > self.config.max_token_bytes:
            raise RequestError(
                401,
                f"the bearer token is larger than {self.config.max_token_bytes} bytes",
                "UNAUTHENTICATED",
            )
        try:
            principal = self._verify(token)
        except AuthError as error:
            return Admission(None, str(error), None)
        expires = jwt.decode(token, options={"verify_signature": False}).get("exp")
        return Admission(principal, None, float(expires) if expires is not None else None)


class RateLimited(RequestError):
    """429 with the seconds to wait (Retry-After)."""

    def __init__(self, wait: float) -> None:
        super().__init__(429, f"too many requests: retry in {wait:g} s", "RATE_LIMITED")
        self.retry_after = wait


_STAND_IN = graphql.parse("query { __typename }")


def refusal(message: str, code: str = "BAD_USER_INPUT", **more: Any) -> GraphQLError:
    """A pre-execution error: no path, the code in `extensions.code`."""
    return GraphQLError(message, extensions={"code": code, **more})


class PipelineExtension(SchemaExtension):
    """Steps 5 to 8 of the pipeline for one operation, on every transport."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.digest: str | None = None
        self.cached = False
        self.oversized: int | None = None
        self._streamed = False

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        limits = self.pipeline.config.limits
        context.parse_options["max_tokens"] = limits.max_tokens
        if context.query is not None and len(context.query) > limits.max_document_chars:
            # Never parsed: `on_validate` refuses it (the stand-in only lets Strawberry go on).
            self.oversized, context.graphql_document = len(context.query), _STAND_IN
        elif context.query is not None and context.graphql_document is None:
            self.digest = digest(context.query)
            cached = self.pipeline.documents.get(self.digest)
            if cached is not None:
                context.graphql_document, self.cached = cached, True
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        refused = self._refusals(context)
        if refused:
            context.pre_execution_errors = refused
        else:
            hidden = _hides_introspection(self.pipeline.config, context.context)
            policy = (NoSchemaIntrospectionCustomRule,) if hidden else ()
            context.validation_rules = (*context.validation_rules, StringValuesRule, *policy)
        yield
        if context.pre_execution_errors or self.digest is None or context.query is None:
            return
        if not self.cached and context.graphql_document is not None:
            self.pipeline.documents.put(self.digest, context.graphql_document, len(context.query))
        caller = getattr(context.context, "principal", None)
        if caller is not None and sent_hash(context.operation_extensions or {}) == self.digest:
            self.pipeline.persisted.register(self.digest, context.query)

    def _refusals(self, context: ExecutionContext) -> list[GraphQLError]:
        request: RequestContext = context.context
        caller = request.principal.sub if request.principal else f"address:{request.client}"
        if wait := self.pipeline.callers.take(caller):
            message = f"too many requests: retry in {wait:g} s"
            return [refusal(message, "RATE_LIMITED", retryAfter=wait)]
        if self.oversized is not None:
            limit = self.pipeline.config.limits.max_document_chars
            message = f"the document is {self.oversized} characters long; the limit is {limit}"
            return [refusal(message)]
        if request.connection is not None and context.operation_type is OperationType.MUTATION:
            return [refusal("mutations are sent with HTTP POST, not over WebSocket")]
        problem = input_problem([context.query, context.variables], MAX_JSON_DEPTH)
        if problem is not None:
            return [refusal(problem)]
        try:
            self.pipeline.persisted.check(self.digest or "")
        except NotAllowListed as error:
            return [refusal(str(error), "FORBIDDEN")]
        assert context.graphql_document is not None
        limits = self.pipeline.config.limits
        return limit_errors(
            context.graphql_document, limits, self.pipeline.paged, context.variables
        )

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        key = None
        if context.operation_type is OperationType.QUERY and self.digest is not None:
            key = self.pipeline.responses.key(
                self.digest,
                context.variables,
                context.operation_name,
                _visibility(getattr(context.context, "principal", None)),
                await self.pipeline.views.positions(),
            )
            if (data := self.pipeline.responses.get(key)) is not None:
                metrics.CACHE.labels("hit").inc()
                context.result = ExecutionResult(data=data, errors=None)
                key = None
            else:
                metrics.CACHE.labels("miss").inc()
        yield
        result = context.result
        if key is not None and result is not None and not result.errors and result.data:
            self.pipeline.responses.put(key, result.data)

    def on_operation(self) -> Iterator[None]:
        yield
        if not self._streamed and self.execution_context.result is not None:
            self._code(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._streamed = True
        self._code(result)
        yield

    def _code(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            request_id = getattr(self.execution_context.context, "request_id", "")
            result.errors = [coded(error, request_id) for error in errors]


def _hides_introspection(config: PipelineConfig, request: Any) -> bool:
    principal: Principal | None = getattr(request, "principal", None)
    return config.production and not (principal and principal.has(*STAFF))


def _visibility(principal: Principal | None) -> tuple[str, ...]:
    if principal is None:
        return ("anonymous",)
    return (principal.sub, *sorted(principal.roles), "|", *sorted(principal.scopes))


def _code_of(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    return "BAD_USER_INPUT" if error.path is None else "INTERNAL_SERVER_ERROR"


# Strawberry's own refusals of a request (no operation, an ambiguous one, a wrong type): no secret.
_REQUEST_ERRORS = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)


def coded(error: GraphQLError, request_id: str) -> GraphQLError:
    """A client-facing error: unexpected failures masked, every error with `extensions.code`."""
    original = error.original_error
    if original is not None and not isinstance(original, (GraphQLError, *_REQUEST_ERRORS)):
        log.error(
            "unexpected error in %s",
            error.path,
            exc_info=original,
            extra={"request_id": request_id},
        )
        extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        message = "Internal server error"
    else:
        extensions = {**(error.extensions or {}), "code": _code_of(error)}
        message = error.message
    metrics.ERRORS.labels(extensions["code"]).inc()
    return GraphQLError(
        message,
        error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )
