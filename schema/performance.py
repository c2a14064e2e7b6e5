"""Performance management: the evaluation types and the performance fields of employees.

Evaluation and Employee are composed in schema/links.py (they link to each other)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader

from domain.evaluation import EvaluationStatus
from domain.rating import Period, PotentialLevel, Predicate, Rating
from projections import performance_reads as reads
from projections.directory import EmployeeView
from projections.performance_reads import EvaluationStep, EvaluationView
from projections.sql import Reader
from schema.context import Info
from schema.descriptions import ACTOR_ROLE, POSITION, RECORDED_AT
from schema.enums import (
    EvaluationStatusEnum,
    PeriodEnum,
    PotentialLevelEnum,
    PredicateEnum,
    RatingEnum,
)
from schema.loaders import loader
from schema.node import Node
from schema.performance_detail import EvaluationDetailFields


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
    position: int = strawberry.field(description=POSITION)
    type: str = strawberry.field(description="Submitted, Corrected, Finalised, ObjectionFiled, ...")
    recorded_at: datetime = strawberry.field(description=RECORDED_AT)
    actor_role: str | None = strawberry.field(description=ACTOR_ROLE)
    status: EvaluationStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="The status the evaluation had after this event."
    )
    predicate: PredicateEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The predicate after this event; null before finalisation."
    )
    reason: str | None = strawberry.field(
        description="Why (corrections, objection decisions); free text."
    )

    @classmethod
    def of(cls, step: EvaluationStep, reason: str | None) -> EvaluationEventType:
        """The event as the caller reads it (`reason` as they may read it)."""
        return cls(
            position=step.position,
            type=step.event_type,
            recorded_at=step.recorded_at,
            actor_role=step.actor_role,
            status=EvaluationStatus(step.status),
            predicate=Predicate(step.predicate) if step.predicate else None,
            reason=reason,
        )


async def _override_justification(root: EvaluationFields, info: Info) -> str | None:
    view = await info.context.loaders["employee"].load(root.view.employee_id)
    text = root.view.override_justification
    return info.context.reveal(text, "EvaluationFinalised", "override_justification", view)


@strawberry.type(name="EvaluationFields")
class EvaluationFields(Node, EvaluationDetailFields):
    """The fields of Evaluation before its employee (composed in schema/links.py)."""

    view: strawberry.Private[EvaluationView]
    # Set when reached from an employee of `employeeAsOf`: reads go to that replay.
    as_of: strawberry.Private[Reader | None] = None

    year: int = strawberry.field(description="The cycle's calendar year.")
    period: PeriodEnum = strawberry.field(  # type: ignore[valid-type]
        description="The quarter or TAHUNAN (annual) it evaluates."
    )
    status: EvaluationStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands: submitted, final, objected, revised or rejected."
    )
    predicate: PredicateEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Derived from the matrix when finalised; null before."
    )
    previous_predicate: PredicateEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The predicate an upheld objection revised."
    )
    suggested_results_rating: RatingEnum = strawberry.field(  # type: ignore[valid-type]
        description="Suggested from the per-target ratings; another needs a justification."
    )
    results_rating: RatingEnum = strawberry.field(  # type: ignore[valid-type]
        description="The rating of the work results (realisation of the SKP targets)."
    )
    behaviour_rating: RatingEnum = strawberry.field(  # type: ignore[valid-type]
        description="The overall rating of behaviour against the BerAKHLAK values."
    )
    development_needs: list[str] = strawberry.field(description="Competency areas to develop.")
    distribution_rule_version: int | None = strawberry.field(
        description="Version of the distribution rules used (annual only)."
    )
    flagged: bool = strawberry.field(
        description="Finalised outside the bounds under a recorded override."
    )
    override_justification: str | None = strawberry.field(
        resolver=_override_justification,
        description="The unit's distribution override it was finalised under.",
    )
    finalised_on: date | None = strawberry.field(
        description="The date (WIB) it was finalised; null while only submitted."
    )
    version: int = strawberry.field(description="Stream version: pass it as `expectedVersion`.")

    @classmethod
    def of(cls, view: EvaluationView, as_of: Reader | None = None) -> Self:
        """The evaluation of this view (an Evaluation when called on it), read as of `as_of`."""
        previous = view.previous_predicate
        return cls(
            view=view,
            as_of=as_of,
            year=view.year,
            period=Period(view.period),
            status=EvaluationStatus(view.status),
            predicate=Predicate(view.predicate) if view.predicate else None,
            previous_predicate=Predicate(previous) if previous else None,
            suggested_results_rating=Rating(view.suggested_results_rating),
            results_rating=Rating(view.results_rating),
            behaviour_rating=Rating(view.behaviour_rating),
            development_needs=list(view.development_needs),
            distribution_rule_version=view.distribution_rule_version,
            flagged=view.distribution_flagged,
            finalised_on=view.finalised_on,
            version=view.version,
        )

    @strawberry.field(
        description="The evaluation's stream id (UUID); pass it to `evaluation(id:)`."
    )
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.id))


@strawberry.type(name="EvaluationHistory")
class EvaluationHistoryFields:
    """The fields of Evaluation after its employee: its history."""

    view: strawberry.Private[EvaluationView]

    @strawberry.field(description="Every event of this evaluation, in log order.")
    async def history(self, info: Info) -> list[EvaluationEventType]:
        steps = await reads.history(info.context.services.pool, self.view.id)
        view = await info.context.loaders["employee"].load(self.view.employee_id)
        reveal = info.context.reveal
        return [
            EvaluationEventType.of(s, reveal(s.reason, f"Evaluation{s.event_type}", "reason", view))
            for s in steps
        ]


@strawberry.type(name="EmployeePerformance")
class EmployeePerformanceFields:
    """The performance fields of Employee after `evaluations` (composed in schema/links.py)."""

    view: strawberry.Private[EmployeeView]

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


async def evaluations_of(
    info: Info, employee_id: UUID, owner: object = None
) -> list[EvaluationView]:
    """The employee's evaluations by year and period (as of `owner`'s replay, if any)."""
    found: list[EvaluationView] = await _by_employee(
        info, "evaluations", reads.evaluations_of, [], owner
    ).load(employee_id)
    return found
