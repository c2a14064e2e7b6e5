"""Programme impact: cohorts and unit rows, small counts suppressed as in the fairness summary."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError

from domain.programme_impact import Cohort
from projections import programme_impact_reads as reads
from projections.directory import unit_by_code
from schema.award_queries import MIN_SHOWN, suppressed
from schema.context import Info
from schema.outcomes import checked_unit_code, checked_year
from service.auth.policy import VIEW_READERS


@strawberry.type(name="ImpactCohort", description="Employees of one kind; counts <5 suppressed.")
class ImpactCohortType:
    name: str = strawberry.field(
        description="NEED_CLOSED_BY_TRAINING or NEED_STAYED_OPEN (until the next evaluation)."
    )
    employees: str = strawberry.field(description="Employees with a next final evaluation.")
    improved: str = strawberry.field(description="Of them, those whose predicate improved.")
    improved_rate: float | None = strawberry.field(
        description="improved / employees; null when either count is suppressed."
    )

    @classmethod
    def of(cls, c: Cohort) -> ImpactCohortType:
        shown = c.employees >= MIN_SHOWN and c.improved >= MIN_SHOWN
        return cls(
            name=c.name,
            employees=suppressed(c.employees),
            improved=suppressed(c.improved),
            improved_rate=round(c.improved / c.employees, 4) if shown else None,
        )


@strawberry.type(name="UnitImpact", description="A unit's year: training beside its service.")
class UnitImpactType:
    unit_code: str = strawberry.field(description="The unit the row is about.")
    training_completions: str = strawberry.field(description="Completions of the year; <5 hidden.")
    jp_compliance_rate: float | None = strawberry.field(
        description="Employees who met their JP minimum (0..1); null when a count is below 5."
    )
    within_standard_rate_change: float | None = strawberry.field(
        description="Within-standard rate of the year's last period minus its first."
    )
    ikm_change: float | None = strawberry.field(
        description="IKM of the year's last survey minus its first."
    )

    @classmethod
    def of(cls, u: reads.UnitImpact) -> UnitImpactType:
        shown = u.jp_employees >= MIN_SHOWN and u.jp_compliant >= MIN_SHOWN
        rate_change = u.within_standard_rate_change
        return cls(
            unit_code=u.unit_code,
            training_completions=suppressed(u.training_completions),
            jp_compliance_rate=round(u.jp_compliant / u.jp_employees, 4) if shown else None,
            within_standard_rate_change=None if rate_change is None else round(rate_change, 4),
            ikm_change=None if u.ikm_change is None else round(u.ikm_change, 2),
        )


@strawberry.type(name="ProgrammeImpact", description="Association, not causation.")
class ProgrammeImpactType:
    note: str = strawberry.field(description="How to read the figures: show it with them.")
    cohorts: list[ImpactCohortType] = strawberry.field(
        description="Employees whose need was closed by training, beside those whose stayed open."
    )
    units: list[UnitImpactType] = strawberry.field(
        description="One row per unit, or only the unit asked for."
    )


@strawberry.type
class ProgrammeImpactQuery:
    @strawberry.field(
        description="Training beside performance and service outcomes of a year (staff, partners)."
    )
    async def programme_impact(
        self,
        info: Info,
        year: Annotated[
            int, strawberry.argument(description="Year of the needs and the service periods.")
        ],
        unit_code: Annotated[
            str | None, strawberry.argument(description="Only this unit; null for every unit.")
        ] = None,
    ) -> ProgrammeImpactType:
        info.context.reader(*VIEW_READERS)
        db = info.context.services.pool
        code = None
        if unit_code is not None:
            code = checked_unit_code(unit_code)
            if await unit_by_code(db, code) is None:
                raise GraphQLError(f"no unit {code}", extensions={"code": "NOT_FOUND"})
        found = await reads.programme_impact(db, checked_year(year), code)
        return ProgrammeImpactType(
            note=found.note,
            cohorts=[ImpactCohortType.of(c) for c in found.cohorts],
            units=[UnitImpactType.of(u) for u in found.units],
        )
