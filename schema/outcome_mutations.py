"""Public-service outcomes: the mutations that record standards, deliveries, surveys, complaints."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from domain.service_outcomes import DeliveryFigures
from projections.service_outcome_reads import PeriodOutcomes, latest_standard, one_period
from schema.context import Info
from schema.descriptions import IDEMPOTENCY_KEY
from schema.errors import MutationError
from schema.mutations import Committed, MutationSuccess, mutate
from schema.outcomes import (
    ComplaintsType,
    SatisfactionSurveyType,
    ServiceDeliveryType,
    ServiceStandardType,
)
from service.handlers.answers import PeriodAnswer, StandardAnswer
from service.handlers.outcomes import (
    PublishStandard,
    RecordComplaints,
    RecordDelivery,
    RecordSurvey,
)

_UNIT = "Code of the unit (perangkat daerah) that delivers the service."
_PERIOD_END = "Last day of the period (inclusive; not after today, at most a year long)."
_SOURCE = "Where the figures come from (the unit's system or export)."
_RESULT = "The success, or one of the shared errors: switch on `__typename`."


@strawberry.input(description="A service standard, or a new version of one (UU 25/2009).")
class PublishServiceStandardInput:
    unit_code: str = strawberry.field(description=_UNIT)
    service_code: str = strawberry.field(description="The unit's code for the service.")
    name: str = strawberry.field(description="The service as citizens know it.")
    max_days: int = strawberry.field(description="Maximum processing time in days.")
    effective_from: date = strawberry.field(description="First day this version applies.")
    expected_version: int | None = strawberry.field(
        default=None, description="When versioning an existing standard: its stream version."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A service's figures for one period, recorded once.")
class RecordServiceDeliveryInput:
    unit_code: str = strawberry.field(description=_UNIT)
    service_code: str = strawberry.field(description="A service with a published standard.")
    period_start: date = strawberry.field(description="First day of the reporting period.")
    period_end: date = strawberry.field(description=_PERIOD_END)
    requests: int = strawberry.field(description="Requests received.")
    completed: int = strawberry.field(description="Requests completed (at most `requests`).")
    completed_within_standard: int = strawberry.field(
        description="Completed within the standard's maximum days (at most `completed`)."
    )
    source: str = strawberry.field(description=_SOURCE)
    median_days: float | None = strawberry.field(
        default=None, description="Median processing days of completed requests, if known."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A satisfaction survey (SKM) of a unit for one period.")
class RecordSatisfactionSurveyInput:
    unit_code: str = strawberry.field(description=_UNIT)
    period_start: date = strawberry.field(description="First day of the reporting period.")
    period_end: date = strawberry.field(description=_PERIOD_END)
    population: int = strawberry.field(description="People served in the period (N).")
    respondents: int = strawberry.field(
        description="People who answered; below the Krejcie-Morgan sample it is flagged."
    )
    element_scores: list[float] = strawberry.field(
        description="The nine NRR (1.00-4.00) in the order of PermenPAN-RB 14/2017."
    )
    source: str = strawberry.field(description="Who ran the survey, or where its data is.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A unit's complaint figures for one period.")
class RecordComplaintsInput:
    unit_code: str = strawberry.field(description=_UNIT)
    period_start: date = strawberry.field(description="First day of the reporting period.")
    period_end: date = strawberry.field(description=_PERIOD_END)
    received: int = strawberry.field(description="Complaints received.")
    resolved: int = strawberry.field(description="Complaints resolved (at most `received`).")
    source: str = strawberry.field(description="SP4N-LAPOR! or the unit's own channel.")
    median_resolution_days: float | None = strawberry.field(
        default=None, description="Median days to resolve, if known."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The standard (version) was published.")
class PublishServiceStandardSuccess(MutationSuccess):
    standard: ServiceStandardType = strawberry.field(description="The version now in force.")


@strawberry.type(description="The delivery figures were recorded.")
class RecordServiceDeliverySuccess(MutationSuccess):
    delivery: ServiceDeliveryType = strawberry.field(description="The recorded figures.")


@strawberry.type(description="The survey was recorded and its IKM computed.")
class RecordSatisfactionSurveySuccess(MutationSuccess):
    survey: SatisfactionSurveyType = strawberry.field(description="The survey with its IKM.")


@strawberry.type(description="The complaint figures were recorded.")
class RecordComplaintsSuccess(MutationSuccess):
    complaints: ComplaintsType = strawberry.field(description="The recorded figures.")


PublishServiceStandardResult = Annotated[
    PublishServiceStandardSuccess | MutationError,
    strawberry.union("PublishServiceStandardResult", description=_RESULT),
]
RecordServiceDeliveryResult = Annotated[
    RecordServiceDeliverySuccess | MutationError,
    strawberry.union("RecordServiceDeliveryResult", description=_RESULT),
]
RecordSatisfactionSurveyResult = Annotated[
    RecordSatisfactionSurveySuccess | MutationError,
    strawberry.union("RecordSatisfactionSurveyResult", description=_RESULT),
]
RecordComplaintsResult = Annotated[
    RecordComplaintsSuccess | MutationError,
    strawberry.union("RecordComplaintsResult", description=_RESULT),
]


async def _period(outcome: Committed[PeriodAnswer]) -> PeriodOutcomes:
    a = outcome.answer
    start, end = date.fromisoformat(a.period_start), date.fromisoformat(a.period_end)
    return await one_period(outcome.db, a.unit_code, start, end, a.service_code)


async def _standard(outcome: Committed[StandardAnswer]) -> dict[str, Any]:
    found = await latest_standard(outcome.db, outcome.answer.unit_code, outcome.answer.service_code)
    assert found is not None
    return {"standard": ServiceStandardType.of(found)}


async def _delivery(outcome: Committed[PeriodAnswer]) -> dict[str, Any]:
    found = await _period(outcome)
    return {"delivery": ServiceDeliveryType.of(found.deliveries[0])}


async def _survey(outcome: Committed[PeriodAnswer]) -> dict[str, Any]:
    found = await _period(outcome)
    assert found.survey is not None
    return {"survey": SatisfactionSurveyType.of(found.survey)}


async def _complaints(outcome: Committed[PeriodAnswer]) -> dict[str, Any]:
    found = await _period(outcome)
    assert found.complaints is not None
    return {"complaints": ComplaintsType.of(found.complaints)}


@strawberry.type
class OutcomeMutation:
    @strawberry.mutation(description="Publish a unit's service standard or a new version (HR).")
    async def publish_service_standard(
        self,
        info: Info,
        input: Annotated[
            PublishServiceStandardInput, strawberry.argument(description="The standard to publish.")
        ],
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
        return await mutate(
            info,
            lambda c: handlers.publish_standard(c, command),
            input.idempotency_key,
            PublishServiceStandardSuccess,
            _standard,
        )

    @strawberry.mutation(description="Record a service's figures for a period (HR).")
    async def record_service_delivery(
        self,
        info: Info,
        input: Annotated[
            RecordServiceDeliveryInput,
            strawberry.argument(description="The service, period and figures."),
        ],
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
        return await mutate(
            info,
            lambda c: handlers.record_delivery(c, command),
            input.idempotency_key,
            RecordServiceDeliverySuccess,
            _delivery,
        )

    @strawberry.mutation(description="Record a satisfaction survey; the IKM is computed (HR).")
    async def record_satisfaction_survey(
        self,
        info: Info,
        input: Annotated[
            RecordSatisfactionSurveyInput,
            strawberry.argument(description="The unit, period and survey scores."),
        ],
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
        return await mutate(
            info,
            lambda c: handlers.record_survey(c, command),
            input.idempotency_key,
            RecordSatisfactionSurveySuccess,
            _survey,
        )

    @strawberry.mutation(description="Record a period's complaints of a unit (HR).")
    async def record_complaints(
        self,
        info: Info,
        input: Annotated[
            RecordComplaintsInput,
            strawberry.argument(description="The unit, period and complaint figures."),
        ],
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
        return await mutate(
            info,
            lambda c: handlers.record_complaints(c, command),
            input.idempotency_key,
            RecordComplaintsSuccess,
            _complaints,
        )
