"""Units and employees: the organisation's queries and the connection of the employee list.

The Unit and Employee types themselves are in schema/links.py (they link every feature)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from graphql import GraphQLError

from projections import directory
from projections.performance_reads import EmployeeFilter, count_employees, employees_page
from schema.context import Info, page_size
from schema.descriptions import AFTER, FIRST, NIP, UNIT_CODE
from schema.enums import PredicateEnum
from schema.links import EmployeeType, UnitType
from schema.pagination import PageInfo, connection_page, encode_cursor, uuid_cursor
from service.auth.policy import VIEW_READERS


@strawberry.type(description="One employee of a page and the cursor just after it.")
class EmployeeEdge:
    cursor: str = strawberry.field(description="Opaque; pass as `after` to continue after it.")
    node: EmployeeType = strawberry.field(description="The employee at this place of the page.")


@strawberry.type(description="A page of employees (Relay connection, keyset cursors).")
class EmployeeConnection:
    edges: list[EmployeeEdge] = strawberry.field(description="The employees of this page.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, where to go on.")
    listed: strawberry.Private[EmployeeFilter]

    @strawberry.field(description="How many employees the whole list holds (all pages).")
    async def total_count(self, info: Info) -> int:
        return await count_employees(
            info.context.services.pool,
            predicate=self.listed.predicate,
            unit_code=self.listed.unit_code,
        )


def _within_limit(info: Info, unit_code: str | None) -> str | None:
    """The unit a list reads: a unit-limited HR token lists only its own unit."""
    limit = info.context.access.unit_limit()
    if limit is not None and unit_code not in (None, limit):
        raise GraphQLError(
            f"this HR token reads only unit {limit}", extensions={"code": "FORBIDDEN"}
        )
    return limit or unit_code


@strawberry.type
class OrganisationQuery:
    @strawberry.field(description="The employee with this NIP, or null.")
    async def employee(
        self, info: Info, nip: Annotated[str, strawberry.argument(description=NIP)]
    ) -> EmployeeType | None:
        info.context.reader()
        view = await directory.employee_by_nip(info.context.services.pool, nip.strip())
        if view is None or not info.context.may_read_employee(view):
            return None
        return EmployeeType.of(view, info.context)

    @strawberry.field(
        description=(
            "Employees in a stable order, optionally of one unit. Page forward with `first` and"
            " `after`, or backward with `last` and `before` (keyset cursors of this list)."
        )
    )
    async def employees(
        self,
        info: Info,
        unit_code: Annotated[
            str | None, strawberry.argument(description=f"{UNIT_CODE} Null: every unit.")
        ] = None,
        predicate: Annotated[
            PredicateEnum | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only employees whose latest final predicate is this."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[
            int | None,
            strawberry.argument(
                description="Page backward: the last `last` items (at most 100) before `before`."
            ),
        ] = None,
        before: Annotated[
            str | None,
            strawberry.argument(
                description="A `startCursor` (or any cursor) of this list: items before it."
            ),
        ] = None,
    ) -> EmployeeConnection:
        info.context.reader(*VIEW_READERS)
        listed = EmployeeFilter(
            str(predicate) if predicate else None,
            _within_limit(info, unit_code.upper() if unit_code else None),
        )
        backward = last is not None
        size = page_size(last, argument="last") if backward else page_size(first)
        start, end = uuid_cursor("employee", after), uuid_cursor("employee", before, "before")
        return await _employees_page(info, listed, size, (start, end), backward)

    @strawberry.field(description="The unit with this code, or null.")
    async def unit(
        self, info: Info, code: Annotated[str, strawberry.argument(description=UNIT_CODE)]
    ) -> UnitType | None:
        info.context.reader()
        view = await directory.unit_by_code(info.context.services.pool, code.strip().upper())
        return UnitType.of(view) if view else None

    @strawberry.field(description="Every unit, by code.")
    async def units(self, info: Info) -> list[UnitType]:
        info.context.reader()
        return [UnitType.of(v) for v in await directory.all_units(info.context.services.pool)]


async def _employees_page(
    info: Info,
    listed: EmployeeFilter,
    size: int,
    bounds: tuple[UUID | None, UUID | None],
    backward: bool,
) -> EmployeeConnection:
    """A page of the list between the ids of the `after` and `before` cursors."""
    start, end = bounds
    views = await employees_page(
        info.context.services.pool,
        predicate=listed.predicate,
        unit_code=listed.unit_code,
        after=start,
        limit=size + 1,
        before=end,
        backward=backward,
    )
    edges, page_info = connection_page(
        views,
        size,
        lambda v: EmployeeEdge(
            cursor=encode_cursor("employee", str(v.id)), node=EmployeeType.of(v, info.context)
        ),
        after=start is not None,
        before=end is not None,
        backward=backward,
    )
    return EmployeeConnection(edges=edges, page_info=page_info, listed=listed)
