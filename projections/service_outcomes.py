"""The public-service outcomes view: each unit's standards and, per period, its deliveries,
satisfaction survey and complaints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from domain.service_outcomes import ComplaintsReport, SatisfactionSurvey, ServiceDelivery
from domain.service_standard import ServiceStandard
from projections.engine import Changes, Fact, Row, RowRef, Table

STANDARDS = Table(
    name="outcome_standards",
    columns=(
        ("unit_code", "text"),
        ("service_code", "text"),
        ("version", "integer"),
        ("name", "text"),
        ("max_days", "integer"),
        ("effective_from", "date"),
        ("position", "bigint"),
    ),
    key=("unit_code", "service_code", "version"),
)
_PERIOD = (("unit_code", "text"), ("period_start", "date"), ("period_end", "date"))
DELIVERIES = Table(
    name="outcome_deliveries",
    columns=(
        ("unit_code", "text"),
        ("service_code", "text"),
        ("period_start", "date"),
        ("period_end", "date"),
        ("requests", "integer"),
        ("completed", "integer"),
        ("completed_within_standard", "integer"),
        ("median_days", "double precision"),
        ("standard_version", "integer"),
        ("max_days", "integer"),
        ("position", "bigint"),
    ),
    key=("unit_code", "service_code", "period_start", "period_end"),
    indexes=("(unit_code, period_start)",),
)
SURVEYS = Table(
    name="outcome_surveys",
    columns=(
        *_PERIOD,
        ("population", "integer"),
        ("respondents", "integer"),
        ("element_scores", "jsonb"),
        ("ikm", "numeric(5,2)"),
        ("grade", "text"),
        ("required_sample", "integer"),
        ("sample_sufficient", "boolean"),
        ("position", "bigint"),
    ),
    key=("unit_code", "period_start", "period_end"),
)
COMPLAINTS = Table(
    name="outcome_complaints",
    columns=(
        *_PERIOD,
        ("received", "integer"),
        ("resolved", "integer"),
        ("median_resolution_days", "double precision"),
        ("position", "bigint"),
    ),
    key=("unit_code", "period_start", "period_end"),
)
_STANDARD_EVENTS = (ServiceStandard.Published, ServiceStandard.Revised)


class ServiceOutcomesProjection:
    """Standards (every version) and each period's delivery, survey and complaints per unit."""

    name = "service_outcomes"
    tables: tuple[Table, ...] = (STANDARDS, DELIVERIES, SURVEYS, COMPLAINTS)
    # The event classes `touches` names rows for (it names none for any other).
    event_types: tuple[type, ...] = (
        *_STANDARD_EVENTS,
        ServiceDelivery.Recorded,
        SatisfactionSurvey.Recorded,
        ComplaintsReport.Recorded,
    )

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        ev = fact.event
        if isinstance(ev, _STANDARD_EVENTS):
            return [(STANDARDS.name, (ev.unit_code, ev.service_code, ev.standard_version))]
        if isinstance(ev, ServiceDelivery.Recorded):
            key = (ev.unit_code, ev.service_code, ev.period_start, ev.effective_date)
            return [(DELIVERIES.name, key)]
        if isinstance(ev, SatisfactionSurvey.Recorded):
            return [(SURVEYS.name, (ev.unit_code, ev.period_start, ev.effective_date))]
        if isinstance(ev, ComplaintsReport.Recorded):
            return [(COMPLAINTS.name, (ev.unit_code, ev.period_start, ev.effective_date))]
        return []

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        ev = fact.event
        if isinstance(ev, _STANDARD_EVENTS):
            key: tuple[object, ...] = (ev.unit_code, ev.service_code, ev.standard_version)
            row: Row = {
                "name": ev.name,
                "max_days": ev.max_days,
                "effective_from": ev.effective_date,
            }
            return {(STANDARDS.name, key): _row(STANDARDS, key, fact, row)}
        if isinstance(ev, ServiceDelivery.Recorded):
            key = (ev.unit_code, ev.service_code, ev.period_start, ev.effective_date)
            return {(DELIVERIES.name, key): _row(DELIVERIES, key, fact, _delivery(ev))}
        if isinstance(ev, SatisfactionSurvey.Recorded):
            key = (ev.unit_code, ev.period_start, ev.effective_date)
            return {(SURVEYS.name, key): _row(SURVEYS, key, fact, _survey(ev))}
        assert isinstance(ev, ComplaintsReport.Recorded)
        key = (ev.unit_code, ev.period_start, ev.effective_date)
        row = {
            "received": ev.received,
            "resolved": ev.resolved,
            "median_resolution_days": ev.median_resolution_days,
        }
        return {(COMPLAINTS.name, key): _row(COMPLAINTS, key, fact, row)}


def _delivery(ev: ServiceDelivery.Recorded) -> Row:
    return {
        "requests": ev.requests,
        "completed": ev.completed,
        "completed_within_standard": ev.completed_within_standard,
        "median_days": ev.median_days,
        "standard_version": ev.standard_version,
        "max_days": ev.max_days,
    }


def _survey(ev: SatisfactionSurvey.Recorded) -> Row:
    return {
        "population": ev.population,
        "respondents": ev.respondents,
        "element_scores": list(ev.element_scores),
        "ikm": Decimal(ev.ikm),
        "grade": ev.grade,
        "required_sample": ev.required_sample,
        "sample_sufficient": ev.sample_sufficient,
    }


def _row(table: Table, key: tuple[object, ...], fact: Fact, values: Row) -> Row:
    return {**dict(zip(table.key, key, strict=True)), **values, "position": fact.position}
