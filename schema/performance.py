"""Performance management: evaluation types, the performance fields of employees and units."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from domain.distribution import OrganizationPredicate
from domain.evaluation import EvaluationStatus
from domain.rating import Period, PotentialLevel, Predicate, Rating
from projections import performance_reads as reads
from projections import unit_view
from projections.directory import EmployeeView
from projections.performance_reads import EvaluationStep, EvaluationView
from projections.sql import Reader
from schema.context import STAFF_AND_PARTNERS, Info, subject_of
from schema.descriptions import ACTOR_ROLE, PERIOD, POSITION, RECORDED_AT, YEAR
from schema.enums import (
    CoreValueEnum,
    EvaluationStatusEnum,
    OrganizationPredicateEnum,
    PeriodEnum,
    PotentialLevelEnum,
    PredicateEnum,
    RatingEnum,
)
from schema.loaders import Loads, loader
from schema.node import Node
from schema.performance_detail import EvaluationDetailFields

if TYPE_CHECKING:
    from schema.organisation import EmployeeType

OVERRIDE_EVENT = "UnitYearDistributionOverrideRecorded"

# Other schema modules import these from here (they were defined here before).
__all__ = [
    "CoreValueEnum",
    "EvaluationStatusEnum",
    "Loads",
    "OrganizationPredicateEnum",
    "PeriodEnum",
    "PotentialLevelEnum",
    "PredicateEnum",
    "RatingEnum",
    "loader",
]


def _by_employee(
    info: Info, name: str, query: Any, default: Any, owner: object = None
) -> DataLoader[Any, Any]:
    db = info.context.db_for(owner)

    async def load(ids: list[UUID]) -> list[Any]:
        found = await query(db, ids)
        return [found.get(i, default) for i in ids]

    return loader(info, name, load, owner)


@strawberry.type(name="EvaluationEvent", description="One event in an evaluation's history.")
class EvaluationEventType:
    step: strawberry.Private[EvaluationStep]
    shown_reason: strawberry.Private[str | None]

    @strawberry.field(description=POSITION)
    def position(self) -> int:
        return self.step.position

    @strawberry.field(description="Submitted, Corrected, Finalised, ObjectionFiled, ...")
    def type(self) -> str:
        return self.step.event_type

    @strawberry.field(description=RECORDED_AT)
    def recorded_at(self) -> datetime:
        return self.step.recorded_at

    @strawberry.field(description=ACTOR_ROLE)
    def actor_role(self) -> str | None:
        return self.step.actor_role

    @strawberry.field(description="The status the evaluation had after this event.")
    def status(self) -> EvaluationStatusEnum:  # type: ignore[valid-type]
        return EvaluationStatus(self.step.status)

    @strawberry.field(description="The predicate after this event; null before finalisation.")
    def predicate(self) -> PredicateEnum | None:  # type: ignore[valid-type]
        return Predicate(self.step.predicate) if self.step.predicate else None

    @strawberry.field(description="Why (corrections, objection decisions); free text.")
    def reason(self) -> str | None:
        return self.shown_reason


@strawberry.type(name="Evaluation", description="An employee's evaluation for one period.")
class EvaluationType(Node, EvaluationDetailFields):
    view: strawberry.Private[EvaluationView]
    # Set when reached from an employee of `employeeAsOf`: reads go to that replay.
    as_of: strawberry.Private[Reader | None] = None

    @strawberry.field(
        description="The evaluation's stream id (UUID); pass it to `evaluation(id:)`."
    )
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))

    @strawberry.field(description="The cycle's calendar year.")
    def year(self) -> int:
        return self.view.year

    @strawberry.field(description="The quarter or TAHUNAN (annual) it evaluates.")
    def period(self) -> PeriodEnum:  # type: ignore[valid-type]
        return Period(self.view.period)

    @strawberry.field(
        description="Where it stands: submitted, final, objected, revised or rejected."
    )
    def status(self) -> EvaluationStatusEnum:  # type: ignore[valid-type]
        return EvaluationStatus(self.view.status)

    @strawberry.field(description="Derived from the matrix when finalised; null before.")
    def predicate(self) -> PredicateEnum | None:  # type: ignore[valid-type]
        return Predicate(self.view.predicate) if self.view.predicate else None

    @strawberry.field(description="The predicate an upheld objection revised.")
    def previous_predicate(self) -> PredicateEnum | None:  # type: ignore[valid-type]
        p = self.view.previous_predicate
        return Predicate(p) if p else None

    @strawberry.field(
        description="Suggested from the per-target ratings; another needs a justification."
    )
    def suggested_results_rating(self) -> RatingEnum:  # type: ignore[valid-type]
        return Rating(self.view.suggested_results_rating)

    @strawberry.field(
        description="The rating of the work results (realisation of the SKP targets)."
    )
    def results_rating(self) -> RatingEnum:  # type: ignore[valid-type]
        return Rating(self.view.results_rating)

    @strawberry.field(description="The overall rating of behaviour against the BerAKHLAK values.")
    def behaviour_rating(self) -> RatingEnum:  # type: ignore[valid-type]
        return Rating(self.view.behaviour_rating)

    @strawberry.field(description="Competency areas to develop.")
    def development_needs(self) -> list[str]:
        return list(self.view.development_needs)

    @strawberry.field(description="Version of the distribution rules used (annual only).")
    def distribution_rule_version(self) -> int | None:
        return self.view.distribution_rule_version

    @strawberry.field(description="Finalised outside the bounds under a recorded override.")
    def flagged(self) -> bool:
        return self.view.distribution_flagged

    @strawberry.field(description="The unit's distribution override it was finalised under.")
    async def override_justification(self, info: Info) -> str | None:
        view = await info.context.loaders["employee"].load(self.view.employee_id)
        text = self.view.override_justification
        return info.context.reveal(text, "EvaluationFinalised", "override_justification", view)

    @strawberry.field(description="The date (WIB) it was finalised; null while only submitted.")
    def finalised_on(self) -> date | None:
        return self.view.finalised_on

    @strawberry.field(description="Stream version: pass it as `expectedVersion`.")
    def version(self) -> int:
        return self.view.version

    @strawberry.field(description="The evaluated employee; null if the caller may not read them.")
    async def employee(
        self, info: Info
    ) -> Annotated[EmployeeType, strawberry.lazy("schema.organisation")] | None:
        from schema.organisation import EmployeeType

        view = await info.context.loaders["employee"].load(self.view.employee_id)
        return EmployeeType(view=view) if view else None

    @strawberry.field(description="Every event of this evaluation, in log order.")
    async def history(self, info: Info) -> list[EvaluationEventType]:
        steps = await reads.history(info.context.services.pool, self.view.id)
        view = await info.context.loaders["employee"].load(self.view.employee_id)
        return [
            EvaluationEventType(
                step=s,
                shown_reason=info.context.reveal(
                    s.reason, f"Evaluation{s.event_type}", "reason", view
                ),
            )
            for s in steps
        ]


@strawberry.type(name="EmployeePerformance")
class EmployeePerformanceFields:
    """The performance fields of Employee (composed into it in schema/organisation.py)."""

    view: strawberry.Private[EmployeeView]

    @strawberry.field(description="Evaluations by year and period.")
    async def evaluations(self, info: Info) -> list[EvaluationType]:
        found = await _by_employee(info, "evaluations", reads.evaluations_of, [], self).load(
            self.view.id
        )
        as_of = getattr(self, "as_of", None)
        return [EvaluationType(view=v, as_of=as_of) for v in found]

    @strawberry.field(description="The predicate of the latest final evaluation.")
    async def current_predicate(self, info: Info) -> PredicateEnum | None:  # type: ignore[valid-type]
        standing = await _standing(info, self.view.id, self)
        return Predicate(standing.current_predicate) if standing.current_predicate else None

    @strawberry.field(description="The latest recorded potential level.")
    async def potential_level(self, info: Info) -> PotentialLevelEnum | None:  # type: ignore[valid-type]
        standing = await _standing(info, self.view.id, self)
        return PotentialLevel(standing.potential_level) if standing.potential_level else None

    @strawberry.field(description="Talent 9-box (1 low/low .. 9 high/high); null if unknown.")
    async def talent_box(self, info: Info) -> int | None:
        return (await _standing(info, self.view.id, self)).talent_box

    @strawberry.field(description="Open development needs (competency areas).")
    async def development_needs(self, info: Info) -> list[str]:
        found: list[str] = await _by_employee(info, "needs", reads.open_needs, [], self).load(
            self.view.id
        )
        return found


async def _standing(info: Info, employee_id: UUID, owner: object = None) -> reads.Standing:
    none = reads.Standing(None, None, None)
    standings = _by_employee(info, "standings", reads.standings, none, owner)
    found: reads.Standing = await standings.load(employee_id)
    return found


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
    """The performance fields of Unit (composed into it in schema/organisation.py)."""

    code: str

    @strawberry.field(description="Final predicates of the unit in a year and period.")
    async def distribution(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description=YEAR)],
        period: Annotated[PeriodEnum, strawberry.argument(description=PERIOD)],  # type: ignore[valid-type]
    ) -> list[PredicateCount]:
        info.context.reader(*STAFF_AND_PARTNERS)
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
        info.context.reader(*STAFF_AND_PARTNERS)
        final, active = await unit_view.completion(
            info.context.services.pool, self.code, year, Period(period).value
        )
        return final / active if active else 0.0

    @strawberry.field(description="The unit's year: organisation predicate and overrides.")
    async def performance_year(
        self, info: Info, year: Annotated[int, strawberry.argument(description=YEAR)]
    ) -> UnitPerformanceYear | None:
        info.context.reader(*STAFF_AND_PARTNERS)
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


async def readable_evaluation(info: Info, evaluation_id: str) -> EvaluationType | None:
    """The evaluation if it exists and the caller may read its employee."""
    try:
        stream_id = UUID(evaluation_id.strip())
    except ValueError:
        raise GraphQLError("not a valid id", extensions={"code": "BAD_USER_INPUT"}) from None
    view = await reads.evaluation_by_id(info.context.services.pool, stream_id)
    if view is None:
        return None
    employee = await info.context.loaders["employee"].load(view.employee_id)
    if employee is None or not info.context.may_read_employee(employee):
        return None
    return EvaluationType(view=view)


@strawberry.type
class PerformanceQuery:
    @strawberry.field(description="One evaluation with its history, or null.")
    async def evaluation(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="An evaluation's stream id (UUID).")
        ],
    ) -> EvaluationType | None:
        info.context.reader()
        return await readable_evaluation(info, str(id))
