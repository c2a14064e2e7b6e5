"""The performance plan (SKP) of one employee for one year: work targets agreed by the evaluator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue
from domain.values import require_text

_PLAN_NAMESPACE = uuid5(NAMESPACE_URL, "urn:kinerja:performance-plan")
MAX_TARGETS = 50


def plan_stream_id(employee_id: UUID, year: int) -> UUID:
    """A plan's stream id: one SKP per employee and year."""
    return uuid5(_PLAN_NAMESPACE, f"{employee_id}:{year}")


@dataclass(frozen=True)
class PlanTarget:
    """A work target (rencana hasil kerja): what, measured how, to which target, main or not."""

    title: str
    indicator: str
    target: str
    main: bool

    @classmethod
    def parse(cls, title: str, indicator: str, target: str, main: bool) -> PlanTarget:
        """A target with every text present and bounded."""
        return cls(
            title=require_text("title", title, max_length=300),
            indicator=require_text("indicator", indicator, max_length=500),
            target=require_text("target", target, max_length=300),
            main=main,
        )

    def to_data(self) -> dict[str, Any]:
        """The target as an event stores it."""
        return {
            "title": self.title,
            "indicator": self.indicator,
            "target": self.target,
            "main": self.main,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PlanTarget:
        """The target an event stored."""
        return cls(data["title"], data["indicator"], data["target"], bool(data["main"]))


def _targets_data(targets: Sequence[PlanTarget]) -> list[dict[str, Any]]:
    if not targets:
        raise InvalidValue("targets", "a performance plan needs at least one work target")
    if len(targets) > MAX_TARGETS:
        raise InvalidValue("targets", f"a performance plan has at most {MAX_TARGETS} targets")
    return [t.to_data() for t in targets]


class PerformancePlan(Aggregate):
    """An SKP: the work targets of one employee for one year."""

    class Agreed(Aggregate.Created):
        """The evaluator (or HR) agreed the employee's plan for the year."""

        employee_id: UUID
        unit_code: str
        year: int
        targets: list[dict[str, Any]]

    class Reagreed(Aggregate.Event):
        """The plan's targets were agreed anew; evaluations rate the targets current then."""

        employee_id: UUID
        unit_code: str
        year: int
        targets: list[dict[str, Any]]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, PerformancePlan)
            aggregate.targets = list(self.targets)

    def __init__(
        self, employee_id: UUID, unit_code: str, year: int, targets: list[dict[str, Any]]
    ) -> None:
        self.employee_id = employee_id
        self.unit_code = unit_code
        self.year = year
        self.targets = list(targets)

    @property
    def target_list(self) -> list[PlanTarget]:
        """The agreed targets, in plan order (target indexes refer to it)."""
        return [PlanTarget.from_data(t) for t in self.targets]

    @classmethod
    def agree(
        cls,
        employee_id: UUID,
        unit_code: str,
        year: int,
        targets: Sequence[PlanTarget],
        at: datetime,
    ) -> PerformancePlan:
        """Agree an employee's plan for a year."""
        return cls._create(
            cls.Agreed,
            id=plan_stream_id(employee_id, year),
            timestamp=at,
            employee_id=employee_id,
            unit_code=unit_code,
            year=year,
            targets=_targets_data(targets),
        )

    def agree_again(self, unit_code: str, targets: Sequence[PlanTarget], at: datetime) -> None:
        """Replace the targets with a newly agreed set."""
        self.trigger_event(
            self.Reagreed,
            timestamp=at,
            employee_id=self.employee_id,
            unit_code=unit_code,
            year=self.year,
            targets=_targets_data(targets),
        )
