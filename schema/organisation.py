"""Units and employees: types, queries and mutations of the organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry
from graphql import GraphQLError

from domain.values import EmploymentType, PositionKind
from projections import directory
from projections.directory import EmployeeView, UnitView
from projections.performance_reads import EmployeeFilter, count_employees, employees_page
from projections.sql import Reader
from schema.awards import EmployeeAwardFields
from schema.context import STAFF_AND_PARTNERS, Info, page_size
from schema.cursors import encode_cursor, uuid_cursor
from schema.descriptions import (
    AFTER,
    FIRST,
    INPUT,
    NIP,
    RESULT,
    UNIT_CODE,
    YEAR,
)
from schema.dialogues import EmployeeDialogueFields
from schema.enums import EmploymentTypeEnum, PositionKindEnum
from schema.errors import MutationError
from schema.mutations import Committed, MutationSuccess, run_command
from schema.node import Node, unit_global_id
from schema.organisation_inputs import (
    AssignSupervisorInput,
    RegisterEmployeeInput,
    RegisterUnitInput,
    TransferEmployeeInput,
)
from schema.outcomes import UnitOutcomeFields
from schema.performance import EmployeePerformanceFields, PredicateEnum, UnitPerformanceFields
from schema.training_recommendations import EmployeeTrainingFields
from service.handlers.organisation import RegisterEmployee

if TYPE_CHECKING:
    from schema.training import JpComplianceType, JpLedgerType


@strawberry.type(name="Unit", description="A perangkat daerah (unit) of the city.")
class UnitType(Node, UnitPerformanceFields, UnitOutcomeFields):
    code: str = strawberry.field(description="The unit's short code, upper case, e.g. DINKES.")
    name: str = strawberry.field(description="The unit's official name, e.g. Dinas Kesehatan.")
    sector: str | None = strawberry.field(
        default=None, description="The sector it serves (kesehatan, pendidikan...), if declared."
    )

    @classmethod
    def of(cls, view: UnitView) -> UnitType:
        return cls(code=view.code, name=view.name, sector=view.sector)

    @strawberry.field(
        description="The unit's global id (Node): opaque; `unit(code:)` takes the code."
    )
    def id(self) -> strawberry.ID:
        return unit_global_id(self.code)

    @strawberry.field(description="JP compliance of the unit's employees in a year (staff).")
    async def jp_compliance(
        self, info: Info, year: Annotated[int, strawberry.argument(description=YEAR)]
    ) -> Annotated[JpComplianceType, strawberry.lazy("schema.training")]:
        from schema.training import unit_compliance

        info.context.reader(*STAFF_AND_PARTNERS)
        return await unit_compliance(info, self.code, year)


@strawberry.type(name="SupervisorRef", description="An employee's direct superior.")
class SupervisorRef:
    nip: str | None = strawberry.field(
        description="The superior's NIP; null without the right to read it (staff, `pii`)."
    )


@strawberry.type(name="Employee", description="An ASN of the city as the views show them now.")
class EmployeeType(
    Node,
    EmployeePerformanceFields,
    EmployeeAwardFields,
    EmployeeDialogueFields,
    EmployeeTrainingFields,
):
    view: strawberry.Private[EmployeeView]
    # Set on `employeeAsOf`: a connection whose temporary tables hold the views replayed as of
    # that moment; every field of this employee reads there instead of the live tables.
    as_of: strawberry.Private[Reader | None] = None

    @strawberry.field(description="Stream id (a keyed hash of the NIP, not reversible).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(description="NIP; personal data, visible to staff and `pii` partners.")
    def nip(self, info: Info) -> str | None:
        return self.view.nip if info.context.sees_names_of(self.view) else None

    @strawberry.field(description="Name; personal data, visible to staff and `pii` partners.")
    def name(self, info: Info) -> str | None:
        return self.view.name if info.context.sees_names_of(self.view) else None

    @strawberry.field(description="PNS or PPPK, as registered.")
    def employment_type(self) -> EmploymentTypeEnum:  # type: ignore[valid-type]
        return EmploymentType(self.view.employment_type)

    @strawberry.field(description="The kind of the current position (UU 20/2023).")
    def position_kind(self) -> PositionKindEnum:  # type: ignore[valid-type]
        return PositionKind(self.view.position_kind)

    @strawberry.field(description="The current position's title as HR recorded it.")
    def position_title(self) -> str:
        return self.view.position_title

    @strawberry.field(description="Stream version: pass it as `expectedVersion` to guard a change.")
    def version(self) -> int:
        return self.view.version

    @strawberry.field(description="The unit the employee works in now; null if unknown.")
    async def unit(self, info: Info) -> UnitType | None:
        view = await info.context.loaders_for(self)["unit"].load(self.view.unit_code)
        return UnitType.of(view) if view else None

    @strawberry.field(description="The JP ledger of a year (competency development).")
    async def jp(
        self, info: Info, year: Annotated[int, strawberry.argument(description=YEAR)]
    ) -> Annotated[JpLedgerType, strawberry.lazy("schema.training")] | None:
        from schema.training import ledger_of

        return await ledger_of(info, self.view, year, self)

    @strawberry.field(description="The current direct superior (the evaluator); null: none.")
    async def supervisor(self, info: Info) -> SupervisorRef | None:
        if self.view.supervisor_id is None:
            return None
        boss = await info.context.loaders_for(self)["employee"].load(self.view.supervisor_id)
        nip = boss.nip if boss is not None else None
        return SupervisorRef(nip=nip if info.context.sees_names_of(boss) else None)


@strawberry.type(description="One employee of a page and the cursor just after it.")
class EmployeeEdge:
    cursor: str = strawberry.field(description="Opaque; pass as `after` to continue after it.")
    node: EmployeeType = strawberry.field(description="The employee at this place of the page.")


@strawberry.type(description="Where a page stands in its connection (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor (pass as `after`); null on an empty page."
    )
    has_previous_page: bool = strawberry.field(
        default=False,
        description=(
            "Whether items come before this page: true after an `after` cursor, or when paging"
            " backward (`last`) left items before the page."
        ),
    )
    start_cursor: str | None = strawberry.field(
        default=None,
        description="The cursor of the page's first item: pass it as `before` to page backward.",
    )

    @classmethod
    def of(cls, cursors: list[str], *, has_next: bool, has_previous: bool) -> PageInfo:
        """The page info of a page whose edges have these cursors."""
        return cls(
            has_next_page=has_next,
            end_cursor=cursors[-1] if cursors else None,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
        )


@strawberry.type(description="A page of employees (Relay connection, keyset cursors).")
class EmployeeConnection:
    edges: list[EmployeeEdge] = strawberry.field(description="The employees of this page.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, where to go on.")
    listed: strawberry.Private[EmployeeFilter]

    @strawberry.field(description="How many employees the whole list holds (all pages).")
    async def total_count(self, info: Info) -> int:
        return await count_employees(
            info.context.services.pool,
            predicate=self.listed.predicate,
            unit_code=self.listed.unit_code,
        )


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


async def _employee(outcome: Committed) -> EmployeeType:
    employee_id = outcome.result["employee_id"]
    found = await directory.employees_by_ids(outcome.db, [UUID(employee_id)])
    # Its nested fields read where it was read: the committed events the views may still lack.
    return EmployeeType(view=found[UUID(employee_id)], as_of=outcome.db)


def _within_limit(info: Info, unit_code: str | None) -> str | None:
    """The unit a list reads: a unit-limited HR token lists only its own unit."""
    limit = info.context.access.unit_limit()
    if limit is not None and unit_code not in (None, limit):
        raise GraphQLError(
            f"this HR token reads only unit {limit}", extensions={"code": "FORBIDDEN"}
        )
    return limit or unit_code


@strawberry.type
class OrganisationQuery:
    @strawberry.field(description="The employee with this NIP, or null.")
    async def employee(
        self, info: Info, nip: Annotated[str, strawberry.argument(description=NIP)]
    ) -> EmployeeType | None:
        info.context.reader()
        view = await directory.employee_by_nip(info.context.services.pool, nip.strip())
        if view is None or not info.context.may_read_employee(view):
            return None
        return EmployeeType(view=view)

    @strawberry.field(
        description=(
            "Employees in a stable order, optionally of one unit. Page forward with `first` and"
            " `after`, or backward with `last` and `before` (keyset cursors of this list)."
        )
    )
    async def employees(
        self,
        info: Info,
        unit_code: Annotated[
            str | None, strawberry.argument(description=f"{UNIT_CODE} Null: every unit.")
        ] = None,
        predicate: Annotated[
            PredicateEnum | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only employees whose latest final predicate is this."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[
            int | None,
            strawberry.argument(
                description="Page backward: the last `last` items (at most 100) before `before`."
            ),
        ] = None,
        before: Annotated[
            str | None,
            strawberry.argument(
                description="A `startCursor` (or any cursor) of this list: items before it."
            ),
        ] = None,
    ) -> EmployeeConnection:
        info.context.reader(*STAFF_AND_PARTNERS)
        backward = last is not None
        size = page_size(last, argument="last") if backward else page_size(first)
        start, end = uuid_cursor("employee", after), uuid_cursor("employee", before, "before")
        listed = EmployeeFilter(
            str(predicate) if predicate else None,
            _within_limit(info, unit_code.upper() if unit_code else None),
        )
        views = await employees_page(
            info.context.services.pool,
            predicate=listed.predicate,
            unit_code=listed.unit_code,
            after=start,
            limit=size + 1,
            before=end,
            backward=backward,
        )
        more = len(views) > size
        shown = views[-size:] if backward and size else views[:size]
        edges = [
            EmployeeEdge(cursor=encode_cursor("employee", str(v.id)), node=EmployeeType(view=v))
            for v in shown
        ]
        cursors = [e.cursor for e in edges]
        return EmployeeConnection(
            edges=edges,
            page_info=PageInfo.of(
                cursors,
                has_next=(end is not None) if backward else more,
                has_previous=more if backward else start is not None,
            ),
            listed=listed,
        )

    @strawberry.field(description="The unit with this code, or null.")
    async def unit(
        self, info: Info, code: Annotated[str, strawberry.argument(description=UNIT_CODE)]
    ) -> UnitType | None:
        info.context.reader()
        view = await directory.unit_by_code(info.context.services.pool, code.strip().upper())
        return UnitType.of(view) if view else None

    @strawberry.field(description="Every unit, by code.")
    async def units(self, info: Info) -> list[UnitType]:
        info.context.reader()
        return [UnitType.of(v) for v in await directory.all_units(info.context.services.pool)]


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
        view = await directory.unit_by_code(outcome.db, outcome.result["code"])
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
        employee = await _employee(outcome)
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
        employee = await _employee(outcome)
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
        employee = await _employee(outcome)
        return AssignSupervisorSuccess(employee=employee, **outcome.receipt)
