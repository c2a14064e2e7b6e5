"""The verifiable log: a Merkle tree over the chain hashes, signed checkpoints, and proofs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from service.audit.checkpoint import Checkpoint, CheckpointSigner, SignedCheckpoint, parse_note
from service.audit.merkle_store import StoredTree
from service.audit.publish import CheckpointPublisher
from service.errors import ClientFacingError
from service.supervise import Supervised

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


class NotSignedYet(ClientFacingError):
    """No checkpoint has been signed yet (a fresh log, or a signer that has not run)."""

    def __init__(self) -> None:
        super().__init__("no checkpoint has been signed yet; retry shortly", "SERVICE_UNAVAILABLE")


# How long a read waits for this process's signer to sign the log as it stands now; past it
# the read answers the newest stored checkpoint.
SIGN_WAIT_SECONDS = 2.0


class TransparencyLog:
    """Keeps the log's Merkle tree stored beside it, signs checkpoints and answers proofs."""

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
        self._tree = StoredTree(pool)
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._signed_size = 0
        self._signed_once = False
        self._asked = asyncio.Event()
        self._waiters: list[asyncio.Future[None]] = []
        self.supervisor = Supervised("checkpoints")

    async def sync(self) -> int:
        """Store the subtrees the events committed since the last call complete; the log size."""
        async with self._lock:
            return await self._tree.extend()

    async def checkpoint(self) -> SignedCheckpoint:
        """Sign and store a checkpoint of the log as it is now (or return the stored one)."""
        size = await self.sync()
        signed = self.signer.sign(Checkpoint(self.origin, size, await self._tree.root(size)))
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
        """The newest signed checkpoint. A read never writes: where this process runs the
        signer, the signer's own task is asked to sign the log as it stands now first."""
        if self._task is not None and not self._task.done():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            self._asked.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(waiter), SIGN_WAIT_SECONDS)
        return await self.newest_stored()

    async def newest_stored(self) -> SignedCheckpoint:
        """The newest checkpoint stored (NotSignedYet when there is none)."""
        note = await self._pool.fetchval("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1")
        if note is None:
            raise NotSignedYet
        return parse_note(str(note))

    async def checkpoints(self) -> list[SignedCheckpoint]:
        """Every stored checkpoint, oldest first."""
        rows = await self._pool.fetch("SELECT note FROM checkpoints ORDER BY size")
        return [parse_note(r["note"]) for r in rows]

    async def inclusion(self, position: int, tree_size: int | None) -> InclusionProof:
        """An inclusion proof for one event in a tree (default: the latest checkpoint)."""
        size = tree_size if tree_size is not None else (await self.latest()).checkpoint.size
        head = await self._tree.size()
        if not 1 <= position <= size or size > head:
            raise ProofError(f"position {position} is not in a log of size {size}")
        leaf, path, root = await self._tree.inclusion(position - 1, size)
        return InclusionProof(position, size, leaf, path, root)

    async def consistency(self, from_size: int, to_size: int | None) -> ConsistencyProof:
        """A consistency proof between two tree sizes (default: the latest checkpoint)."""
        size = to_size if to_size is not None else (await self.latest()).checkpoint.size
        head = await self._tree.size()
        if not 0 <= from_size <= size or size > head:
            raise ProofError(f"sizes {from_size}..{size} are not in a log of size {head}")
        return ConsistencyProof(from_size, size, await self._tree.consistency(from_size, size))

    def start(self, interval: float, every: int) -> None:
        """Sign a checkpoint every `every` events or every `interval` seconds with new events.

        The loop is supervised: a failure is logged, counted and the loop restarts with backoff.
        """
        if self._task is None:
            self._task = asyncio.create_task(
                self.supervisor.run(lambda healthy: self._run(interval, every, healthy)),
                name="checkpoints",
            )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, interval: float, every: int, healthy: Callable[[], None]) -> None:
        waited = 0.0
        while True:
            tick = min(interval, 1.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._asked.wait(), tick)
            asked, waiters = self._asked.is_set(), self._waiters
            self._asked.clear()
            self._waiters = []
            waited = 0.0 if asked else waited + tick
            grown = await self.sync() - self._signed_size
            first = asked and not self._signed_once  # an empty log has a checkpoint too
            if first or (grown > 0 and (asked or grown >= every or waited >= interval)):
                self._signed_size = (await self.checkpoint()).checkpoint.size
                self._signed_once = True
                waited = 0.0
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
            healthy()
