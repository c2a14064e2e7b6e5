"""Public-service outcomes: the mutations that record standards, deliveries, surveys, complaints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.service_outcomes import DeliveryFigures
from projections.service_outcome_reads import latest_standard, one_period
from schema.context import Info
from schema.errors import MutationError
from schema.mutations import Committed, MutationSuccess, run_command
from schema.outcomes import (
    ComplaintsType,
    SatisfactionSurveyType,
    ServiceDeliveryType,
    ServiceStandardType,
)
from service.handlers.outcomes import (
    PublishStandard,
    RecordComplaints,
    RecordDelivery,
    RecordSurvey,
)


@strawberry.input
class PublishServiceStandardInput:
    unit_code: str
    service_code: str
    name: str
    max_days: int
    effective_from: date
    expected_version: int | None = strawberry.field(
        default=None, description="When versioning an existing standard: its stream version."
    )
    idempotency_key: str | None = None


@strawberry.input
class RecordServiceDeliveryInput:
    unit_code: str
    service_code: str
    period_start: date
    period_end: date
    requests: int
    completed: int
    completed_within_standard: int
    source: str = strawberry.field(description="Where the figures come from (system, export).")
    median_days: float | None = None
    idempotency_key: str | None = None


@strawberry.input
class RecordSatisfactionSurveyInput:
    unit_code: str
    period_start: date
    period_end: date
    population: int
    respondents: int
    element_scores: list[float] = strawberry.field(
        description="The nine NRR (1.00-4.00) in the order of PermenPAN-RB 14/2017."
    )
    source: str
    idempotency_key: str | None = None


@strawberry.input
class RecordComplaintsInput:
    unit_code: str
    period_start: date
    period_end: date
    received: int
    resolved: int
    source: str = strawberry.field(description="SP4N-LAPOR! or the unit's own channel.")
    median_resolution_days: float | None = None
    idempotency_key: str | None = None


@strawberry.type
class PublishServiceStandardSuccess(MutationSuccess):
    standard: ServiceStandardType


@strawberry.type
class RecordServiceDeliverySuccess(MutationSuccess):
    delivery: ServiceDeliveryType


@strawberry.type
class RecordSatisfactionSurveySuccess(MutationSuccess):
    survey: SatisfactionSurveyType


@strawberry.type
class RecordComplaintsSuccess(MutationSuccess):
    complaints: ComplaintsType


PublishServiceStandardResult = Annotated[
    PublishServiceStandardSuccess | MutationError, strawberry.union("PublishServiceStandardResult")
]
RecordServiceDeliveryResult = Annotated[
    RecordServiceDeliverySuccess | MutationError, strawberry.union("RecordServiceDeliveryResult")
]
RecordSatisfactionSurveyResult = Annotated[
    RecordSatisfactionSurveySuccess | MutationError,
    strawberry.union("RecordSatisfactionSurveyResult"),
]
RecordComplaintsResult = Annotated[
    RecordComplaintsSuccess | MutationError, strawberry.union("RecordComplaintsResult")
]


def _period(outcome: Committed) -> tuple[str, date, date]:
    r = outcome.result
    return (
        r["unit_code"],
        date.fromisoformat(r["period_start"]),
        date.fromisoformat(r["period_end"]),
    )


@strawberry.type
class OutcomeMutation:
    @strawberry.mutation(description="Publish a unit's service standard or a new version (HR).")
    async def publish_service_standard(
        self, info: Info, input: PublishServiceStandardInput
    ) -> PublishServiceStandardResult:
        command = PublishStandard(
            input.unit_code,
            input.service_code,
            input.name,
            input.max_days,
            input.effective_from,
            input.expected_version,
        )
        handlers = info.context.services.outcomes
        outcome = await run_command(
            info, lambda c: handlers.publish_standard(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        found = await latest_standard(
            outcome.db, outcome.result["unit_code"], outcome.result["service_code"]
        )
        assert found is not None
        return PublishServiceStandardSuccess(
            standard=ServiceStandardType.of(found), **outcome.receipt
        )

    @strawberry.mutation(description="Record a service's figures for a period (HR).")
    async def record_service_delivery(
        self, info: Info, input: RecordServiceDeliveryInput
    ) -> RecordServiceDeliveryResult:
        figures = DeliveryFigures(
            input.requests,
            input.completed,
            input.completed_within_standard,
            input.median_days,
            input.source,
        )
        command = RecordDelivery(
            input.unit_code, input.service_code, input.period_start, input.period_end, figures
        )
        handlers = info.context.services.outcomes
        outcome = await run_command(
            info, lambda c: handlers.record_delivery(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        unit, start, end = _period(outcome)
        found = await one_period(outcome.db, unit, start, end, outcome.result["service_code"])
        return RecordServiceDeliverySuccess(
            delivery=ServiceDeliveryType.of(found.deliveries[0]), **outcome.receipt
        )

    @strawberry.mutation(description="Record a satisfaction survey; the IKM is computed (HR).")
    async def record_satisfaction_survey(
        self, info: Info, input: RecordSatisfactionSurveyInput
    ) -> RecordSatisfactionSurveyResult:
        command = RecordSurvey(
            input.unit_code,
            input.period_start,
            input.period_end,
            input.population,
            input.respondents,
            input.element_scores,
            input.source,
        )
        handlers = info.context.services.outcomes
        outcome = await run_command(
            info, lambda c: handlers.record_survey(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        found = await one_period(outcome.db, *_period(outcome))
        assert found.survey is not None
        return RecordSatisfactionSurveySuccess(
            survey=SatisfactionSurveyType.of(found.survey), **outcome.receipt
        )

    @strawberry.mutation(description="Record a period's complaints of a unit (HR).")
    async def record_complaints(
        self, info: Info, input: RecordComplaintsInput
    ) -> RecordComplaintsResult:
        command = RecordComplaints(
            input.unit_code,
            input.period_start,
            input.period_end,
            input.received,
            input.resolved,
            input.median_resolution_days,
            input.source,
        )
        handlers = info.context.services.outcomes
        outcome = await run_command(
            info, lambda c: handlers.record_complaints(c, command), input.idempotency_key
        )
        if not isinstance(outcome, Committed):
            return outcome
        found = await one_period(outcome.db, *_period(outcome))
        assert found.complaints is not None
        return RecordComplaintsSuccess(
            complaints=ComplaintsType.of(found.complaints), **outcome.receipt
        )
