"""The `kinerja import` commands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from service.cli.importer import ImportReport, import_employees
from service.cli.outcome_import import import_service_deliveries, import_surveys
from service.services import Services, running
from service.settings import Settings

import_app = typer.Typer(help="Import records from files.", no_args_is_help=True)
console = Console(stderr=True)


Importer = Callable[[Services, str, Callable[[int], None]], Awaitable[ImportReport]]


def _run_import(file: Path, importer: Importer, done: str) -> None:
    """Import a file with a progress bar; print each refused row; exit 1 if any was refused."""
    text = file.read_text(encoding="utf-8-sig")
    lines = max(text.count("\n"), 1)

    async def run() -> ImportReport:
        async with running(Settings.from_env(), run_projector=False) as services:
            with Progress(console=console) as bar:
                task = bar.add_task("importing", total=lines)
                report = await importer(
                    services, text, lambda line: bar.update(task, completed=line)
                )
            await services.projector.catch_up()
            return report

    report = asyncio.run(run())
    for line, reason in report.errors:
        console.print(f"line {line}: {reason}")
    console.print(
        f"{done} {report.registered}, already there {report.unchanged},"
        f" refused {len(report.errors)}"
    )
    if report.errors:
        raise typer.Exit(1)


@import_app.command("employees")
def employees(
    file: Annotated[Path, typer.Argument(help="SIASN-style CSV (columns in README).", exists=True)],
) -> None:
    """Register the employees of a CSV; exit 1 if any row was refused (the others still count)."""
    _run_import(
        file, lambda s, text, tick: import_employees(s.organisation, text, tick), "registered"
    )


@import_app.command("service-deliveries")
def service_deliveries(
    file: Annotated[
        Path, typer.Argument(help="Delivery figures CSV (columns in README).", exists=True)
    ],
) -> None:
    """Record each row's service delivery of a period; exit 1 if any row was refused."""
    _run_import(
        file, lambda s, text, tick: import_service_deliveries(s.outcomes, text, tick), "recorded"
    )


@import_app.command("surveys")
def surveys(
    file: Annotated[
        Path, typer.Argument(help="Satisfaction survey CSV (columns in README).", exists=True)
    ],
) -> None:
    """Record each row's satisfaction survey (the IKM is computed); exit 1 if any was refused."""
    _run_import(file, lambda s, text, tick: import_surveys(s.outcomes, text, tick), "recorded")
