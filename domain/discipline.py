"""Disciplinary penalties (PP 94/2021): light, medium or heavy, recorded by HR as they fall."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue
from domain.values import require_text


class PenaltyLevel(StrEnum):
    """The three levels of disciplinary penalty (hukuman disiplin)."""

    RINGAN = "RINGAN"
    SEDANG = "SEDANG"
    BERAT = "BERAT"

    @property
    def medium_or_heavy(self) -> bool:
        """Medium and heavy penalties bar the Satyalancana Karya Satya."""
        return self is not PenaltyLevel.RINGAN


class DisciplinaryPenalty(Aggregate):
    """One penalty imposed on an employee; a record of fact, never edited."""

    class Recorded(Aggregate.Created):
        """A penalty was imposed; `effective_date` is the day it took effect (valid time)."""

        employee_id: UUID
        unit_code: str
        level: str
        effective_date: date
        # The grounds are personal data, so they travel in `notes`, which is sealed per subject.
        notes: str

    def __init__(
        self, employee_id: UUID, unit_code: str, level: str, effective_date: date, notes: str
    ) -> None:
        self.employee_id = employee_id
        self.unit_code = unit_code
        self.level = PenaltyLevel(level)
        self.effective_date = effective_date
        self.notes = notes

    @classmethod
    def record(
        cls,
        id: UUID,
        employee_id: UUID,
        unit_code: str,
        level: PenaltyLevel,
        on: date,
        reason: str,
        today: date,
        at: datetime,
    ) -> DisciplinaryPenalty:
        """Record a penalty that took effect on or before today."""
        if on > today:
            raise InvalidValue("date", f"a penalty date {on.isoformat()} is in the future")
        return cls._create(
            cls.Recorded,
            id=id,
            timestamp=at,
            employee_id=employee_id,
            unit_code=unit_code,
            level=level.value,
            effective_date=on,
            notes=require_text("reason", reason, max_length=2000),
        )
