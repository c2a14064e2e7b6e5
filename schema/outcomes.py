"""Public-service outcomes: the types of standards, deliveries, surveys and complaints, and the
Unit fields that show them next to the unit's performance (composed in schema/links.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError

from domain.cycle import require_year
from domain.errors import InvalidValue
from domain.satisfaction import IkmGrade
from domain.values import require_unit_code
from projections.service_outcome_reads import (
    ComplaintsView,
    DeliveryView,
    PeriodOutcomes,
    StandardView,
    SurveyView,
    outcomes_of_year,
    standards,
)
from schema.context import Info
from schema.enums import IkmGradeEnum
from service.auth.policy import VIEW_READERS


def checked_year(year: int) -> int:
    """A year the programme holds (2000-2100), or a BAD_USER_INPUT error."""
    try:
        return require_year(year)
    except InvalidValue as error:
        raise GraphQLError(error.message, extensions={"code": "BAD_USER_INPUT"}) from None


def checked_unit_code(code: str) -> str:
    """A well-formed unit code, or a BAD_USER_INPUT error."""
    try:
        return require_unit_code(code, "unitCode")
    except InvalidValue as error:
        raise GraphQLError(error.message, extensions={"code": "BAD_USER_INPUT"}) from None


@strawberry.type(name="ServiceStandard", description="One version of a unit's service standard.")
class ServiceStandardType:
    service_code: str = strawberry.field(description="The unit's code for the service.")
    name: str = strawberry.field(description="The service as citizens know it (e.g. NIB).")
    max_days: int = strawberry.field(description="Maximum processing time in days.")
    version: int = strawberry.field(description="Version of this standard, from 1.")
    effective_from: date = strawberry.field(description="First day this version applies.")

    @classmethod
    def of(cls, v: StandardView) -> ServiceStandardType:
        return cls(
            service_code=v.service_code,
            name=v.name,
            max_days=v.max_days,
            version=v.version,
            effective_from=v.effective_from,
        )


@strawberry.type(name="ServiceDelivery", description="One service's figures in one period.")
class ServiceDeliveryType:
    service_code: str = strawberry.field(description="The service the figures are for.")
    requests: int = strawberry.field(description="Requests received in the period.")
    completed: int = strawberry.field(description="Requests completed (at most `requests`).")
    completed_within_standard: int = strawberry.field(
        description="Completed within the standard's maximum days (at most `completed`)."
    )
    within_standard_rate: float | None = strawberry.field(
        description="completedWithinStandard / completed (0..1); null when nothing completed."
    )
    median_days: float | None = strawberry.field(
        description="Median processing days of completed requests; null if not reported."
    )

    @classmethod
    def of(cls, v: DeliveryView) -> ServiceDeliveryType:
        rate = v.within_standard_rate
        return cls(
            service_code=v.service_code,
            requests=v.requests,
            completed=v.completed,
            completed_within_standard=v.completed_within_standard,
            within_standard_rate=None if rate is None else round(rate, 4),
            median_days=v.median_days,
        )


@strawberry.type(
    name="SatisfactionSurvey", description="A survey (PermenPAN-RB 14/2017) and its IKM."
)
class SatisfactionSurveyType:
    ikm: float = strawberry.field(
        description="Mean of the nine NRR x 25, rounded half-up to 2 decimals (25-100)."
    )
    grade: IkmGradeEnum = strawberry.field(description="Grade A-D of the rounded IKM.")
    respondents: int = strawberry.field(description="People who answered the survey.")
    required_sample: int = strawberry.field(
        description="Respondents needed for the population (Krejcie-Morgan)."
    )
    sample_sufficient: bool = strawberry.field(
        description="False: fewer respondents than required (recorded, flagged)."
    )

    @classmethod
    def of(cls, v: SurveyView) -> SatisfactionSurveyType:
        return cls(
            ikm=float(v.ikm),
            grade=IkmGrade(v.grade),
            respondents=v.respondents,
            required_sample=v.required_sample,
            sample_sufficient=v.sample_sufficient,
        )


@strawberry.type(name="Complaints", description="A period's complaints (SP4N-LAPOR! or own).")
class ComplaintsType:
    received: int = strawberry.field(description="Complaints received in the period.")
    resolved: int = strawberry.field(description="Complaints resolved (at most `received`).")
    resolution_rate: float | None = strawberry.field(
        description="resolved / received (0..1); null when none received."
    )
    median_resolution_days: float | None = strawberry.field(
        description="Median days to resolve; null if not reported."
    )

    @classmethod
    def of(cls, v: ComplaintsView) -> ComplaintsType:
        rate = v.resolution_rate
        return cls(
            received=v.received,
            resolved=v.resolved,
            resolution_rate=None if rate is None else round(rate, 4),
            median_resolution_days=v.median_resolution_days,
        )


@strawberry.type(name="ServicePeriod", description="What a unit recorded for one period.")
class ServicePeriodType:
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period (inclusive).")
    ikm: float | None = strawberry.field(description="The survey's IKM; null without a survey.")
    grade: IkmGradeEnum | None = strawberry.field(
        description="The IKM grade; null without a survey."
    )
    respondents: int | None = strawberry.field(
        description="Survey respondents; null without a survey."
    )
    required_sample: int | None = strawberry.field(
        description="Respondents the survey needed; null without a survey."
    )
    sample_sufficient: bool | None = strawberry.field(
        description="Whether the survey had enough respondents; null without a survey."
    )
    deliveries: list[ServiceDeliveryType] = strawberry.field(
        description="Each service's figures recorded for the period."
    )
    complaints: ComplaintsType | None = strawberry.field(
        description="The period's complaints; null if none were recorded."
    )

    @classmethod
    def of(cls, p: PeriodOutcomes) -> ServicePeriodType:
        survey = SatisfactionSurveyType.of(p.survey) if p.survey else None
        return cls(
            period_start=p.period_start,
            period_end=p.period_end,
            ikm=survey.ikm if survey else None,
            grade=survey.grade if survey else None,
            respondents=survey.respondents if survey else None,
            required_sample=survey.required_sample if survey else None,
            sample_sufficient=survey.sample_sufficient if survey else None,
            deliveries=[ServiceDeliveryType.of(d) for d in p.deliveries],
            complaints=ComplaintsType.of(p.complaints) if p.complaints else None,
        )


@strawberry.type(name="UnitOutcomes", description="The public-service outcome fields of a unit.")
class UnitOutcomeFields:
    """The public-service outcome fields of Unit."""

    code: str

    @strawberry.field(
        description="Every version of the unit's service standards (staff, partners)."
    )
    async def service_standards(self, info: Info) -> list[ServiceStandardType]:
        info.context.reader(*VIEW_READERS)
        found = await standards(info.context.services.pool, self.code)
        return [ServiceStandardType.of(v) for v in found]

    @strawberry.field(
        description="Each period starting in the year: IKM, deliveries and complaints"
        " (staff, partners)."
    )
    async def service_outcomes(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="Calendar year (2000-2100).")],
    ) -> list[ServicePeriodType]:
        info.context.reader(*VIEW_READERS)
        found = await outcomes_of_year(info.context.services.pool, self.code, checked_year(year))
        return [ServicePeriodType.of(p) for p in found]
