"""Stream ids for people: a keyed hash of the NIP, so the id cannot be walked back to the person."""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID


class SubjectIds:
    """Derives an employee's stream id from the NIP with HMAC-SHA-256 under a server secret."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def employee_id(self, nip: str) -> UUID:
        digest = hmac.new(self._key, b"employee:" + nip.encode(), hashlib.sha256).digest()
        # Shape it as a version-8 (custom) UUID so it is recognisable as ours.
        raw = bytearray(digest[:16])
        raw[6] = (raw[6] & 0x0F) | 0x80
        raw[8] = (raw[8] & 0x3F) | 0x80
        return UUID(bytes=bytes(raw))
