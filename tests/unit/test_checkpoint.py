"""Signed checkpoints: C2SP note format, Ed25519 signatures, tampering and key files."""

from __future__ import annotations

import base64
import hashlib
import pathlib
import stat
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from service.audit.checkpoint import (
    Checkpoint,
    CheckpointSigner,
    SignedCheckpoint,
    key_id,
    parse_note,
    verify_note,
    verify_signed_checkpoint,
)

ORIGIN = "kinerja.salatiga.go.id/log"
ROOT = hashlib.sha256(b"root").digest()
CHECKPOINT = Checkpoint(ORIGIN, 1234, ROOT)
DASH = "\u2014"

# The example of Go's golang.org/x/mod/sumdb/note documentation, the reference implementation.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE_LINE = (
    f"{DASH} PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


@pytest.fixture(scope="module")
def signer() -> CheckpointSigner:
    return CheckpointSigner.from_private_bytes(bytes(range(32)), "kinerja-log")


@pytest.fixture(scope="module")
def signed(signer: CheckpointSigner) -> SignedCheckpoint:
    return signer.sign(CHECKPOINT)


def _go_seed() -> bytes:
    encoded = GO_SKEY.split("+", 4)[4]  # the key data may itself contain "+"
    return base64.b64decode(encoded)[1:]  # the first byte is the algorithm, 0x01 for Ed25519


# ---- format -----------------------------------------------------------------------------------


def test_body_is_origin_size_and_base64_root_one_per_line() -> None:
    root_b64 = base64.b64encode(ROOT).decode()
    assert CHECKPOINT.body() == f"{ORIGIN}\n1234\n{root_b64}\n"


def test_note_is_body_blank_line_and_one_signature_line(
    signer: CheckpointSigner, signed: SignedCheckpoint
) -> None:
    blob = base64.b64encode(signer.key_id + signed.signature).decode()
    assert signed.note() == f"{CHECKPOINT.body()}\n{DASH} kinerja-log {blob}\n"


def test_key_id_follows_c2sp_signed_note() -> None:
    public = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key().public_bytes_raw()
    expected = hashlib.sha256(b"name\n\x01" + public).digest()[:4]
    assert key_id("name", public) == expected


def test_key_id_and_verifier_key_match_the_go_note_example() -> None:
    signer = CheckpointSigner.from_private_bytes(_go_seed(), "PeterNeumann")
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.verifier_key() == GO_VKEY
    assert (
        signer.public_key_b64()
        == base64.b64encode(base64.b64decode(GO_VKEY.split("+", 2)[2])[1:]).decode()
    )


def test_signature_line_layout_matches_the_go_note_example() -> None:
    signer = CheckpointSigner.from_private_bytes(_go_seed(), "PeterNeumann")
    # Ed25519 is deterministic, so the same key and text give Go's signature byte for byte.
    signature = Ed25519PrivateKey.from_private_bytes(_go_seed()).sign(GO_TEXT.encode())
    blob = base64.b64encode(signer.key_id + signature).decode()
    assert f"{DASH} {signer.key_name} {blob}\n" == GO_SIGNATURE_LINE


# ---- round trips ------------------------------------------------------------------------------


def test_signed_checkpoint_verifies_under_its_public_key(
    signer: CheckpointSigner, signed: SignedCheckpoint
) -> None:
    assert verify_signed_checkpoint(signed, signer.public_key_b64())
    assert verify_note(signed.note(), signer.public_key_b64())


def test_note_round_trips_through_parse(signed: SignedCheckpoint) -> None:
    assert parse_note(signed.note()) == signed
    assert SignedCheckpoint.parse_note(signed.note()) == signed


@given(
    origin=st.text(
        st.characters(min_codepoint=0x20, exclude_characters="\x7f", exclude_categories=["Cs"]),
        min_size=1,
    ),
    size=st.integers(0, 2**63 - 1),
    root=st.binary(min_size=32, max_size=32),
)
def test_any_checkpoint_survives_sign_parse_verify(origin: str, size: int, root: bytes) -> None:
    signer = CheckpointSigner.from_private_bytes(bytes(range(32)), "kinerja-log")
    signed = signer.sign(Checkpoint(origin, size, root))
    assert parse_note(signed.note()) == signed
    assert verify_note(signed.note(), signer.public_key_b64())


def test_a_cosigned_note_verifies_under_either_key(
    signer: CheckpointSigner, signed: SignedCheckpoint
) -> None:
    witness = CheckpointSigner.generate("witness.example")
    witness_line = witness.sign(CHECKPOINT).note().rsplit("\n\n", 1)[1]
    cosigned = signed.note() + witness_line
    assert verify_note(cosigned, signer.public_key_b64())
    assert verify_note(cosigned, witness.public_key_b64())
    assert parse_note(cosigned) == signed


def test_signature_lines_of_other_types_are_skipped(
    signer: CheckpointSigner, signed: SignedCheckpoint
) -> None:
    # A C2SP tlog-cosignature carries a timestamp: 4 + 8 + 64 bytes, not an Ed25519 note line.
    cosignature = base64.b64encode(bytes(76)).decode()
    note = signed.note().replace("\n\n", f"\n\n{DASH} witness.example {cosignature}\n")
    assert parse_note(note) == signed
    assert verify_note(note, signer.public_key_b64())


# ---- tampering and wrong keys -----------------------------------------------------------------


def _replace_signature(note: str, signature: bytes) -> str:
    body, line = note.rsplit("\n\n", 1)
    prefix, blob = line.rstrip("\n").rsplit(" ", 1)
    kid = base64.b64decode(blob)[:4]
    return f"{body}\n\n{prefix} {base64.b64encode(kid + signature).decode()}\n"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda n: n.replace("\n1234\n", "\n1235\n"),
        lambda n: n.replace(ORIGIN, ORIGIN + "x"),
        lambda n: n.replace(base64.b64encode(ROOT).decode(), base64.b64encode(bytes(32)).decode()),
        lambda n: n.replace("kinerja-log ", "other-log "),
        lambda n: n.replace("\n\n", "\nextension line\n\n"),
        lambda n: n.replace("\n\n", "\n"),
        lambda n: n.rstrip("\n"),
        lambda n: _replace_signature(n, bytes(64)),
    ],
)
def test_tampered_note_fails(
    signer: CheckpointSigner, signed: SignedCheckpoint, tamper: Callable[[str], str]
) -> None:
    tampered = tamper(signed.note())
    assert tampered != signed.note()
    assert not verify_note(tampered, signer.public_key_b64())


@given(data=st.data())
def test_changing_any_one_character_of_the_note_fails(data: st.DataObject) -> None:
    signer = CheckpointSigner.from_private_bytes(bytes(range(32)), "kinerja-log")
    note = signer.sign(CHECKPOINT).note()
    at = data.draw(st.integers(0, len(note) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda ch: ch != note[at]))
    tampered = note[:at] + replacement + note[at + 1 :]
    assert not verify_note(tampered, signer.public_key_b64())


def test_signature_by_another_key_fails(signed: SignedCheckpoint) -> None:
    other = CheckpointSigner.generate("kinerja-log")
    assert not verify_signed_checkpoint(signed, other.public_key_b64())
    assert not verify_note(signed.note(), other.public_key_b64())


def test_checkpoint_relabelled_with_another_key_name_fails(
    signer: CheckpointSigner, signed: SignedCheckpoint
) -> None:
    relabelled = SignedCheckpoint(signed.checkpoint, signed.signature, "other-log", signed.key_id)
    assert not verify_signed_checkpoint(relabelled, signer.public_key_b64())


def test_signature_over_another_checkpoint_fails(
    signer: CheckpointSigner, signed: SignedCheckpoint
) -> None:
    moved = SignedCheckpoint(
        Checkpoint(ORIGIN, 1235, ROOT), signed.signature, signed.key_name, signed.key_id
    )
    assert not verify_signed_checkpoint(moved, signer.public_key_b64())


@pytest.mark.parametrize("public_key", ["", "not base64!", base64.b64encode(bytes(31)).decode()])
def test_malformed_public_keys_fail_verification(signed: SignedCheckpoint, public_key: str) -> None:
    assert not verify_signed_checkpoint(signed, public_key)
    assert not verify_note(signed.note(), public_key)


# ---- malformed input --------------------------------------------------------------------------


_R = base64.b64encode(ROOT).decode()
_SIG = base64.b64encode(bytes(68)).decode()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "origin\n1\nAAAA\n",
        f"origin\n01\n{_R}\n\n{DASH} k {_SIG}\n",
        f"origin\n-1\n{_R}\n\n{DASH} k {_SIG}\n",
        f"origin\n\uff11\n{_R}\n\n{DASH} k {_SIG}\n",
        f"origin\n1\nAAAA\n\n{DASH} k {_SIG}\n",
        f"origin\n1\n{_R}=\n\n{DASH} k {_SIG}\n",
        f"origin\n1\n{_R}\nextension\n\n{DASH} k {_SIG}\n",
        f"origin\n1\n{_R}\n\n- k {_SIG}\n",
        f"origin\n1\n{_R}\n\n{DASH} k {base64.b64encode(bytes(4)).decode()}\n",
        f"origin\n1\n{_R}\n\n{DASH} k {base64.b64encode(bytes(67)).decode()}\n",
        f"origin\n1\n{_R}\n\n{DASH} k+x {_SIG}\n",
        f"origin\n1\n{_R}\n\n{DASH} k {_SIG}",
        f"origin\n1\n{_R}\n\n{DASH} k\n",
        f"origin\n1\n{_R}\n\n{DASH} k {_SIG}\n" + f"{DASH} k {_SIG}\n" * 100,
    ],
)
def test_parse_note_refuses_malformed_notes(text: str) -> None:
    with pytest.raises(ValueError):
        parse_note(text)
    assert not verify_note(text, CheckpointSigner.generate("k").public_key_b64())


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [
        ("", 1, ROOT),
        ("a\nb", 1, ROOT),
        ("a\tb", 1, ROOT),
        ("o", -1, ROOT),
        ("\ud800", 1, ROOT),
        ("o", 1, ROOT[:31]),
    ],
)
def test_checkpoint_refuses_invalid_fields(origin: str, size: int, root: bytes) -> None:
    with pytest.raises(ValueError):
        Checkpoint(origin, size, root)


@pytest.mark.parametrize("name", ["", "two words", "a+b", "tab\there", "line\nbreak"])
def test_signer_refuses_key_names_c2sp_forbids(name: str) -> None:
    with pytest.raises(ValueError, match="key name"):
        CheckpointSigner.generate(name)


def test_signer_refuses_private_keys_that_are_not_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        CheckpointSigner.from_private_bytes(bytes(31), "kinerja-log")


# ---- key files --------------------------------------------------------------------------------


def test_load_or_create_creates_a_private_pem_file_and_reuses_it(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "keys" / "log.pem"
    created = CheckpointSigner.load_or_create(path, "kinerja-log")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    loaded = CheckpointSigner.load_or_create(path, "kinerja-log")
    assert loaded.public_key_b64() == created.public_key_b64()
    assert verify_signed_checkpoint(created.sign(CHECKPOINT), loaded.public_key_b64())


def test_load_or_create_reads_a_raw_32_byte_key(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "log.key"
    path.write_bytes(bytes(range(32)))
    loaded = CheckpointSigner.load_or_create(path, "kinerja-log")
    expected = CheckpointSigner.from_private_bytes(bytes(range(32)), "kinerja-log")
    assert loaded.public_key_b64() == expected.public_key_b64()
    assert path.read_bytes() == bytes(range(32))


def test_load_or_create_refuses_a_file_that_holds_no_key(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "log.key"
    path.write_bytes(b"not a key")
    with pytest.raises(ValueError, match="neither a PEM nor"):
        CheckpointSigner.load_or_create(path, "kinerja-log")
