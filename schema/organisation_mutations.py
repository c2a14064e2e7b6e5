"""The organisation's mutations: register units and employees, transfer, assign a superior."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from projections import directory
from schema.context import Context, Info
from schema.descriptions import INPUT, RESULT
from schema.errors import MutationError
from schema.links import EmployeeType, UnitType
from schema.mutations import Committed, MutationSuccess, run_command
from schema.organisation_inputs import (
    AssignSupervisorInput,
    RegisterEmployeeInput,
    RegisterUnitInput,
    TransferEmployeeInput,
)
from service.handlers.answers import EmployeeAnswer
from service.handlers.organisation import RegisterEmployee


@strawberry.type(description="The unit was registered.")
class RegisterUnitSuccess(MutationSuccess):
    unit: UnitType = strawberry.field(description="The unit as registered.")


@strawberry.type(description="The employee was registered.")
class RegisterEmployeeSuccess(MutationSuccess):
    employee: EmployeeType = strawberry.field(description="The employee as registered.")


@strawberry.type(description="The employee was transferred.")
class TransferEmployeeSuccess(MutationSuccess):
    employee: EmployeeType = strawberry.field(description="The employee in the new unit.")


@strawberry.type(description="The superior was recorded.")
class AssignSupervisorSuccess(MutationSuccess):
    employee: EmployeeType = strawberry.field(description="The employee with the new superior.")


RegisterUnitResult = Annotated[
    RegisterUnitSuccess | MutationError,
    strawberry.union("RegisterUnitResult", description=RESULT),
]
RegisterEmployeeResult = Annotated[
    RegisterEmployeeSuccess | MutationError,
    strawberry.union("RegisterEmployeeResult", description=RESULT),
]
TransferEmployeeResult = Annotated[
    TransferEmployeeSuccess | MutationError,
    strawberry.union("TransferEmployeeResult", description=RESULT),
]
AssignSupervisorResult = Annotated[
    AssignSupervisorSuccess | MutationError,
    strawberry.union("AssignSupervisorResult", description=RESULT),
]


async def _employee(outcome: Committed[EmployeeAnswer], context: Context) -> EmployeeType:
    employee_id = outcome.answer.employee_id
    found = await directory.employees_by_ids(outcome.db, [UUID(employee_id)])
    # Its nested fields read where it was read: the committed events the views may still lack.
    return EmployeeType.of(found[UUID(employee_id)], context, outcome.db)


@strawberry.type
class OrganisationMutation:
    @strawberry.mutation(description="Register a unit (HR, ADMIN).")
    async def register_unit(
        self,
        info: Info,
        input: Annotated[RegisterUnitInput, strawberry.argument(description=INPUT)],
    ) -> RegisterUnitResult:
        handlers = info.context.services.organisation
        outcome = await run_command(
            info,
            lambda c: handlers.register_unit(c, input.code, input.name, input.sector),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        view = await directory.unit_by_code(outcome.db, outcome.answer.code)
        assert view is not None
        return RegisterUnitSuccess(unit=UnitType.of(view), **outcome.receipt)

    @strawberry.mutation(description="Register an employee (HR, ADMIN); an NIP registers once.")
    async def register_employee(
        self,
        info: Info,
        input: Annotated[RegisterEmployeeInput, strawberry.argument(description=INPUT)],
    ) -> RegisterEmployeeResult:
        command = RegisterEmployee(
            nip=input.nip,
            name=input.name,
            employment_type=input.employment_type,
            unit_code=input.unit_code,
            position_kind=input.position_kind,
            position_title=input.position_title,
            supervisor_nip=input.supervisor_nip,
        )
        handlers = info.context.services.organisation
        outcome = await run_command(
            info, lambda c: handlers.register_employee(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        employee = await _employee(outcome, info.context)
        return RegisterEmployeeSuccess(employee=employee, **outcome.receipt)

    @strawberry.mutation(
        description="Move an employee to another unit (HR, ADMIN); the old supervision ends."
    )
    async def transfer_employee(
        self,
        info: Info,
        input: Annotated[TransferEmployeeInput, strawberry.argument(description=INPUT)],
    ) -> TransferEmployeeResult:
        handlers = info.context.services.organisation
        outcome = await run_command(
            info,
            lambda c: handlers.transfer_employee(
                c, input.nip, input.unit_code, input.expected_version, input.supervisor_nip
            ),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        employee = await _employee(outcome, info.context)
        return TransferEmployeeSuccess(employee=employee, **outcome.receipt)

    @strawberry.mutation(description="Record an employee's direct superior (HR, ADMIN).")
    async def assign_supervisor(
        self,
        info: Info,
        input: Annotated[AssignSupervisorInput, strawberry.argument(description=INPUT)],
    ) -> AssignSupervisorResult:
        handlers = info.context.services.organisation
        outcome = await run_command(
            info,
            lambda c: handlers.assign_supervisor(
                c, input.nip, input.supervisor_nip, input.expected_version
            ),
            input.idempotency_key,
        )
        if not isinstance(outcome, Committed):
            return outcome
        employee = await _employee(outcome, info.context)
        return AssignSupervisorSuccess(employee=employee, **outcome.receipt)
