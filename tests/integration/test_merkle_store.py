"""The stored Merkle tree answers every root and proof exactly as the in-memory tree does, built
in steps of any size, with or without an unbuilt tail."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.organisation import Unit
from service.audit.merkle import MerkleTree
from service.audit.merkle_store import BLOCK, StoredTree
from service.log.records import Metadata, StreamWrite
from service.services import Services

META = Metadata(actor="test", actor_role="ADMIN")


async def _append(services: Services, start: int, count: int) -> None:
    now = datetime.now(UTC)
    for i in range(start, start + count):
        unit = Unit.register(f"U{i:05d}", f"Unit {i}", now)
        await services.store.append([StreamWrite(unit.id, tuple(unit.collect_events()))], META)


async def _leaves(services: Services) -> list[bytes]:
    rows = await services.pool.fetch("SELECT hash FROM events ORDER BY position")
    return [bytes(r["hash"]) for r in rows]


async def _same_answers(stored: StoredTree, memory: MerkleTree) -> None:
    for size in range(1, memory.size + 1):
        assert await stored.root(size) == memory.root(size), size
        for index in {0, size // 2, size - 1}:
            leaf, path, root = await stored.inclusion(index, size)
            assert leaf == memory.leaf_hash_at(index)
            assert path == memory.inclusion_proof(index, size), (index, size)
            assert root == memory.root(size)
        for old in {0, 1, size // 3, size - 1, size}:
            assert await stored.consistency(old, size) == memory.consistency_proof(old, size)


async def test_stored_subtrees_give_the_same_roots_and_proofs_as_the_memory_tree(
    services: Services,
) -> None:
    stored = StoredTree(services.pool)
    appended = 0
    # Steps that end inside blocks, on block edges and across several levels; `extend` is
    # skipped after some of them so the unbuilt tail is read from the leaves.
    for step, build in ((1, True), (BLOCK - 1, True), (1, False), (BLOCK + 1, True), (70, False)):
        await _append(services, appended, step)
        appended += step
        if build:
            assert await stored.extend() == appended
        await _same_answers(stored, MerkleTree(await _leaves(services)))
    assert await stored.extend() == appended
    await _same_answers(stored, MerkleTree(await _leaves(services)))


async def test_a_proof_reads_a_logarithmic_number_of_stored_hashes(services: Services) -> None:
    await _append(services, 0, 8 * BLOCK)
    stored = StoredTree(services.pool)
    await stored.extend()
    nodes = await services.pool.fetchval("SELECT count(*) FROM merkle_nodes")
    # 8 blocks: 8 + 4 + 2 + 1 stored subtrees; smaller ones come from at most BLOCK leaves.
    assert nodes == 15
    memory = MerkleTree(await _leaves(services))
    leaf, path, root = await stored.inclusion(5, 8 * BLOCK)
    assert leaf == memory.leaf_hash_at(5)
    assert path == memory.inclusion_proof(5, 8 * BLOCK)
    assert root == memory.root()
