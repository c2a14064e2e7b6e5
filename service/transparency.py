"""The verifiable log: a Merkle tree over the chain hashes, signed checkpoints, and proofs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import asyncpg

from service.checkpoint import Checkpoint, CheckpointSigner, SignedCheckpoint, parse_note
from service.checkpoint_publish import CheckpointPublisher
from service.merkle import MerkleTree

log = logging.getLogger("kinerja.transparency")


@dataclass(frozen=True)
class InclusionProof:
    """Proof that the event at `position` is leaf `position - 1` of the tree of `tree_size`."""

    position: int
    tree_size: int
    leaf_hash: bytes
    audit_path: list[bytes]
    root_hash: bytes


@dataclass(frozen=True)
class ConsistencyProof:
    """Proof that the tree of `from_size` is a prefix of the tree of `to_size`."""

    from_size: int
    to_size: int
    path: list[bytes]


class ProofError(ValueError):
    """A proof was asked for sizes or positions the log does not have."""


class TransparencyLog:
    """Keeps a Merkle tree of the log in memory, signs checkpoints and answers proofs."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        signer: CheckpointSigner,
        origin: str,
        publisher: CheckpointPublisher | None = None,
    ) -> None:
        self._pool = pool
        self.signer = signer
        self.origin = origin
        self.publisher = publisher
        self._tree = MerkleTree()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def sync(self) -> MerkleTree:
        """Extend the tree with the events committed since the last call."""
        async with self._lock:
            while True:
                rows = await self._pool.fetch(
                    "SELECT position, hash FROM events WHERE position > $1"
                    " ORDER BY position LIMIT 10000",
                    self._tree.size,
                )
                if not rows:
                    return self._tree
                self._tree.extend(bytes(r["hash"]) for r in rows)

    async def checkpoint(self) -> SignedCheckpoint:
        """Sign and store a checkpoint of the log as it is now (or return the stored one)."""
        tree = await self.sync()
        size = tree.size
        signed = self.signer.sign(Checkpoint(self.origin, size, tree.root(size)))
        await self._pool.execute(
            "INSERT INTO checkpoints (size, root_hash, note) VALUES ($1, $2, $3)"
            " ON CONFLICT (size) DO NOTHING",
            size,
            signed.checkpoint.root_hash,
            signed.note(),
        )
        stored = parse_note(
            str(await self._pool.fetchval("SELECT note FROM checkpoints WHERE size = $1", size))
        )
        if self.publisher is not None:
            # Outside the database too, so deleting rows here cannot hide a shorter log. A
            # failure does not void the stored checkpoint; the next one is published again.
            try:
                self.publisher.publish(stored)
            except OSError:
                log.exception("publishing the checkpoint at size %d failed", size)
        return stored

    async def latest(self) -> SignedCheckpoint:
        """The newest checkpoint; one is signed now when the log has grown since."""
        tree = await self.sync()
        note = await self._pool.fetchval("SELECT note FROM checkpoints WHERE size = $1", tree.size)
        return parse_note(str(note)) if note else await self.checkpoint()

    async def checkpoints(self) -> list[SignedCheckpoint]:
        """Every stored checkpoint, oldest first."""
        rows = await self._pool.fetch("SELECT note FROM checkpoints ORDER BY size")
        return [parse_note(r["note"]) for r in rows]

    async def inclusion(self, position: int, tree_size: int | None) -> InclusionProof:
        """An inclusion proof for one event in a tree (default: the latest checkpoint)."""
        size = tree_size if tree_size is not None else (await self.latest()).checkpoint.size
        tree = await self.sync()
        if not 1 <= position <= size or size > tree.size:
            raise ProofError(f"position {position} is not in a log of size {size}")
        return InclusionProof(
            position=position,
            tree_size=size,
            leaf_hash=tree.leaf_hash_at(position - 1),
            audit_path=tree.inclusion_proof(position - 1, size),
            root_hash=tree.root(size),
        )

    async def consistency(self, from_size: int, to_size: int | None) -> ConsistencyProof:
        """A consistency proof between two tree sizes (default: the latest checkpoint)."""
        size = to_size if to_size is not None else (await self.latest()).checkpoint.size
        tree = await self.sync()
        if not 0 <= from_size <= size or size > tree.size:
            raise ProofError(f"sizes {from_size}..{size} are not in a log of size {tree.size}")
        return ConsistencyProof(from_size, size, tree.consistency_proof(from_size, size))

    def start(self, interval: float, every: int) -> None:
        """Sign a checkpoint every `every` events or every `interval` seconds with new events."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(interval, every), name="checkpoints")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, interval: float, every: int) -> None:
        signed_size = 0
        waited = 0.0
        while True:
            await asyncio.sleep(min(interval, 1.0))
            waited += min(interval, 1.0)
            try:
                tree = await self.sync()
                grown = tree.size - signed_size
                if grown >= every or (grown > 0 and waited >= interval):
                    signed_size = (await self.checkpoint()).checkpoint.size
                    waited = 0.0
            except (asyncpg.PostgresError, OSError):
                log.exception("checkpoint failed; retrying")
