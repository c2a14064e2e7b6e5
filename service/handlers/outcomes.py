"""Command handlers for public-service outcomes: standards, deliveries, surveys, complaints.

HR (a unit-limited HR only for its own unit) and ADMIN record them; each period's figures are
recorded once, so a second record of the same period is refused and appends nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists, InvalidValue
from domain.satisfaction import SurveyResult
from domain.service_outcomes import (
    ComplaintsReport,
    DeliveryFigures,
    ReportingPeriod,
    SatisfactionSurvey,
    ServiceDelivery,
)
from domain.service_standard import ServiceStandard, require_service_code, standard_stream_id
from domain.values import require_unit_code
from service.auth.policy import HR_ACTORS
from service.handlers.answers import PeriodAnswer, StandardAnswer
from service.handlers.envelope import (
    Change,
    CommandContext,
    Done,
    Repository,
    check_expected_version,
)
from service.handlers.lookups import registered_unit

R = TypeVar("R")


@dataclass(frozen=True)
class PublishStandard:
    """Publish (or version) a unit's service standard."""

    unit_code: str
    service_code: str
    name: str
    max_days: int
    effective_from: date
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordDelivery:
    """A period's delivery figures of one service."""

    unit_code: str
    service_code: str
    period_start: date
    period_end: date
    figures: DeliveryFigures


@dataclass(frozen=True)
class RecordSurvey:
    """A period's satisfaction survey: population, respondents and the nine NRR."""

    unit_code: str
    period_start: date
    period_end: date
    population: int
    respondents: int
    element_scores: Sequence[float]
    source: str


@dataclass(frozen=True)
class RecordComplaints:
    """A period's complaints: received, resolved, median days to resolve."""

    unit_code: str
    period_start: date
    period_end: date
    received: int
    resolved: int
    median_resolution_days: float | None
    source: str


class OutcomeHandlers:
    """Handlers of the public-service outcomes context."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    async def publish_standard(
        self, ctx: CommandContext, cmd: PublishStandard
    ) -> Done[StandardAnswer]:
        """Publish a standard's first version, or a new version effective after the latest."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[StandardAnswer]:
            unit = await self._unit(ctx, cmd.unit_code)
            service = require_service_code(cmd.service_code)
            standard = await self.repo.load(standard_stream_id(unit, service), ServiceStandard)
            if standard is None:
                standard = ServiceStandard.publish(
                    unit, service, cmd.name, cmd.max_days, cmd.effective_from, ctx.now
                )
            else:
                check_expected_version(standard, cmd.expected_version)
                standard.revise(cmd.name, cmd.max_days, cmd.effective_from, ctx.now)
            result = StandardAnswer(unit, service)
            return _new(result, standard, "serviceCode")

        return await self.repo.run(ctx, "publishServiceStandard", StandardAnswer, decide)

    async def record_delivery(self, ctx: CommandContext, cmd: RecordDelivery) -> Done[PeriodAnswer]:
        """Record a service's figures for a period, against the standard in force then."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[PeriodAnswer]:
            unit = await self._unit(ctx, cmd.unit_code)
            service = require_service_code(cmd.service_code)
            period = ReportingPeriod.of(cmd.period_start, cmd.period_end, ctx.now.date())
            figures = cmd.figures.checked()
            standard = await self.repo.load(standard_stream_id(unit, service), ServiceStandard)
            if standard is None:
                raise InvalidValue(
                    "serviceCode", f"unit {unit} has published no standard for service {service}"
                )
            delivery = ServiceDelivery.record(standard, period, figures, ctx.now)
            await self._refuse_twice(delivery, "the delivery of this service and period")
            result = _period_result(unit, period, service)
            return _new(result, delivery, "periodStart")

        return await self.repo.run(ctx, "recordServiceDelivery", PeriodAnswer, decide)

    async def record_survey(self, ctx: CommandContext, cmd: RecordSurvey) -> Done[PeriodAnswer]:
        """Record a survey; the service computes its IKM, grade and required sample."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[PeriodAnswer]:
            unit = await self._unit(ctx, cmd.unit_code)
            period = ReportingPeriod.of(cmd.period_start, cmd.period_end, ctx.now.date())
            result = SurveyResult.of(cmd.population, cmd.respondents, cmd.element_scores)
            counts = (cmd.population, cmd.respondents)
            survey = SatisfactionSurvey.record(unit, period, result, counts, cmd.source, ctx.now)
            await self._refuse_twice(survey, "the survey of this period")
            answer = _period_result(unit, period)
            return _new(answer, survey, "periodStart")

        return await self.repo.run(ctx, "recordSatisfactionSurvey", PeriodAnswer, decide)

    async def record_complaints(
        self, ctx: CommandContext, cmd: RecordComplaints
    ) -> Done[PeriodAnswer]:
        """Record a period's complaints of the unit."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[PeriodAnswer]:
            unit = await self._unit(ctx, cmd.unit_code)
            period = ReportingPeriod.of(cmd.period_start, cmd.period_end, ctx.now.date())
            report = ComplaintsReport.record(
                unit,
                period,
                (cmd.received, cmd.resolved),
                cmd.median_resolution_days,
                cmd.source,
                ctx.now,
            )
            await self._refuse_twice(report, "the complaints of this period")
            answer = _period_result(unit, period)
            return _new(answer, report, "periodStart")

        return await self.repo.run(ctx, "recordComplaints", PeriodAnswer, decide)

    async def _unit(self, ctx: CommandContext, code: str) -> str:
        unit_code = require_unit_code(code, "unitCode")
        ctx.require_unit_scope(unit_code)
        return (await registered_unit(self.repo, unit_code)).code

    async def _refuse_twice(self, new: Aggregate, what: str) -> None:
        if await self.repo.load(new.id, type(new)) is not None:
            raise AlreadyExists(f"{what} is already recorded", field="periodStart")


def _new(answer: R, aggregate: Aggregate, field: str) -> Change[R]:
    # A concurrent twin that won the race to create the stream makes this one the duplicate.
    return Change(answer, [aggregate], duplicate=(field, "this was recorded at the same moment"))


def _period_result(unit: str, period: ReportingPeriod, service: str | None = None) -> PeriodAnswer:
    return PeriodAnswer(unit, period.start.isoformat(), period.end.isoformat(), service)
