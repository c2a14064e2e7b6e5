"""Each projection's declared `event_types` (which a rebuild uses to skip the others without
decoding them) covers every event class its `touches` names rows for."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from eventsourcing.domain import DomainEvent

import domain
from projections.engine import Fact, Projection, folding
from projections.registry import all_projections

FACT = Fact(1, uuid4(), 1, "Event", datetime.now(UTC), None, None, {"actor_role": "HR"}, None)


def _event_classes() -> set[type]:
    """Every domain event class: module-level ones and those nested in aggregates."""
    found: set[type] = set()
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        for value in vars(importlib.import_module(info.name)).values():
            if not isinstance(value, type):
                continue
            for candidate in (value, *vars(value).values()):
                if isinstance(candidate, type) and issubclass(candidate, DomainEvent):
                    found.add(candidate)
    return found


def _declared(projection: Projection) -> tuple[type, ...]:
    types: tuple[type, ...] = getattr(projection, "event_types")  # noqa: B009
    return types


@pytest.mark.parametrize("projection", all_projections(), ids=lambda p: p.name)
def test_touches_names_no_rows_for_an_event_class_it_does_not_declare(
    projection: Projection,
) -> None:
    classes = _event_classes()
    declared = _declared(projection)
    assert set(declared) <= classes
    for cls in classes:
        if issubclass(cls, declared):
            continue
        # An event without attributes: a branch of touches that reads one would raise.
        event = object.__new__(cls)
        assert list(projection.touches(replace(FACT, event=event))) == [], cls


def test_folding_picks_the_declaring_projections_and_every_undeclared_one() -> None:
    projections = all_projections()
    for cls in _event_classes():
        chosen = folding(projections, cls)
        assert chosen == [p for p in projections if issubclass(cls, _declared(p))]

    class Undeclared:
        name = "undeclared"

    assert folding([Undeclared()], object) != []  # type: ignore[list-item]
