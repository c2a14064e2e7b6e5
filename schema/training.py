"""Competency development: the types of the training catalogue, its completions and enrolments."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.training import TrainingKind
from projections import catalogue
from projections.catalogue import ProgramView
from projections.jp_ledger import CompletionView
from schema.context import Info
from schema.enums import TrainingKindEnum
from schema.free_text import sees_outsider_names
from schema.node import Node

_ID = "Id of the programme (stable: derived from its code)."


@strawberry.type(name="ResourcePerson", description="A resource person (narasumber).")
class ResourcePersonType:
    name: str | None = strawberry.field(description="Their name; null for a partner without `pii`.")
    expertise: str = strawberry.field(description="What they teach or are expert in.")
    institution: str | None = strawberry.field(description="Where they work; null if not given.")


@strawberry.type(name="TrainingProgram", description="A programme of the training catalogue.")
class TrainingProgramType(Node):
    view: strawberry.Private[ProgramView]

    code: str = strawberry.field(
        description="Catalogue code (upper case, unique); the catalogue is in code order."
    )
    title: str = strawberry.field(description="The programme's name as published.")
    kind: TrainingKindEnum = strawberry.field(description="Kind of development (classical or not).")
    classical: bool = strawberry.field(
        description="Classroom-style (PELATIHAN, WORKSHOP, SEMINAR, KURSUS)."
    )
    competency_area: str = strawberry.field(
        description="The competency it develops; it closes needs in this area."
    )
    jp: int = strawberry.field(description="JP (jam pelajaran) a completion earns by default.")
    provider: str = strawberry.field(description="Who delivers it (institution or platform).")
    sector: str | None = strawberry.field(
        description="The sector it is meant for (health, education...), if any."
    )
    advanced: bool = strawberry.field(
        description="Advanced training (pelatihan lanjutan): needs an opportunity."
    )
    retired: bool = strawberry.field(description="Withdrawn from the catalogue: no new enrolments.")
    participants: int = strawberry.field(
        description="Distinct employees enrolled in it or having completed it."
    )
    enrolments: int = strawberry.field(description="Enrolments recorded in it.")
    completions: int = strawberry.field(
        description="Completions that count (revoked ones excluded)."
    )
    version: int = strawberry.field(
        description="Stream version; send it as `expectedVersion` to retire it."
    )

    @classmethod
    def of(cls, view: ProgramView) -> TrainingProgramType:
        return cls(
            view=view,
            code=view.code,
            title=view.title,
            kind=TrainingKind(view.kind),
            classical=TrainingKind(view.kind).classical,
            competency_area=view.competency_area,
            jp=view.jp,
            provider=view.provider,
            sector=view.sector,
            advanced=view.advanced,
            retired=view.retired,
            participants=view.participants,
            enrolments=view.enrolments,
            completions=view.completions,
            version=view.version,
        )

    @strawberry.field(description=_ID)
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(description="Who teaches it (narasumber of a workshop or seminar).")
    def resource_persons(self, info: Info) -> list[ResourcePersonType]:
        named = sees_outsider_names(info)
        return [
            ResourcePersonType(
                name=p.name if named else None, expertise=p.expertise, institution=p.institution
            )
            for p in self.view.resource_persons
        ]


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
        return TrainingProgramType.of(found) if found else None


@strawberry.type(name="TrainingCompletionRecord")
class TrainingCompletionRecord:
    """The fields of TrainingCompletion after its employee: what the certificate says."""

    view: strawberry.Private[CompletionView]
    jp: int = strawberry.field(description="JP (lesson hours) earned: given, or the programme's.")
    completed_on: date = strawberry.field(
        description="The completion date: the ledger year it counts to."
    )
    certificate_number: str = strawberry.field(
        description="Certificate number; unique across completions."
    )
    score: float | None = strawberry.field(description="The score on the certificate, if any.")
    revoked: bool = strawberry.field(description="Found invalid and revoked: it no longer counts.")
    version: int = strawberry.field(
        description="Stream version; send it as `expectedVersion` to revoke."
    )


@strawberry.type(name="TrainingEnrolment", description="An employee's enrolment in a programme.")
class TrainingEnrolmentType:
    id: strawberry.ID = strawberry.field(
        description="Id of the enrolment (one per employee and programme)."
    )
    program: TrainingProgramType = strawberry.field(description="The programme enrolled in.")
    development_need: str | None = strawberry.field(
        description="The development need it addresses; null if none was named."
    )
