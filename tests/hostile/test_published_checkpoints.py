"""Published checkpoints and coverage: a log cut short together with its checkpoint rows is
found by the checkpoints published outside the database; an export passes only when signed
checkpoints cover every event in it, with distinct exit codes."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from domain.organisation import Unit
from service.audit.publish import read_published
from service.cli.audit import write_export
from service.cli.main import app
from service.log.records import Metadata, StreamWrite
from service.services import Services, build_services, close_services
from service.settings import Settings
from tests.hostile.privilege_support import cli_env, kinerja, service_url
from tests.owner import owner_connection

META = Metadata(actor="196001011990011001", actor_role="HR")
NOW = datetime(2026, 3, 1, tzinfo=UTC)


async def _append_units(services: Services, prefix: str, count: int) -> None:
    for i in range(count):
        unit = Unit.register(f"{prefix}{i:03d}", f"Unit {prefix}{i}", NOW)
        await services.store.append([StreamWrite(unit.id, tuple(unit.collect_events()))], META)


async def _export(services: Services, path: Path) -> list[str]:
    out = io.StringIO()
    await write_export(services, out)
    _write(path, out.getvalue().splitlines())
    return out.getvalue().splitlines()


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def _verify(path: Path, key: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", str(path), "--public-key", key, *extra])
    return result.exit_code, result.output


async def test_deleting_the_newest_events_and_checkpoint_row_is_found_by_the_published_one(
    services: Services, settings: Settings, database_url: str
) -> None:
    await _append_units(services, "A", 30)
    await services.transparency.checkpoint()
    await _append_units(services, "B", 10)
    newest = await services.transparency.checkpoint()
    published = read_published(settings.checkpoint_dir)
    assert len(published) == 2
    ok = await kinerja(["audit", "verify"], cli_env(settings, database_url))
    assert ok.exit_code == 0, ok.output
    assert "2 published checkpoints verified" in ok.output

    async with owner_connection(database_url) as superuser:
        await superuser.execute("ALTER TABLE events DISABLE TRIGGER USER")
        await superuser.execute("ALTER TABLE checkpoints DISABLE TRIGGER USER")
        await superuser.execute("DELETE FROM events WHERE position > 30")
        await superuser.execute("DELETE FROM checkpoints WHERE size = $1", newest.checkpoint.size)
        await superuser.execute("ALTER TABLE events ENABLE TRIGGER USER")
        await superuser.execute("ALTER TABLE checkpoints ENABLE TRIGGER USER")

    result = await kinerja(["audit", "verify"], cli_env(settings, database_url))
    assert result.exit_code == 1, result.output
    named = f"published checkpoint {published[1].source} (size 40) covers events the log"
    assert f"{named} no longer has (log size 30)" in result.output
    # The log alone (its own checkpoint rows) looked fine: only the published one tells.
    export = settings.data_dir / "cut.jsonl"
    await _export(services, export)
    key = services.transparency.signer.public_key_b64()
    assert _verify(export, key)[0] == 0
    code, output = _verify(export, key, "--checkpoint-dir", str(settings.checkpoint_dir))
    assert code == 0 and "newer than this export" in output


async def test_a_changed_log_no_longer_matches_its_published_checkpoint(
    services: Services, settings: Settings, database_url: str
) -> None:
    await _append_units(services, "C", 5)
    await services.transparency.checkpoint()
    async with owner_connection(database_url) as superuser:
        # Rewrite the whole chain from position 3 on, so the log is consistent in itself again.
        await superuser.execute("ALTER TABLE events DISABLE TRIGGER USER")
        await superuser.execute("ALTER TABLE checkpoints DISABLE TRIGGER USER")
        await superuser.execute("DELETE FROM events WHERE position >= 3")
        await superuser.execute("DELETE FROM checkpoints")
        await superuser.execute("ALTER TABLE events ENABLE TRIGGER USER")
        await superuser.execute("ALTER TABLE checkpoints ENABLE TRIGGER USER")
    rewritten = await build_services(settings, service_url(database_url), run_projector=False)
    try:
        await _append_units(rewritten, "D", 3)  # a fresh process: no memory of the old log
    finally:
        await close_services(rewritten)
    result = await kinerja(["audit", "verify"], cli_env(settings, database_url))
    assert result.exit_code == 1, result.output
    assert "(size 5): the Merkle root does not match the log" in " ".join(result.output.split())


async def test_an_export_is_verified_only_when_checkpoints_cover_every_event(
    services: Services, settings: Settings, tmp_path: Path
) -> None:
    await _append_units(services, "E", 60)
    await services.transparency.checkpoint()
    key = services.transparency.signer.public_key_b64()
    full = tmp_path / "full.jsonl"
    lines = await _export(services, full)
    assert _verify(full, key) == (0, _verify(full, key)[1])
    assert "ok: 60 events, 1 checkpoints" in _verify(full, key)[1]

    cut = tmp_path / "cut.jsonl"
    _write(cut, lines[:50])  # 50 events, no checkpoint
    code, output = _verify(cut, key)
    assert code == 4
    assert "not covered: 50 of 50 events" in " ".join(output.split())

    await _append_units(services, "F", 7)  # after the last signed checkpoint
    grown = tmp_path / "grown.jsonl"
    await _export(services, grown)
    code, output = _verify(grown, key)
    assert code == 4 and "not covered: 7 of 67 events" in " ".join(output.split())

    kept = tmp_path / "kept.jsonl"  # cut short, but its checkpoint line kept: tampering
    _write(kept, lines[:50] + lines[60:])
    code, output = _verify(kept, key)
    assert code == 1 and "no longer has" in " ".join(output.split())


def test_an_empty_file_fails_and_a_missing_or_garbled_one_is_refused(tmp_path: Path) -> None:
    key = "A" * 43 + "="
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    code, output = _verify(empty, key)
    assert code == 2 and "is empty" in output
    code, output = _verify(tmp_path / "missing.jsonl", key)
    assert code == 2 and "cannot read" in output
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_text('{"kind": "event", "position": 1}\nnot json\n', encoding="utf-8")
    code, output = _verify(garbled, key)
    assert code == 1 and "line 1 is not an export line" in output
    result = CliRunner().invoke(app, ["audit", "verify", str(empty)])
    assert result.exit_code == 2  # no --public-key: a usage error
