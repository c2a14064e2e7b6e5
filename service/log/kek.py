"""The key-encryption key (KEK). Per-subject keys are stored wrapped under it (AES-256-GCM, bound
to their subject), and it lives only in a file outside the database (`KINERJA_KEK_FILE`), so a
backup of the database alone opens nothing. `kinerja keys rotate-kek` re-wraps every key.

A rotation first writes the new KEK beside the old one (`<file>.next`), re-wraps every key in one
transaction, then moves the new file over the old. Until then a reader knows both, so a crash at
any step loses nothing, and running the command again finishes the rotation.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.db.pg import Connection
from service.db.startup import StartupRefused
from service.key_files import write_secret
from service.settings import Settings

KEK_SIZE = 32
_NONCE = 12
_AAD = b"kinerja subject key\x00"


class KekError(StartupRefused):
    """The KEK is missing, unreadable, or not the one the database's keys are wrapped under."""


@dataclass(frozen=True)
class Kek:
    """One key-encryption key."""

    key: bytes

    @property
    def id(self) -> str:
        """A public fingerprint naming the KEK (stored beside each wrapped key)."""
        return hashlib.sha256(b"kinerja kek\x00" + self.key).hexdigest()[:16]

    @classmethod
    def generate(cls) -> Kek:
        return cls(AESGCM.generate_key(bit_length=256))

    def encoded(self) -> bytes:
        return base64.b64encode(self.key) + b"\n"

    def wrap(self, subject: UUID, key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + AESGCM(self.key).encrypt(nonce, key, _AAD + subject.bytes)

    def unwrap(self, subject: UUID, wrapped: bytes) -> bytes:
        try:
            aad = _AAD + subject.bytes
            plain = AESGCM(self.key).decrypt(wrapped[:_NONCE], wrapped[_NONCE:], aad)
        except InvalidTag:
            raise KekError(f"the key of {subject} does not open with KEK {self.id}") from None
        return plain


def read_kek(path: Path) -> Kek:
    """The KEK in a file: base64 of 32 bytes (as written here) or the 32 raw bytes."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KekError(f"cannot read the KEK file {path}: {error.strerror}") from None
    if len(data) != KEK_SIZE:
        try:
            data = base64.b64decode(data.strip(), validate=True)
        except binascii.Error:
            data = b""
    if len(data) != KEK_SIZE:
        raise KekError(f"the KEK file {path} must hold 32 bytes (raw, or base64 on one line)")
    return Kek(data)


def pending_path(path: Path) -> Path:
    """Where a rotation keeps the new KEK until every key is wrapped under it."""
    return path.with_name(path.name + ".next")


class KekRing:
    """The KEK of the file (and a rotation's pending one), re-read when a key names another."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keks: dict[str, Kek] = {}
        self.current = read_kek(path)
        self.reload()

    def reload(self) -> None:
        """Read the files again (after a rotation elsewhere)."""
        found = {}
        pending = pending_path(self.path)
        if pending.exists():
            # A rotation may move it over the file meanwhile; the file then holds it.
            with contextlib.suppress(KekError):
                kek = read_kek(pending)
                found[kek.id] = kek
        if self.path.exists():
            self.current = read_kek(self.path)
        found[self.current.id] = self.current
        self._keks = found

    def get(self, kek_id: str) -> Kek | None:
        """The KEK with this id, reading the files again once if it is not known yet."""
        if kek_id not in self._keks:
            self.reload()
        return self._keks.get(kek_id)

    def require(self, kek_id: str) -> Kek:
        kek = self.get(kek_id)
        if kek is None:
            raise KekError(
                f"subject keys are wrapped under KEK {kek_id}, but KINERJA_KEK_FILE ({self.path})"
                f" holds KEK {self.current.id}"
            )
        return kek

    async def follow(self, conn: Connection) -> Kek:
        """Use the KEK the database wraps new keys under (it moves when a rotation commits)."""
        in_use = await conn.fetchval("SELECT kek_id FROM kek_in_use")
        if in_use is not None:
            self.current = self.require(str(in_use))
        return self.current


def open_kek_ring(settings: Settings) -> KekRing:
    """The configured KEK; created (mode 0600) on first start outside production."""
    path = settings.kek_file
    if path is None:
        raise KekError("KINERJA_KEK_FILE is required in production (the key-encryption key)")
    if not path.exists():
        if settings.production:
            raise KekError(f"KINERJA_KEK_FILE {path} does not exist")
        write_secret(path, Kek.generate().encoded())
    return KekRing(path)


async def check_kek(conn: Connection, keks: KekRing) -> None:
    """Refuse to start with a KEK that cannot open the database's keys, or with unwrapped keys."""
    await keks.follow(conn)
    if await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM subject_keys WHERE key IS NOT NULL AND kek_id IS NULL)"
    ):
        raise KekError("some subject keys are not wrapped yet: run `kinerja migrate`")


async def wrap_plain_keys(conn: Connection, keks: KekRing) -> int:
    """Wrap the keys stored before wrapping existed (migrate, as the owner); return how many."""
    kek = await keks.follow(conn)
    rows = await conn.fetch(
        "SELECT subject_id, key FROM subject_keys WHERE key IS NOT NULL AND kek_id IS NULL"
    )
    wrapped = [(r["subject_id"], kek.wrap(r["subject_id"], bytes(r["key"]))) for r in rows]
    await _store_wrapped(conn, kek, wrapped)
    return len(rows)


async def _store_wrapped(conn: Connection, kek: Kek, rows: list[tuple[UUID, bytes]]) -> None:
    if rows:
        await conn.execute(
            "UPDATE subject_keys SET key = u.key, kek_id = $3"
            " FROM unnest($1::uuid[], $2::bytea[]) AS u(subject_id, key)"
            " WHERE subject_keys.subject_id = u.subject_id",
            [s for s, _ in rows],
            [k for _, k in rows],
            kek.id,
        )


async def rotate_kek(conn: Connection, path: Path, batch: int = 5000) -> tuple[str, str, int]:
    """Wrap every subject key under a new KEK, then make it the file's; return (old id, new
    id, keys re-wrapped). Runs as the owner; new keys wait on the table lock meanwhile."""
    pending = pending_path(path)
    if not pending.exists():
        write_secret(pending, Kek.generate().encoded())
    keks = KekRing(path)
    new = read_kek(pending)
    old_id = keks.current.id
    count = 0
    async with conn.transaction():
        await conn.execute("LOCK TABLE subject_keys IN EXCLUSIVE MODE")
        await conn.execute(
            "INSERT INTO kek_in_use (kek_id) VALUES ($1) ON CONFLICT (only_row)"
            " DO UPDATE SET kek_id = EXCLUDED.kek_id, since = now()",
            new.id,
        )
        cursor = await conn.cursor(
            "SELECT subject_id, key, kek_id FROM subject_keys"
            " WHERE key IS NOT NULL AND kek_id IS DISTINCT FROM $1",
            new.id,
        )
        while rows := await cursor.fetch(batch):
            rewrapped = []
            for row in rows:
                subject, key = row["subject_id"], bytes(row["key"])
                if row["kek_id"] is not None:  # None: stored before wrapping existed
                    key = keks.require(row["kek_id"]).unwrap(subject, key)
                rewrapped.append((subject, new.wrap(subject, key)))
            await _store_wrapped(conn, new, rewrapped)
            count += len(rewrapped)
    os.replace(pending, path)
    return old_id, new.id, count
