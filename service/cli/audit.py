"""The `kinerja audit` commands: export the log, verify an export offline or the live database."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console

from service.audit.publish import read_published
from service.audit.verify import LogVerifier, VerificationReport, event_from_json, event_to_json
from service.services import Services, running
from service.settings import Settings

audit_app = typer.Typer(help="Export and verify the event log.", no_args_is_help=True)
# Whole lines (no wrapping, no markup): problems name files and positions exactly.
console = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)


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


# Exit codes of `kinerja audit verify` (the README lists them).
VERIFIED, TAMPERED, USAGE, NOT_COVERED = 0, 1, 2, 4


class NotAnExport(ValueError):
    """The file cannot be read as an export at all (empty, or not ours)."""


def add_published(verifier: LogVerifier, folder: Path | None, *, export: bool) -> None:
    """Check the log against every checkpoint published in `folder` as well."""
    if folder is None:
        return
    for published in read_published(folder):
        if published.note is None:
            verifier.add_problem(0, f"published checkpoint {published.source} {published.error}")
        else:
            verifier.add_checkpoint(published.note, published.source, may_be_later=export)


def verify_lines(
    lines: TextIO, public_key: str | None, published: Path | None = None
) -> VerificationReport:
    """Verify an export without any database or service (NotAnExport if it is empty)."""
    verifier = LogVerifier(public_key)
    read = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        read += 1
        try:
            record = json.loads(line)
            if record["kind"] == "event":
                verifier.add_event(event_from_json(record))
            elif record["kind"] == "checkpoint":
                verifier.add_checkpoint(record["note"])
        except (ValueError, KeyError, TypeError) as error:
            verifier.add_problem(number, f"line {number} is not an export line ({error})")
    if read == 0:
        raise NotAnExport("the file is empty: an export holds events, checkpoints and the key")
    add_published(verifier, published, export=True)
    return verifier.finish()


async def verify_database(services: Services, published: Path | None = None) -> VerificationReport:
    """Verify the live database the same way as an export, and against published checkpoints."""
    verifier = LogVerifier(services.transparency.signer.public_key_b64())
    after = 0
    while events := await services.store.read_all(after, 2000):
        for event in events:
            verifier.add_event(event)
        after = events[-1].position
    for signed in await services.transparency.checkpoints():
        verifier.add_checkpoint(signed.note())
    add_published(verifier, published or services.settings.checkpoint_dir, export=False)
    return verifier.finish()


async def verify_live(published: Path | None) -> VerificationReport:
    async with running(Settings.from_env(), run_projector=False) as services:
        return await verify_database(services, published)


def _verify_file(file: Path, public_key: str | None, published: Path | None) -> VerificationReport:
    if public_key is None:
        console.print("an export is verified against --public-key (the published key)")
        raise typer.Exit(USAGE)
    try:
        with file.open(encoding="utf-8") as lines:
            return verify_lines(lines, public_key, published)
    except (OSError, UnicodeDecodeError) as error:
        console.print(f"cannot read {file}: {getattr(error, 'strerror', None) or error}")
    except NotAnExport as error:
        console.print(f"{file} is not an export: {error}")
    raise typer.Exit(USAGE)


@audit_app.command("verify")
def verify(
    file: Annotated[
        Path | None, typer.Argument(help="An export; omit to check the database.")
    ] = None,
    public_key: Annotated[
        str | None, typer.Option(help="The log's Ed25519 public key (base64).")
    ] = None,
    checkpoint_dir: Annotated[
        Path | None,
        typer.Option(
            envvar="KINERJA_CHECKPOINT_DIR",
            help="Published checkpoints to check an export against (the live check uses them).",
        ),
    ] = None,
) -> None:
    """Recompute the chain, the tree and the signatures, also against published checkpoints.

    Exit 0 verified; 1 tampering found (naming the first bad position); 2 usage error or a
    missing, unreadable or empty file; 4 an export with events no signed checkpoint covers.
    """
    report = (
        asyncio.run(verify_live(checkpoint_dir))
        if file is None
        else (_verify_file(file, public_key, checkpoint_dir))
    )
    _report(report, export=file is not None)


def _report(report: VerificationReport, *, export: bool) -> None:
    """Print what was verified; exit TAMPERED on a bad position, NOT_COVERED on an export's
    events that no signed checkpoint covers."""
    for problem in report.problems:
        console.print(problem, style="red")
    for note in report.notes:
        console.print(note)
    if not report.ok:
        console.print(f"first bad position: {report.first_bad_position}")
        raise typer.Exit(TAMPERED)
    if export and report.uncovered:
        console.print(
            f"not covered: {report.uncovered} of {report.events} events come after the last"
            f" signed checkpoint (size {report.covered})"
        )
        raise typer.Exit(NOT_COVERED)
    console.print(
        f"ok: {report.events} events, {report.checkpoints} checkpoints"
        f" and {report.published} published checkpoints verified"
        + (f"; {report.uncovered} newest events not yet signed" if report.uncovered else "")
    )
