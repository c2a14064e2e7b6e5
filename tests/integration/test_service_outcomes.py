"""Recording a unit's public-service outcomes through the handlers, read back from the views."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import AlreadyExists, DomainError, InvalidValue, RuleBroken
from domain.service_outcomes import DeliveryFigures
from projections.service_outcome_reads import outcomes_of_year, standards
from service.auth.tokens import Principal, Role
from service.cli.projections import verify_projections
from service.demo.outcomes import seed_outcomes
from service.handlers.envelope import CommandContext, NotAllowed
from service.handlers.outcomes import (
    PublishStandard,
    RecordComplaints,
    RecordDelivery,
    RecordSurvey,
)
from service.services import Services

HR = Principal("hr-1", frozenset({Role.HR}))
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))


def _ctx(principal: Principal = HR) -> CommandContext:
    return CommandContext(principal, NOW)


async def _unit_with_standard(services: Services) -> None:
    await services.organisation.register_unit(_ctx(), "DPMPTSP", "DPMPTSP")
    await services.outcomes.publish_standard(
        _ctx(), PublishStandard("DPMPTSP", "NIB", "Izin usaha (NIB)", 5, date(2025, 1, 1))
    )


def _delivery(
    period: tuple[date, date], requests: int, completed: int, within: int
) -> RecordDelivery:
    figures = DeliveryFigures(requests, completed, within, 3.5, "OSS-RBA export")
    return RecordDelivery("DPMPTSP", "NIB", period[0], period[1], figures)


@pytest.mark.parametrize(
    ("requests", "completed", "within", "field"),
    [(100, 101, 50, "completed"), (100, 80, 81, "completedWithinStandard"), (-1, 0, 0, "requests")],
)
async def test_impossible_delivery_figures_are_refused_and_append_nothing(
    services: Services, requests: int, completed: int, within: int, field: str
) -> None:
    await _unit_with_standard(services)
    head = await services.store.head()
    with pytest.raises(InvalidValue) as refused:
        await services.outcomes.record_delivery(_ctx(), _delivery(Q1, requests, completed, within))
    assert refused.value.field == field
    assert await services.store.head() == head


async def test_within_standard_rate_and_median_days_show_per_period(services: Services) -> None:
    await _unit_with_standard(services)
    await services.outcomes.record_delivery(_ctx(), _delivery(Q1, 220, 200, 120))
    await services.outcomes.record_delivery(_ctx(), _delivery(Q2, 210, 200, 170))
    await services.projector.catch_up()
    periods = await outcomes_of_year(services.pool, "DPMPTSP", 2026)
    assert [(p.period_start, p.within_standard_rate) for p in periods] == [
        (Q1[0], 0.6),
        (Q2[0], 0.85),
    ]
    assert [d.median_days for p in periods for d in p.deliveries] == [3.5, 3.5]


async def test_a_period_records_once_and_needs_a_standard_in_force(services: Services) -> None:
    await _unit_with_standard(services)
    await services.outcomes.record_delivery(_ctx(), _delivery(Q1, 10, 10, 10))
    with pytest.raises(AlreadyExists):
        await services.outcomes.record_delivery(_ctx(), _delivery(Q1, 10, 10, 9))
    old = (date(2024, 1, 1), date(2024, 3, 31))
    with pytest.raises(RuleBroken):
        await services.outcomes.record_delivery(_ctx(), _delivery(old, 10, 10, 10))
    with pytest.raises(InvalidValue) as refused:
        future = (date(2026, 12, 1), date(2026, 12, 31))
        await services.outcomes.record_delivery(_ctx(), _delivery(future, 10, 10, 10))
    assert refused.value.field == "periodEnd"


async def test_standards_are_versioned_by_effective_date(services: Services) -> None:
    await _unit_with_standard(services)
    revised = PublishStandard("DPMPTSP", "nib", "Izin usaha (NIB)", 3, date(2026, 7, 1))
    await services.outcomes.publish_standard(_ctx(), revised)
    with pytest.raises(RuleBroken):
        await services.outcomes.publish_standard(_ctx(), revised)
    await services.outcomes.record_delivery(
        _ctx(), _delivery((date(2026, 7, 1), date(2026, 9, 30)), 10, 10, 10)
    )
    await services.projector.catch_up()
    found = await standards(services.pool, "DPMPTSP")
    assert [(s.version, s.max_days, s.effective_from) for s in found] == [
        (1, 5, date(2025, 1, 1)),
        (2, 3, date(2026, 7, 1)),
    ]
    row = await services.pool.fetchrow("SELECT standard_version, max_days FROM outcome_deliveries")
    assert row is not None
    assert (row["standard_version"], row["max_days"]) == (2, 3)


async def test_surveys_and_complaints_show_with_their_period(services: Services) -> None:
    await _unit_with_standard(services)
    survey = RecordSurvey("DPMPTSP", *Q1, 1000, 200, [3.5] * 9, "SKM Q1")
    await services.outcomes.record_survey(_ctx(), survey)
    with pytest.raises(InvalidValue) as refused:
        await services.outcomes.record_survey(
            _ctx(), RecordSurvey("DPMPTSP", *Q2, 1000, 300, [3.5] * 8, "SKM Q2")
        )
    assert refused.value.field == "elementScores"
    with pytest.raises(InvalidValue) as too_many:
        await services.outcomes.record_complaints(
            _ctx(), RecordComplaints("DPMPTSP", *Q1, 10, 11, 2.0, "SP4N-LAPOR!")
        )
    assert too_many.value.field == "resolved"
    await services.outcomes.record_complaints(
        _ctx(), RecordComplaints("DPMPTSP", *Q1, 12, 9, 2.0, "SP4N-LAPOR!")
    )
    await services.projector.catch_up()
    [q1] = await outcomes_of_year(services.pool, "DPMPTSP", 2026)
    assert q1.survey is not None and q1.complaints is not None
    assert (str(q1.survey.ikm), q1.survey.grade, q1.survey.sample_sufficient) == (
        "87.50",
        "B",
        False,
    )
    assert (q1.complaints.received, q1.complaints.resolution_rate) == (12, 0.75)


async def test_a_unit_limited_hr_records_only_for_its_own_unit(services: Services) -> None:
    await _unit_with_standard(services)
    await services.organisation.register_unit(_ctx(), "DINKES", "Dinas Kesehatan")
    limited = Principal("hr-dinkes", frozenset({Role.HR}), unit="DINKES")
    with pytest.raises(NotAllowed):
        await services.outcomes.record_delivery(_ctx(limited), _delivery(Q1, 10, 10, 10))
    evaluator = Principal("198001012005011001", frozenset({Role.EVALUATOR}))
    with pytest.raises(NotAllowed):
        await services.outcomes.record_survey(
            _ctx(evaluator), RecordSurvey("DPMPTSP", *Q1, 10, 10, [3.0] * 9, "SKM")
        )
    with pytest.raises(DomainError):
        await services.outcomes.record_delivery(
            _ctx(), RecordDelivery("NOWHERE", "NIB", *Q1, DeliveryFigures(1, 1, 1, None, "x"))
        )


async def test_the_demo_city_records_dpmptsp_improving_through_each_year(
    services: Services,
) -> None:
    await services.organisation.register_unit(_ctx(), "DPMPTSP", "DPMPTSP")
    appended = await seed_outcomes(services, 2024, 2025, seed=7)
    assert appended == 1 + 2 * 4 * 3
    await services.projector.catch_up()
    for year in (2024, 2025):
        periods = await outcomes_of_year(services.pool, "DPMPTSP", year)
        rates = [p.within_standard_rate or 0.0 for p in periods]
        assert len(periods) == 4 and rates == sorted(rates) and rates[0] > 0.5
        assert all(p.survey and p.complaints for p in periods)
    assert await verify_projections(services) == []
