"""RFC 9162 Merkle tree over the log's 32-byte leaves: roots, proofs and their verification.

The leaf of log position p is the event's 32-byte chain hash, at leaf index p - 1. Pure and
I/O-free; a verifier needs only this module, an export of the leaves and a signed checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(leaf: bytes) -> bytes:
    """Return the RFC 9162 hash of one leaf: SHA-256(0x00 || leaf)."""
    return hashlib.sha256(_LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """Return the largest power of two below n (n >= 2): where RFC 9162 splits n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


Range = tuple[int, int]


def subtree_pieces(start: int, end: int) -> list[Range]:
    """The complete, aligned subtrees whose hashes make MTH(leaves[start:end]), left to right."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        return [(start, end)]
    k = _split(n)
    return subtree_pieces(start, start + k) + subtree_pieces(start + k, end)


def combine(start: int, end: int, piece: Callable[[int, int], bytes]) -> bytes:
    """MTH(leaves[start:end]) from the hashes of its complete subtrees (`piece(start, end)`)."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        return piece(start, end)
    k = _split(n)
    return node_hash(combine(start, start + k, piece), combine(start + k, end, piece))


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The leaf ranges whose roots form the RFC 9162 inclusion path of `index`, bottom-up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    ranges: list[Range] = []
    start, end = 0, size
    # Walk from the root down to the leaf; the RFC lists the siblings bottom-up, so reverse.
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """The leaf ranges whose roots form the RFC 9162 consistency proof, bottom-up."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"old size {old_size} must lie between 0 and new size {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[Range] = []
    start, end, remaining = 0, new_size, old_size
    # True while the old tree is the whole left part of the current subtree: its root is then
    # one the verifier already holds, so the RFC leaves it out of the proof.
    whole_old_tree = True
    while remaining != end - start:
        k = _split(end - start)
        if remaining <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            remaining -= k
            whole_old_tree = False
    if not whole_old_tree:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


class MerkleTree:
    """Append-only RFC 9162 Merkle tree that caches the hash of every complete subtree."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        # _levels[h] holds, left to right, the hashes of the complete subtrees of 2**h leaves,
        # concatenated into one flat bytearray: a million leaves then cost about 64 MB, not the
        # ~150 MB that two million separate bytes objects would.
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        self.extend(leaves)

    @property
    def size(self) -> int:
        """Return the number of leaves appended so far."""
        return self._size

    def __len__(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Append one 32-byte leaf (an event's chain hash); amortised O(1) hashing."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf must be {HASH_SIZE} bytes, got {len(leaf)}")
        digest = leaf_hash(leaf)
        height = 0
        while True:
            row = self._levels[height]
            row += digest
            # An odd count means the newest subtree at this height has no sibling yet.
            if (len(row) // HASH_SIZE) % 2:
                break
            digest = node_hash(bytes(row[-2 * HASH_SIZE : -HASH_SIZE]), bytes(row[-HASH_SIZE:]))
            height += 1
            if height == len(self._levels):
                self._levels.append(bytearray())
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append several 32-byte leaves in order."""
        for leaf in leaves:
            self.append(leaf)

    def leaf_hash_at(self, index: int) -> bytes:
        """Return the leaf hash stored at a 0-based leaf index."""
        if not 0 <= index < self._size:
            raise ValueError(f"leaf index {index} is outside the tree of {self._size} leaves")
        return self._cached(0, index)

    def root(self, size: int | None = None) -> bytes:
        """Return the root of the first `size` leaves (all of them by default)."""
        size = self._size if size is None else size
        self._check_size(size)
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Return the RFC 9162 inclusion path of leaf `index` in the tree of `size` leaves."""
        self._check_size(size)
        return [self._subtree(a, b) for a, b in inclusion_ranges(index, size)]

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """Return the RFC 9162 consistency proof from the first `old_size` to `new_size` leaves."""
        self._check_size(new_size)
        return [self._subtree(a, b) for a, b in consistency_ranges(old_size, new_size)]

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self._size:
            raise ValueError(f"tree size {size} is outside 0..{self._size}")

    def _cached(self, height: int, offset: int) -> bytes:
        start = offset * HASH_SIZE
        return bytes(self._levels[height][start : start + HASH_SIZE])

    def _subtree(self, start: int, end: int) -> bytes:
        """Return MTH of leaves [start, end), reading every complete subtree from the cache."""
        return combine(
            start, end, lambda a, b: self._cached((b - a).bit_length() - 1, a // (b - a))
        )


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof of a raw leaf (not its hash) per RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size or any(len(node) != HASH_SIZE for node in proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Skip the levels where this node is the last, sibling-less one on the right edge.
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof between two tree sizes per RFC 9162 section 2.1.4.2."""
    if not 0 <= old_size <= new_size or any(len(node) != HASH_SIZE for node in proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        # Every tree extends the empty one; there is nothing to prove but the empty root itself.
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a complete subtree of the new one, so its root is the proof's seed.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
