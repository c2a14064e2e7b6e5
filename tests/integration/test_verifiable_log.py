"""The verifiable log: proofs checked independently, tampering found offline and live."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import httpx
from typer.testing import CliRunner

from domain.organisation import Unit
from service.audit.checkpoint import verify_note
from service.cli.audit import verify_database, verify_lines, write_export
from service.cli.main import app
from service.log.records import Metadata, StreamWrite
from service.services import Services
from tests import rfc9162
from tests.conftest import Tokens
from tests.graphql import gql
from tests.owner import owner_connection

META = Metadata(actor="196001011990011001", actor_role="HR")
NOW = datetime(2026, 3, 1, tzinfo=UTC)


async def _append_units(services: Services, prefix: str, count: int) -> None:
    for i in range(count):
        unit = Unit.register(f"{prefix}{i:03d}", f"Unit {prefix}{i}", NOW)
        await services.store.append([StreamWrite(unit.id, tuple(unit.collect_events()))], META)


async def test_proofs_verify_with_an_independent_rfc9162_verifier(
    services: Services, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await _append_units(services, "A", 7)
    first = await services.transparency.checkpoint()
    await _append_units(services, "B", 6)
    second = await services.transparency.checkpoint()
    auditor = tokens.header("auditor-1", "AUDITOR")
    key = (await gql(client, "{ publicKey }"))["data"]["publicKey"]
    assert verify_note(second.note(), key)
    body = await gql(
        client,
        "query($p: Int!, $n: Int) { inclusionProof(position: $p, treeSize: $n)"
        " { position treeSize leafHash auditPath rootHash } }",
        {"p": 5, "n": second.checkpoint.size},
        auditor,
    )
    proof = body["data"]["inclusionProof"]
    stored = (await services.store.read_all(4, 1))[0]
    assert bytes.fromhex(proof["leafHash"]) == rfc9162.leaf(stored.hash)
    assert proof["rootHash"] == second.checkpoint.root_hash.hex()
    assert rfc9162.verify_inclusion(
        4,
        proof["treeSize"],
        rfc9162.leaf(stored.hash),
        [bytes.fromhex(h) for h in proof["auditPath"]],
        second.checkpoint.root_hash,
    )
    body = await gql(
        client,
        "query($a: Int!, $b: Int) { consistencyProof(fromSize: $a, toSize: $b) { path } }",
        {"a": first.checkpoint.size, "b": second.checkpoint.size},
        auditor,
    )
    path = [bytes.fromhex(h) for h in body["data"]["consistencyProof"]["path"]]
    assert rfc9162.verify_consistency(
        first.checkpoint.size,
        second.checkpoint.size,
        first.checkpoint.root_hash,
        second.checkpoint.root_hash,
        path,
    )
    assert not rfc9162.verify_consistency(
        first.checkpoint.size,
        second.checkpoint.size,
        second.checkpoint.root_hash,
        second.checkpoint.root_hash,
        path,
    )


async def _export_report(services: Services) -> tuple[bool, int | None]:
    out = io.StringIO()
    await write_export(services, out)
    out.seek(0)
    report = verify_lines(out, services.transparency.signer.public_key_b64())
    return report.ok, report.first_bad_position


async def test_a_changed_byte_is_found_by_both_verifications(
    services: Services, database_url: str, tmp_path: Path
) -> None:
    await _append_units(services, "C", 5)
    await services.transparency.checkpoint()
    assert await _export_report(services) == (True, None)
    assert (await verify_database(services)).ok
    async with owner_connection(database_url) as conn:
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_update_delete")
        await conn.execute(
            "UPDATE events SET payload = overlay(payload placing 'X'::bytea from 10 for 1)"
            " WHERE position = 3"
        )
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_no_update_delete")
    assert await _export_report(services) == (False, 3)
    live = await verify_database(services)
    assert (live.ok, live.first_bad_position) == (False, 3)
    export = tmp_path / "log.jsonl"
    with export.open("w") as out:
        await write_export(services, out)
    key = services.transparency.signer.public_key_b64()
    result = CliRunner().invoke(app, ["audit", "verify", str(export), "--public-key", key])
    assert result.exit_code == 1
    assert "first bad position: 3" in result.output


async def test_deleting_the_last_event_breaks_consistency_with_the_checkpoint(
    services: Services, database_url: str
) -> None:
    await _append_units(services, "D", 4)
    await services.transparency.checkpoint()
    async with owner_connection(database_url) as conn:
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_update_delete")
        await conn.execute("DELETE FROM events WHERE position = 4")
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_no_update_delete")
    live = await verify_database(services)
    assert not live.ok
    assert any("not consistent" in p for p in live.problems)
    ok, _ = await _export_report(services)
    assert not ok


async def test_the_public_key_is_readable_without_a_token(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ publicKey }")
    assert len(body["data"]["publicKey"]) == 44
