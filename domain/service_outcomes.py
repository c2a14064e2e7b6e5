"""Public-service outcomes of a unit per period: the service it delivered against its standard,
its satisfaction survey (PermenPAN-RB 14/2017) and its complaints.

Each period's figures are recorded once, from the unit's own systems; nothing is edited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, RuleBroken
from domain.satisfaction import SurveyResult, require_count, require_days
from domain.service_standard import ServiceStandard
from domain.values import require_text

_DELIVERY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:service-delivery")
_SURVEY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:satisfaction-survey")
_COMPLAINTS_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:complaints")
MAX_PERIOD_DAYS = 366


def require_source(value: str) -> str:
    """Where the figures come from (e.g. the licensing system's export)."""
    return require_text("source", value, max_length=200)


@dataclass(frozen=True)
class ReportingPeriod:
    """The days a unit's figures cover: at most a year, ended by the day they are recorded."""

    start: date
    end: date

    @classmethod
    def of(cls, start: date, end: date, today: date) -> ReportingPeriod:
        """Check the period; the error names `periodStart` or `periodEnd`."""
        if end < start:
            raise InvalidValue("periodEnd", "the period must not end before it starts")
        if end - start >= timedelta(days=MAX_PERIOD_DAYS):
            raise InvalidValue("periodEnd", f"a period covers at most {MAX_PERIOD_DAYS} days")
        if end > today:
            raise InvalidValue(
                "periodEnd",
                f"the period ends {end.isoformat()}, after today ({today.isoformat()}):"
                " figures are recorded once it is over",
            )
        return cls(start, end)

    def key(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def delivery_stream_id(unit_code: str, service_code: str, period: ReportingPeriod) -> UUID:
    """One delivery record per unit, service and period."""
    return uuid5(_DELIVERY_NAMESPACE, f"{unit_code}:{service_code}:{period.key()}")


def survey_stream_id(unit_code: str, period: ReportingPeriod) -> UUID:
    """One survey per unit and period."""
    return uuid5(_SURVEY_NAMESPACE, f"{unit_code}:{period.key()}")


def complaints_stream_id(unit_code: str, period: ReportingPeriod) -> UUID:
    """One complaints record per unit and period."""
    return uuid5(_COMPLAINTS_NAMESPACE, f"{unit_code}:{period.key()}")


@dataclass(frozen=True)
class DeliveryFigures:
    """A period's figures from the unit's service system."""

    requests: int
    completed: int
    completed_within_standard: int
    median_days: float | None
    source: str

    def checked(self) -> DeliveryFigures:
        """completed <= requests, within <= completed; the error names the field."""
        requests = require_count("requests", self.requests)
        completed = require_count("completed", self.completed)
        within = require_count("completedWithinStandard", self.completed_within_standard)
        if completed > requests:
            raise InvalidValue(
                "completed", f"completed ({completed}) cannot exceed requests ({requests})"
            )
        if within > completed:
            raise InvalidValue(
                "completedWithinStandard",
                f"completed within the standard ({within}) cannot exceed completed ({completed})",
            )
        return DeliveryFigures(
            requests,
            completed,
            within,
            require_days("medianDays", self.median_days),
            require_source(self.source),
        )


class ServiceDelivery(Aggregate):
    """What one service of a unit delivered in one period."""

    class Recorded(Aggregate.Created):
        """A period's delivery figures were recorded (effective date: the period's end)."""

        unit_code: str
        service_code: str
        period_start: date
        effective_date: date
        requests: int
        completed: int
        completed_within_standard: int
        median_days: float | None
        source: str
        standard_version: int
        max_days: int

    def __init__(self, unit_code: str, service_code: str, **_: object) -> None:
        self.unit_code = unit_code
        self.service_code = service_code

    @classmethod
    def record(
        cls,
        standard: ServiceStandard,
        period: ReportingPeriod,
        figures: DeliveryFigures,
        at: datetime,
    ) -> ServiceDelivery:
        """Record a period against the standard in force at its end."""
        in_force = standard.in_force(period.end)
        if in_force is None:
            raise RuleBroken(
                "standard_in_force",
                f"standard {standard.service_code} takes effect after this period",
            )
        f = figures.checked()
        return cls._create(
            cls.Recorded,
            id=delivery_stream_id(standard.unit_code, standard.service_code, period),
            timestamp=at,
            unit_code=standard.unit_code,
            service_code=standard.service_code,
            period_start=period.start,
            effective_date=period.end,
            requests=f.requests,
            completed=f.completed,
            completed_within_standard=f.completed_within_standard,
            median_days=f.median_days,
            source=f.source,
            standard_version=in_force[0],
            max_days=in_force[1],
        )


class SatisfactionSurvey(Aggregate):
    """A unit's Survei Kepuasan Masyarakat for one period, with its computed IKM."""

    class Recorded(Aggregate.Created):
        """A survey was recorded; the IKM, grade and required sample are computed, not entered."""

        unit_code: str
        period_start: date
        effective_date: date
        population: int
        respondents: int
        element_scores: list[str]
        ikm: str
        grade: str
        required_sample: int
        sample_sufficient: bool
        source: str

    def __init__(self, unit_code: str, **_: object) -> None:
        self.unit_code = unit_code

    @classmethod
    def record(
        cls,
        unit_code: str,
        period: ReportingPeriod,
        result: SurveyResult,
        counts: tuple[int, int],
        source: str,
        at: datetime,
    ) -> SatisfactionSurvey:
        """Record the survey (population, respondents) with what its figures give."""
        population, respondents = counts
        return cls._create(
            cls.Recorded,
            id=survey_stream_id(unit_code, period),
            timestamp=at,
            unit_code=unit_code,
            period_start=period.start,
            effective_date=period.end,
            population=population,
            respondents=respondents,
            element_scores=[str(s) for s in result.scores],
            ikm=str(result.ikm),
            grade=result.grade.value,
            required_sample=result.required_sample,
            sample_sufficient=result.sample_sufficient,
            source=require_source(source),
        )


class ComplaintsReport(Aggregate):
    """A unit's complaints of one period (SP4N-LAPOR! or its own channel)."""

    class Recorded(Aggregate.Created):
        """A period's complaints were recorded."""

        unit_code: str
        period_start: date
        effective_date: date
        received: int
        resolved: int
        median_resolution_days: float | None
        source: str

    def __init__(self, unit_code: str, **_: object) -> None:
        self.unit_code = unit_code

    @classmethod
    def record(
        cls,
        unit_code: str,
        period: ReportingPeriod,
        counts: tuple[int, int],
        median_resolution_days: float | None,
        source: str,
        at: datetime,
    ) -> ComplaintsReport:
        """Record received and resolved complaints; resolved cannot exceed received."""
        received = require_count("received", counts[0])
        resolved = require_count("resolved", counts[1])
        if resolved > received:
            raise InvalidValue(
                "resolved", f"resolved ({resolved}) cannot exceed received ({received})"
            )
        return cls._create(
            cls.Recorded,
            id=complaints_stream_id(unit_code, period),
            timestamp=at,
            unit_code=unit_code,
            period_start=period.start,
            effective_date=period.end,
            received=received,
            resolved=resolved,
            median_resolution_days=require_days("medianResolutionDays", median_resolution_days),
            source=require_source(source),
        )
