"""Bounded caches: an LRU bounded in entries and in bytes, and the response cache built on it.

The response cache keys an answer by a digest of the document, the variables, the caller's
visibility (subject, roles, scopes) and the log positions at which the read tables the document
reads last changed (`service.http.read_sets`; the log head and every view's position when it may
read anything): a write that changes what it reads changes the key once it reaches the views, and
no key holds the document's text.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedLRU(Generic[K, V]):
    """Least recently used entries go first once either bound (entries, bytes) is passed."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep `value` (weighing `size` bytes); one larger than the whole bound is not kept."""
        if size > self._max_bytes or self._max_entries <= 0:
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.bytes -= previous[1]
        self._entries[key] = (value, size)
        self.bytes += size
        while len(self._entries) > self._max_entries or self.bytes > self._max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped


# What `json.dumps(..., sort_keys=True, separators=(",", ":"))` would build anew on every call.
_KEY_SHAPE = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_BODY = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_json(body: dict[str, Any]) -> bytes:
    """A response body as the endpoint sends it (compact, UTF-8)."""
    # A lone surrogate cannot be UTF-8: it leaves as its JSON escape, never as a crash.
    text = _BODY.encode(body)
    return text.encode("utf-8", "backslashreplace")


class Encoded(dict[str, Any]):
    """A cached answer's `data`, with the HTTP body `{"data": ...}` already encoded."""

    body: bytes = b""


def digest(text: str) -> str:
    """The SHA-256 of a text, hex: what caches and the APQ store key documents by."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ResponseCache:
    """Answers (the `data` of error-free queries) by a digest of everything that shapes them."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 32_000_000) -> None:
        self._entries: BoundedLRU[str, bytes] = BoundedLRU(max_entries, max_bytes)

    @staticmethod
    def key(
        document_digest: str,
        variables: dict[str, Any] | None,
        operation: str | None,
        visibility: tuple[str, ...],
        positions: tuple[int | str, ...],
    ) -> str:
        shape = _KEY_SHAPE.encode(
            [document_digest, variables or {}, operation, visibility, positions]
        )
        return digest(shape)

    def get(self, key: str) -> Encoded | None:
        body = self._entries.get(key)
        if body is None:
            return None
        # Only the encoded body is kept (a few times smaller than the objects): parse it back.
        found = Encoded(json.loads(body)["data"])
        found.body = body
        return found

    def body(self, key: str) -> bytes | None:
        """The encoded HTTP body `{"data": ...}` kept under the key, as it was sent."""
        return self._entries.get(key)

    def put(self, key: str, data: dict[str, Any]) -> None:
        body = encode_json({"data": data})
        self._entries.put(key, body, len(body))

    @property
    def bytes(self) -> int:
        return self._entries.bytes
