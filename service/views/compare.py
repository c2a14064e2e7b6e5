"""Projections rebuilt aside, in memory, and compared with the live read tables.

`kinerja projections verify` and the tests use it: the rebuild runs the projections' own folds
over the whole log, the same code the projector runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.engine import MemoryRows, Projection, Row
from service.db.pg import Connection
from service.log.store import EventStore
from service.views.facts import to_fact


async def replay_all(store: EventStore, projections: list[Projection]) -> MemoryRows:
    """Every projection rebuilt from position 0, in memory."""
    memory = MemoryRows()
    after = 0
    while events := await store.read_all(after, 5000, metadata=False):
        for event in events:
            fact = to_fact(store.codec, event)
            for projection in projections:
                memory.apply(projection, fact)
        after = events[-1].position
    return memory


@dataclass(frozen=True)
class RowDifference:
    """One read-table row that differs between the live tables and a rebuild."""

    table: str
    key: tuple[Any, ...]
    live: Row | None
    rebuilt: Row | None

    def describe(self) -> str:
        if self.live is None:
            return f"{self.table} {self.key}: missing from the live table"
        if self.rebuilt is None:
            return f"{self.table} {self.key}: in the live table but not in a rebuild"
        changed = sorted(
            k
            for k in self.live.keys() | self.rebuilt.keys()
            if self.live.get(k) != self.rebuilt.get(k)
        )
        return f"{self.table} {self.key}: columns differ: {', '.join(changed)}"


async def compare_with_live(
    conn: Connection, projections: list[Projection], rebuilt: MemoryRows
) -> list[RowDifference]:
    """Every row where the live read tables and the rebuilt ones disagree."""
    differences: list[RowDifference] = []
    for projection in projections:
        for table in projection.tables:
            live = {
                table.key_of(r): dict(r) for r in await conn.fetch(f"SELECT * FROM {table.name}")
            }
            fresh = {table.key_of(r): r for r in rebuilt.table(table.name)}
            for key in sorted(live.keys() | fresh.keys(), key=repr):
                if live.get(key) != fresh.get(key):
                    differences.append(
                        RowDifference(table.name, key, live.get(key), fresh.get(key))
                    )
    return differences
