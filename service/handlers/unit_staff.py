"""Who works in a unit now, as the performance handlers need to know it."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from projections.sql import Reader
from projections.unit_view import active_employee_ids


class UnitStaff(Protocol):
    """Who works in a unit now: the distribution check counts them to know it is complete."""

    async def employee_ids(self, unit_code: str) -> tuple[UUID, ...]:
        """The stream ids of the unit's active employees."""


class DirectoryStaff:
    """The unit's employees as the directory view has them."""

    def __init__(self, db: Reader) -> None:
        self.db = db

    async def employee_ids(self, unit_code: str) -> tuple[UUID, ...]:
        """The stream ids of the unit's employees now."""
        return await active_employee_ids(self.db, unit_code)
