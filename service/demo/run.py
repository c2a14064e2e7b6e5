"""`kinerja seed-demo` with a progress bar: commands done and events appended per second."""

from __future__ import annotations

import time

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from service.demo.seed import seed_demo
from service.services import running
from service.settings import Settings


def estimate(employees: int, years: int) -> int:
    """About how many commands a seed runs (for the progress bar's total)."""
    return employees * (2 + years * 12) + 100 * years


class Rate:
    """Events per second since the seed started, from the positions the appends return."""

    def __init__(self, start_position: int) -> None:
        self.start = start_position
        self.position = start_position
        self.started = time.perf_counter()

    def update(self, position: int) -> float:
        self.position = max(self.position, position)
        return (self.position - self.start) / max(time.perf_counter() - self.started, 1e-9)


async def run_seed(
    settings: Settings, employees: int, years: int, seed: int, last_year: int
) -> int:
    """Seed into the configured database with a progress bar; the number of events appended."""
    columns = (
        TextColumn("[bold]seeding"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[eps]:,.0f} events/s"),
        TimeElapsedColumn(),
    )
    async with running(settings, run_projector=False) as services:
        rate = Rate(await services.store.head())
        with Progress(*columns) as progress:
            task = progress.add_task("seed", total=estimate(employees, years), eps=0.0)

            def tick(done: int, position: int) -> None:
                progress.update(task, advance=done, eps=rate.update(position))

            await seed_demo(services, employees, years, seed, last_year, tick)
            progress.update(task, completed=progress.tasks[0].total)
        return rate.position - rate.start
