"""The `kinerja import` commands."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from service.application import running
from service.importer import ImportReport, import_employees
from service.settings import Settings

import_app = typer.Typer(help="Import records from files.", no_args_is_help=True)
console = Console(stderr=True)


@import_app.command("employees")
def employees(
    file: Annotated[Path, typer.Argument(help="SIASN-style CSV (columns in README).", exists=True)],
) -> None:
    """Register the employees of a CSV; exit 1 if any row was refused (the others still count)."""
    text = file.read_text(encoding="utf-8-sig")
    lines = max(text.count("\n"), 1)

    async def run() -> ImportReport:
        async with running(Settings.from_env(), run_projector=False) as services:
            with Progress(console=console) as bar:
                task = bar.add_task("importing", total=lines)
                report = await import_employees(
                    services.organisation, text, lambda line: bar.update(task, completed=line)
                )
            await services.projector.catch_up()
            return report

    report = asyncio.run(run())
    for line, reason in report.errors:
        console.print(f"line {line}: {reason}")
    console.print(
        f"registered {report.registered}, already there {report.unchanged},"
        f" refused {len(report.errors)}"
    )
    if report.errors:
        raise typer.Exit(1)
