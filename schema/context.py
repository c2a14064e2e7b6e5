"""The per-request context resolvers see: the services, the verified caller, the clock, loaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from projections import directory
from projections.directory import EmployeeView, UnitView
from projections.sql import Reader

# Cursors are read and written in schema.cursors; the names stay importable from here.
from schema.cursors import decode_cursor as decode_cursor
from schema.cursors import encode_cursor as encode_cursor
from service.application import Services
from service.auth import Principal, Role
from service.commands import CommandContext

STAFF_READERS = (Role.HR, Role.ADMIN, Role.AUDITOR, Role.INSPECTOR, Role.EVALUATOR)
STAFF_AND_PARTNERS = (*STAFF_READERS, Role.PARTNER)


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
    extra: dict[str, dict[str, DataLoader[Any, Any]]] = field(default_factory=dict)
    loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)
    closers: list[Closer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaders = _loaders(self.services.pool)

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
        """Release what the request opened (as-of connections)."""
        while self.closers:
            await self.closers.pop()()

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
        """The caller, if authenticated and holding one of the roles; a GraphQL error otherwise."""
        if self.principal is None:
            raise GraphQLError(
                self.auth_error or "authentication required: send a bearer token",
                extensions={"code": "UNAUTHENTICATED"},
            )
        if roles and not self.principal.has(*roles):
            raise GraphQLError("your role may not read this", extensions={"code": "FORBIDDEN"})
        return self.principal

    def may_read_employee(self, view: EmployeeView) -> bool:
        """Staff and partners read every employee; an employee reads only their own record."""
        p = self.principal
        if p is None:
            return False
        return p.has(*STAFF_AND_PARTNERS) or (p.has(Role.EMPLOYEE) and p.sub == view.nip)

    def sees_personal_data(self, subject_nip: str | None) -> bool:
        """Names and NIPs: staff, the person themself, and partners granted the `pii` scope."""
        p = self.principal
        if p is None:
            return False
        if p.has(*STAFF_READERS):
            return True
        if p.has(Role.PARTNER) and "pii" in p.scopes:
            return True
        return subject_nip is not None and p.sub == subject_nip


Info = StrawberryInfo[Context, None]


def page_size(first: int | None, default: int = 20, maximum: int = 100) -> int:
    """`first` checked against the limit: at most 100 items a page."""
    size = default if first is None else first
    if size < 0 or size > maximum:
        raise GraphQLError(
            f"first must be between 0 and {maximum}", extensions={"code": "BAD_USER_INPUT"}
        )
    return size
