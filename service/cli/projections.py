"""The `kinerja projections` commands: rebuild without downtime, verify against a rebuild."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from service.services import Services, running
from service.settings import Settings
from service.views.compare import RowDifference, compare_with_live, replay_all
from service.views.rebuild import RebuildResult, rebuild

projections_app = typer.Typer(help="Check and rebuild the read models.", no_args_is_help=True)
console = Console(stderr=True)


async def verify_projections(services: Services) -> list[RowDifference]:
    """Rebuild every projection aside (in memory) and list the live rows that differ."""
    await services.projector.catch_up()
    projections = services.projector.projections
    rebuilt = await replay_all(services.store, projections)
    async with services.pool.acquire() as conn:
        return await compare_with_live(conn, projections, rebuilt)


@projections_app.command("rebuild")
def rebuild_command(
    name: Annotated[str | None, typer.Argument(help="One projection; omit for all.")] = None,
) -> None:
    """Rebuild into fresh tables from position 0 while the live ones serve, then swap."""

    async def run() -> RebuildResult:
        # Swapping tables is DDL: the owner role (KINERJA_OWNER_DATABASE_URL), not the service.
        async with running(Settings.from_env(), run_projector=False, owner=True) as services:
            chosen = [p for p in services.projector.projections if name in (None, p.name)]
            if not chosen:
                known = ", ".join(p.name for p in services.projector.projections)
                console.print(f"no projection named {name!r}; known: {known}")
                raise typer.Exit(2)
            head = max(await services.store.head(), 1)
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} events/s"),
                TimeRemainingColumn(),
            )
            with Progress(*columns, console=console) as bar:
                task = bar.add_task(", ".join(p.name for p in chosen), total=head, rate="-")
                started = time.perf_counter()

                def tick(position: int, _count: int) -> None:
                    rate = position / max(time.perf_counter() - started, 1e-6)
                    bar.update(
                        task, completed=position, total=max(head, position), rate=f"{rate:,.0f}"
                    )

                return await rebuild(services.pool, services.store, chosen, tick)

    result = asyncio.run(run())
    console.print(f"{', '.join(result.projections)}: rebuilt to position {result.position}")


@projections_app.command("verify")
def verify() -> None:
    """Exit 1 and list every row of a read table that a rebuild from position 0 disagrees with."""

    async def run() -> list[RowDifference]:
        async with running(Settings.from_env(), run_projector=False) as services:
            return await verify_projections(services)

    differences = asyncio.run(run())
    for difference in differences:
        console.print(f"[red]{difference.describe()}[/red]")
    if differences:
        raise typer.Exit(1)
    console.print("ok: every read table equals a rebuild from position 0")
