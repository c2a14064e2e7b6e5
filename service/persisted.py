"""Automatic persisted queries (Apollo APQ) and the allow-list mode for production partners."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


class PersistedQueryNotFound(Exception):
    """The client sent only a hash the service does not know: it should send the query."""


class NotAllowListed(Exception):
    """Allow-list mode: the document is not one of the registered ones."""


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


class PersistedQueries:
    """Remembers documents by SHA-256; in allow-list mode only listed documents run."""

    def __init__(self, allow_list: Path | None = None, max_entries: int = 10_000) -> None:
        self._queries: dict[str, str] = {}
        self._max = max_entries
        self.allow_only: frozenset[str] | None = None
        if allow_list is not None:
            listed = json.loads(allow_list.read_text(encoding="utf-8"))
            documents = listed.values() if isinstance(listed, dict) else listed
            self._queries = {query_hash(q): q for q in documents}
            self.allow_only = frozenset(self._queries)

    def resolve(self, query: str | None, extensions: dict[str, Any]) -> str | None:
        """The query to run: the one sent, or the one registered under the sent hash."""
        persisted = extensions.get("persistedQuery")
        wanted = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if query is None and wanted:
            known = self._queries.get(str(wanted))
            if known is None:
                raise PersistedQueryNotFound("PersistedQueryNotFound")
            query = known
        if query is None:
            return None
        digest = query_hash(query)
        if wanted and wanted != digest:
            raise ValueError("provided sha256Hash does not match the query")
        if self.allow_only is not None and digest not in self.allow_only:
            raise NotAllowListed("this document is not on the allow-list")
        if wanted and self.allow_only is None and len(self._queries) < self._max:
            self._queries[digest] = query
        return query
