"""Competency development: the training catalogue, completions and the JP ledger."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError

from domain.training import TrainingKind
from projections import catalogue, directory
from projections.catalogue import ProgramView
from projections.jp_ledger import CompletionView
from schema.context import Info, page_size
from schema.descriptions import AFTER, CURSOR, EDGES, FIRST, NIP, NODE, PAGE_INFO
from schema.enums import TrainingKindEnum
from schema.free_text import sees_outsider_names
from schema.node import Node
from schema.pagination import PageInfo, connection_page, encode_cursor, text_cursor
from schema.training_ledger import JpLedgerType, ledger_of

_ID = "Id of the programme (stable: derived from its code)."


@strawberry.type(name="ResourcePerson", description="A resource person (narasumber).")
class ResourcePersonType:
    name: str | None = strawberry.field(description="Their name; null for a partner without `pii`.")
    expertise: str = strawberry.field(description="What they teach or are expert in.")
    institution: str | None = strawberry.field(description="Where they work; null if not given.")


@strawberry.type(name="TrainingProgram", description="A programme of the training catalogue.")
class TrainingProgramType(Node):
    view: strawberry.Private[ProgramView]

    @strawberry.field(description=_ID)
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(
        description="Catalogue code (upper case, unique); the catalogue is in code order."
    )
    def code(self) -> str:
        return self.view.code

    @strawberry.field(description="The programme's name as published.")
    def title(self) -> str:
        return self.view.title

    @strawberry.field(description="Kind of development (classical or not).")
    def kind(self) -> TrainingKindEnum:
        return TrainingKind(self.view.kind)

    @strawberry.field(description="Classroom-style (PELATIHAN, WORKSHOP, SEMINAR, KURSUS).")
    def classical(self) -> bool:
        return TrainingKind(self.view.kind).classical

    @strawberry.field(description="The competency it develops; it closes needs in this area.")
    def competency_area(self) -> str:
        return self.view.competency_area

    @strawberry.field(description="JP (jam pelajaran) a completion earns by default.")
    def jp(self) -> int:
        return self.view.jp

    @strawberry.field(description="Who delivers it (institution or platform).")
    def provider(self) -> str:
        return self.view.provider

    @strawberry.field(description="The sector it is meant for (health, education...), if any.")
    def sector(self) -> str | None:
        return self.view.sector

    @strawberry.field(description="Advanced training (pelatihan lanjutan): needs an opportunity.")
    def advanced(self) -> bool:
        return self.view.advanced

    @strawberry.field(description="Withdrawn from the catalogue: no new enrolments.")
    def retired(self) -> bool:
        return self.view.retired

    @strawberry.field(description="Distinct employees enrolled in it or having completed it.")
    def participants(self) -> int:
        return self.view.participants

    @strawberry.field(description="Enrolments recorded in it.")
    def enrolments(self) -> int:
        return self.view.enrolments

    @strawberry.field(description="Completions that count (revoked ones excluded).")
    def completions(self) -> int:
        return self.view.completions

    @strawberry.field(description="Stream version; send it as `expectedVersion` to retire it.")
    def version(self) -> int:
        return self.view.version

    @strawberry.field(description="Who teaches it (narasumber of a workshop or seminar).")
    def resource_persons(self, info: Info) -> list[ResourcePersonType]:
        named = sees_outsider_names(info)
        return [
            ResourcePersonType(
                name=p.name if named else None, expertise=p.expertise, institution=p.institution
            )
            for p in self.view.resource_persons
        ]


@strawberry.type(description="A programme in a page of the catalogue.")
class TrainingProgramEdge:
    cursor: str = strawberry.field(description=CURSOR)
    node: TrainingProgramType = strawberry.field(description=NODE)


@strawberry.type(description="A page of the catalogue in code order (keyset cursors).")
class TrainingProgramConnection:
    edges: list[TrainingProgramEdge] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(name="TrainingCompletionFields")
class TrainingCompletionFields(Node):
    """The fields of TrainingCompletion before its employee (composed in schema/links.py)."""

    view: strawberry.Private[CompletionView]

    @strawberry.field(description="Id of the completion (decided by its certificate number).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(description="The programme completed; null if the catalogue views lack it.")
    async def program(self, info: Info) -> TrainingProgramType | None:
        found = await catalogue.program_by_id(info.context.services.pool, self.view.program_id)
        return TrainingProgramType(view=found) if found else None


@strawberry.type(name="TrainingCompletionRecord")
class TrainingCompletionRecord:
    """The fields of TrainingCompletion after its employee: what the certificate says."""

    view: strawberry.Private[CompletionView]

    @strawberry.field(description="JP (lesson hours) earned: given, or the programme's.")
    def jp(self) -> int:
        return self.view.jp

    @strawberry.field(description="The completion date: the ledger year it counts to.")
    def completed_on(self) -> date:
        return self.view.completed_on

    @strawberry.field(description="Certificate number; unique across completions.")
    def certificate_number(self) -> str:
        return self.view.certificate_number

    @strawberry.field(description="The score on the certificate, if any.")
    def score(self) -> float | None:
        return self.view.score

    @strawberry.field(description="Found invalid and revoked: it no longer counts.")
    def revoked(self) -> bool:
        return self.view.revoked

    @strawberry.field(description="Stream version; send it as `expectedVersion` to revoke.")
    def version(self) -> int:
        return self.view.version


@strawberry.type(name="TrainingEnrolment", description="An employee's enrolment in a programme.")
class TrainingEnrolmentType:
    id: strawberry.ID = strawberry.field(
        description="Id of the enrolment (one per employee and programme)."
    )
    program: TrainingProgramType = strawberry.field(description="The programme enrolled in.")
    development_need: str | None = strawberry.field(
        description="The development need it addresses; null if none was named."
    )


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
            cursor=encode_cursor("program", v.code), node=TrainingProgramType(view=v)
        ),
        after=bool(after),
    )
    return TrainingProgramConnection(edges=edges, page_info=page_info)
