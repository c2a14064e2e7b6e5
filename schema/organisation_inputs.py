"""Units and employees: the organisation's enums and the inputs of its mutations."""

from __future__ import annotations

import strawberry

from schema.descriptions import EXPECTED_VERSION, IDEMPOTENCY_KEY
from schema.enums import EmploymentTypeEnum, PositionKindEnum


@strawberry.input(description="A new unit (perangkat daerah); a code registers once.")
class RegisterUnitInput:
    code: str = strawberry.field(description="Its short code, e.g. DINKES (stored upper case).")
    name: str = strawberry.field(description="Its official name.")
    sector: str | None = strawberry.field(
        default=None, description="The sector it serves, e.g. kesehatan (recommendations use it)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A new employee; the NIP is checked part by part.")
class RegisterEmployeeInput:
    nip: str = strawberry.field(description="NIP (PNS) or NI PPPK, 18 digits; personal data.")
    name: str = strawberry.field(description="Full name; personal data (sealed in the log).")
    employment_type: EmploymentTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="PNS or PPPK; it decides how the NIP is checked."
    )
    unit_code: str = strawberry.field(description="The code of a registered unit.")
    position_kind: PositionKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="The kind of position (UU 20/2023)."
    )
    position_title: str = strawberry.field(description="The position's title, e.g. Analis SDM.")
    supervisor_nip: str | None = strawberry.field(
        default=None, description="The direct superior's NIP; absent: assigned later."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A move to another unit; the old supervision ends.")
class TransferEmployeeInput:
    nip: str = strawberry.field(description="The NIP of the employee who moves.")
    unit_code: str = strawberry.field(description="The code of the unit they move to.")
    supervisor_nip: str | None = strawberry.field(
        default=None,
        description="The new supervisor, in the new unit; absent: none until assigned.",
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A new direct superior; supervision may not form a cycle.")
class AssignSupervisorInput:
    nip: str = strawberry.field(description="The NIP of the employee being supervised.")
    supervisor_nip: str = strawberry.field(description="The NIP of their new direct superior.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)
