"""The performance cycle: a calendar year whose periods take evaluations while it is open."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, RuleBroken
from domain.rating import Period

_CYCLE_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:performance-cycle")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def require_year(year: int, field: str = "year") -> int:
    """A cycle year the programme can hold: 2000-2100."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidValue(field, f"year must be between {FIRST_YEAR} and {LAST_YEAR}, got {year}")
    return year


def cycle_stream_id(year: int) -> UUID:
    """A cycle's stream id: one stream per year, so a year opens once."""
    return uuid5(_CYCLE_NAMESPACE, str(year))


class PerformanceCycle(Aggregate):
    """One year of performance management (PermenPAN-RB 6/2022): four quarters and the year."""

    class Opened(Aggregate.Created):
        """HR opened the cycle of a year."""

        year: int

    class Closed(Aggregate.Event):
        """HR closed the cycle: its periods take no more evaluations."""

        year: int

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, PerformanceCycle)
            aggregate.closed = True

    def __init__(self, year: int) -> None:
        self.year = year
        self.closed = False

    @classmethod
    def open(cls, year: int, at: datetime) -> PerformanceCycle:
        """Open the cycle of a year."""
        require_year(year)
        return cls._create(cls.Opened, id=cycle_stream_id(year), timestamp=at, year=year)

    def close(self, at: datetime) -> None:
        """Close the cycle; a closed cycle stays closed."""
        if self.closed:
            raise RuleBroken("cycle_closed", f"the {self.year} cycle is already closed")
        self.trigger_event(self.Closed, timestamp=at, year=self.year)

    def require_open_for(self, period: Period) -> None:
        """Refuse work on a period of a closed cycle."""
        if self.closed:
            raise InvalidValue(
                "period", f"the {self.year} cycle is closed: {period.value} takes no evaluations"
            )
