"""Public-service outcomes of a unit: its service standards (UU 25/2009) and, per period, the
service it delivered, its satisfaction survey (PermenPAN-RB 14/2017) and its complaints.

Each period's figures are recorded once, from the unit's own systems; a standard is versioned by
its effective date. Nothing is edited: a new standard version is a new event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, RuleBroken
from domain.satisfaction import SurveyResult, require_count, require_days
from domain.values import require_text

_STANDARD_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:service-standard")
_DELIVERY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:service-delivery")
_SURVEY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:satisfaction-survey")
_COMPLAINTS_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:complaints")
MAX_PERIOD_DAYS = 366
MAX_STANDARD_DAYS = 365


def require_service_code(value: str, field: str = "serviceCode") -> str:
    """A service code: 1-40 letters, digits, '.', '-', '_' or '/', upper case."""
    code = value.strip().upper()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "._-/" for c in code):
        raise InvalidValue(field, "service code must be 1-40 letters, digits, '.', '-', '_', '/'")
    return code


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


def standard_stream_id(unit_code: str, service_code: str) -> UUID:
    """One stream per unit and service: its versions follow each other there."""
    return uuid5(_STANDARD_NAMESPACE, f"{unit_code}:{service_code}")


def delivery_stream_id(unit_code: str, service_code: str, period: ReportingPeriod) -> UUID:
    """One delivery record per unit, service and period."""
    return uuid5(_DELIVERY_NAMESPACE, f"{unit_code}:{service_code}:{period.key()}")


def survey_stream_id(unit_code: str, period: ReportingPeriod) -> UUID:
    """One survey per unit and period."""
    return uuid5(_SURVEY_NAMESPACE, f"{unit_code}:{period.key()}")


def complaints_stream_id(unit_code: str, period: ReportingPeriod) -> UUID:
    """One complaints record per unit and period."""
    return uuid5(_COMPLAINTS_NAMESPACE, f"{unit_code}:{period.key()}")


class ServiceStandard(Aggregate):
    """A unit's public service with its maximum processing days, versioned by effective date."""

    class Published(Aggregate.Created):
        """A standard's version took effect (version 1 creates the stream)."""

        unit_code: str
        service_code: str
        name: str
        max_days: int
        standard_version: int
        effective_date: date

    class Revised(Aggregate.Event):
        """A new version of the standard, effective from a later date."""

        unit_code: str
        service_code: str
        name: str
        max_days: int
        standard_version: int
        effective_date: date

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, ServiceStandard)
            aggregate.versions.append((self.effective_date, self.standard_version, self.max_days))

    def __init__(
        self,
        unit_code: str,
        service_code: str,
        name: str,
        max_days: int,
        standard_version: int,
        effective_date: date,
    ) -> None:
        self.unit_code = unit_code
        self.service_code = service_code
        self.name = name
        self.versions: list[tuple[date, int, int]] = [(effective_date, standard_version, max_days)]

    @staticmethod
    def _checked(name: str, max_days: int) -> tuple[str, int]:
        if not 1 <= max_days <= MAX_STANDARD_DAYS:
            raise InvalidValue("maxDays", f"maxDays must be 1-{MAX_STANDARD_DAYS}, got {max_days}")
        return require_text("name", name, max_length=200), max_days

    @classmethod
    def publish(
        cls,
        unit_code: str,
        service_code: str,
        name: str,
        max_days: int,
        effective_from: date,
        at: datetime,
    ) -> ServiceStandard:
        """Publish the first version of a unit's service standard."""
        clean_name, days = cls._checked(name, max_days)
        return cls._create(
            cls.Published,
            id=standard_stream_id(unit_code, service_code),
            timestamp=at,
            unit_code=unit_code,
            service_code=service_code,
            name=clean_name,
            max_days=days,
            standard_version=1,
            effective_date=effective_from,
        )

    def revise(self, name: str, max_days: int, effective_from: date, at: datetime) -> None:
        """A new version; it must take effect after the latest one."""
        clean_name, days = self._checked(name, max_days)
        latest = self.versions[-1][0]
        if effective_from <= latest:
            raise RuleBroken(
                "standard_effective_order",
                f"standard {self.service_code} already has a version effective from"
                f" {latest.isoformat()}; a new one must take effect after it",
            )
        self.trigger_event(
            self.Revised,
            timestamp=at,
            unit_code=self.unit_code,
            service_code=self.service_code,
            name=clean_name,
            max_days=days,
            standard_version=len(self.versions) + 1,
            effective_date=effective_from,
        )

    def in_force(self, on: date) -> tuple[int, int] | None:
        """(version, max days) of the version in force on a day, if any."""
        found = [(v, days) for start, v, days in self.versions if start <= on]
        return found[-1] if found else None


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
