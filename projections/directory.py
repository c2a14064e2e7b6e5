"""The directory: units and employees as they stand now (where, which position, whose report)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.employee import Employee
from domain.organisation import Unit
from domain.values import EmploymentType, Nip
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.sql import Reader

UNITS = Table(
    name="directory_units",
    columns=(
        ("code", "text"),
        ("name", "text"),
        ("stream_id", "uuid"),
        ("position", "bigint"),
        ("sector", "text"),
    ),
    key=("code",),
)
EMPLOYEES = Table(
    name="directory_employees",
    columns=(
        ("id", "uuid"),
        ("nip", "text"),
        ("name", "text"),
        ("employment_type", "text"),
        ("gender", "text"),
        ("unit_code", "text"),
        ("position_kind", "text"),
        ("position_title", "text"),
        ("supervisor_id", "uuid"),
        ("version", "integer"),
        ("erased", "boolean"),
        ("registered_at", "timestamptz"),
    ),
    key=("id",),
    indexes=("(nip)", "(unit_code, id)", "(supervisor_id)"),
)


_EMPLOYEE_EVENTS = (
    Employee.Registered,
    Employee.Transferred,
    Employee.SupervisorAssigned,
    Employee.SupervisionEnded,
    Employee.Erased,
)


class DirectoryProjection:
    """Units and employees, current state."""

    name = "directory"
    tables: tuple[Table, ...] = (UNITS, EMPLOYEES)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (Unit.Registered, *_EMPLOYEE_EVENTS)

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        ev = fact.event
        if isinstance(ev, Unit.Registered):
            return [(UNITS.name, (ev.code,))]
        if isinstance(ev, _EMPLOYEE_EVENTS):
            return [(EMPLOYEES.name, (fact.stream_id,))]
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if isinstance(ev, Unit.Registered):
            return {
                (UNITS.name, (ev.code,)): {
                    "code": ev.code,
                    "name": ev.name,
                    "stream_id": fact.stream_id,
                    "position": fact.position,
                    "sector": ev.sector,
                }
            }
        ref: RowRef = (EMPLOYEES.name, (fact.stream_id,))
        if isinstance(ev, Employee.Registered):
            return {ref: _registered_row(fact, ev)}
        current = rows.get(ref)
        if current is None:
            return {}
        row = dict(current, version=fact.stream_version)
        if isinstance(ev, Employee.Transferred):
            row["unit_code"] = ev.to_unit
        elif isinstance(ev, Employee.SupervisorAssigned):
            row["supervisor_id"] = ev.supervisor_id
        elif isinstance(ev, Employee.SupervisionEnded):
            row["supervisor_id"] = None
        elif isinstance(ev, Employee.Erased):
            # Personal data leaves the read tables with the key; the row keeps its facts.
            row.update(nip=None, name=None, gender=None, erased=True)
        return {ref: row}


def _gender(nip: str | None, employment_type: str) -> str | None:
    if nip is None or employment_type != EmploymentType.PNS:
        return None
    return Nip(nip).gender.value


def _registered_row(fact: Fact, ev: Employee.Registered) -> Row:
    return {
        "id": fact.stream_id,
        "nip": ev.nip,
        "name": ev.name,
        "employment_type": ev.employment_type,
        "gender": _gender(ev.nip, ev.employment_type),
        "unit_code": ev.unit_code,
        "position_kind": ev.position_kind,
        "position_title": ev.position_title,
        "supervisor_id": ev.supervisor_id,
        "version": fact.stream_version,
        "erased": ev.nip is None,
        "registered_at": fact.recorded_at,
    }


@dataclass(frozen=True)
class UnitView:
    """A unit as clients read it."""

    code: str
    name: str
    sector: str | None = None


@dataclass(frozen=True)
class EmployeeView:
    """An employee as clients read it."""

    id: UUID
    nip: str | None
    name: str | None
    employment_type: str
    gender: str | None
    unit_code: str
    position_kind: str
    position_title: str
    supervisor_id: UUID | None
    version: int
    erased: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EmployeeView:
        return cls(**{f: row[f] for f in cls.__dataclass_fields__})


def unit_from_row(row: Mapping[str, Any]) -> UnitView:
    return UnitView(code=row["code"], name=row["name"], sector=row["sector"])


async def employee_by_nip(db: Reader, nip: str) -> EmployeeView | None:
    """The employee with this NIP, if registered."""
    row = await db.fetchrow(f"SELECT * FROM {EMPLOYEES.name} WHERE nip = $1", nip)
    return EmployeeView.from_row(row) if row else None


async def employees_by_ids(db: Reader, ids: list[UUID]) -> dict[UUID, EmployeeView]:
    """Employees by stream id, for batched loading."""
    rows = await db.fetch(f"SELECT * FROM {EMPLOYEES.name} WHERE id = ANY($1::uuid[])", ids)
    return {r["id"]: EmployeeView.from_row(r) for r in rows}


async def employees_page(
    db: Reader,
    *,
    unit_code: str | None,
    after: UUID | None,
    limit: int,
    before: UUID | None = None,
    backward: bool = False,
) -> list[EmployeeView]:
    """A page of employees in id order (keyset), optionally of one unit, between `after` and
    `before`; `backward` takes the last `limit` of them (still returned in id order)."""
    rows = await db.fetch(
        f"SELECT * FROM {EMPLOYEES.name} WHERE ($1::text IS NULL OR unit_code = $1)"
        " AND ($2::uuid IS NULL OR id > $2) AND ($4::uuid IS NULL OR id < $4)"
        f" ORDER BY id {'DESC' if backward else 'ASC'} LIMIT $3",
        unit_code,
        after,
        limit,
        before,
    )
    views = [EmployeeView.from_row(r) for r in rows]
    return views[::-1] if backward else views


async def count_employees(db: Reader, *, unit_code: str | None) -> int:
    """How many employees there are, optionally in one unit."""
    value = await db.fetchval(
        f"SELECT count(*) FROM {EMPLOYEES.name} WHERE ($1::text IS NULL OR unit_code = $1)",
        unit_code,
    )
    return int(value)


async def unit_by_code(db: Reader, code: str) -> UnitView | None:
    """The unit with this code, if registered."""
    row = await db.fetchrow(f"SELECT code, name, sector FROM {UNITS.name} WHERE code = $1", code)
    return unit_from_row(row) if row else None


async def units_by_codes(db: Reader, codes: list[str]) -> dict[str, UnitView]:
    """Units by code, for batched loading."""
    rows = await db.fetch(
        f"SELECT code, name, sector FROM {UNITS.name} WHERE code = ANY($1::text[])", codes
    )
    return {r["code"]: unit_from_row(r) for r in rows}


async def all_units(db: Reader) -> list[UnitView]:
    """Every unit in code order."""
    rows = await db.fetch(f"SELECT code, name, sector FROM {UNITS.name} ORDER BY code")
    return [unit_from_row(r) for r in rows]
