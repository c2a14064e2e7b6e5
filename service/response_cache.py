"""A response cache for queries, keyed so that an answer is never staler than the views.

The key holds the document, the variables, the caller's visibility (subject, roles, scopes) and
the log positions the views have reached: a write that reaches the views changes the key.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any


class ResponseCache:
    """A bounded LRU of response bodies."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._max = max_entries

    @staticmethod
    def key(
        query: str,
        variables: dict[str, Any] | None,
        operation: str | None,
        visibility: tuple[str, ...],
        positions: tuple[int, int],
    ) -> str:
        return json.dumps(
            [query, variables or {}, operation, visibility, positions],
            sort_keys=True,
            separators=(",", ":"),
        )

    def get(self, key: str) -> bytes | None:
        body = self._entries.get(key)
        if body is not None:
            self._entries.move_to_end(key)
        return body

    def put(self, key: str, body: bytes) -> None:
        self._entries[key] = body
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
