"""Look-ups every context shares: the employee a NIP names, the unit a code names."""

from __future__ import annotations

from domain.employee import Employee
from domain.errors import InvalidValue, NotFoundError
from domain.organisation import Unit, unit_stream_id
from domain.values import nip_digits, require_unit_code
from service.handlers.envelope import Repository
from service.handlers.identity import SubjectIds


async def employee_by_nip(
    repo: Repository,
    ids: SubjectIds,
    nip: str,
    field: str = "nip",
    *,
    missing_is_invalid: bool = False,
) -> Employee:
    """The employee with this NIP (any layout of 18 digits), or an error on `field`: NotFound,
    or InvalidValue when the NIP names someone else the command refers to (a supervisor)."""
    value = nip_digits(nip, field)
    employee = await repo.load(ids.employee_id(value), Employee)
    if employee is None and missing_is_invalid:
        raise InvalidValue(field, f"no employee is registered with NIP {value}")
    if employee is None:
        raise NotFoundError(f"no employee is registered with NIP {value}")
    return employee


async def registered_unit(repo: Repository, code: str, field: str = "unitCode") -> Unit:
    """The registered unit with this code, or InvalidValue on `field`."""
    unit_code = require_unit_code(code, field)
    unit = await repo.load(unit_stream_id(unit_code), Unit)
    if unit is None:
        raise InvalidValue(field, f"unit {unit_code} is not registered")
    return unit
