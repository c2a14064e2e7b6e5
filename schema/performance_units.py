"""The performance fields of a unit: distribution, completion rate and its performance year."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.distribution import OrganizationPredicate
from domain.rating import Period
from projections import unit_view
from schema.context import Info, subject_of
from schema.descriptions import ACTOR_ROLE, PERIOD, YEAR
from schema.enums import OrganizationPredicateEnum, PeriodEnum, PredicateEnum
from service.auth.policy import VIEW_READERS

OVERRIDE_EVENT = "UnitYearDistributionOverrideRecorded"


@strawberry.type(description="How many final evaluations have one predicate.")
class PredicateCount:
    predicate: PredicateEnum = strawberry.field(  # type: ignore[valid-type]
        description="The predicate counted."
    )
    count: int = strawberry.field(description="How many final evaluations have it (0 or more).")


@strawberry.type(description="A recorded distribution override.")
class DistributionOverride:
    justification: str | None = strawberry.field(  # free text: null for those who may not read it
        description="Why the bounds were overridden; free text, null without the right to read it."
    )
    recorded_at: str = strawberry.field(description="When it was recorded (ISO 8601, UTC).")
    actor_role: str | None = strawberry.field(description=ACTOR_ROLE)


@strawberry.type(description="A unit's performance year: organisation predicate and overrides.")
class UnitPerformanceYear:
    year: int = strawberry.field(description=YEAR)
    organization_predicate: OrganizationPredicateEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The predicate HR set for the unit this year; null: not set (no bounds)."
    )
    overrides: list[DistributionOverride] = strawberry.field(
        description="Overrides recorded to finalise outside the distribution bounds."
    )
    flagged_evaluations: int = strawberry.field(
        description="How many evaluations were finalised under an override (for inspectors)."
    )


@strawberry.type(name="UnitPerformance")
class UnitPerformanceFields:
    """The performance fields of Unit (composed into it in schema/links.py)."""

    code: str

    @strawberry.field(description="Final predicates of the unit in a year and period.")
    async def distribution(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description=YEAR)],
        period: Annotated[PeriodEnum, strawberry.argument(description=PERIOD)],  # type: ignore[valid-type]
    ) -> list[PredicateCount]:
        info.context.reader(*VIEW_READERS)
        counts = await unit_view.distribution(
            info.context.services.pool, self.code, year, Period(period).value
        )
        return [PredicateCount(predicate=p, count=n) for p, n in counts]

    @strawberry.field(description="Final evaluations / active employees (0..1).")
    async def completion_rate(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description=YEAR)],
        period: Annotated[PeriodEnum, strawberry.argument(description=PERIOD)],  # type: ignore[valid-type]
    ) -> float:
        info.context.reader(*VIEW_READERS)
        final, active = await unit_view.completion(
            info.context.services.pool, self.code, year, Period(period).value
        )
        return final / active if active else 0.0

    @strawberry.field(description="The unit's year: organisation predicate and overrides.")
    async def performance_year(
        self, info: Info, year: Annotated[int, strawberry.argument(description=YEAR)]
    ) -> UnitPerformanceYear | None:
        info.context.reader(*VIEW_READERS)
        found = await unit_view.unit_year(info.context.services.pool, self.code, year)
        if found is None:
            return None
        org = found.organization_predicate
        unit = subject_of(None, self.code)
        access = info.context.access
        return UnitPerformanceYear(
            year=found.year,
            organization_predicate=OrganizationPredicate(org) if org else None,
            overrides=[
                DistributionOverride(
                    justification=access.reveal(
                        o.justification, OVERRIDE_EVENT, "override_justification", unit
                    ),
                    recorded_at=o.recorded_at,
                    actor_role=o.actor_role,
                )
                for o in found.overrides
            ],
            flagged_evaluations=found.flagged,
        )
