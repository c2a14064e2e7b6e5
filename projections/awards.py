"""Awards: published rule sets, award cases with their decisions, and the fairness summary.

No personal data is kept here (rationales and justifications stay sealed in the log), so an
erasure needs nothing from this view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.award import Award, AwardStatus
from domain.local_time import local_day
from domain.rule_set import AwardKind, RuleSet
from projections.engine import Changes, Fact, Row, RowRef, Table
from projections.sql import Reader

RULE_SETS = Table(
    name="award_rule_sets",
    columns=(
        ("id", "uuid"),
        ("award_kind", "text"),
        ("version", "integer"),
        ("effective_from", "date"),
        ("criteria", "jsonb"),
        ("content_hash", "text"),
        ("position", "bigint"),
    ),
    key=("id",),
)
AWARDS = Table(
    name="awards",
    columns=(
        ("id", "uuid"),
        ("employee_id", "uuid"),
        ("unit_code", "text"),
        ("kind", "text"),
        ("status", "text"),
        ("nominated_on", "date"),
        ("nominated_position", "bigint"),
        ("outcome", "text"),
        ("eligible", "boolean"),
        ("flagged", "boolean"),
        ("decided_at", "timestamptz"),
        ("decided_on", "date"),
        ("decided_position", "bigint"),
        ("facts_position", "bigint"),
        ("rule_set_id", "uuid"),
        ("rule_set_version", "integer"),
        ("rule_set_hash", "text"),
        ("criteria", "jsonb"),
        ("revoked_position", "bigint"),
    ),
    key=("id",),
    indexes=("(employee_id)", "(flagged, decided_position)", "(unit_code, decided_position)"),
)


class AwardsProjection:
    """Rule sets and award cases as they stand now."""

    name = "awards"
    tables: tuple[Table, ...] = (RULE_SETS, AWARDS)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (
        RuleSet.Published,
        Award.Nominated,
        Award.Decided,
        Award.Revoked,
    )

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        if isinstance(fact.event, RuleSet.Published):
            return [(RULE_SETS.name, (fact.stream_id,))]
        if isinstance(fact.event, Award.Nominated | Award.Decided | Award.Revoked):
            return [(AWARDS.name, (fact.stream_id,))]
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if isinstance(ev, RuleSet.Published):
            return {(RULE_SETS.name, (fact.stream_id,)): _rule_set_row(fact, ev)}
        ref: RowRef = (AWARDS.name, (fact.stream_id,))
        if isinstance(ev, Award.Nominated):
            return {ref: _nominated_row(fact, ev)}
        current = rows.get(ref)
        if current is None:
            return {}
        if isinstance(ev, Award.Decided):
            return {ref: dict(current, **_decided_fields(fact, ev))}
        return {
            ref: dict(current, status=AwardStatus.REVOKED.value, revoked_position=fact.position)
        }


def _rule_set_row(fact: Fact, ev: RuleSet.Published) -> Row:
    return {
        "id": fact.stream_id,
        "award_kind": ev.award_kind,
        "version": ev.version,
        "effective_from": ev.effective_from,
        "criteria": ev.criteria,
        "content_hash": ev.content_hash,
        "position": fact.position,
    }


def _nominated_row(fact: Fact, ev: Award.Nominated) -> Row:
    return {
        "id": fact.stream_id,
        "employee_id": ev.employee_id,
        "unit_code": ev.unit_code,
        "kind": ev.kind,
        "status": AwardStatus.NOMINATED.value,
        "nominated_on": local_day(fact.recorded_at),
        "nominated_position": fact.position,
        "outcome": None,
        "eligible": None,
        "flagged": False,
        "decided_at": None,
        "decided_on": None,
        "decided_position": None,
        "facts_position": None,
        "rule_set_id": None,
        "rule_set_version": None,
        "rule_set_hash": None,
        "criteria": None,
        "revoked_position": None,
    }


def _decided_fields(fact: Fact, ev: Award.Decided) -> Row:
    return {
        "status": ev.outcome,
        "outcome": ev.outcome,
        "eligible": ev.eligible,
        "flagged": ev.flagged,
        "decided_at": fact.recorded_at,
        "decided_on": ev.decided_on,
        "decided_position": fact.position,
        "facts_position": ev.facts_position,
        "rule_set_id": ev.rule_set_id,
        "rule_set_version": ev.rule_set_version,
        "rule_set_hash": ev.rule_set_hash,
        "criteria": ev.criteria,
    }


@dataclass(frozen=True)
class RuleSetView:
    """A published rule set version."""

    id: UUID
    award_kind: str
    version: int
    effective_from: date
    criteria: list[dict[str, Any]]
    content_hash: str
    position: int


@dataclass(frozen=True)
class AwardView:
    """An award case: nomination, decision (if any), revocation (if any)."""

    id: UUID
    employee_id: UUID
    unit_code: str
    kind: str
    status: str
    nominated_on: date
    nominated_position: int
    outcome: str | None
    eligible: bool | None
    flagged: bool
    decided_at: datetime | None
    decided_on: date | None
    decided_position: int | None
    facts_position: int | None
    rule_set_id: UUID | None
    rule_set_version: int | None
    rule_set_hash: str | None
    criteria: list[dict[str, Any]] | None
    revoked_position: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AwardView:
        return cls(**{f: row[f] for f in cls.__dataclass_fields__})


async def rule_sets(db: Reader) -> list[RuleSetView]:
    """Every published rule set, by kind and version."""
    rows = await db.fetch(f"SELECT * FROM {RULE_SETS.name} ORDER BY award_kind, version")
    return [RuleSetView(**dict(r)) for r in rows]


async def award_by_id(db: Reader, award_id: UUID) -> AwardView | None:
    """One award case."""
    row = await db.fetchrow(f"SELECT * FROM {AWARDS.name} WHERE id = $1", award_id)
    return AwardView.from_row(row) if row else None


async def awards_of(db: Reader, employee_ids: list[UUID]) -> dict[UUID, list[AwardView]]:
    """The award cases of each employee, oldest first (batched)."""
    rows = await db.fetch(
        f"SELECT * FROM {AWARDS.name} WHERE employee_id = ANY($1::uuid[])"
        " ORDER BY nominated_position",
        employee_ids,
    )
    found: dict[UUID, list[AwardView]] = {i: [] for i in employee_ids}
    for r in rows:
        found[r["employee_id"]].append(AwardView.from_row(r))
    return found


async def decisions_page(
    db: Reader, *, flagged: bool | None, unit_code: str | None, after: int, limit: int
) -> list[AwardView]:
    """Decided award cases in decision order (keyset on the decision's position)."""
    rows = await db.fetch(
        f"SELECT * FROM {AWARDS.name} WHERE decided_position IS NOT NULL"
        " AND ($1::boolean IS NULL OR flagged = $1) AND ($2::text IS NULL OR unit_code = $2)"
        " AND decided_position > $3 ORDER BY decided_position LIMIT $4",
        flagged,
        unit_code,
        after,
        limit,
    )
    return [AwardView.from_row(r) for r in rows]


async def granted_opportunities(db: Reader, employee_id: UUID) -> list[AwardView]:
    """Granted, unrevoked PRIORITAS_PENGEMBANGAN_KOMPETENSI awards of an employee."""
    rows = await db.fetch(
        f"SELECT * FROM {AWARDS.name} WHERE employee_id = $1 AND kind = $2 AND status = $3"
        " ORDER BY decided_position",
        employee_id,
        AwardKind.PRIORITAS_PENGEMBANGAN_KOMPETENSI.value,
        AwardStatus.GRANTED.value,
    )
    return [AwardView.from_row(r) for r in rows]


@dataclass(frozen=True)
class FairnessCounts:
    """Raw counts of one (unit, gender) group; suppression happens where they are shown."""

    unit_code: str
    gender: str
    eligible: int
    nominated: int
    granted: int


async def fairness_counts(db: Reader, kind: str, year: int) -> list[FairnessCounts]:
    """Per unit (at nomination) and gender: nominees found eligible, nominated, granted.

    Counted over the nominations of the year for one award kind; `granted` leaves out grants
    revoked since; gender is the directory's (UNKNOWN when not recorded or erased).
    """
    rows = await db.fetch(
        f"SELECT a.unit_code, coalesce(e.gender, 'UNKNOWN') AS gender,"
        " count(*) FILTER (WHERE a.eligible) AS eligible, count(*) AS nominated,"
        " count(*) FILTER (WHERE a.status = 'GRANTED') AS granted"
        f" FROM {AWARDS.name} a LEFT JOIN directory_employees e ON e.id = a.employee_id"
        " WHERE a.kind = $1 AND extract(year FROM a.nominated_on) = $2"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        kind,
        year,
    )
    return [FairnessCounts(**dict(r)) for r in rows]
