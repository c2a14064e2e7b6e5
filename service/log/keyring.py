"""Per-subject AES-GCM keys: personal fields sealed under their owner's key; erasure destroys it.

A sealed field is stored as `{"_pii_": "<owner uuid>", "c": "<base64 nonce || ciphertext>"}`; the
additional data binds it to its owner and field name, so a sealed value cannot be moved elsewhere.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.personal_data import PERSONAL_FIELDS, SUBJECT
from service.log.kek import KekRing

SEALED = "_pii_"
_SEALED_OWNER = re.compile(rb'"_pii_":\s*"([0-9a-f-]{36})"')
_OWNER_TEXT = re.compile(r"[0-9a-f-]{36}")
_CACHE_SECONDS = 30.0
# SQLSTATE of a key wrapped under a KEK the database no longer uses (a rotation committed).
KEK_MOVED = "KJ001"


class KeyRing:
    """Loads, creates and forgets subject keys; seals and opens personal fields.

    Keys are stored wrapped under the KEK (`service.log.kek`); the service can insert and read them,
    and destroys one only by appending that person's erasure (a trigger does it, as the owner).
    """

    def __init__(self, pool: asyncpg.Pool, keks: KekRing) -> None:
        self._pool = pool
        self._keks = keks
        self._keys: dict[UUID, tuple[bytes | None, float]] = {}
        # One cipher per key, and owners parsed once (a replay opens thousands of fields).
        self._ciphers: dict[UUID, tuple[bytes, AESGCM]] = {}
        self._owners: dict[str, tuple[UUID, str]] = {}

    def _cached(self, subject: UUID) -> bytes | None:
        entry = self._keys.get(subject)
        return entry[0] if entry else None

    def _fresh(self, subject: UUID) -> bool:
        entry = self._keys.get(subject)
        return entry is not None and time.monotonic() - entry[1] < _CACHE_SECONDS

    def _remember(self, found: dict[UUID, bytes | None]) -> None:
        now = time.monotonic()
        for subject, key in found.items():
            self._keys[subject] = (key, now)
            if key is None:
                self._ciphers.pop(subject, None)

    async def ensure(self, subjects: Iterable[UUID]) -> None:
        """Create keys for owners that have none; load the others (erased ones stay None)."""
        # Sorted, so concurrent callers lock the same rows in the same order.
        wanted = sorted(s for s in set(subjects) if not self._fresh(s))
        if not wanted:
            return
        keys = {s: AESGCM.generate_key(bit_length=256) for s in wanted}
        try:
            created = await self._insert(keys)
        except asyncpg.PostgresError as error:
            if error.sqlstate != KEK_MOVED:
                raise
            # A rotation committed meanwhile: wrap under the KEK the database uses now.
            async with self._pool.acquire() as conn:
                await self._keks.follow(conn)
            created = await self._insert(keys)
        found: dict[UUID, bytes | None] = {s: keys[s] for s in created}
        found |= await self._load([s for s in wanted if s not in created])
        self._remember(found)

    async def _insert(self, keys: dict[UUID, bytes]) -> set[UUID]:
        # An existing row (another process's key, or an erased person) is kept, never replaced.
        kek = self._keks.current
        rows = await self._pool.fetch(
            "INSERT INTO subject_keys (subject_id, key, kek_id)"
            " SELECT s, k, $3 FROM unnest($1::uuid[], $2::bytea[]) AS u(s, k)"
            " ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id",
            list(keys),
            [kek.wrap(s, k) for s, k in keys.items()],
            kek.id,
        )
        return {r["subject_id"] for r in rows}

    async def _load(self, subjects: list[UUID]) -> dict[UUID, bytes | None]:
        """The stored keys of these subjects, unwrapped (None for erased or unknown ones)."""
        if not subjects:
            return {}
        rows = await self._pool.fetch(
            "SELECT subject_id, key, kek_id FROM subject_keys WHERE subject_id = ANY($1::uuid[])",
            subjects,
        )
        found: dict[UUID, bytes | None] = dict.fromkeys(subjects)
        for row in rows:
            if row["key"] is not None:
                kek = self._keks.require(str(row["kek_id"]))
                found[row["subject_id"]] = kek.unwrap(row["subject_id"], bytes(row["key"]))
        return found

    async def prefetch(self, payloads: Iterable[bytes], documents: Iterable[Any] = ()) -> None:
        """Load the keys every sealed field needs (never creates keys): in these payloads
        (stored JSON bytes) and in these documents (parsed JSON values, e.g. metadata)."""
        texts = {m.decode() for p in payloads for m in _SEALED_OWNER.findall(p)}
        for document in documents:
            if isinstance(document, dict | list):
                _sealed_owners(document, texts)
        owners = {UUID(t) for t in texts}
        self._remember(await self._load([o for o in owners if not self._fresh(o)]))

    def forget(self, subject: UUID) -> None:
        """The subject was erased (their key destroyed with the erasure event): drop it here."""
        self._keys[subject] = (None, time.monotonic())
        self._ciphers.pop(subject, None)

    def _cipher(self, owner: UUID, key: bytes) -> AESGCM:
        entry = self._ciphers.get(owner)
        if entry is None or entry[0] != key:
            entry = self._ciphers[owner] = (key, AESGCM(key))
        return entry[1]

    def seal(self, owner: UUID, field: str, value: Any) -> dict[str, str]:
        """A personal value sealed under its owner's key (an erased owner's value is dropped)."""
        key = self._cached(owner)
        if key is None:
            return {SEALED: str(owner), "c": ""}
        nonce = os.urandom(12)
        plain = json.dumps(value, ensure_ascii=False).encode()
        sealed = AESGCM(key).encrypt(nonce, plain, f"{owner}:{field}".encode())
        return {SEALED: str(owner), "c": base64.b64encode(nonce + sealed).decode()}

    def open(self, field: str, sealed: dict[str, str]) -> Any:
        """The plain value, or None when the owner has been erased."""
        owner, prefix = self._owner_of(sealed[SEALED])
        key = self._cached(owner)
        if key is None or not sealed.get("c"):
            return None
        raw = base64.b64decode(sealed["c"])
        plain = self._cipher(owner, key).decrypt(raw[:12], raw[12:], (prefix + field).encode())
        return _plain_value(plain)

    def _owner_of(self, text: str) -> tuple[UUID, str]:
        """A sealed field's owner, and the start of its additional data (`<owner>:`)."""
        found = self._owners.get(text)
        if found is None:
            owner = UUID(text)
            found = (owner, f"{owner}:")
            if len(self._owners) < 100_000:
                self._owners[text] = found
        return found

    def owners(
        self,
        state: dict[str, Any],
        subject: UUID | None,
        fields: Mapping[str, str] = PERSONAL_FIELDS,
    ) -> set[UUID]:
        """Whose keys sealing this payload's `fields` (its type's declaration) needs."""
        found = set()
        for field, owner_field in fields.items():
            if field in state and state[field] is not None:
                owner = _owner(state, owner_field, subject)
                if owner is not None:
                    found.add(owner)
        return found

    def seal_state(
        self,
        state: dict[str, Any],
        subject: UUID | None,
        fields: Mapping[str, str] = PERSONAL_FIELDS,
    ) -> dict[str, Any]:
        """The payload with each of `fields` sealed under its owner's key."""
        sealed = dict(state)
        for field, owner_field in fields.items():
            if field in sealed and sealed[field] is not None:
                owner = _owner(state, owner_field, subject)
                if owner is not None:
                    sealed[field] = self.seal(owner, field, sealed[field])
        return sealed

    def open_state(self, state: dict[str, Any]) -> dict[str, Any]:
        """The payload with every sealed field opened (None where the owner was erased)."""
        return {
            k: self.open(k, v) if isinstance(v, dict) and SEALED in v else v
            for k, v in state.items()
        }


def _plain_value(plain: bytes) -> Any:
    """The JSON value `seal` encrypted; most are strings with nothing escaped (no backslash,
    so no quote or control character inside), read without the parser."""
    if len(plain) > 1 and plain[0] == plain[-1] == 0x22 and b"\\" not in plain:
        inner = plain[1:-1]
        if b'"' not in inner:
            return inner.decode()
    return json.loads(plain.decode())


def _sealed_owners(value: Any, found: set[str]) -> None:
    """Add the owners of the sealed fields anywhere in a parsed JSON value (as the pattern over
    its JSON text finds them)."""
    owner = value.get(SEALED) if isinstance(value, dict) else None
    if isinstance(owner, str) and _OWNER_TEXT.fullmatch(owner):
        found.add(owner)
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, dict | list):
            _sealed_owners(item, found)


def _owner(state: dict[str, Any], owner_field: str, subject: UUID | None) -> UUID | None:
    if owner_field == SUBJECT:
        return subject
    value = state.get(owner_field)
    if isinstance(value, dict) and "_data_" in value:  # the transcoder's UUID form
        value = value["_data_"]
    return UUID(str(value)) if value else None
