"""What every projection is: tables, and a pure fold from one event and the rows it touches to
row changes. The same fold runs against PostgreSQL (the projector) and in memory (replays)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

Key = tuple[Any, ...]
Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """A read table: columns with their SQL types, the key columns, and extra indexes."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    indexes: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def sql_type(self, column: str) -> str:
        return dict(self.columns)[column]

    def key_of(self, row: Mapping[str, Any]) -> Key:
        return tuple(row[k] for k in self.key)

    def ddl(self, physical: str | None = None, *, temporary: bool = False) -> list[str]:
        """CREATE statements for this table under a physical name (the live one by default).

        A temporary copy (a replay read by one request) needs no key or index: it is small,
        filled once and read a few times.
        """
        name = physical or self.name
        cols = ", ".join(f"{c} {t}" for c, t in self.columns)
        if temporary:
            return [f"CREATE TEMPORARY TABLE {name} ({cols})"]
        statements = [
            f"CREATE TABLE IF NOT EXISTS {name} ({cols}, PRIMARY KEY ({', '.join(self.key)}))"
        ]
        for i, index in enumerate(self.indexes):
            statements.append(f"CREATE INDEX IF NOT EXISTS {name}_ix{i} ON {name} {index}")
        return statements


@dataclass(frozen=True)
class Fact:
    """A decoded event with its place in the log: what a fold receives."""

    position: int
    stream_id: UUID
    stream_version: int
    event_type: str
    recorded_at: datetime
    effective_date: date | None
    subject_id: UUID | None
    metadata: Mapping[str, Any]
    event: object


RowRef = tuple[str, Key]
Changes = dict[RowRef, Row | None]


class Projection(Protocol):
    """A read model: its tables, which rows an event touches, and the pure fold."""

    name: str
    tables: tuple[Table, ...]

    def touches(self, fact: Fact) -> Iterable[RowRef]:
        """The rows (table name, key) the fold needs to see for this event."""

    def fold(self, fact: Fact, rows: Mapping[RowRef, Row | None]) -> Changes:
        """Row changes for this event: a new row, or None to delete it."""


def folding(projections: Sequence[Projection], event_class: type) -> list[Projection]:
    """The projections whose `touches` may name rows for events of this class: those that
    declare `event_types` (the classes their touches names rows for) with it among them, and
    every one that declares none."""
    return [
        p
        for p in projections
        if (types := getattr(p, "event_types", None)) is None or issubclass(event_class, types)
    ]


class MemoryRows:
    """Read tables held in a dict: the same folds, no database (replays, as-of views, checks)."""

    def __init__(self) -> None:
        self.rows: dict[RowRef, Row] = {}

    def apply(self, projection: Projection, fact: Fact) -> None:
        refs = list(projection.touches(fact))
        if not refs:
            return
        seen = {ref: self.rows.get(ref) for ref in refs}
        for ref, row in projection.fold(fact, seen).items():
            if row is None:
                self.rows.pop(ref, None)
            else:
                self.rows[ref] = row

    def table(self, name: str) -> list[Row]:
        return [row for (table, _), row in self.rows.items() if table == name]

    def get(self, table: str, key: Key) -> Row | None:
        return self.rows.get((table, key))


def replay(projections: Sequence[Projection], facts: Iterable[Fact]) -> MemoryRows:
    """Fold the facts, in order, through the projections into memory."""
    memory = MemoryRows()
    for fact in facts:
        for projection in projections:
            memory.apply(projection, fact)
    return memory
