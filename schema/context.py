"""The per-request context resolvers see: the services, the verified caller, the clock, loaders.

Who may read what is decided in service/auth/policy.py (`Access`); the context only builds the
caller's `Access` and asks it, about the subject a view describes (`subject_of`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from domain.personal_data import Kind
from projections import directory
from projections.directory import EmployeeView, UnitView
from projections.sql import Reader

# Cursors are read and written in schema.pagination; the names stay importable from here.
from schema.pagination import decode_cursor as decode_cursor
from schema.pagination import encode_cursor as encode_cursor
from service.auth.policy import Access, Subject
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext
from service.replicas import wait_for_reads
from service.services import Services


def _loaders(db: Reader) -> dict[str, DataLoader[Any, Any]]:
    async def units(codes: list[str]) -> list[UnitView | None]:
        found = await directory.units_by_codes(db, codes)
        return [found.get(c) for c in codes]

    async def employees(ids: list[UUID]) -> list[EmployeeView | None]:
        found = await directory.employees_by_ids(db, ids)
        return [found.get(i) for i in ids]

    return {"unit": DataLoader(load_fn=units), "employee": DataLoader(load_fn=employees)}


Closer = Callable[[], Awaitable[None]]


@dataclass
class Context:
    """One request: who calls, when, with which request id, and its DataLoaders."""

    services: Services
    principal: Principal | None
    now: datetime
    request_id: str
    auth_error: str | None = None
    connection_params: dict[str, Any] | None = None
    # The caller's address (the rate limit's key before authentication) and, over WebSocket,
    # the connection itself (None over HTTP).
    client: str = ""
    connection: Any = None
    extra: dict[str, dict[str, DataLoader[Any, Any]]] = field(default_factory=dict)
    loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)
    closers: list[Closer] = field(default_factory=list)
    # Where queries and subscriptions read (a replica, when configured); mutations never do.
    reads: Services | None = None
    _access: Access | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.loaders = _loaders(self.services.pool)

    def read_side(self) -> Services:
        """Switch this request to its read side (called once the operation is known to read)."""
        if self.reads is not None and self.reads is not self.services:
            self.services = self.reads
            self.loaders = _loaders(self.services.pool)
        return self.services

    async def wait_for(self, position: int, timeout: float) -> None:
        """Read-your-writes: wait until the read side has `position`, else per the fallback."""
        primary = self.services.primary or self.services
        self.reads = await wait_for_reads(primary, self.reads or primary, position, timeout)

    def db_for(self, owner: object = None) -> Reader:
        """Where reads about `owner` go: its as-of replay if it has one, else the live views."""
        as_of = getattr(owner, "as_of", None)
        return cast(Reader, as_of) if as_of is not None else self.services.pool

    def loaders_for(self, owner: object) -> dict[str, DataLoader[Any, Any]]:
        """The DataLoaders that read where `owner` reads (one set per reader and request)."""
        db = self.db_for(owner)
        if db is self.services.pool:
            return self.loaders
        key = f"as-of@{id(db)}"
        if key not in self.extra:
            self.extra[key] = _loaders(db)
        return self.extra[key]

    async def aclose(self) -> None:
        """Release what the request opened (as-of connections, a connection's expiry timer)."""
        while self.closers:
            await self.closers.pop()()

    def on_close(self, closer: Closer) -> None:
        """Run `closer` when the request (or the WebSocket connection) ends."""
        self.closers.append(closer)

    def command(self, idempotency_key: str | None = None) -> CommandContext:
        """The handler's view of this request (the principal must be present)."""
        assert self.principal is not None
        return CommandContext(
            principal=self.principal,
            now=self.now,
            correlation_id=self.request_id,
            idempotency_key=idempotency_key,
        )

    def reader(self, *roles: Role) -> Principal:
        """The caller, if authenticated and holding one of the roles (any role when none are
        named: a token without roles reads only what an anonymous caller may); else an error."""
        if self.principal is None:
            raise GraphQLError(
                self.auth_error or "authentication required: send a bearer token",
                extensions={"code": "UNAUTHENTICATED"},
            )
        if not self.access.holds(*roles):
            raise GraphQLError("your role may not read this", extensions={"code": "FORBIDDEN"})
        return self.principal

    @property
    def access(self) -> Access:
        """The caller's rights (service/auth/policy.py), with their own employee stream id."""
        if self._access is None or self._access.principal is not self.principal:
            p = self.principal
            own = self.services.ids.employee_id(p.sub) if p is not None and p.sub else None
            self._access = Access(p, own)
        return self._access

    def may_read_employee(self, view: EmployeeView) -> bool:
        """Whether the caller sees this employee's record at all."""
        return self.access.reads_record(subject_of(view))

    def sees_names_of(self, view: EmployeeView | None) -> bool:
        """Names and NIPs of this employee."""
        access = self.access
        return access.reads_every_name or access.reads(Kind.PERSONAL, subject_of(view))

    def reveal(
        self, value: str | None, event_type: str, field: str, view: EmployeeView | None
    ) -> str | None:
        """A view field's value from `field` of `event_type`, if the caller may read it."""
        return self.access.reveal(value, event_type, field, subject_of(view))


def subject_of(view: EmployeeView | None, unit_code: str | None = None) -> Subject:
    """The policy's subject for an employee view (or for a unit, or nobody)."""
    if view is None:
        return Subject(unit_code=unit_code)
    return Subject(view.id, view.nip, view.unit_code, view.supervisor_id)


Info = StrawberryInfo[Context, None]


def page_size(
    first: int | None, default: int = 20, maximum: int = 100, argument: str = "first"
) -> int:
    """`first` (or `last`, named by `argument`) checked against the limit: at most 100 a page."""
    size = default if first is None else first
    if size < 0 or size > maximum:
        raise GraphQLError(
            f"{argument} must be between 0 and {maximum}", extensions={"code": "BAD_USER_INPUT"}
        )
    return size
