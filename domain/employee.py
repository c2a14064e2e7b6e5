"""The employee (ASN) aggregate: registration, transfers, supervision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, RuleBroken
from domain.values import EmploymentType, Nip, PositionKind, require_text, require_unit_code

# The deepest supervision chain the city may record (a chain of superiors up to the mayor's
# office is about ten levels); the handler reads at most this many superiors.
MAX_SUPERVISION_DEPTH = 64


def refuse_supervision_cycle(employee_id: UUID, chain: Sequence[UUID]) -> None:
    """Refuse a supervisor whose chain of superiors (`chain`, the supervisor first, then their
    supervisor, and so on) leads back to the employee, or runs deeper than the city records."""
    if chain and chain[0] == employee_id:
        raise RuleBroken("self_supervision", "an employee cannot supervise themself")
    if employee_id in chain:
        levels = chain.index(employee_id)
        raise RuleBroken(
            "supervision_cycle",
            f"this supervisor reports to the employee through {levels} level(s): "
            "supervision would go round in a circle",
        )
    if len(chain) > MAX_SUPERVISION_DEPTH:
        raise RuleBroken(
            "supervision_depth",
            f"a supervision chain may have at most {MAX_SUPERVISION_DEPTH} levels",
        )


class Employee(Aggregate):
    """An ASN (PNS or PPPK) of the city, identified by a keyed hash of the NIP."""

    class Registered(Aggregate.Created):
        """An employee was registered in a unit."""

        nip: str
        name: str
        employment_type: str
        unit_code: str
        position_kind: str
        position_title: str
        supervisor_id: UUID | None
        supervisor_nip: str | None

    class Transferred(Aggregate.Event):
        """An employee moved to another unit."""

        from_unit: str
        to_unit: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Employee)
            aggregate.unit_code = self.to_unit

    class SupervisorAssigned(Aggregate.Event):
        """An employee's direct superior (pejabat penilai) was recorded."""

        supervisor_id: UUID
        supervisor_nip: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Employee)
            aggregate.supervisor_id = self.supervisor_id
            aggregate.supervisor_nip = self.supervisor_nip

    class SupervisionEnded(Aggregate.Event):
        """The employee's supervision ended (a transfer): nobody evaluates them until assigned."""

        supervisor_id: UUID
        cause: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Employee)
            aggregate.supervisor_id = None
            aggregate.supervisor_nip = None

    class Erased(Aggregate.Event):
        """The person's personal data was erased (their key destroyed); the events remain."""

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Employee)
            aggregate.erased = True
            aggregate.nip = None
            aggregate.name = None
            aggregate.supervisor_nip = None

    def __init__(
        self,
        nip: str | None,
        name: str | None,
        employment_type: str,
        unit_code: str,
        position_kind: str,
        position_title: str,
        supervisor_id: UUID | None,
        supervisor_nip: str | None,
    ) -> None:
        # nip and name read as None once the person is erased (their key is gone).
        self.nip = nip
        self.name = name
        self.erased = False
        self.employment_type = EmploymentType(employment_type)
        self.unit_code = unit_code
        self.position_kind = PositionKind(position_kind)
        self.position_title = position_title
        self.supervisor_id = supervisor_id
        self.supervisor_nip = supervisor_nip

    def erase(self, at: datetime) -> None:
        """Erase the person's personal data; the record of what happened stays."""
        if self.erased:
            raise RuleBroken("already_erased", "this person's data is already erased")
        self.trigger_event(self.Erased, timestamp=at)

    def require_active(self) -> None:
        """Refuse changes to a person whose data has been erased."""
        if self.erased:
            raise RuleBroken("erased", "this person's data has been erased")

    @classmethod
    def register(
        cls,
        id: UUID,
        registration: Registration,
        at: datetime,
        superiors: Sequence[UUID] = (),
    ) -> Employee:
        """Register an employee under the stream id derived from the NIP; `superiors` are the
        supervisor's own superiors, nearest first (see `refuse_supervision_cycle`)."""
        r = registration
        if r.supervisor_nip is not None and r.supervisor_nip == r.nip.value:
            raise RuleBroken("self_supervision", "an employee cannot supervise themself")
        if r.supervisor_id is not None:
            refuse_supervision_cycle(id, [r.supervisor_id, *superiors])
        return cls._create(
            cls.Registered,
            id=id,
            timestamp=at,
            nip=r.nip.value,
            name=r.name,
            employment_type=r.employment_type.value,
            unit_code=r.unit_code,
            position_kind=r.position_kind.value,
            position_title=r.position_title,
            supervisor_id=r.supervisor_id,
            supervisor_nip=r.supervisor_nip,
        )

    def transfer(
        self,
        to_unit: str,
        at: datetime,
        supervisor: Superior | None = None,
        superiors: Sequence[UUID] = (),
    ) -> None:
        """Move the employee to another unit; the old supervision ends with the move.

        The new supervisor, if named, must work in the new unit (the caller checks where they
        work; `superiors` are the new supervisor's own, nearest first); without one the employee
        has no supervisor until one is assigned.
        """
        self.require_active()
        code = require_unit_code(to_unit, "unitCode")
        if code == self.unit_code:
            raise InvalidValue("unitCode", f"employee is already in unit {code}")
        if supervisor is not None and supervisor.id == self.id:
            raise RuleBroken("self_supervision", "an employee cannot supervise themself")
        if supervisor is not None and supervisor.unit_code != code:
            raise InvalidValue(
                "supervisorNip",
                f"the new supervisor works in {supervisor.unit_code}, not in {code}",
            )
        if supervisor is not None:
            # Decide before recording anything: a refused transfer leaves no event behind.
            refuse_supervision_cycle(self.id, [supervisor.id, *superiors])
        previous = self.supervisor_id
        self.trigger_event(self.Transferred, timestamp=at, from_unit=self.unit_code, to_unit=code)
        if supervisor is not None:
            self.assign_supervisor(supervisor.id, supervisor.nip, superiors, at)
        elif previous is not None:
            self.trigger_event(
                self.SupervisionEnded, timestamp=at, supervisor_id=previous, cause="transfer"
            )

    def assign_supervisor(
        self, supervisor_id: UUID, supervisor_nip: str, superiors: Sequence[UUID], at: datetime
    ) -> None:
        """Record the direct superior; nobody supervises themself, directly or in a circle.

        `superiors` are the supervisor's own superiors, nearest first."""
        self.require_active()
        refuse_supervision_cycle(self.id, [supervisor_id, *superiors])
        self.trigger_event(
            self.SupervisorAssigned,
            timestamp=at,
            supervisor_id=supervisor_id,
            supervisor_nip=supervisor_nip,
        )


@dataclass(frozen=True)
class Superior:
    """A would-be supervisor as a transfer needs to know them: who, and where they work."""

    id: UUID
    nip: str
    unit_code: str


class Registration:
    """The validated facts of a registration, parsed from raw input."""

    def __init__(
        self,
        nip: str,
        name: str,
        employment_type: EmploymentType,
        unit_code: str,
        position_kind: PositionKind,
        position_title: str,
        supervisor_nip: str | None = None,
        supervisor_id: UUID | None = None,
    ) -> None:
        self.employment_type = employment_type
        self.nip = Nip.parse(nip, employment_type)
        self.name = require_text("name", name, max_length=200)
        self.unit_code = require_unit_code(unit_code, "unitCode")
        self.position_kind = position_kind
        self.position_title = require_text("positionTitle", position_title, max_length=200)
        self.supervisor_nip = supervisor_nip
        self.supervisor_id = supervisor_id
