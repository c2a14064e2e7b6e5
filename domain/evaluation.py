"""The evaluation of one employee for one period: submitted, corrected, finalised, objected to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.assessment import Assessment, AssessmentDraft, assess
from domain.errors import RuleBroken

# local_day stays importable from here (handlers and tests import it with the evaluation).
from domain.local_time import local_day as local_day
from domain.plan import PerformancePlan, PlanTarget
from domain.rating import Period, Predicate, objection_allowed
from domain.unit_year import DistributionOutcome
from domain.values import require_text

_EVALUATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:evaluation")


def evaluation_stream_id(employee_id: UUID, year: int, period: Period) -> UUID:
    """One evaluation stream per employee and period: a period is evaluated once."""
    return uuid5(_EVALUATION_NAMESPACE, f"{employee_id}:{year}:{period.value}")


class EvaluationStatus(StrEnum):
    """Where an evaluation stands in its lifecycle."""

    SUBMITTED = "SUBMITTED"
    FINAL = "FINAL"
    OBJECTED = "OBJECTED"
    REVISED = "REVISED"
    OBJECTION_REJECTED = "OBJECTION_REJECTED"


class Evaluation(Aggregate):
    """An employee's evaluation for one period of a year; every event names whose and which."""

    class Submitted(Aggregate.Created):
        """The evaluator submitted the evaluation (a draft until finalised)."""

        employee_id: UUID
        unit_code: str
        year: int
        period: str
        plan_id: UUID
        target_ratings: list[dict[str, Any]]
        suggested_results_rating: str
        results_rating: str
        rating_justification: str | None
        behaviour_rating: str
        behaviour_notes: dict[str, str]
        feedback: str
        development_needs: list[str]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.assessment = Assessment.of_event(self)

    class Corrected(Aggregate.Event):
        """The evaluator corrected the draft before finalising it, saying why."""

        employee_id: UUID
        unit_code: str
        year: int
        period: str
        reason: str
        target_ratings: list[dict[str, Any]]
        suggested_results_rating: str
        results_rating: str
        rating_justification: str | None
        behaviour_rating: str
        behaviour_notes: dict[str, str]
        feedback: str
        development_needs: list[str]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.assessment = Assessment.of_event(self)

    class Finalised(Aggregate.Event):
        """The evaluator finalised the evaluation; the predicate is fixed from the matrix."""

        employee_id: UUID
        unit_code: str
        year: int
        period: str
        predicate: str
        results_rating: str
        behaviour_rating: str
        development_needs: list[str]
        finalised_on: date
        distribution_rule_version: int | None
        organization_predicate: str | None
        distribution_flagged: bool
        override_justification: str | None

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.status = EvaluationStatus.FINAL
            aggregate.predicate = Predicate(self.predicate)
            aggregate.finalised_on = self.finalised_on
            aggregate.finalised_version = self.originator_version

    class ObjectionFiled(Aggregate.Event):
        """The employee objected (keberatan) to the final evaluation."""

        employee_id: UUID
        unit_code: str
        year: int
        period: str
        objection_reason: str
        filed_on: date

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.status = EvaluationStatus.OBJECTED

    class ObjectionUpheld(Aggregate.Event):
        """HR upheld the objection: a revision with new ratings, referencing the original."""

        employee_id: UUID
        unit_code: str
        year: int
        period: str
        reason: str
        revises_version: int
        previous_predicate: str
        predicate: str
        previous_development_needs: list[str]
        target_ratings: list[dict[str, Any]]
        suggested_results_rating: str
        results_rating: str
        rating_justification: str | None
        behaviour_rating: str
        behaviour_notes: dict[str, str]
        feedback: str
        development_needs: list[str]
        distribution_rule_version: int | None
        organization_predicate: str | None
        distribution_flagged: bool
        override_justification: str | None

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.status = EvaluationStatus.REVISED
            aggregate.assessment = Assessment.of_event(self)
            aggregate.predicate = Predicate(self.predicate)

    class ObjectionRejected(Aggregate.Event):
        """HR rejected the objection; the final evaluation stands."""

        employee_id: UUID
        unit_code: str
        year: int
        period: str
        reason: str
        predicate: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Evaluation)
            aggregate.status = EvaluationStatus.OBJECTION_REJECTED

    def __init__(
        self, employee_id: UUID, unit_code: str, year: int, period: str, plan_id: UUID
    ) -> None:
        # The assessment comes from the Submitted event's own fields (Submitted.apply).
        self.employee_id = employee_id
        self.unit_code = unit_code
        self.year = year
        self.period = Period(period)
        self.plan_id = plan_id
        self.assessment: Assessment
        self.status = EvaluationStatus.SUBMITTED
        self.predicate: Predicate | None = None
        self.finalised_on: date | None = None
        self.finalised_version = 0

    def _fields(self) -> dict[str, Any]:
        return {
            "employee_id": self.employee_id,
            "unit_code": self.unit_code,
            "year": self.year,
            "period": self.period.value,
        }

    @classmethod
    def submit(
        cls,
        plan: PerformancePlan,
        unit_code: str,
        period: Period,
        draft: AssessmentDraft,
        at: datetime,
    ) -> Evaluation:
        """Submit an evaluation of the plan's targets; it stays a draft until finalised."""
        assessment = assess(plan.target_list, draft)
        return cls._create(
            cls.Submitted,
            id=evaluation_stream_id(plan.employee_id, plan.year, period),
            timestamp=at,
            employee_id=plan.employee_id,
            unit_code=unit_code,
            year=plan.year,
            period=period.value,
            plan_id=plan.id,
            **assessment.to_data(),
        )

    def correct(
        self, targets: Sequence[PlanTarget], draft: AssessmentDraft, reason: str, at: datetime
    ) -> None:
        """Replace the draft's assessment before finalisation; the reason is required."""
        self.require_status(EvaluationStatus.SUBMITTED, "only a submitted draft can be corrected")
        why = require_text("reason", reason, max_length=2000)
        assessment = assess(targets, draft)
        self.trigger_event(
            self.Corrected, timestamp=at, reason=why, **assessment.to_data(), **self._fields()
        )

    def finalise(self, outcome: DistributionOutcome | None, at: datetime) -> None:
        """Fix the predicate from the matrix (never from input)."""
        self.require_status(EvaluationStatus.SUBMITTED, "the evaluation is already final")
        a = self.assessment
        self.trigger_event(
            self.Finalised,
            timestamp=at,
            predicate=a.predicate.value,
            results_rating=a.results_rating.value,
            behaviour_rating=a.behaviour_rating.value,
            development_needs=a.development_needs,
            finalised_on=local_day(at),
            **DistributionOutcome.event_fields(outcome),
            **self._fields(),
        )

    def file_objection(self, reason: str, at: datetime) -> None:
        """The employee objects within 14 days of finalisation, once."""
        self.require_status(EvaluationStatus.FINAL, "only a final evaluation without objection")
        why = require_text("reason", reason, max_length=4000)
        assert self.finalised_on is not None
        filed_on = local_day(at)
        if not objection_allowed(self.finalised_on, filed_on):
            raise RuleBroken(
                "objection_window",
                f"an objection is filed within 14 days of finalisation ({self.finalised_on})",
            )
        self.trigger_event(
            self.ObjectionFiled,
            timestamp=at,
            objection_reason=why,
            filed_on=filed_on,
            **self._fields(),
        )

    def uphold_objection(
        self,
        assessment: Assessment,
        reason: str,
        outcome: DistributionOutcome | None,
        at: datetime,
    ) -> None:
        """Revise the evaluation with new ratings; the revision references the original."""
        self.require_status(EvaluationStatus.OBJECTED, "there is no open objection")
        assert self.predicate is not None
        self.trigger_event(
            self.ObjectionUpheld,
            timestamp=at,
            reason=require_text("reason", reason, max_length=4000),
            revises_version=self.finalised_version,
            previous_predicate=self.predicate.value,
            predicate=assessment.predicate.value,
            previous_development_needs=self.assessment.development_needs,
            **assessment.to_data(),
            **DistributionOutcome.event_fields(outcome),
            **self._fields(),
        )

    def reject_objection(self, reason: str, at: datetime) -> None:
        """Keep the final evaluation as it is."""
        self.require_status(EvaluationStatus.OBJECTED, "there is no open objection")
        assert self.predicate is not None
        self.trigger_event(
            self.ObjectionRejected,
            timestamp=at,
            reason=require_text("reason", reason, max_length=4000),
            predicate=self.predicate.value,
            **self._fields(),
        )

    def require_status(self, status: EvaluationStatus, message: str) -> None:
        """Refuse a step the lifecycle does not allow from the current status."""
        if self.status is not status:
            raise RuleBroken("evaluation_status", f"{message} (it is {self.status.value})")
