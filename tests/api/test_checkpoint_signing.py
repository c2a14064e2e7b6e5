"""Checkpoints are signed by the writer's signer task, never inside a read.

A `logCheckpoint` or proof request only reads: where the process runs the signer, it asks the
signer's task to sign the log as it stands and answers what that task stored; elsewhere (an API
beside a projector worker, or a replica) it answers the newest checkpoint stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from domain.organisation import Unit
from service.log.records import Metadata, StreamWrite
from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql

META = Metadata(actor="196001011990011001", actor_role="HR")
NOW = datetime(2026, 3, 1, tzinfo=UTC)
CHECKPOINT = "{ logCheckpoint { size rootHash } }"
PROOF = "query($p: Int!, $n: Int) { inclusionProof(position: $p, treeSize: $n) { rootHash } }"


async def _append_units(services: Services, prefix: str, count: int) -> None:
    for i in range(count):
        unit = Unit.register(f"{prefix}{i:03d}", f"Unit {prefix}{i}", NOW)
        await services.store.append([StreamWrite(unit.id, tuple(unit.collect_events()))], META)


async def _written(services: Services) -> tuple[int, int]:
    row = await services.pool.fetchrow(
        "SELECT (SELECT count(*) FROM checkpoints) AS c, (SELECT count(*) FROM merkle_nodes) AS m"
    )
    assert row is not None
    return int(row["c"]), int(row["m"])


async def test_without_a_signer_here_reads_answer_the_newest_stored_and_write_nothing(
    services: Services, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    auditor = tokens.header("auditor-1", "AUDITOR")
    empty = await gql(client, CHECKPOINT, None, auditor)
    assert empty["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    await _append_units(services, "A", 20)
    signed = await services.transparency.checkpoint()  # the writer signs
    await _append_units(services, "B", 20)
    before = await _written(services)
    body = await gql(client, CHECKPOINT, None, auditor)
    assert body["data"]["logCheckpoint"]["size"] == signed.checkpoint.size == 20
    proof = await gql(client, PROOF, {"p": 35, "n": 40}, auditor)
    assert proof["data"]["inclusionProof"]["rootHash"]
    assert await _written(services) == before


async def test_with_the_signer_here_a_read_gets_the_log_as_it_stands_signed_by_its_task(
    services: Services, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    auditor = tokens.header("auditor-1", "AUDITOR")
    services.transparency.start(interval=3600, every=1_000_000)
    try:
        empty = await gql(client, CHECKPOINT, None, auditor)
        assert empty["data"]["logCheckpoint"]["size"] == 0
        await _append_units(services, "C", 5)
        body = await gql(client, CHECKPOINT, None, auditor)
        assert body["data"]["logCheckpoint"]["size"] == 5
        stored = await services.transparency.newest_stored()
        assert stored.checkpoint.root_hash.hex() == body["data"]["logCheckpoint"]["rootHash"]
    finally:
        await services.transparency.stop()
