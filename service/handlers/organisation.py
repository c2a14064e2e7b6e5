"""Command handlers for units and employees: register, transfer, assign a supervisor."""

from __future__ import annotations

from dataclasses import dataclass

from domain.employee import MAX_SUPERVISION_DEPTH, Employee, Registration, Superior
from domain.errors import AlreadyExists
from domain.organisation import Unit
from domain.values import EmploymentType, PositionKind
from service.auth.policy import HR_ACTORS
from service.handlers.answers import EmployeeAnswer, UnitAnswer
from service.handlers.envelope import (
    Change,
    CommandContext,
    Done,
    Repository,
    check_expected_version,
)
from service.handlers.identity import SubjectIds
from service.handlers.lookups import employee_by_nip, registered_unit


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
    ) -> Done[UnitAnswer]:
        """Register a unit (perangkat daerah), with the sector it serves: a city-wide act."""
        ctx.require_city_wide_hr("registering a unit")

        async def decide() -> Change[UnitAnswer]:
            unit = Unit.register(code, name, ctx.now, sector)
            if await self.repo.load(unit.id, Unit) is not None:
                raise AlreadyExists(f"unit {unit.code} is already registered", field="code")
            return Change(UnitAnswer(unit.code), [unit])

        return await self.repo.run(ctx, "registerUnit", UnitAnswer, decide)

    async def register_employee(
        self, ctx: CommandContext, cmd: RegisterEmployee
    ) -> Done[EmployeeAnswer]:
        """Register an employee; the NIP decides the stream, so it registers only once."""
        ctx.require(*HR_ACTORS)
        return await self.repo.run(
            ctx, "registerEmployee", EmployeeAnswer, lambda: self._register(ctx, cmd)
        )

    async def _register(self, ctx: CommandContext, cmd: RegisterEmployee) -> Change[EmployeeAnswer]:
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
        return Change(_answer(employee), [employee], subject_id=employee.id, unchanged=chain)

    async def transfer_employee(
        self,
        ctx: CommandContext,
        nip: str,
        unit_code: str,
        expected_version: int | None,
        supervisor_nip: str | None = None,
    ) -> Done[EmployeeAnswer]:
        """Move an employee to another registered unit; the old supervision ends there.

        A new supervisor, if named, must be an active employee of the new unit.
        """
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[EmployeeAnswer]:
            return await self._transfer(ctx, nip, unit_code, expected_version, supervisor_nip)

        return await self.repo.run(ctx, "transferEmployee", EmployeeAnswer, decide)

    async def _transfer(
        self,
        ctx: CommandContext,
        nip: str,
        unit_code: str,
        expected_version: int | None,
        supervisor_nip: str | None,
    ) -> Change[EmployeeAnswer]:
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
        unchanged = [e for e in chain if e.id != employee.id]
        return Change(_answer(employee), [employee], subject_id=employee.id, unchanged=unchanged)

    async def assign_supervisor(
        self, ctx: CommandContext, nip: str, supervisor_nip: str, expected_version: int | None
    ) -> Done[EmployeeAnswer]:
        """Record an employee's direct superior, who must be a registered employee."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[EmployeeAnswer]:
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
            unchanged = [e for e in chain if e.id != employee.id]
            return Change(
                _answer(employee), [employee], subject_id=employee.id, unchanged=unchanged
            )

        return await self.repo.run(ctx, "assignSupervisor", EmployeeAnswer, decide)

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
        return await registered_unit(self.repo, code, field)

    async def _existing_employee(
        self, nip: str, field: str, *, missing_is_invalid: bool = False
    ) -> Employee:
        """The employee with this NIP (any layout of 18 digits), or an error on `field`."""
        return await employee_by_nip(
            self.repo, self.ids, nip, field, missing_is_invalid=missing_is_invalid
        )


def _answer(employee: Employee) -> EmployeeAnswer:
    return EmployeeAnswer(str(employee.id))
