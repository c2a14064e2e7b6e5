"""The Merkle tree's complete subtrees kept in PostgreSQL, as Trillian keeps its tiles: a root or a
proof reads O(log n) stored hashes and at most a few dozen leaves, at any size of the log.

`merkle_nodes(level, idx, hash)` holds MTH of leaves [idx * 2**level, (idx + 1) * 2**level) for
every complete subtree of at least BLOCK leaves. Smaller subtrees are computed from the leaves
(the events' chain hashes), and so is the short tail the builder has not stored yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from service.audit.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    Range,
    combine,
    consistency_ranges,
    inclusion_ranges,
    node_hash,
    subtree_pieces,
)
from service.db.pg import Connection
from service.log import reads

STORED_FROM_LEVEL = 4
BLOCK = 1 << STORED_FROM_LEVEL  # the smallest stored subtree: 16 leaves
BUILD_BATCH = BLOCK * 4096  # leaves read per builder step
Key = tuple[int, int]


def _key(start: int, end: int) -> Key:
    size = end - start
    return size.bit_length() - 1, start // size


@dataclass(frozen=True)
class _Plan:
    """What a set of ranges needs: stored subtree keys and leaf index ranges."""

    stored: frozenset[Key]
    leaves: frozenset[Range]


def plan(ranges: list[Range], frontier: int) -> _Plan:
    """The stored nodes and leaf ranges that give MTH of every range (pure; no I/O)."""
    stored: set[Key] = set()
    leaves: set[Range] = set()

    def perfect(a: int, b: int) -> None:
        if b - a >= BLOCK and b <= frontier:
            stored.add(_key(a, b))
        elif b - a <= BLOCK or a >= frontier:
            leaves.add((a, b))
        else:
            middle = (a + b) // 2
            perfect(a, middle)
            perfect(middle, b)

    for start, end in ranges:
        for a, b in subtree_pieces(start, end) if end > start else []:
            perfect(a, b)
    return _Plan(frozenset(stored), frozenset(leaves))


class _Resolved:
    """The fetched hashes of a plan, answering MTH of any range the plan covered."""

    def __init__(self, nodes: dict[Key, bytes], leaves: dict[int, bytes], frontier: int) -> None:
        # `leaves` are the raw leaves (chain hashes) by leaf index; MerkleTree hashes them.
        self.nodes = nodes
        self.leaves = leaves
        self.frontier = frontier

    def perfect(self, a: int, b: int) -> bytes:
        if b - a >= BLOCK and b <= self.frontier:
            return self.nodes[_key(a, b)]
        if b - a <= BLOCK or a >= self.frontier:
            return MerkleTree(self.leaves[i] for i in range(a, b)).root()
        middle = (a + b) // 2
        return node_hash(self.perfect(a, middle), self.perfect(middle, b))

    def mth(self, start: int, end: int) -> bytes:
        return EMPTY_ROOT if start == end else combine(start, end, self.perfect)


class StoredTree:
    """Builds the stored subtrees as the log grows, and answers roots and proofs from them."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def extend(self) -> int:
        """Store every complete subtree of BLOCK leaves or more; return the log size."""
        async with self._pool.acquire() as conn:
            head = await reads.head(conn)
            covered = await _frontier(conn)
            while covered + BLOCK <= head:
                upto = min(covered + BUILD_BATCH, head - (head - covered) % BLOCK)
                await _store_blocks(conn, covered, upto)
                covered = upto
            return head

    async def size(self) -> int:
        """The log size, read only (the tail beyond the stored subtrees is read from leaves)."""
        async with self._pool.acquire() as conn:
            return await reads.head(conn)

    async def root(self, size: int) -> bytes:
        """MTH of the first `size` leaves."""
        async with self._pool.acquire() as conn:
            resolved = await _resolve(conn, [(0, size)] if size else [])
            return resolved.mth(0, size)

    async def inclusion(self, index: int, size: int) -> tuple[bytes, list[bytes], bytes]:
        """(leaf hash, RFC 9162 audit path, root) of leaf `index` in the tree of `size`."""
        ranges = inclusion_ranges(index, size)
        async with self._pool.acquire() as conn:
            resolved = await _resolve(conn, [*ranges, (0, size), (index, index + 1)])
        path = [resolved.mth(a, b) for a, b in ranges]
        return resolved.perfect(index, index + 1), path, resolved.mth(0, size)

    async def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        """The RFC 9162 consistency proof from `old_size` to `new_size` leaves."""
        ranges = consistency_ranges(old_size, new_size)
        async with self._pool.acquire() as conn:
            resolved = await _resolve(conn, ranges)
        return [resolved.mth(a, b) for a, b in ranges]


async def _frontier(conn: Connection) -> int:
    """How many leaves the stored BLOCK-sized subtrees cover (they are stored left to right)."""
    last = await conn.fetchval(
        "SELECT max(idx) FROM merkle_nodes WHERE level = $1", STORED_FROM_LEVEL
    )
    return 0 if last is None else (int(last) + 1) * BLOCK


async def _store_blocks(conn: Connection, start: int, end: int) -> None:
    """Store the subtrees completed by leaves [start, end) (both multiples of BLOCK)."""
    # The raw leaves of leaf indexes [start, end): the chain hashes at positions start+1..end.
    leaves = await reads.chain_hashes(conn, start, end)
    level = STORED_FROM_LEVEL
    new = {
        (level, (start + i) // BLOCK): MerkleTree(leaves[i : i + BLOCK]).root()
        for i in range(0, len(leaves), BLOCK)
    }
    found = dict(new)
    while True:
        parents = {(level + 1, idx // 2) for (lvl, idx) in new if lvl == level and idx % 2}
        if not parents:
            break
        lefts = [(level, 2 * idx) for _, idx in parents]
        found.update(await _nodes(conn, [k for k in lefts if k not in found]))
        new = {
            (level + 1, idx): node_hash(found[(level, 2 * idx)], found[(level, 2 * idx + 1)])
            for _, idx in parents
        }
        found.update(new)
        level += 1
    stored = [k for k in found if k[0] >= STORED_FROM_LEVEL]
    await conn.execute(
        "INSERT INTO merkle_nodes (level, idx, hash)"
        " SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])"
        " ON CONFLICT DO NOTHING",
        [k[0] for k in stored],
        [k[1] for k in stored],
        [found[k] for k in stored],
    )


async def _nodes(conn: Connection, keys: list[Key]) -> dict[Key, bytes]:
    if not keys:
        return {}
    rows = await conn.fetch(
        "SELECT level, idx, hash FROM merkle_nodes"
        " WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))",
        [k[0] for k in keys],
        [k[1] for k in keys],
    )
    return {(r["level"], r["idx"]): bytes(r["hash"]) for r in rows}


async def _resolve(conn: Connection, ranges: list[Range]) -> _Resolved:
    """Fetch, in two queries, every stored node and leaf the ranges need."""
    frontier = await _frontier(conn)
    needed = plan(ranges, frontier)
    nodes = await _nodes(conn, sorted(needed.stored))
    indexes = sorted({i for a, b in needed.leaves for i in range(a, b)})
    leaves: dict[int, bytes] = {}
    if indexes:
        hashes = await reads.chain_hashes_at(conn, [i + 1 for i in indexes])
        leaves = {position - 1: digest for position, digest in hashes.items()}
    return _Resolved(nodes, leaves, frontier)
