"""`kinerja seed-demo` on a real PostgreSQL: a small city through the real handlers, consistent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.rating import Period
from projections.directory import all_units, employees_by_ids
from projections.performance_reads import evaluations_of
from service.cli.audit import verify_database
from service.cli.projections import verify_projections
from service.demo.city import generate_city
from service.demo.seed import seed_demo
from service.services import Services, build_services, close_services
from service.settings import Settings

YEAR = 2025


@pytest.fixture
async def demo_services(settings: Settings, database_url: str) -> AsyncIterator[Services]:
    """A city started for the first time (default award rule sets published)."""
    on = settings.model_copy(update={"default_rule_sets": True})
    built = await build_services(on, database_url, run_projector=False)
    try:
        yield built
    finally:
        await close_services(built)


def test_the_same_seed_gives_the_same_city() -> None:
    assert generate_city(40, YEAR, 3) == generate_city(40, YEAR, 3)
    assert generate_city(40, YEAR, 3) != generate_city(40, YEAR, 4)


async def test_a_seeded_city_is_complete_and_consistent(demo_services: Services) -> None:
    s = demo_services
    ticks: list[int] = []
    city = await seed_demo(s, 40, 1, seed=3, last_year=YEAR, tick=lambda n, p: ticks.append(n))
    assert sum(ticks) > 40 * 10
    assert {u.code for u in await all_units(s.pool)} == set(city.units)
    ids = {s.ids.employee_id(p.nip): p for p in city.people}
    views = await employees_by_ids(s.pool, list(ids))
    assert len(views) == len(city.people) == 40
    assert all(views[i].unit_code == p.unit_code for i, p in ids.items())
    evaluated = [s.ids.employee_id(p.nip) for p in city.evaluated()]
    # Only the root (the Sekretaris Daerah, who reports to the mayor) has no evaluator.
    assert len(evaluated) == len(city.people) - 1
    found = await evaluations_of(s.pool, evaluated)
    for employee_id in evaluated:
        final = {(e.year, e.period) for e in found[employee_id] if e.status == "FINAL"}
        assert final == {(YEAR, p.value) for p in Period}
    assert await verify_projections(s) == []
    await s.transparency.checkpoint()
    report = await verify_database(s)
    assert report.ok and report.events > 400 and report.checkpoints == 1
