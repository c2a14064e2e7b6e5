"""Competency development: the training catalogue, enrolments, completions and their revocation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.employee import Employee
from domain.enrolment_rules import AdvancedTrainingOpportunity, NeedLink, advanced_training_allowed
from domain.errors import InvalidValue, RuleBroken
from domain.resource_person import ResourcePerson, require_resource_persons
from domain.values import require_text

_PROGRAM_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:training-program")
_ENROLMENT_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:training-enrolment")
_CERTIFICATE_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:training-certificate")
MAX_JP = 1000


class TrainingKind(StrEnum):
    """Kinds of development (PP 17/2020): classical and non-classical."""

    PELATIHAN = "PELATIHAN"
    WORKSHOP = "WORKSHOP"
    SEMINAR = "SEMINAR"
    KURSUS = "KURSUS"
    COACHING = "COACHING"
    MENTORING = "MENTORING"
    E_LEARNING = "E_LEARNING"
    BIMBINGAN_DI_TEMPAT_KERJA = "BIMBINGAN_DI_TEMPAT_KERJA"
    MAGANG = "MAGANG"
    BELAJAR_MANDIRI = "BELAJAR_MANDIRI"
    KOMUNITAS_BELAJAR = "KOMUNITAS_BELAJAR"

    @property
    def classical(self) -> bool:
        """Classroom-style learning; the others are non-classical (on the job, online...)."""
        return self in _CLASSICAL


_CLASSICAL = frozenset(
    {TrainingKind.PELATIHAN, TrainingKind.WORKSHOP, TrainingKind.SEMINAR, TrainingKind.KURSUS}
)


def program_stream_id(code: str) -> UUID:
    """A programme's stream id: deterministic from its code, so a code is published once."""
    return uuid5(_PROGRAM_NAMESPACE, code.strip().upper())


def enrolment_stream_id(employee_id: UUID, program_id: UUID) -> UUID:
    """One enrolment per employee and programme."""
    return uuid5(_ENROLMENT_NAMESPACE, f"{employee_id}:{program_id}")


def normalise_certificate(number: str) -> str:
    """A certificate number as compared for uniqueness: no spaces, upper case."""
    return "".join(require_text("certificateNumber", number, max_length=100).split()).upper()


def completion_stream_id(certificate_number: str) -> UUID:
    """A completion's stream id from its certificate: the same certificate is the same stream."""
    return uuid5(_CERTIFICATE_NAMESPACE, normalise_certificate(certificate_number))


def require_jp(jp: int) -> int:
    """JP (jam pelajaran) of a programme or completion: a positive whole number of hours."""
    if jp <= 0:
        raise InvalidValue("jp", f"JP must be at least 1, got {jp}")
    if jp > MAX_JP:
        raise InvalidValue("jp", f"JP must be at most {MAX_JP}, got {jp}")
    return jp


@dataclass(frozen=True)
class ProgramDetails:
    """The validated facts of a programme to publish, parsed from raw input."""

    code: str
    title: str
    kind: TrainingKind
    competency_area: str
    jp: int
    provider: str
    sector: str | None = None
    advanced: bool = False
    resource_persons: tuple[ResourcePerson, ...] = ()

    @classmethod
    def parse(
        cls,
        code: str,
        title: str,
        kind: TrainingKind,
        competency_area: str,
        jp: int,
        provider: str,
        sector: str | None = None,
        advanced: bool = False,
        resource_persons: Sequence[tuple[str, str, str | None]] = (),
    ) -> ProgramDetails:
        """Check each field; the error names the input field at fault."""
        clean_code = require_text("code", code, max_length=40).upper()
        if not all(c.isalnum() or c in "._-/" for c in clean_code):
            raise InvalidValue("code", "programme code must be letters, digits, '.', '-', '_', '/'")
        return cls(
            code=clean_code,
            title=require_text("title", title, max_length=200),
            kind=kind,
            competency_area=" ".join(require_text("competencyArea", competency_area).split()),
            jp=require_jp(jp),
            provider=require_text("provider", provider, max_length=200),
            sector=None if sector is None else require_text("sector", sector, max_length=100),
            advanced=advanced,
            resource_persons=require_resource_persons(
                [ResourcePerson.parse(*person) for person in resource_persons]
            ),
        )


class TrainingProgram(Aggregate):
    """A programme in the catalogue: published once under its code, retired when withdrawn."""

    class Published(Aggregate.Created):
        """A programme was published in the catalogue."""

        # Version 2 added the resource persons; programmes published before it named none.
        class_version = 2

        code: str
        title: str
        kind: str
        competency_area: str
        jp: int
        provider: str
        sector: str | None
        advanced: bool
        resource_persons: list[dict[str, Any]]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["resource_persons"] = []

    class Retired(Aggregate.Event):
        """A programme was withdrawn: no new enrolments or completions."""

        reason: str | None

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, TrainingProgram)
            aggregate.retired = True

    def __init__(
        self,
        code: str,
        title: str,
        kind: str,
        competency_area: str,
        jp: int,
        provider: str,
        sector: str | None,
        advanced: bool,
        resource_persons: list[dict[str, Any]] | None = None,
    ) -> None:
        self.code = code
        self.title = title
        self.kind = TrainingKind(kind)
        self.competency_area = competency_area
        self.jp = jp
        self.provider = provider
        self.sector = sector
        self.advanced = advanced
        self.retired = False

    @classmethod
    def publish(cls, details: ProgramDetails, at: datetime) -> TrainingProgram:
        """Publish a programme under the stream id its code gives."""
        d = details
        return cls._create(
            cls.Published,
            id=program_stream_id(d.code),
            timestamp=at,
            code=d.code,
            title=d.title,
            kind=d.kind.value,
            competency_area=d.competency_area,
            jp=d.jp,
            provider=d.provider,
            sector=d.sector,
            advanced=d.advanced,
            resource_persons=[p.to_data() for p in d.resource_persons],
        )

    def retire(self, reason: str | None, at: datetime) -> None:
        """Withdraw the programme; completions already recorded stay."""
        if self.retired:
            raise RuleBroken("program_retired", f"programme {self.code} is already retired")
        text = None if reason is None else require_text("reason", reason, max_length=500)
        self.trigger_event(self.Retired, timestamp=at, reason=text)

    def require_open(self) -> None:
        """Refuse anything new on a retired programme."""
        if self.retired:
            raise RuleBroken("program_retired", f"programme {self.code} is retired")


class TrainingEnrolment(Aggregate):
    """An employee's enrolment in a programme, optionally for an open development need."""

    class Enrolled(Aggregate.Created):
        """An employee was enrolled in a programme."""

        employee_id: UUID
        unit_code: str
        program_id: UUID
        competency_area: str
        development_need: str | None

    def __init__(
        self,
        employee_id: UUID,
        unit_code: str,
        program_id: UUID,
        competency_area: str,
        development_need: str | None,
    ) -> None:
        self.employee_id = employee_id
        self.unit_code = unit_code
        self.program_id = program_id
        self.competency_area = competency_area
        self.development_need = development_need

    @classmethod
    def enrol(
        cls,
        program: TrainingProgram,
        employee: Employee,
        need: NeedLink,
        opportunities: Sequence[AdvancedTrainingOpportunity],
        at: datetime,
    ) -> TrainingEnrolment:
        """Enrol in an open programme; advanced training needs a granted opportunity."""
        program.require_open()
        if program.advanced and not advanced_training_allowed(opportunities, at.date()):
            raise RuleBroken(
                "advanced_training_opportunity",
                f"programme {program.code} is advanced training: it needs a granted "
                "opportunity for advanced training (award PRIORITAS_PENGEMBANGAN_KOMPETENSI)",
            )
        return cls._create(
            cls.Enrolled,
            id=enrolment_stream_id(employee.id, program.id),
            timestamp=at,
            employee_id=employee.id,
            unit_code=employee.unit_code,
            program_id=program.id,
            competency_area=program.competency_area,
            development_need=need.matched(program),
        )
