"""The `kinerja audit` commands: export the log, verify an export offline or the live database."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console

from service.application import Services, running
from service.log_verify import LogVerifier, VerificationReport, event_from_json, event_to_json
from service.settings import Settings

audit_app = typer.Typer(help="Export and verify the event log.", no_args_is_help=True)
console = Console(stderr=True)


async def write_export(services: Services, out: TextIO) -> int:
    """Every event, then every signed checkpoint and the public key, as JSON lines."""
    count = 0
    after = 0
    while events := await services.store.read_all(after, 2000):
        for event in events:
            out.write(json.dumps(event_to_json(event), ensure_ascii=False) + "\n")
        after = events[-1].position
        count += len(events)
    for signed in await services.transparency.checkpoints():
        line = {"kind": "checkpoint", "size": signed.checkpoint.size, "note": signed.note()}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    key = services.transparency.signer.public_key_b64()
    out.write(json.dumps({"kind": "public_key", "key": key}) + "\n")
    return count


async def _export(out: TextIO) -> int:
    async with running(Settings.from_env(), run_projector=False) as services:
        return await write_export(services, out)


@audit_app.command("export")
def export(
    output: Annotated[Path | None, typer.Option(help="File to write; default stdout.")] = None,
) -> None:
    """Write every event and signed checkpoint as JSON lines."""
    if output is None:
        count = asyncio.run(_export(sys.stdout))
    else:
        with output.open("w", encoding="utf-8") as out:
            count = asyncio.run(_export(out))
    console.print(f"exported {count} events")


def verify_lines(lines: TextIO, public_key: str | None) -> VerificationReport:
    """Verify an export without any database or service."""
    verifier = LogVerifier(public_key)
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        if record["kind"] == "event":
            verifier.add_event(event_from_json(record))
        elif record["kind"] == "checkpoint":
            verifier.add_checkpoint(record["note"])
    return verifier.finish()


async def verify_database(services: Services) -> VerificationReport:
    """Verify the live database the same way as an export."""
    verifier = LogVerifier(services.transparency.signer.public_key_b64())
    after = 0
    while events := await services.store.read_all(after, 2000):
        for event in events:
            verifier.add_event(event)
        after = events[-1].position
    for signed in await services.transparency.checkpoints():
        verifier.add_checkpoint(signed.note())
    return verifier.finish()


async def verify_live() -> VerificationReport:
    async with running(Settings.from_env(), run_projector=False) as services:
        return await verify_database(services)


@audit_app.command("verify")
def verify(
    file: Annotated[
        Path | None, typer.Argument(help="An export; omit to check the database.")
    ] = None,
    public_key: Annotated[
        str | None, typer.Option(help="The log's Ed25519 public key (base64).")
    ] = None,
) -> None:
    """Recompute the chain, the tree and the signatures; exit 1 naming the first bad position."""
    if file is None:
        report = asyncio.run(verify_live())
    else:
        if public_key is None:
            console.print("an export is verified against --public-key (the published key)")
            raise typer.Exit(2)
        with file.open(encoding="utf-8") as lines:
            report = verify_lines(lines, public_key)
    for problem in report.problems:
        console.print(f"[red]{problem}[/red]")
    if not report.ok:
        console.print(f"first bad position: {report.first_bad_position}")
        raise typer.Exit(1)
    console.print(f"ok: {report.events} events, {report.checkpoints} checkpoints verified")
