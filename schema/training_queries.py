"""Training queries: the catalogue page by page, and an employee's JP ledger of a year."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError

from domain.training import TrainingKind
from projections import catalogue, directory
from schema.context import Info, page_size
from schema.descriptions import AFTER, CURSOR, EDGES, FIRST, NIP, NODE, PAGE_INFO
from schema.enums import TrainingKindEnum
from schema.pagination import PageInfo, connection_page, encode_cursor, text_cursor
from schema.training import TrainingProgramType
from schema.training_ledger import JpLedgerType, ledger_of


@strawberry.type(description="A programme in a page of the catalogue.")
class TrainingProgramEdge:
    cursor: str = strawberry.field(description=CURSOR)
    node: TrainingProgramType = strawberry.field(description=NODE)


@strawberry.type(description="A page of the catalogue in code order (keyset cursors).")
class TrainingProgramConnection:
    edges: list[TrainingProgramEdge] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type
class TrainingQuery:
    @strawberry.field(
        description="The training catalogue in code order; sector and area match ignoring case."
    )
    async def training_programs(
        self,
        info: Info,
        sector: Annotated[str | None, strawberry.argument(description="Only this sector.")] = None,
        competency_area: Annotated[
            str | None, strawberry.argument(description="Only this competency area.")
        ] = None,
        kind: Annotated[
            TrainingKindEnum | None,
            strawberry.argument(description="Only this kind."),
        ] = None,
        advanced: Annotated[
            bool | None, strawberry.argument(description="Only advanced (true) or not (false).")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> TrainingProgramConnection:
        info.context.reader()
        where = catalogue.CatalogueFilter(
            sector=sector,
            competency_area=competency_area,
            kind=TrainingKind(kind.value).value if kind is not None else None,
            advanced=advanced,
        )
        return await _catalogue_page(info, where, page_size(first), after)

    @strawberry.field(description="An employee's JP ledger of a year (staff, or the employee).")
    async def jp_ledger(
        self,
        info: Info,
        nip: Annotated[str, strawberry.argument(description=NIP)],
        year: Annotated[int, strawberry.argument(description="The ledger year (1990-2100).")],
    ) -> JpLedgerType:
        info.context.reader()
        view = await directory.employee_by_nip(info.context.services.pool, nip.strip())
        if view is None or not info.context.may_read_employee(view):
            raise GraphQLError(
                f"no employee with NIP {nip.strip()} is visible to you",
                extensions={"code": "NOT_FOUND"},
            )
        return await ledger_of(info, view, year)


async def _catalogue_page(
    info: Info, where: catalogue.CatalogueFilter, size: int, after: str | None
) -> TrainingProgramConnection:
    views = await catalogue.programs_page(
        info.context.services.pool,
        after_code=text_cursor("program", after),
        limit=size + 1,
        where=where,
    )
    edges, page_info = connection_page(
        views,
        size,
        lambda v: TrainingProgramEdge(
            cursor=encode_cursor("program", v.code), node=TrainingProgramType.of(v)
        ),
        after=bool(after),
    )
    return TrainingProgramConnection(edges=edges, page_info=page_info)
