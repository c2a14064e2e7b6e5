"""The Merkle tree against RFC 9162's recursive definitions and Certificate Transparency vectors."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.audit import merkle
from service.audit.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

# ---- a naive reference: RFC 9162 section 2.1, written straight from the text -------------------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return _sha(b"")
    if n == 1:
        return _sha(b"\x00" + d[0])
    k = _k(n)
    return _sha(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: Sequence[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


# ---- data -------------------------------------------------------------------------------------

# Certificate Transparency's reference inputs (certificate-transparency merkle_tree_test) and the
# root of the tree over the first n of them.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, path) from the same suite.
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (old size, new size, proof) from the same suite.
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

MAX_SIZE = 70
LEAVES = [_sha(i.to_bytes(4, "big")) for i in range(MAX_SIZE)]


@pytest.fixture(scope="module")
def tree() -> MerkleTree:
    return MerkleTree(LEAVES)


def _flip(data: bytes, bit: int) -> bytes:
    changed = bytearray(data)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


# ---- known answers ----------------------------------------------------------------------------


def test_empty_tree_root_is_sha256_of_the_empty_string() -> None:
    assert MerkleTree().root() == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_single_leaf_root_is_its_leaf_hash() -> None:
    tree = MerkleTree([LEAVES[0]])
    assert tree.root() == leaf_hash(LEAVES[0]) == _sha(b"\x00" + LEAVES[0])


def test_hashes_are_domain_separated_by_prefix_bytes() -> None:
    left, right = LEAVES[0], LEAVES[1]
    assert leaf_hash(left) == _sha(b"\x00" + left)
    assert node_hash(left, right) == _sha(b"\x01" + left + right)
    assert leaf_hash(left + right) != node_hash(left, right)


def test_reference_reproduces_certificate_transparency_roots() -> None:
    assert [ref_mth(CT_LEAVES[:n]).hex() for n in range(1, 9)] == CT_ROOTS


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_certificate_transparency_inclusion_vectors_verify(
    index: int, size: int, path: list[str]
) -> None:
    proof = [bytes.fromhex(h) for h in path]
    root = bytes.fromhex(CT_ROOTS[size - 1])
    assert ref_path(index, CT_LEAVES[:size]) == proof
    assert verify_inclusion(CT_LEAVES[index], index, size, proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_certificate_transparency_consistency_vectors_verify(
    old: int, new: int, path: list[str]
) -> None:
    proof = [bytes.fromhex(h) for h in path]
    old_root, new_root = (bytes.fromhex(CT_ROOTS[n - 1]) for n in (old, new))
    assert ref_proof(old, CT_LEAVES[:new]) == proof
    assert verify_consistency(old, new, old_root, new_root, proof)


# ---- the tree against the reference, exhaustively for small sizes -----------------------------


def test_roots_match_the_reference_for_every_size(tree: MerkleTree) -> None:
    for size in range(MAX_SIZE + 1):
        expected = ref_mth(LEAVES[:size])
        assert tree.root(size) == expected
        assert MerkleTree(LEAVES[:size]).root() == expected


def test_inclusion_proofs_match_the_reference_and_verify(tree: MerkleTree) -> None:
    for size in range(1, MAX_SIZE + 1):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == ref_path(index, LEAVES[:size])
            assert verify_inclusion(LEAVES[index], index, size, proof, root)


def test_consistency_proofs_match_the_reference_and_verify(tree: MerkleTree) -> None:
    for new in range(1, MAX_SIZE + 1):
        new_root = tree.root(new)
        for old in range(1, new + 1):
            proof = tree.consistency_proof(old, new)
            assert proof == ref_proof(old, LEAVES[:new])
            assert verify_consistency(old, new, tree.root(old), new_root, proof)


def test_appending_one_by_one_equals_building_at_once() -> None:
    grown = MerkleTree()
    for leaf in LEAVES[:37]:
        grown.append(leaf)
    bulk = MerkleTree()
    bulk.extend(LEAVES[:37])
    assert grown.size == bulk.size == len(grown) == 37
    assert grown.root() == bulk.root() == MerkleTree(LEAVES[:37]).root()


def test_leaf_hash_at_returns_the_hash_of_that_leaf(tree: MerkleTree) -> None:
    assert [tree.leaf_hash_at(i) for i in range(MAX_SIZE)] == [leaf_hash(x) for x in LEAVES]


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_inclusion_proofs_of_larger_trees_match_the_reference(case: tuple[int, int]) -> None:
    size, index = case
    leaves = [_sha(i.to_bytes(4, "big")) for i in range(size)]
    tree = MerkleTree(leaves)
    assert tree.root() == ref_mth(leaves)
    assert tree.inclusion_proof(index, size) == ref_path(index, leaves)


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_consistency_proofs_of_larger_trees_match_the_reference(case: tuple[int, int]) -> None:
    old, new = case
    leaves = [_sha(i.to_bytes(4, "big")) for i in range(new)]
    assert MerkleTree(leaves).consistency_proof(old, new) == ref_proof(old, leaves)


# ---- tampering is caught ----------------------------------------------------------------------


@given(st.data())
def test_tampered_inclusion_proofs_fail(data: st.DataObject) -> None:
    size = data.draw(st.integers(2, MAX_SIZE))
    index = data.draw(st.integers(0, size - 1))
    tree = MerkleTree(LEAVES[:size])
    proof = tree.inclusion_proof(index, size)
    at = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    tampered = [*proof[:at], _flip(proof[at], bit), *proof[at + 1 :]]
    assert not verify_inclusion(LEAVES[index], index, size, tampered, tree.root())


@given(st.data())
def test_tampered_consistency_proofs_fail(data: st.DataObject) -> None:
    new = data.draw(st.integers(2, MAX_SIZE))
    old = data.draw(st.integers(1, new - 1))
    tree = MerkleTree(LEAVES[:new])
    proof = tree.consistency_proof(old, new)
    at = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    tampered = [*proof[:at], _flip(proof[at], bit), *proof[at + 1 :]]
    assert not verify_consistency(old, new, tree.root(old), tree.root(new), tampered)


def test_inclusion_fails_for_a_wrong_leaf_index_size_root_or_proof_length(
    tree: MerkleTree,
) -> None:
    index, size = 5, 13
    proof, root, leaf = tree.inclusion_proof(index, size), tree.root(size), LEAVES[index]
    assert verify_inclusion(leaf, index, size, proof, root)
    assert not verify_inclusion(LEAVES[index + 1], index, size, proof, root)
    assert not verify_inclusion(leaf_hash(leaf), index, size, proof, root)
    for wrong_index in (index - 1, index + 1, index ^ 2, size, -1):
        assert not verify_inclusion(leaf, wrong_index, size, proof, root)
    # Not size + 1: a path only fixes the tree's shape, and 13 and 14 leaves share this one.
    for wrong_size in (size * 2, size // 2, 0):
        assert not verify_inclusion(leaf, index, wrong_size, proof, root)
    assert not verify_inclusion(leaf, index, size, proof, EMPTY_ROOT)
    for wrong_proof in (proof[:-1], [*proof, root], [root, *proof], [*proof, b""], []):
        assert not verify_inclusion(leaf, index, size, wrong_proof, root)


def test_consistency_fails_for_wrong_sizes_roots_or_proof_length(tree: MerkleTree) -> None:
    old, new = 6, 19
    proof = tree.consistency_proof(old, new)
    old_root, new_root = tree.root(old), tree.root(new)
    assert verify_consistency(old, new, old_root, new_root, proof)
    for wrong_old in (old - 1, old + 1, old ^ 2, new + 1):
        assert not verify_consistency(wrong_old, new, old_root, new_root, proof)
    for wrong_new in (new * 2, new // 2):
        assert not verify_consistency(old, wrong_new, old_root, new_root, proof)
    assert not verify_consistency(old, new, new_root, old_root, proof)
    assert not verify_consistency(old, new, EMPTY_ROOT, new_root, proof)
    assert not verify_consistency(old, new, old_root, EMPTY_ROOT, proof)
    for wrong_proof in (proof[:-1], [*proof, old_root], [proof[0], *proof], [b"", *proof], []):
        assert not verify_consistency(old, new, old_root, new_root, wrong_proof)


def test_trivial_consistency_holds_only_with_an_empty_proof_and_matching_roots(
    tree: MerkleTree,
) -> None:
    root = tree.root(9)
    assert tree.consistency_proof(9, 9) == []
    assert tree.consistency_proof(0, 9) == []
    assert verify_consistency(9, 9, root, root, [])
    assert verify_consistency(0, 9, EMPTY_ROOT, root, [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(9, 9, root, EMPTY_ROOT, [])
    assert not verify_consistency(9, 9, root, root, [root])
    assert not verify_consistency(0, 9, root, root, [])
    assert not verify_consistency(0, 9, EMPTY_ROOT, root, [root])
    assert not verify_consistency(9, 8, root, root, [])


# ---- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [-1, MAX_SIZE + 1])
def test_root_refuses_sizes_outside_the_tree(tree: MerkleTree, size: int) -> None:
    with pytest.raises(ValueError, match="tree size"):
        tree.root(size)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (-1, 5), (5, 5), (0, MAX_SIZE + 1), (0, -1)])
def test_inclusion_proof_refuses_out_of_range_arguments(
    tree: MerkleTree, index: int, size: int
) -> None:
    with pytest.raises(ValueError):
        tree.inclusion_proof(index, size)


@pytest.mark.parametrize(("old", "new"), [(-1, 5), (6, 5), (1, MAX_SIZE + 1)])
def test_consistency_proof_refuses_out_of_range_sizes(tree: MerkleTree, old: int, new: int) -> None:
    with pytest.raises(ValueError):
        tree.consistency_proof(old, new)


@pytest.mark.parametrize("index", [-1, MAX_SIZE])
def test_leaf_hash_at_refuses_out_of_range_indices(tree: MerkleTree, index: int) -> None:
    with pytest.raises(ValueError, match="leaf index"):
        tree.leaf_hash_at(index)


@pytest.mark.parametrize("leaf", [b"", b"\x00" * 31, b"\x00" * 33, LEAVES[0].hex().encode()])
def test_append_refuses_leaves_that_are_not_32_bytes(leaf: bytes) -> None:
    tree = MerkleTree()
    with pytest.raises(ValueError, match="32 bytes"):
        tree.append(leaf)
    assert tree.size == 0


# ---- cost: cached complete subtrees keep hashing logarithmic ----------------------------------


def _count_node_hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = merkle.node_hash

    def counting(left: bytes, right: bytes) -> bytes:
        calls[0] += 1
        return real(left, right)

    monkeypatch.setattr(merkle, "node_hash", counting)
    return calls


def test_appending_hashes_each_complete_subtree_exactly_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _count_node_hashes(monkeypatch)
    n = 10_000
    MerkleTree(_sha(i.to_bytes(4, "big")) for i in range(n))
    # A complete subtree forms for every pair that merges: n minus the number of peaks.
    assert calls[0] == n - n.bit_count()


def test_roots_and_proofs_of_a_large_tree_cost_logarithmic_hashing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 100_003
    tree = MerkleTree(_sha(i.to_bytes(4, "big")) for i in range(n))
    calls = _count_node_hashes(monkeypatch)
    depth = n.bit_length()
    tree.root()
    assert calls[0] <= depth
    calls[0] = 0
    tree.inclusion_proof(n - 1, n)
    tree.inclusion_proof(12_345, n - 7)
    assert calls[0] <= 2 * depth * depth
    calls[0] = 0
    tree.consistency_proof(54_321, n)
    assert calls[0] <= depth * depth
