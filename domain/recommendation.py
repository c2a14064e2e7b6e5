"""Which programmes to recommend to an employee, and why.

A programme is recommended when it develops one of the employee's open development needs (by
competency area), is still offered, has not been completed by them, and, if it is advanced
training, only when they hold a granted opportunity for it. Programmes of the sector of the
employee's unit come first, then programmes without a sector, then those of other sectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.enrolment_rules import competency_area_key
from domain.organisation import sector_key

MAX_RECOMMENDATIONS = 20


@dataclass(frozen=True)
class Candidate:
    """A programme of the catalogue as the recommendation looks at it."""

    program_id: UUID
    code: str
    competency_area: str
    sector: str | None
    advanced: bool
    retired: bool
    completed: bool


@dataclass(frozen=True)
class Recommendation:
    """A recommended programme and the reason, in words."""

    program_id: UUID
    need: str
    reason: str


def sector_rank(program_sector: str | None, unit_sector: str | None) -> int:
    """0: the unit's sector; 1: a programme for every sector; 2: another sector."""
    if program_sector is None:
        return 1
    if unit_sector is not None and sector_key(program_sector) == sector_key(unit_sector):
        return 0
    return 2


def _reason(need: str, c: Candidate, unit_sector: str | None) -> str:
    parts = [f"develops the open development need {need!r}"]
    rank = sector_rank(c.sector, unit_sector)
    if rank == 0:
        parts.append(f"meant for the sector of the employee's unit ({c.sector})")
    elif rank == 1:
        parts.append("open to every sector")
    else:
        unit = f"the unit's is {unit_sector}" if unit_sector else "the unit declares none"
        parts.append(f"meant for the sector {c.sector} ({unit})")
    if c.advanced:
        parts.append("advanced training, open to the employee by a granted opportunity")
    return "; ".join(parts)


def recommend(
    open_needs: Sequence[str],
    candidates: Sequence[Candidate],
    unit_sector: str | None,
    advanced_allowed: bool,
    limit: int = MAX_RECOMMENDATIONS,
) -> list[Recommendation]:
    """The programmes to recommend, best first, each with its reason."""
    needs = {competency_area_key(n): n for n in open_needs}
    eligible = [
        c
        for c in candidates
        if competency_area_key(c.competency_area) in needs
        and not c.retired
        and not c.completed
        and (advanced_allowed or not c.advanced)
    ]
    eligible.sort(key=lambda c: (sector_rank(c.sector, unit_sector), c.code))
    return [
        Recommendation(
            program_id=c.program_id,
            need=(need := needs[competency_area_key(c.competency_area)]),
            reason=_reason(need, c, unit_sector),
        )
        for c in eligible[:limit]
    ]
