"""The potential level of an employee for a year, from a recorded assessment (talent 9-box)."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.rating import PotentialLevel

_POTENTIAL_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:potential")


def potential_stream_id(employee_id: UUID, year: int) -> UUID:
    """One potential assessment stream per employee and year."""
    return uuid5(_POTENTIAL_NAMESPACE, f"{employee_id}:{year}")


class PotentialAssessment(Aggregate):
    """The potential level (RENDAH, MENENGAH, TINGGI) HR recorded for an employee and year."""

    class Recorded(Aggregate.Created):
        """HR recorded the employee's potential level for the year."""

        employee_id: UUID
        unit_code: str
        year: int
        level: str

    class Reassessed(Aggregate.Event):
        """HR recorded a new potential level for the same year."""

        employee_id: UUID
        unit_code: str
        year: int
        level: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, PotentialAssessment)
            aggregate.level = PotentialLevel(self.level)

    def __init__(self, employee_id: UUID, unit_code: str, year: int, level: str) -> None:
        self.employee_id = employee_id
        self.unit_code = unit_code
        self.year = year
        self.level = PotentialLevel(level)

    @classmethod
    def record(
        cls, employee_id: UUID, unit_code: str, year: int, level: PotentialLevel, at: datetime
    ) -> PotentialAssessment:
        """Record a first potential level for the year."""
        return cls._create(
            cls.Recorded,
            id=potential_stream_id(employee_id, year),
            timestamp=at,
            employee_id=employee_id,
            unit_code=unit_code,
            year=year,
            level=level.value,
        )

    def reassess(self, unit_code: str, level: PotentialLevel, at: datetime) -> None:
        """Record a new level for the same year (the latest one counts)."""
        self.trigger_event(
            self.Reassessed,
            timestamp=at,
            employee_id=self.employee_id,
            unit_code=unit_code,
            year=self.year,
            level=level.value,
        )
