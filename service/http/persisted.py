"""Automatic persisted queries (Apollo APQ) and the allow-list mode for production partners.

A hash alone is answered with the document registered under it, or PersistedQueryNotFound. A
document is registered only after it validated, and only for an authenticated caller; the store
is bounded in entries and bytes. In allow-list mode only the listed documents run, whatever the
transport, and they alone name metric series.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.http.response_cache import BoundedLRU, digest

OTHER = "other"


class PersistedQueryNotFound(Exception):
    """The client sent only a hash the service does not know: it should send the query."""


class NotAllowListed(Exception):
    """Allow-list mode: the document is not one of the registered ones."""


def query_hash(query: str) -> str:
    return digest(query)


def sent_hash(extensions: dict[str, Any]) -> str | None:
    """The `extensions.persistedQuery.sha256Hash` of a request, if any."""
    persisted = extensions.get("persistedQuery")
    wanted = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return wanted if isinstance(wanted, str) and wanted else None


class PersistedQueries:
    """Remembers documents by SHA-256; in allow-list mode only listed documents run."""

    def __init__(
        self,
        allow_list: Path | None = None,
        max_entries: int = 10_000,
        max_bytes: int = 8_000_000,
    ) -> None:
        self._queries: BoundedLRU[str, str] = BoundedLRU(max_entries, max_bytes)
        self._listed: dict[str, str] = {}
        self.allow_only: frozenset[str] | None = None
        if allow_list is not None:
            listed = json.loads(allow_list.read_text(encoding="utf-8"))
            documents = listed.values() if isinstance(listed, dict) else listed
            self._listed = {query_hash(q): q for q in documents}
            self.allow_only = frozenset(self._listed)

    def resolve(self, query: str | None, extensions: dict[str, Any]) -> str | None:
        """The query to run: the one sent (checked against its hash), or the one registered."""
        wanted = sent_hash(extensions)
        if query is None and wanted:
            known = self._listed.get(wanted) or self._queries.get(wanted)
            if known is None:
                raise PersistedQueryNotFound("PersistedQueryNotFound")
            return known
        if query is not None and wanted and wanted != query_hash(query):
            raise ValueError("provided sha256Hash does not match the query")
        return query

    def check(self, document_digest: str) -> None:
        """NotAllowListed unless the document may run (allow-list mode lists it)."""
        if self.allow_only is not None and document_digest not in self.allow_only:
            raise NotAllowListed("this document is not on the allow-list")

    def register(self, document_digest: str, query: str) -> None:
        """Remember a validated document sent by an authenticated caller with its hash."""
        if self.allow_only is None and document_digest not in self._queries:
            self._queries.put(document_digest, query, len(query))

    def label(self, document_digest: str | None, operation: str | None) -> str:
        """A metric label: the operation name of an allow-listed document, else `other`."""
        if document_digest is None or document_digest not in self._listed or not operation:
            return OTHER
        return operation
