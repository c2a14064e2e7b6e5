"""A unit's service standard (standar pelayanan, UU 25/2009): a public service with its maximum
processing days, versioned by effective date. A new version is a new event on the same stream."""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, RuleBroken
from domain.values import require_text

_STANDARD_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:service-standard")
MAX_STANDARD_DAYS = 365


def require_service_code(value: str, field: str = "serviceCode") -> str:
    """A service code: 1-40 letters, digits, '.', '-', '_' or '/', upper case."""
    code = value.strip().upper()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "._-/" for c in code):
        raise InvalidValue(field, "service code must be 1-40 letters, digits, '.', '-', '_', '/'")
    return code


def standard_stream_id(unit_code: str, service_code: str) -> UUID:
    """One stream per unit and service: its versions follow each other there."""
    return uuid5(_STANDARD_NAMESPACE, f"{unit_code}:{service_code}")


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
