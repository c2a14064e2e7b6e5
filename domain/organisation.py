"""The organisation: perangkat daerah (units) as aggregates."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.values import require_text, require_unit_code

_UNIT_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:unit")


def unit_stream_id(code: str) -> UUID:
    """A unit's stream id: deterministic from its (public) code, so a code registers once."""
    return uuid5(_UNIT_NAMESPACE, code.upper())


def sector_key(sector: str) -> str:
    """A sector as compared between units and programmes: spacing and case do not count."""
    return " ".join(sector.split()).casefold()


class Unit(Aggregate):
    """A perangkat daerah: code, name and, if it declares one, its sector."""

    class Registered(Aggregate.Created):
        """A unit was registered."""

        # Version 2 added the sector; units registered before it declared none.
        class_version = 2

        code: str
        name: str
        sector: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["sector"] = None

    def __init__(self, code: str, name: str, sector: str | None = None) -> None:
        self.code = code
        self.name = name
        self.sector = sector

    @classmethod
    def register(cls, code: str, name: str, at: datetime, sector: str | None = None) -> Unit:
        """Register a unit under its code, with the sector it serves (health, education...)."""
        unit_code = require_unit_code(code)
        unit_name = require_text("name", name, max_length=200)
        clean = (
            None
            if sector is None
            else " ".join(require_text("sector", sector, max_length=100).split())
        )
        return cls._create(
            cls.Registered,
            id=unit_stream_id(unit_code),
            timestamp=at,
            code=unit_code,
            name=unit_name,
            sector=clean,
        )
