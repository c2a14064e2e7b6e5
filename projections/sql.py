"""The narrow database surface read queries need: an asyncpg pool or connection fits it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Reader(Protocol):
    """Something that runs a read query: asyncpg's Pool and Connection both are."""

    async def fetch(self, query: str, *args: Any, timeout: float | None = None) -> list[Any]:
        """All rows of a query."""

    async def fetchrow(self, query: str, *args: Any, timeout: float | None = None) -> Any:
        """The first row of a query, or None."""

    async def fetchval(
        self, query: str, *args: Any, column: int = 0, timeout: float | None = None
    ) -> Any:
        """The first value of the first row, or None."""


def rows_as_dicts(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """asyncpg records as plain dicts, comparable with rows folded in memory."""
    return [dict(r) for r in rows]
