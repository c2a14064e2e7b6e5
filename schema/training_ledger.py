"""The JP ledger: an employee's lesson hours of a year, and a unit's compliance with the rules."""

from __future__ import annotations

from datetime import date

import strawberry
from graphql import GraphQLError

from projections import jp_ledger
from projections.directory import EmployeeView
from projections.jp_ledger import JpComplianceView, JpEntryView, JpLedgerView
from schema.context import Info

_ID = "Id of the programme (stable: derived from its code)."


@strawberry.type(name="JpLedgerEntry", description="One completion of a ledger year.")
class JpLedgerEntryType:
    completion_id: strawberry.ID = strawberry.field(description="Id of the completion.")
    program_id: strawberry.ID = strawberry.field(description=_ID)
    program_code: str = strawberry.field(description="Catalogue code of the programme.")
    jp: int = strawberry.field(description="JP (jam pelajaran, lesson hours) it earned.")
    completed_on: date = strawberry.field(description="Day completed, within the ledger year.")
    certificate_number: str = strawberry.field(description="Certificate number (unique).")
    revoked: bool = strawberry.field(description="Revoked: listed, but not counted.")

    @classmethod
    def of(cls, e: JpEntryView) -> JpLedgerEntryType:
        return cls(
            completion_id=strawberry.ID(str(e.completion_id)),
            program_id=strawberry.ID(str(e.program_id)),
            program_code=e.program_code,
            jp=e.jp,
            completed_on=e.completed_on,
            certificate_number=e.certificate_number,
            revoked=e.revoked,
        )


@strawberry.type(name="JpLedger", description="An employee's JP in one year against the rules.")
class JpLedgerType:
    year: int = strawberry.field(description="The ledger year (calendar year).")
    earned: int = strawberry.field(description="JP of the completions that count.")
    required: int = strawberry.field(description="The yearly minimum (PNS); 0 without one.")
    cap: int | None = strawberry.field(description="The yearly maximum (PPPK), if any.")
    remaining: int = strawberry.field(description="JP still needed to meet the minimum.")
    compliant: bool = strawberry.field(description="The yearly minimum is met.")
    above_cap: bool = strawberry.field(description="More JP than the cap: flagged, not refused.")
    rule_version: int = strawberry.field(description="Version of the JP rule set applied.")
    entries: list[JpLedgerEntryType] = strawberry.field(description="The year's completions.")

    @classmethod
    def of(cls, v: JpLedgerView) -> JpLedgerType:
        return cls(
            year=v.year,
            earned=v.earned,
            required=v.required,
            cap=v.cap,
            remaining=v.remaining,
            compliant=v.compliant,
            above_cap=v.above_cap,
            rule_version=v.rule_version,
            entries=[JpLedgerEntryType.of(e) for e in v.entries],
        )


@strawberry.type(name="JpCompliance", description="A unit's JP compliance in one year.")
class JpComplianceType:
    unit_code: str = strawberry.field(description="The unit counted.")
    year: int = strawberry.field(description="The ledger year counted.")
    employees: int = strawberry.field(description="Current employees with a yearly minimum.")
    compliant: int = strawberry.field(description="Of them, those who met it.")
    above_cap: int = strawberry.field(description="Employees above their cap (flagged).")
    rate: float | None = strawberry.field(description="compliant / employees (0..1).")

    @classmethod
    def of(cls, v: JpComplianceView) -> JpComplianceType:
        return cls(
            unit_code=v.unit_code,
            year=v.year,
            employees=v.employees,
            compliant=v.compliant,
            above_cap=v.above_cap,
            rate=v.rate,
        )


def check_year(year: int) -> int:
    """A ledger year within reason, or a BAD_USER_INPUT error."""
    if not 1990 <= year <= 2100:
        raise GraphQLError(
            "year must be between 1990 and 2100", extensions={"code": "BAD_USER_INPUT"}
        )
    return year


async def ledger_of(
    info: Info, view: EmployeeView, year: int, owner: object = None
) -> JpLedgerType:
    """The JP ledger of an employee the caller may read (as of `owner`'s replay, if any)."""
    found = await jp_ledger.ledger(
        info.context.db_for(owner), view.id, check_year(year), view.employment_type
    )
    return JpLedgerType.of(found)


async def unit_compliance(info: Info, unit_code: str, year: int) -> JpComplianceType:
    """The unit's JP compliance of the year."""
    found = await jp_ledger.unit_compliance(info.context.services.pool, unit_code, check_year(year))
    return JpComplianceType.of(found)
