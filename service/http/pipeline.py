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

from service.auth.tokens import AuthError, Principal
from service.http.limits import (
    Limits,
    paged_fields,
    sizing_variables,
)
from service.http.persisted import PersistedQueries
from service.http.protocol import RequestError
from service.http.ratelimit import RateLimiter
from service.http.read_sets import ReadSet, read_set
from service.http.response_cache import BoundedLRU, ResponseCache
from service.http.steps import PipelineExtension

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

    async def cache_positions(self, tables: frozenset[str] | None) -> tuple[int | str, ...]:
        """Where `tables` last changed (None: the log head and every view's position)."""


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
        # (digest, introspection hidden) of documents that passed validation under those rules.
        self.validated: BoundedLRU[tuple[str, bool], bool] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )
        # Documents (by digest and variables' values) measured within the limits.
        self.within_limits: BoundedLRU[str, bool] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )
        # The variables each document's limits read (by its digest): see `sizing_variables`.
        self.sizing: BoundedLRU[str, frozenset[str]] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )
        self.sdl: graphql.GraphQLSchema | None = None
        self.read_sets: BoundedLRU[str, ReadSet] = BoundedLRU(
            config.document_cache_entries, config.document_cache_bytes
        )

    def bind(self, schema: Schema) -> None:
        """Learn which fields are paged from the schema's SDL (the public description of it)."""
        self.sdl = graphql.build_schema(schema.as_str())
        self.paged = paged_fields(self.sdl)

    def read_set_of(self, document_digest: str, document: DocumentNode) -> ReadSet:
        """The tables a document reads (cached by its digest); None: it may read anything."""
        if document_digest in self.read_sets:
            return self.read_sets.get(document_digest)
        found = None if self.sdl is None else read_set(self.sdl, document)
        self.read_sets.put(document_digest, found, 64)
        return found

    def sizing_of(self, document_digest: str, document: DocumentNode) -> frozenset[str]:
        """The variables the document's limits read (cached by its digest)."""
        found = self.sizing.get(document_digest)
        if found is None:
            found = sizing_variables(document)
            self.sizing.put(document_digest, found, 64 + 32 * len(found))
        return found

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
        # The verifier read `exp` already (and caches it): no second decode of the token.
        return Admission(principal, None, principal.expires_at)


class RateLimited(RequestError):
    """429 with the seconds to wait (Retry-After)."""

    def __init__(self, wait: float) -> None:
        super().__init__(429, f"too many requests: retry in {wait:g} s", "RATE_LIMITED")
        self.retry_after = wait
