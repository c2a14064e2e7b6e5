"""The training catalogue: every programme with how many employees took part."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.enrolment_rules import competency_area_key
from domain.organisation import sector_key
from domain.resource_person import ResourcePerson
from domain.training import TrainingEnrolment, TrainingProgram
from domain.training_completion import TrainingCompletion
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.sql import Reader

CATALOGUE = Table(
    name="training_catalogue",
    columns=(
        ("id", "uuid"),
        ("code", "text"),
        ("title", "text"),
        ("kind", "text"),
        ("competency_area", "text"),
        ("jp", "integer"),
        ("provider", "text"),
        ("sector", "text"),
        ("advanced", "boolean"),
        ("retired", "boolean"),
        ("participants", "integer"),
        ("enrolments", "integer"),
        ("completions", "integer"),
        ("version", "integer"),
        ("resource_persons", "jsonb"),
        ("area_key", "text"),
        ("sector_key", "text"),
    ),
    key=("id",),
    indexes=("(code)", "(area_key, code)"),
)
PARTICIPANTS = Table(
    name="training_participants",
    columns=(
        ("program_id", "uuid"),
        ("employee_id", "uuid"),
        ("enrolled", "boolean"),
        ("completions", "integer"),
    ),
    key=("program_id", "employee_id"),
)


_PARTICIPATION = (
    TrainingEnrolment.Enrolled,
    TrainingCompletion.Recorded,
    TrainingCompletion.Revoked,
)


class CatalogueProjection:
    """Programmes of the catalogue with participant, enrolment and completion counts."""

    name = "training_catalogue"
    tables: tuple[Table, ...] = (CATALOGUE, PARTICIPANTS)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (
        TrainingProgram.Published,
        TrainingProgram.Retired,
        *_PARTICIPATION,
    )

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        ev = fact.event
        if isinstance(ev, TrainingProgram.Published | TrainingProgram.Retired):
            return [(CATALOGUE.name, (fact.stream_id,))]
        if isinstance(ev, _PARTICIPATION):
            return [
                (CATALOGUE.name, (ev.program_id,)),
                (PARTICIPANTS.name, (ev.program_id, ev.employee_id)),
            ]
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if isinstance(ev, TrainingProgram.Published):
            return {(CATALOGUE.name, (fact.stream_id,)): _published_row(fact, ev)}
        if isinstance(ev, TrainingProgram.Retired):
            ref: RowRef = (CATALOGUE.name, (fact.stream_id,))
            current = rows.get(ref)
            if current is None:
                return {}
            return {ref: dict(current, retired=True, version=fact.stream_version)}
        if isinstance(ev, _PARTICIPATION):
            return _participation(ev, rows)
        return {}


def _published_row(fact: Fact, ev: TrainingProgram.Published) -> Row:
    return {
        "id": fact.stream_id,
        "code": ev.code,
        "title": ev.title,
        "kind": ev.kind,
        "competency_area": ev.competency_area,
        "jp": ev.jp,
        "provider": ev.provider,
        "sector": ev.sector,
        "advanced": ev.advanced,
        "retired": False,
        "participants": 0,
        "enrolments": 0,
        "completions": 0,
        "version": fact.stream_version,
        "resource_persons": list(ev.resource_persons),
        "area_key": competency_area_key(ev.competency_area),
        "sector_key": sector_key(ev.sector) if ev.sector is not None else None,
    }


def _participation(
    ev: TrainingEnrolment.Enrolled | TrainingCompletion.Recorded | TrainingCompletion.Revoked,
    rows: Mapping[RowRef, Row | None],
) -> Changes:
    """Counts per programme; a participant is counted once, however often they take part."""
    program_ref: RowRef = (CATALOGUE.name, (ev.program_id,))
    person_ref: RowRef = (PARTICIPANTS.name, (ev.program_id, ev.employee_id))
    program, person = rows.get(program_ref), rows.get(person_ref)
    if program is None:
        return {}
    new_person = person is None
    person = person or {
        "program_id": ev.program_id,
        "employee_id": ev.employee_id,
        "enrolled": False,
        "completions": 0,
    }
    counts = {"enrolments": 0, "completions": 0}
    if isinstance(ev, TrainingEnrolment.Enrolled):
        counts["enrolments"] = 0 if person["enrolled"] else 1
        person = dict(person, enrolled=True)
    else:
        step = 1 if isinstance(ev, TrainingCompletion.Recorded) else -1
        counts["completions"] = step
        person = dict(person, completions=person["completions"] + step)
    program = dict(
        program,
        participants=program["participants"] + (1 if new_person else 0),
        enrolments=program["enrolments"] + counts["enrolments"],
        completions=program["completions"] + counts["completions"],
    )
    return {program_ref: program, person_ref: person}


@dataclass(frozen=True)
class ProgramView:
    """A programme of the catalogue as clients read it."""

    id: UUID
    code: str
    title: str
    kind: str
    competency_area: str
    jp: int
    provider: str
    sector: str | None
    advanced: bool
    retired: bool
    participants: int
    enrolments: int
    completions: int
    version: int
    resource_persons: tuple[ResourcePerson, ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ProgramView:
        fields = {f: row[f] for f in cls.__dataclass_fields__ if f != "resource_persons"}
        persons = tuple(ResourcePerson.from_data(p) for p in row["resource_persons"] or ())
        return cls(**fields, resource_persons=persons)


async def program_by_id(db: Reader, program_id: UUID) -> ProgramView | None:
    """The programme with this id, if published."""
    row = await db.fetchrow(f"SELECT * FROM {CATALOGUE.name} WHERE id = $1", program_id)
    return ProgramView.from_row(row) if row else None


async def programs_by_ids(db: Reader, ids: list[UUID]) -> dict[UUID, ProgramView]:
    """Programmes by id, for batched loading."""
    rows = await db.fetch(f"SELECT * FROM {CATALOGUE.name} WHERE id = ANY($1::uuid[])", ids)
    return {r["id"]: ProgramView.from_row(r) for r in rows}


@dataclass(frozen=True)
class CatalogueFilter:
    """Which programmes a catalogue page lists; every field optional."""

    sector: str | None = None
    competency_area: str | None = None
    kind: str | None = None
    advanced: bool | None = None


async def programs_page(
    db: Reader,
    *,
    after_code: str | None,
    limit: int,
    where: CatalogueFilter = CatalogueFilter(),
) -> list[ProgramView]:
    """A page of the catalogue in code order (keyset), filtered; sector and area as keys."""
    rows = await db.fetch(
        f"SELECT * FROM {CATALOGUE.name} WHERE ($1::text IS NULL OR code > $1)"
        " AND ($3::text IS NULL OR sector_key = $3) AND ($4::text IS NULL OR area_key = $4)"
        " AND ($5::text IS NULL OR kind = $5) AND ($6::boolean IS NULL OR advanced = $6)"
        " ORDER BY code LIMIT $2",
        after_code,
        limit,
        sector_key(where.sector) if where.sector is not None else None,
        competency_area_key(where.competency_area) if where.competency_area is not None else None,
        where.kind,
        where.advanced,
    )
    return [ProgramView.from_row(r) for r in rows]
