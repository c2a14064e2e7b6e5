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


class Unit(Aggregate):
    """A perangkat daerah: code and name."""

    class Registered(Aggregate.Created):
        """A unit was registered."""

        code: str
        name: str

    def __init__(self, code: str, name: str) -> None:
        self.code = code
        self.name = name

    @classmethod
    def register(cls, code: str, name: str, at: datetime) -> Unit:
        """Register a unit under its code."""
        unit_code = require_unit_code(code)
        unit_name = require_text("name", name, max_length=200)
        return cls._create(
            cls.Registered,
            id=unit_stream_id(unit_code),
            timestamp=at,
            code=unit_code,
            name=unit_name,
        )
