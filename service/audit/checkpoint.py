"""Signed log checkpoints: C2SP tlog-checkpoint bodies in C2SP signed-note envelopes (Ed25519).

Everything here is pure except `CheckpointSigner.load_or_create`, which keeps the signing key in
a file so that the log's public key survives restarts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import pathlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.key_files import write_secret

ED25519_ALGORITHM = 0x01  # the C2SP signed-note signature type of Ed25519
HASH_SIZE = 32
KEY_ID_SIZE = 4
SIGNATURE_SIZE = 64

# Every signature line opens with an em dash and a space (U+2014 U+0020).
_SIGNATURE_PREFIX = "\u2014 "
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
# Go's note package, the reference verifier, refuses notes with more signatures than this.
_MAX_SIGNATURES = 100

_SignatureLine = tuple[str, bytes, bytes]  # key name, key ID, signature


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    """Decode standard padded base64, refusing any other spelling of the same bytes."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"{what} is not valid base64") from exc
    if _b64(raw) != text:
        raise ValueError(f"{what} is not canonical base64")
    return raw


def _is_utf8(text: str) -> bool:
    # A Python str may hold lone surrogates, which no UTF-8 note can carry.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_key_name(key_name: str) -> None:
    if (
        not key_name
        or "+" in key_name
        or any(ch.isspace() for ch in key_name)
        or not _is_utf8(key_name)
    ):
        raise ValueError(f"key name {key_name!r} must be non-empty UTF-8 without spaces or '+'")


def key_id(key_name: str, public_key: bytes) -> bytes:
    """Return the C2SP signed-note key ID of an Ed25519 key: SHA-256(name, LF, 0x01, key)[:4]."""
    material = key_name.encode("utf-8") + b"\n" + bytes([ED25519_ALGORITHM]) + public_key
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


@dataclass(frozen=True)
class Checkpoint:
    """A commitment to the log's first `size` leaves: origin line, tree size and Merkle root."""

    origin: str
    size: int
    root_hash: bytes

    def __post_init__(self) -> None:
        if not self.origin or not _is_utf8(self.origin):
            raise ValueError("origin must be a non-empty UTF-8 string")
        if any(ch < " " or ch == "\x7f" for ch in self.origin):
            raise ValueError("origin must be one line without control characters")
        if self.size < 0:
            raise ValueError(f"tree size must not be negative, got {self.size}")
        if len(self.root_hash) != HASH_SIZE:
            raise ValueError(f"root hash must be {HASH_SIZE} bytes, got {len(self.root_hash)}")

    def body(self) -> str:
        """Return the checkpoint text that is signed: origin, size and base64 root, one a line."""
        return f"{self.origin}\n{self.size}\n{_b64(self.root_hash)}\n"


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint with one Ed25519 signature and the name and key ID of the key that made it."""

    checkpoint: Checkpoint
    signature: bytes
    key_name: str
    key_id: bytes

    def __post_init__(self) -> None:
        _check_key_name(self.key_name)
        if len(self.signature) != SIGNATURE_SIZE:
            raise ValueError(f"an Ed25519 signature is {SIGNATURE_SIZE} bytes")
        if len(self.key_id) != KEY_ID_SIZE:
            raise ValueError(f"a key ID is {KEY_ID_SIZE} bytes")

    def note(self) -> str:
        """Return the C2SP signed note: body, blank line, one signature line."""
        blob = _b64(self.key_id + self.signature)
        return f"{self.checkpoint.body()}\n{_SIGNATURE_PREFIX}{self.key_name} {blob}\n"

    @classmethod
    def parse_note(cls, text: str) -> SignedCheckpoint:
        """Parse a signed note; see the module function `parse_note`."""
        return parse_note(text)


def _parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")
    # A body ends with a newline, so the split leaves an empty last element.
    if len(lines) != 4 or lines[3] != "":
        raise ValueError("checkpoint body must be exactly origin, size and root hash lines")
    origin, size_text, root_text = lines[:3]
    if not _DECIMAL.fullmatch(size_text):
        raise ValueError(f"tree size {size_text!r} is not a canonical decimal number")
    return Checkpoint(origin, int(size_text), _unb64(root_text, "root hash"))


def _parse_signature_line(line: str) -> _SignatureLine:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise ValueError(f"signature line {line!r} does not start with an em dash and a space")
    name, sep, blob_text = line[len(_SIGNATURE_PREFIX) :].partition(" ")
    if not sep:
        raise ValueError(f"signature line {line!r} has no signature after the key name")
    _check_key_name(name)
    blob = _unb64(blob_text, "signature")
    if len(blob) <= KEY_ID_SIZE:
        raise ValueError("signature is not a 4-byte key ID followed by a signature")
    return name, blob[:KEY_ID_SIZE], blob[KEY_ID_SIZE:]


def _ed25519_lines(signatures: list[_SignatureLine]) -> list[_SignatureLine]:
    # Cosigners may add lines of other types (a tlog-cosignature is 72 bytes after the key ID);
    # they do not spoil the note, they are simply not ours to check.
    return [line for line in signatures if len(line[2]) == SIGNATURE_SIZE]


def _parse_signed_note(text: str) -> tuple[Checkpoint, list[_SignatureLine]]:
    """Split a note at its last blank line, as Go's note.Open does, and parse both parts."""
    body, sep, block = text.rpartition("\n\n")
    if not sep or not block.endswith("\n"):
        raise ValueError("a signed note is a body, a blank line and newline-ended signature lines")
    lines = block[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise ValueError(f"a signed note carries at most {_MAX_SIGNATURES} signatures")
    return _parse_body(body + "\n"), [_parse_signature_line(line) for line in lines]


def parse_note(text: str) -> SignedCheckpoint:
    """Parse a signed checkpoint note, keeping its first Ed25519 signature; ValueError if bad."""
    checkpoint, signatures = _parse_signed_note(text)
    candidates = _ed25519_lines(signatures)
    if not candidates:
        raise ValueError("the note carries no Ed25519 signature")
    name, kid, signature = candidates[0]
    return SignedCheckpoint(checkpoint, signature, name, kid)


def _public_key(public_key_b64: str) -> Ed25519PublicKey:
    raw = _unb64(public_key_b64, "public key")
    if len(raw) != HASH_SIZE:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_signed_checkpoint(signed: SignedCheckpoint, public_key_b64: str) -> bool:
    """Return whether `signed` carries a valid signature by the given base64 Ed25519 key."""
    try:
        public_key = _public_key(public_key_b64)
    except ValueError:
        return False
    # The key ID binds the key name to the key, as a C2SP verifier checks before the signature.
    if signed.key_id != key_id(signed.key_name, public_key.public_bytes_raw()):
        return False
    try:
        public_key.verify(signed.signature, signed.checkpoint.body().encode("utf-8"))
    except InvalidSignature:
        return False
    return True


def verify_note(text: str, public_key_b64: str) -> bool:
    """Return whether a signed checkpoint note is well formed and signed by the given key."""
    try:
        checkpoint, signatures = _parse_signed_note(text)
    except ValueError:
        return False
    # Cosigners may add lines of their own; any one line by our key is enough.
    return any(
        verify_signed_checkpoint(SignedCheckpoint(checkpoint, sig, name, kid), public_key_b64)
        for name, kid, sig in _ed25519_lines(signatures)
    )


class CheckpointSigner:
    """Signs checkpoints with one Ed25519 key under one C2SP key name."""

    def __init__(self, private_key: Ed25519PrivateKey, key_name: str) -> None:
        _check_key_name(key_name)
        self._private_key = private_key
        self._key_name = key_name
        self._public_key = private_key.public_key().public_bytes_raw()
        self._key_id = key_id(key_name, self._public_key)

    @classmethod
    def from_private_bytes(cls, raw: bytes, key_name: str) -> CheckpointSigner:
        """Build a signer from a raw 32-byte Ed25519 private key (seed)."""
        if len(raw) != HASH_SIZE:
            raise ValueError("an Ed25519 private key is 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(raw), key_name)

    @classmethod
    def generate(cls, key_name: str) -> CheckpointSigner:
        """Build a signer with a fresh random key."""
        return cls(Ed25519PrivateKey.generate(), key_name)

    @classmethod
    def load_or_create(cls, path: pathlib.Path, key_name: str) -> CheckpointSigner:
        """Load the PEM or raw 32-byte key file at `path`, creating it (mode 0600) if absent."""
        if not path.exists():
            _create_key_file(path, Ed25519PrivateKey.generate())
        # Read back even after creating: another process may have created the file first.
        return cls(_read_key_file(path), key_name)

    @property
    def key_name(self) -> str:
        """Return the C2SP key name that signature lines carry."""
        return self._key_name

    @property
    def key_id(self) -> bytes:
        """Return the 4-byte C2SP key ID of this key under its name."""
        return self._key_id

    def public_key_b64(self) -> str:
        """Return the raw 32-byte Ed25519 public key, base64-encoded."""
        return _b64(self._public_key)

    def verifier_key(self) -> str:
        """Return the C2SP verifier key string: name+hex key ID+base64(0x01 || public key)."""
        encoded = _b64(bytes([ED25519_ALGORITHM]) + self._public_key)
        return f"{self._key_name}+{self._key_id.hex()}+{encoded}"

    def sign(self, checkpoint: Checkpoint) -> SignedCheckpoint:
        """Sign the checkpoint's body."""
        signature = self._private_key.sign(checkpoint.body().encode("utf-8"))
        return SignedCheckpoint(checkpoint, signature, self._key_name, self._key_id)


def _read_key_file(path: pathlib.Path) -> Ed25519PrivateKey:
    data = path.read_bytes()
    if data.lstrip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} holds a private key that is not Ed25519")
        return key
    if len(data) == HASH_SIZE:
        return Ed25519PrivateKey.from_private_bytes(data)
    raise ValueError(f"{path} holds neither a PEM nor a raw 32-byte Ed25519 private key")


def _create_key_file(path: pathlib.Path, key: Ed25519PrivateKey) -> None:
    """Write a new PEM key to `path` unless a file appears there first; never overwrite one.

    The file is published whole with mode 0600 (service.key_files); a concurrent process that
    published its key first wins."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_secret(path, pem)
