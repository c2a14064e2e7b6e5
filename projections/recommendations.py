"""Training recommendations of one employee, read from the views: their open needs, the
catalogue, what they completed, their unit's sector and their advanced-training opportunities."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.enrolment_rules import (
    AdvancedTrainingOpportunity,
    advanced_training_allowed,
    competency_area_key,
)
from domain.recommendation import Candidate, Recommendation, recommend
from projections.awards import granted_opportunities
from projections.catalogue import CATALOGUE, PARTICIPANTS
from projections.directory import EmployeeView, unit_by_code
from projections.performance_reads import open_needs
from projections.sql import Reader

# Enough candidates for every need of one person; the answer is bounded again by `recommend`.
MAX_CANDIDATES = 500


async def recommended_trainings(
    db: Reader, employee: EmployeeView, today: date
) -> list[Recommendation]:
    """The recommendations, best first (see domain.recommendation for the rule)."""
    needs = (await open_needs(db, [employee.id]))[employee.id]
    if not needs:
        return []
    rows = await db.fetch(
        f"SELECT c.id, c.code, c.competency_area, c.sector, c.advanced, c.retired,"
        f" coalesce(p.completions, 0) > 0 AS completed FROM {CATALOGUE.name} c"
        f" LEFT JOIN {PARTICIPANTS.name} p ON p.program_id = c.id AND p.employee_id = $2"
        " WHERE c.area_key = ANY($1::text[]) AND NOT c.retired ORDER BY c.code LIMIT $3",
        sorted({competency_area_key(n) for n in needs}),
        employee.id,
        MAX_CANDIDATES,
    )
    candidates = [
        Candidate(
            program_id=r["id"],
            code=r["code"],
            competency_area=r["competency_area"],
            sector=r["sector"],
            advanced=r["advanced"],
            retired=r["retired"],
            completed=r["completed"],
        )
        for r in rows
    ]
    unit = await unit_by_code(db, employee.unit_code)
    allowed = advanced_training_allowed(await advanced_opportunities(db, employee.id), today)
    return recommend(needs, candidates, unit.sector if unit else None, allowed)


async def advanced_opportunities(
    db: Reader, employee_id: UUID
) -> list[AdvancedTrainingOpportunity]:
    """One opportunity per granted, unrevoked PRIORITAS_PENGEMBANGAN_KOMPETENSI award."""
    found = await granted_opportunities(db, employee_id)
    # The training rule compares with the UTC date of the enrolment, so give it a UTC date.
    return [
        AdvancedTrainingOpportunity(award_id=a.id, granted_on=a.decided_at.date())
        for a in found
        if a.decided_at is not None
    ]
