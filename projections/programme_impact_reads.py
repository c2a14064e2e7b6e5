"""The programme-impact answer, read from the views: cohorts of employees whose needs a training
closed (or not) and, per unit, the year's training and JP compliance beside its service outcomes.
Raw counts: suppression of small counts happens where they are shown."""

from __future__ import annotations

from dataclasses import dataclass

from domain.programme_impact import NOTE, Cohort, change, cohorts
from projections.directory import all_units
from projections.jp_ledger import unit_compliance
from projections.programme_impact import completions_by_unit, evaluation_histories
from projections.service_outcome_reads import outcomes_of_year
from projections.sql import Reader


@dataclass(frozen=True)
class UnitImpact:
    """A unit's year: training beside service outcomes (raw counts)."""

    unit_code: str
    training_completions: int
    jp_employees: int
    jp_compliant: int
    within_standard_rate_change: float | None
    ikm_change: float | None


@dataclass(frozen=True)
class ProgrammeImpact:
    """The whole answer, with its note that this is association, not causation."""

    note: str
    cohorts: tuple[Cohort, Cohort]
    units: list[UnitImpact]


async def _unit_impact(db: Reader, code: str, year: int, completions: int) -> UnitImpact:
    jp = await unit_compliance(db, code, year)
    periods = await outcomes_of_year(db, code, year)
    rates = [p.within_standard_rate for p in periods]
    ikms = [float(p.survey.ikm) if p.survey else None for p in periods]
    return UnitImpact(
        unit_code=code,
        training_completions=completions,
        jp_employees=jp.employees,
        jp_compliant=jp.compliant,
        within_standard_rate_change=change(rates),
        ikm_change=change(ikms),
    )


async def programme_impact(db: Reader, year: int, unit_code: str | None) -> ProgrammeImpact:
    """Cohorts of the year (of one unit, if named) and the unit rows (one, or every unit)."""
    histories = await evaluation_histories(db, year, unit_code)
    completions = await completions_by_unit(db, year)
    codes = [unit_code] if unit_code else [u.code for u in await all_units(db)]
    units = [await _unit_impact(db, c, year, completions.get(c, 0)) for c in codes]
    return ProgrammeImpact(NOTE, cohorts(histories, year, unit_code), units)
