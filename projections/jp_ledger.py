"""The JP ledger: per employee and year, the JP earned against the rule set, entry by entry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.jp_rules import JpStanding, rules_for_year
from domain.training_completion import TrainingCompletion
from domain.values import EmploymentType
from projections.directory import EMPLOYEES
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.sql import Reader

LEDGER = Table(
    name="jp_ledger",
    columns=(
        ("employee_id", "uuid"),
        ("year", "integer"),
        ("unit_code", "text"),
        ("employment_type", "text"),
        ("earned", "integer"),
        ("required", "integer"),
        ("cap", "integer"),
        ("remaining", "integer"),
        ("compliant", "boolean"),
        ("above_cap", "boolean"),
        ("rule_version", "integer"),
        ("entries", "jsonb"),
        ("position", "bigint"),
    ),
    key=("employee_id", "year"),
    indexes=("(unit_code, year)",),
)
COMPLETIONS = Table(
    name="jp_completions",
    columns=(
        ("id", "uuid"),
        ("employee_id", "uuid"),
        ("year", "integer"),
        ("program_id", "uuid"),
        ("program_code", "text"),
        ("competency_area", "text"),
        ("kind", "text"),
        ("jp", "integer"),
        ("completed_on", "date"),
        ("certificate_number", "text"),
        ("score", "double precision"),
        ("revoked", "boolean"),
        ("recorded_at", "timestamptz"),
        ("version", "integer"),
    ),
    key=("id",),
    indexes=("(employee_id, year)",),
)


class JpLedgerProjection:
    """JP earned per employee per year, and every completion with its revocation."""

    name = "jp_ledger"
    tables: tuple[Table, ...] = (LEDGER, COMPLETIONS)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (TrainingCompletion.Recorded, TrainingCompletion.Revoked)

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        ev = fact.event
        if isinstance(ev, TrainingCompletion.Recorded | TrainingCompletion.Revoked):
            return [(LEDGER.name, (ev.employee_id, ev.year)), (COMPLETIONS.name, (fact.stream_id,))]
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if not isinstance(ev, TrainingCompletion.Recorded | TrainingCompletion.Revoked):
            return {}
        ledger_ref: RowRef = (LEDGER.name, (ev.employee_id, ev.year))
        completion_ref: RowRef = (COMPLETIONS.name, (fact.stream_id,))
        if isinstance(ev, TrainingCompletion.Recorded):
            ledger = _with_entry(rows.get(ledger_ref), fact, ev)
            return {ledger_ref: ledger, completion_ref: _completion_row(fact, ev)}
        current, completion = rows.get(ledger_ref), rows.get(completion_ref)
        changes: Changes = {}
        if current is not None:
            entries = [
                dict(e, revoked=True) if e["completion_id"] == str(fact.stream_id) else e
                for e in current["entries"]
            ]
            changes[ledger_ref] = _totals(dict(current, entries=entries, position=fact.position))
        if completion is not None:
            changes[completion_ref] = dict(completion, revoked=True, version=fact.stream_version)
        return changes


def _with_entry(current: Row | None, fact: Fact, ev: TrainingCompletion.Recorded) -> Row:
    entry = {
        "completion_id": str(fact.stream_id),
        "program_id": str(ev.program_id),
        "program_code": ev.program_code,
        "jp": ev.jp,
        "completed_on": ev.effective_date.isoformat(),
        "certificate_number": ev.certificate_number,
        "revoked": False,
    }
    kept = [] if current is None else current["entries"]
    entries = [e for e in kept if e["completion_id"] != entry["completion_id"]] + [entry]
    entries.sort(key=lambda e: (e["completed_on"], e["completion_id"]))
    return _totals(
        {
            "employee_id": ev.employee_id,
            "year": ev.year,
            "unit_code": ev.unit_code,
            "employment_type": ev.employment_type,
            "required": ev.required_jp,
            "cap": ev.cap_jp,
            "rule_version": ev.rule_version,
            "entries": entries,
            "position": fact.position,
        }
    )


def _totals(row: Row) -> Row:
    """Earned from the entries that still count, and what follows from it under the rules."""
    earned = sum(e["jp"] for e in row["entries"] if not e["revoked"])
    standing = JpStanding(earned=earned, required=row["required"], cap=row["cap"])
    return dict(
        row,
        earned=earned,
        remaining=standing.remaining,
        compliant=standing.compliant,
        above_cap=standing.above_cap,
    )


def _completion_row(fact: Fact, ev: TrainingCompletion.Recorded) -> Row:
    return {
        "id": fact.stream_id,
        "employee_id": ev.employee_id,
        "year": ev.year,
        "program_id": ev.program_id,
        "program_code": ev.program_code,
        "competency_area": ev.competency_area,
        "kind": ev.kind,
        "jp": ev.jp,
        "completed_on": ev.effective_date,
        "certificate_number": ev.certificate_number,
        "score": ev.score,
        "revoked": False,
        "recorded_at": fact.recorded_at,
        "version": fact.stream_version,
    }


@dataclass(frozen=True)
class JpEntryView:
    """One completion in a ledger; revoked ones are listed but not counted."""

    completion_id: UUID
    program_id: UUID
    program_code: str
    jp: int
    completed_on: date
    certificate_number: str
    revoked: bool


@dataclass(frozen=True)
class JpLedgerView:
    """An employee's JP in one year against the rule set."""

    year: int
    earned: int
    required: int
    cap: int | None
    remaining: int
    compliant: bool
    above_cap: bool
    rule_version: int
    entries: tuple[JpEntryView, ...]


def _entry(e: Mapping[str, Any]) -> JpEntryView:
    return JpEntryView(
        completion_id=UUID(e["completion_id"]),
        program_id=UUID(e["program_id"]),
        program_code=e["program_code"],
        jp=e["jp"],
        completed_on=date.fromisoformat(e["completed_on"]),
        certificate_number=e["certificate_number"],
        revoked=e["revoked"],
    )


def empty_ledger(year: int, employment_type: str) -> JpLedgerView:
    """The ledger of a year without completions: nothing earned, the year's rules apply."""
    rules = rules_for_year(year)
    kind = EmploymentType(employment_type)
    standing = JpStanding(earned=0, required=rules.required_for(kind), cap=rules.cap_for(kind))
    return JpLedgerView(
        year=year,
        earned=0,
        required=standing.required,
        cap=standing.cap,
        remaining=standing.remaining,
        compliant=standing.compliant,
        above_cap=False,
        rule_version=rules.version,
        entries=(),
    )


async def ledger(db: Reader, employee_id: UUID, year: int, employment_type: str) -> JpLedgerView:
    """The employee's ledger of the year (empty if nothing was completed in it)."""
    row = await db.fetchrow(
        f"SELECT * FROM {LEDGER.name} WHERE employee_id = $1 AND year = $2", employee_id, year
    )
    if row is None:
        return empty_ledger(year, employment_type)
    return JpLedgerView(
        year=row["year"],
        earned=row["earned"],
        required=row["required"],
        cap=row["cap"],
        remaining=row["remaining"],
        compliant=row["compliant"],
        above_cap=row["above_cap"],
        rule_version=row["rule_version"],
        entries=tuple(_entry(e) for e in row["entries"]),
    )


@dataclass(frozen=True)
class CompletionView:
    """A recorded completion as clients read it."""

    id: UUID
    employee_id: UUID
    program_id: UUID
    jp: int
    completed_on: date
    certificate_number: str
    score: float | None
    revoked: bool
    version: int


async def completion_by_id(db: Reader, completion_id: UUID) -> CompletionView | None:
    """The completion with this id, if recorded."""
    row = await db.fetchrow(f"SELECT * FROM {COMPLETIONS.name} WHERE id = $1", completion_id)
    if row is None:
        return None
    return CompletionView(**{f: row[f] for f in CompletionView.__dataclass_fields__})


@dataclass(frozen=True)
class JpComplianceView:
    """How many of a unit's employees with a yearly minimum met it."""

    unit_code: str
    year: int
    employees: int
    compliant: int
    above_cap: int

    @property
    def rate(self) -> float | None:
        """The compliant share (0..1), or None when nobody in the unit has a minimum."""
        return self.compliant / self.employees if self.employees else None


async def unit_compliance(db: Reader, unit_code: str, year: int) -> JpComplianceView:
    """JP compliance of the unit's current employees in the year."""
    rows = await db.fetch(
        f"SELECT e.employment_type, l.compliant, l.above_cap FROM {EMPLOYEES.name} e"
        f" LEFT JOIN {LEDGER.name} l ON l.employee_id = e.id AND l.year = $2"
        " WHERE e.unit_code = $1",
        unit_code,
        year,
    )
    rules = rules_for_year(year)
    counted = compliant = above = 0
    for r in rows:
        if r["above_cap"]:
            above += 1
        if rules.required_for(EmploymentType(r["employment_type"])) == 0:
            continue
        counted += 1
        compliant += 1 if r["compliant"] else 0
    return JpComplianceView(unit_code, year, counted, compliant, above)
