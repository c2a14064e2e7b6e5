"""Command handlers for units and employees: register, transfer, assign a supervisor."""

from __future__ import annotations

from dataclasses import dataclass

from domain.employee import MAX_SUPERVISION_DEPTH, Employee, Registration, Superior
from domain.errors import AlreadyExists, InvalidValue, NotFoundError
from domain.organisation import Unit, unit_stream_id
from domain.values import EmploymentType, PositionKind, nip_digits, require_unit_code
from service.auth.policy import HR_ACTORS as STAFF_ADMIN
from service.handlers.envelope import CommandContext, Repository, check_expected_version
from service.handlers.identity import SubjectIds
from service.log.records import AppendResult


@dataclass(frozen=True)
class RegisterEmployee:
    """Register an employee in a unit."""

    nip: str
    name: str
    employment_type: EmploymentType
    unit_code: str
    position_kind: PositionKind
    position_title: str
    supervisor_nip: str | None = None


class OrganisationHandlers:
    """Handlers of the organisation context."""

    def __init__(self, repo: Repository, ids: SubjectIds) -> None:
        self.repo = repo
        self.ids = ids

    async def register_unit(
        self, ctx: CommandContext, code: str, name: str, sector: str | None = None
    ) -> AppendResult:
        """Register a unit (perangkat daerah), with the sector it serves: a city-wide act."""
        ctx.require_city_wide_hr("registering a unit")
        if (done := await self.repo.replayed(ctx, "registerUnit")) is not None:
            return done
        unit = Unit.register(code, name, ctx.now, sector)
        if await self.repo.load(unit.id, Unit) is not None:
            raise AlreadyExists(f"unit {unit.code} is already registered", field="code")
        return await self.repo.save(ctx, "registerUnit", unit, result={"code": unit.code})

    async def register_employee(self, ctx: CommandContext, cmd: RegisterEmployee) -> AppendResult:
        """Register an employee; the NIP decides the stream, so it registers only once."""
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "registerEmployee")) is not None:
            return done
        registration = Registration(
            cmd.nip,
            cmd.name,
            cmd.employment_type,
            cmd.unit_code,
            cmd.position_kind,
            cmd.position_title,
            cmd.supervisor_nip,
        )
        ctx.require_unit_scope(registration.unit_code)
        await self._existing_unit(registration.unit_code, "unitCode")
        chain: list[Employee] = []
        if registration.supervisor_nip is not None:
            supervisor = await self._existing_employee(
                registration.supervisor_nip, "supervisorNip", missing_is_invalid=True
            )
            supervisor.require_active()
            registration.supervisor_id = supervisor.id
            chain = await self.supervision_chain(supervisor)
        stream_id = self.ids.employee_id(registration.nip.value)
        if await self.repo.load(stream_id, Employee) is not None:
            raise AlreadyExists("an employee with this NIP is already registered", field="nip")
        employee = Employee.register(stream_id, registration, ctx.now, [e.id for e in chain[1:]])
        return await self.repo.save(
            ctx,
            "registerEmployee",
            employee,
            subject_id=employee.id,
            result={"employee_id": str(employee.id)},
            unchanged=chain,
        )

    async def transfer_employee(
        self,
        ctx: CommandContext,
        nip: str,
        unit_code: str,
        expected_version: int | None,
        supervisor_nip: str | None = None,
    ) -> AppendResult:
        """Move an employee to another registered unit; the old supervision ends there.

        A new supervisor, if named, must be an active employee of the new unit.
        """
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "transferEmployee")) is not None:
            return done
        employee = await self._existing_employee(nip, "nip")
        check_expected_version(employee, expected_version)
        ctx.require_unit_scope(employee.unit_code)
        target = await self._existing_unit(unit_code, "unitCode")
        superior, chain = None, []
        if supervisor_nip is not None:
            boss = await self._existing_employee(
                supervisor_nip, "supervisorNip", missing_is_invalid=True
            )
            boss.require_active()
            superior = Superior(boss.id, supervisor_nip.strip(), boss.unit_code)
            chain = await self.supervision_chain(boss, stop_at=employee)
        employee.transfer(target.code, ctx.now, superior, [e.id for e in chain[1:]])
        return await self.repo.save(
            ctx,
            "transferEmployee",
            employee,
            subject_id=employee.id,
            result={"employee_id": str(employee.id)},
            unchanged=[e for e in chain if e.id != employee.id],
        )

    async def assign_supervisor(
        self, ctx: CommandContext, nip: str, supervisor_nip: str, expected_version: int | None
    ) -> AppendResult:
        """Record an employee's direct superior, who must be a registered employee."""
        ctx.require(*STAFF_ADMIN)
        if (done := await self.repo.replayed(ctx, "assignSupervisor")) is not None:
            return done
        employee = await self._existing_employee(nip, "nip")
        check_expected_version(employee, expected_version)
        ctx.require_unit_scope(employee.unit_code)
        supervisor = await self._existing_employee(
            supervisor_nip, "supervisorNip", missing_is_invalid=True
        )
        supervisor.require_active()
        chain = await self.supervision_chain(supervisor, stop_at=employee)
        superiors = [e.id for e in chain[1:]]
        employee.assign_supervisor(supervisor.id, supervisor_nip.strip(), superiors, ctx.now)
        return await self.repo.save(
            ctx,
            "assignSupervisor",
            employee,
            subject_id=employee.id,
            result={"employee_id": str(employee.id)},
            unchanged=[e for e in chain if e.id != employee.id],
        )

    async def supervision_chain(
        self, supervisor: Employee, stop_at: Employee | None = None
    ) -> list[Employee]:
        """The supervisor and their superiors, nearest first, as the log has them now: it ends at
        the top, at `stop_at` (a circle), at a repeat, or one past the deepest chain allowed.

        The domain decides on the ids; the append checks none of them changed meanwhile."""
        chain = [supervisor]
        while (above := chain[-1].supervisor_id) is not None and len(
            chain
        ) <= MAX_SUPERVISION_DEPTH:
            if stop_at is not None and chain[-1].id == stop_at.id:
                break
            if any(e.id == above for e in chain):
                break
            superior = await self.repo.load(above, Employee)
            if superior is None:
                break
            chain.append(superior)
        return chain

    async def _existing_unit(self, code: str, field: str) -> Unit:
        unit_code = require_unit_code(code, field)
        unit = await self.repo.load(unit_stream_id(unit_code), Unit)
        if unit is None:
            raise InvalidValue(field, f"unit {unit_code} is not registered")
        return unit

    async def _existing_employee(
        self, nip: str, field: str, *, missing_is_invalid: bool = False
    ) -> Employee:
        """The employee with this NIP (any layout of 18 digits), or an error on `field`."""
        value = nip_digits(nip, field)
        employee = await self.repo.load(self.ids.employee_id(value), Employee)
        if employee is None and missing_is_invalid:
            raise InvalidValue(field, f"no employee is registered with NIP {value}")
        if employee is None:
            raise NotFoundError(f"no employee is registered with NIP {value}")
        return employee
