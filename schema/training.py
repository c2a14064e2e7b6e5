"""Competency development: the training catalogue, completions and the JP ledger."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError

from domain.training import TrainingKind
from projections import catalogue, directory, jp_ledger
from projections.catalogue import ProgramView
from projections.directory import EmployeeView
from projections.jp_ledger import CompletionView, JpComplianceView, JpEntryView, JpLedgerView
from schema.context import Info, page_size
from schema.cursors import encode_cursor, text_cursor
from schema.descriptions import AFTER, CURSOR, EDGES, FIRST, NIP, NODE, PAGE_INFO
from schema.enums import TrainingKindEnum
from schema.free_text import sees_outsider_names
from schema.node import Node
from schema.organisation import EmployeeType, PageInfo

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


@strawberry.type(name="JpLedgerEntry", description="One completion of a ledger year.")
class JpLedgerEntryType:
    completion_id: strawberry.ID = strawberry.field(description="Id of the completion.")
    program_id: strawberry.ID = strawberry.field(description=_ID)
    program_code: str = strawberry.field(description="Catalogue code of the programme.")
    jp: int = strawberry.field(description="JP (jam pelajaran, lesson hours) it earned.")
    completed_on: date = strawberry.field(description="Day completed, within the ledger year.")
    certificate_number: str = strawberry.field(description="Certificate number (unique).")
    revoked: bool = strawberry.field(description="Revoked: listed, but not counted.")

    @classmethod
    def of(cls, e: JpEntryView) -> JpLedgerEntryType:
        return cls(
            completion_id=strawberry.ID(str(e.completion_id)),
            program_id=strawberry.ID(str(e.program_id)),
            program_code=e.program_code,
            jp=e.jp,
            completed_on=e.completed_on,
            certificate_number=e.certificate_number,
            revoked=e.revoked,
        )


@strawberry.type(name="JpLedger", description="An employee's JP in one year against the rules.")
class JpLedgerType:
    year: int = strawberry.field(description="The ledger year (calendar year).")
    earned: int = strawberry.field(description="JP of the completions that count.")
    required: int = strawberry.field(description="The yearly minimum (PNS); 0 without one.")
    cap: int | None = strawberry.field(description="The yearly maximum (PPPK), if any.")
    remaining: int = strawberry.field(description="JP still needed to meet the minimum.")
    compliant: bool = strawberry.field(description="The yearly minimum is met.")
    above_cap: bool = strawberry.field(description="More JP than the cap: flagged, not refused.")
    rule_version: int = strawberry.field(description="Version of the JP rule set applied.")
    entries: list[JpLedgerEntryType] = strawberry.field(description="The year's completions.")

    @classmethod
    def of(cls, v: JpLedgerView) -> JpLedgerType:
        return cls(
            year=v.year,
            earned=v.earned,
            required=v.required,
            cap=v.cap,
            remaining=v.remaining,
            compliant=v.compliant,
            above_cap=v.above_cap,
            rule_version=v.rule_version,
            entries=[JpLedgerEntryType.of(e) for e in v.entries],
        )


@strawberry.type(name="JpCompliance", description="A unit's JP compliance in one year.")
class JpComplianceType:
    unit_code: str = strawberry.field(description="The unit counted.")
    year: int = strawberry.field(description="The ledger year counted.")
    employees: int = strawberry.field(description="Current employees with a yearly minimum.")
    compliant: int = strawberry.field(description="Of them, those who met it.")
    above_cap: int = strawberry.field(description="Employees above their cap (flagged).")
    rate: float | None = strawberry.field(description="compliant / employees (0..1).")

    @classmethod
    def of(cls, v: JpComplianceView) -> JpComplianceType:
        return cls(
            unit_code=v.unit_code,
            year=v.year,
            employees=v.employees,
            compliant=v.compliant,
            above_cap=v.above_cap,
            rate=v.rate,
        )


@strawberry.type(name="TrainingCompletion", description="A recorded completion of a programme.")
class TrainingCompletionType(Node):
    view: strawberry.Private[CompletionView]

    @strawberry.field(description="Id of the completion (decided by its certificate number).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(description="The programme completed; null if the catalogue views lack it.")
    async def program(self, info: Info) -> TrainingProgramType | None:
        found = await catalogue.program_by_id(info.context.services.pool, self.view.program_id)
        return TrainingProgramType(view=found) if found else None

    @strawberry.field(description="Who completed it (names and NIPs as your role may read them).")
    async def employee(self, info: Info) -> EmployeeType | None:
        view = await info.context.loaders["employee"].load(self.view.employee_id)
        return EmployeeType(view=view) if view else None

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


def check_year(year: int) -> int:
    """A ledger year within reason, or a BAD_USER_INPUT error."""
    if not 1990 <= year <= 2100:
        raise GraphQLError(
            "year must be between 1990 and 2100", extensions={"code": "BAD_USER_INPUT"}
        )
    return year


async def ledger_of(
    info: Info, view: EmployeeView, year: int, owner: object = None
) -> JpLedgerType:
    """The JP ledger of an employee the caller may read (as of `owner`'s replay, if any)."""
    found = await jp_ledger.ledger(
        info.context.db_for(owner), view.id, check_year(year), view.employment_type
    )
    return JpLedgerType.of(found)


async def unit_compliance(info: Info, unit_code: str, year: int) -> JpComplianceType:
    """The unit's JP compliance of the year."""
    found = await jp_ledger.unit_compliance(info.context.services.pool, unit_code, check_year(year))
    return JpComplianceType.of(found)


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
        size = page_size(first)
        views = await catalogue.programs_page(
            info.context.services.pool,
            after_code=text_cursor("program", after),
            limit=size + 1,
            where=catalogue.CatalogueFilter(
                sector=sector,
                competency_area=competency_area,
                kind=TrainingKind(kind.value).value if kind is not None else None,
                advanced=advanced,
            ),
        )
        edges = [
            TrainingProgramEdge(
                cursor=encode_cursor("program", v.code), node=TrainingProgramType(view=v)
            )
            for v in views[:size]
        ]
        return TrainingProgramConnection(
            edges=edges,
            page_info=PageInfo.of(
                [e.cursor for e in edges], has_next=len(views) > size, has_previous=bool(after)
            ),
        )

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
