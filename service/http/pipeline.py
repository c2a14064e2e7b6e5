"""The one request pipeline, for HTTP and WebSocket alike.

Every document passes the same steps, written once, in this order:

1. request bounds: the header block and the bearer token are measured (`Pipeline.check_headers`,
   `Pipeline.admit`), bodies by the HTTP reader;
2. rate limit per client address, before any token is verified (`Pipeline.admit`);
3. authentication (the operator's verifier; a token too large is refused unverified);
4. persisted queries (HTTP resolves an APQ hash to its document before it executes);
   then a query answered before is answered from the response cache here (`Pipeline.cached`),
   before Strawberry runs anything, when all that decides it is known: the document's read set
   (it ran before), a caller the token admitted, no minimum position to wait for; the caller's
   rate limit of step 6 is taken for it. Whatever it cannot decide goes on to the steps below;
5. parse, cached by the document's digest, with the token limit (`on_parse`);
6. rate limit per caller (`sub`, else the address), text checks, the allow-list, the limits
   measured with the variables' values, then graphql-core's validation with the introspection
   policy (`on_validate`); a document that validates is cached and, for an authenticated caller
   who sent its hash, registered for APQ;
7. execute (queries answered from the response cache when they may be, `on_execute`: the
   first time, or over WebSocket);
8. every error coded in `extensions.code`, unexpected ones masked (`on_operation`,
   `on_stream_result`).

Steps 5 to 8 are a Strawberry schema extension (`service.http.steps`), so they run inside
`Schema.execute` (HTTP) and `Schema.stream` (graphql-transport-ws) without either transport
repeating them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import graphql
from graphql import (
    DocumentNode,
)
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult
from strawberry.utils.operation import get_first_operation

from service.auth.tokens import AuthError, Principal
from service.http.limits import (
    Limits,
    paged_fields,
)
from service.http.persisted import NotAllowListed, PersistedQueries, sent_hash
from service.http.protocol import GraphQLRequest, RequestError
from service.http.ratelimit import RateLimiter
from service.http.read_sets import ReadSet, read_set
from service.http.response_cache import BoundedLRU, ResponseCache
from service.http.steps import PipelineExtension, coded, refusal, visibility
from service.telemetry import metrics

MAX_REQUEST_ID = 128
_HIT = metrics.CACHE.labels("hit")


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


class ReadClock(Protocol):
    """Where the views of one read side stand (the response cache keys answers by it)."""

    async def cache_positions(self, tables: frozenset[str] | None) -> tuple[int | str, ...]:
        """Where `tables` last changed (None: the log head and every view's position)."""


class ViewClock(ReadClock, Protocol):
    """Where the views stand, and the read side the next query reads."""

    async def positions(self) -> tuple[int, int]:
        """(log head, position every view has reached)."""

    def read_side(self) -> ReadClock:
        """The views the next query reads (a replica in turn, else the primary's)."""


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

    @property
    def expires_at(self) -> float | None:
        """When the token expires (a WebSocket closes then): the verifier read `exp` with the
        claims (and caches it), so the token is not decoded again."""
        return self.principal.expires_at if self.principal is not None else None


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
        # (digest, introspection hidden) of documents that passed validation under those rules.
        self.validated: BoundedLRU[tuple[str, bool], bool] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )
        # Documents (by digest and variables' values) measured within the limits.
        self.within_limits: BoundedLRU[str, bool] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )
        self.sdl: graphql.GraphQLSchema | None = None
        # By digest: the tables a document reads, and the operation run when none is named.
        self.read_sets: BoundedLRU[str, tuple[ReadSet, str | None]] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )

    def bind(self, schema: Schema) -> None:
        """Learn which fields are paged from the schema's SDL (the public description of it)."""
        self.sdl = graphql.build_schema(schema.as_str())
        self.paged = paged_fields(self.sdl)

    def read_set_of(self, document_digest: str, document: DocumentNode) -> ReadSet:
        """The tables a document reads (cached by its digest); None: it may read anything."""
        known = self.read_sets.get(document_digest)
        if known is None:
            tables = None if self.sdl is None else read_set(self.sdl, document)
            first = get_first_operation(document)
            # The name Strawberry keys an operation sent without `operationName` by.
            known = (tables, first.name.value if first and first.name else None)
            self.read_sets.put(document_digest, known, 64)
        return known[0]

    async def cached(
        self, admission: Admission, client: str, document_digest: str, gql: GraphQLRequest
    ) -> bytes | ExecutionResult | None:
        """The body the response cache holds for a query answered before (or the caller's rate
        limit refusing it), or None: go on to the document steps (which decide the rest, and
        may still answer it from the cache).

        An entry exists only for an error-free query that passed every check for this document,
        these variables and this visibility (which the key holds): only the caller's rate limit
        is left to take, and the allow-list to ask (it decides by the digest alone).
        """
        known = self.read_sets.get(document_digest)
        if admission.auth_error is not None or known is None:
            return None
        tables, first = known
        try:
            self.persisted.check(document_digest)
        except NotAllowListed:
            return None
        principal = admission.principal
        key = self.responses.key(
            document_digest,
            gql.variables,
            first if gql.operation_name is None else gql.operation_name,
            visibility(principal),
            await self.views.read_side().cache_positions(tables),
        )
        body = self.responses.body(key)
        if body is None:
            return None
        if wait := self.callers.take(principal.sub if principal else f"address:{client}"):
            message = f"too many requests: retry in {wait:g} s"
            refused = refusal(message, "RATE_LIMITED", retryAfter=wait)
            return ExecutionResult(data=None, errors=[coded(refused, "")])
        _HIT.inc()
        if principal is not None and sent_hash(gql.extensions) == document_digest:
            self.persisted.register(document_digest, gql.query or "")
        return body

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
            return Admission(None, None)
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return Admission(None, "the Authorization header must be 'Bearer <token>'")
        if len(token) > self.config.max_token_bytes:
            raise RequestError(
                401,
                f"the bearer token is larger than {self.config.max_token_bytes} bytes",
                "UNAUTHENTICATED",
            )
        try:
            principal = self._verify(token)
        except AuthError as error:
            return Admission(None, str(error))
        return Admission(principal, None)


class RateLimited(RequestError):
    """429 with the seconds to wait (Retry-After)."""

    def __init__(self, wait: float) -> None:
        super().__init__(429, f"too many requests: retry in {wait:g} s", "RATE_LIMITED")
        self.retry_after = wait
