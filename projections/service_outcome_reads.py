"""Reads of the public-service outcomes view: a unit's standards and its periods."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from projections.service_outcomes import COMPLAINTS, DELIVERIES, STANDARDS, SURVEYS
from projections.sql import Reader


@dataclass(frozen=True)
class StandardView:
    """One version of a unit's service standard."""

    service_code: str
    name: str
    max_days: int
    version: int
    effective_from: date


@dataclass(frozen=True)
class DeliveryView:
    """One service's figures in one period."""

    service_code: str
    requests: int
    completed: int
    completed_within_standard: int
    median_days: float | None

    @property
    def within_standard_rate(self) -> float | None:
        """completed within the standard / completed (0..1), None when nothing was completed."""
        return self.completed_within_standard / self.completed if self.completed else None


@dataclass(frozen=True)
class SurveyView:
    """A period's satisfaction survey with its computed IKM."""

    ikm: Decimal
    grade: str
    respondents: int
    required_sample: int
    sample_sufficient: bool


@dataclass(frozen=True)
class ComplaintsView:
    """A period's complaints."""

    received: int
    resolved: int
    median_resolution_days: float | None

    @property
    def resolution_rate(self) -> float | None:
        """resolved / received (0..1), None when nothing was received."""
        return self.resolved / self.received if self.received else None


@dataclass
class PeriodOutcomes:
    """Everything a unit recorded for one period."""

    period_start: date
    period_end: date
    survey: SurveyView | None = None
    complaints: ComplaintsView | None = None
    deliveries: list[DeliveryView] = field(default_factory=list)

    @property
    def within_standard_rate(self) -> float | None:
        """The unit's within-standard share over all its services' completions of the period."""
        completed = sum(d.completed for d in self.deliveries)
        within = sum(d.completed_within_standard for d in self.deliveries)
        return within / completed if completed else None


async def standards(db: Reader, unit_code: str) -> list[StandardView]:
    """Every version of the unit's standards, by service and version."""
    rows = await db.fetch(
        f"SELECT * FROM {STANDARDS.name} WHERE unit_code = $1 ORDER BY service_code, version",
        unit_code,
    )
    return [
        StandardView(r["service_code"], r["name"], r["max_days"], r["version"], r["effective_from"])
        for r in rows
    ]


_YEAR = "unit_code = $1 AND period_start >= $2 AND period_start < $3"


async def outcomes_of_year(db: Reader, unit_code: str, year: int) -> list[PeriodOutcomes]:
    """The unit's periods that start in the year, in date order."""
    args = (unit_code, date(year, 1, 1), date(year + 1, 1, 1))
    periods: dict[tuple[date, date], PeriodOutcomes] = {}

    def period(row: Any) -> PeriodOutcomes:
        start, end = row["period_start"], row["period_end"]
        return periods.setdefault((start, end), PeriodOutcomes(start, end))

    for r in await db.fetch(f"SELECT * FROM {DELIVERIES.name} WHERE {_YEAR}", *args):
        period(r).deliveries.append(_delivery(r))
    for r in await db.fetch(f"SELECT * FROM {SURVEYS.name} WHERE {_YEAR}", *args):
        period(r).survey = SurveyView(
            r["ikm"], r["grade"], r["respondents"], r["required_sample"], r["sample_sufficient"]
        )
    for r in await db.fetch(f"SELECT * FROM {COMPLAINTS.name} WHERE {_YEAR}", *args):
        period(r).complaints = ComplaintsView(
            r["received"], r["resolved"], r["median_resolution_days"]
        )
    for found in periods.values():
        found.deliveries.sort(key=lambda d: d.service_code)
    return [periods[k] for k in sorted(periods)]


def _delivery(r: Any) -> DeliveryView:
    return DeliveryView(
        r["service_code"],
        r["requests"],
        r["completed"],
        r["completed_within_standard"],
        r["median_days"],
    )


async def latest_standard(db: Reader, unit_code: str, service_code: str) -> StandardView | None:
    """The newest version of one of the unit's standards."""
    r = await db.fetchrow(
        f"SELECT * FROM {STANDARDS.name} WHERE unit_code = $1 AND service_code = $2"
        " ORDER BY version DESC LIMIT 1",
        unit_code,
        service_code,
    )
    if r is None:
        return None
    return StandardView(
        r["service_code"], r["name"], r["max_days"], r["version"], r["effective_from"]
    )


async def one_period(
    db: Reader, unit_code: str, start: date, end: date, service_code: str | None = None
) -> PeriodOutcomes:
    """One period of the unit (only one service's delivery, when a service is named)."""
    found = PeriodOutcomes(start, end)
    key = "unit_code = $1 AND period_start = $2 AND period_end = $3"
    rows = await db.fetch(
        f"SELECT * FROM {DELIVERIES.name} WHERE {key}"
        " AND ($4::text IS NULL OR service_code = $4) ORDER BY service_code",
        unit_code,
        start,
        end,
        service_code,
    )
    found.deliveries = [_delivery(r) for r in rows]
    s = await db.fetchrow(f"SELECT * FROM {SURVEYS.name} WHERE {key}", unit_code, start, end)
    if s is not None:
        found.survey = SurveyView(
            s["ikm"], s["grade"], s["respondents"], s["required_sample"], s["sample_sufficient"]
        )
    c = await db.fetchrow(f"SELECT * FROM {COMPLAINTS.name} WHERE {key}", unit_code, start, end)
    if c is not None:
        found.complaints = ComplaintsView(c["received"], c["resolved"], c["median_resolution_days"])
    return found
