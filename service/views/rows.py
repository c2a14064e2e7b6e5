"""Folding facts into read tables: read the touched rows once, fold in memory, write once.

Shared by the projector, a rebuild into fresh tables and the as-of replays.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from projections.engine import Fact, Projection, Row, RowRef, Table
from service.db.pg import Connection


async def apply_facts(
    conn: Connection,
    projection: Projection,
    facts: Sequence[Fact],
    physical: dict[str, str] | None = None,
) -> None:
    """Fold a batch of facts: read the touched rows once, fold in memory, write the changes once."""
    tables = {t.name: t for t in projection.tables}
    names = physical or {}
    wanted = {ref for fact in facts for ref in projection.touches(fact)}
    overlay: dict[RowRef, Row | None] = await load_rows(conn, tables, wanted, names)
    existed = {ref for ref, row in overlay.items() if row is not None}
    changed: set[RowRef] = set()
    for fact in facts:
        touched = list(projection.touches(fact))
        if not touched:
            continue
        changes = projection.fold(fact, {ref: overlay.get(ref) for ref in touched})
        overlay.update(changes)
        changed.update(changes)
    await write_rows(conn, tables, {ref: overlay[ref] for ref in changed}, names, existed)


async def load_rows(
    conn: Connection,
    tables: dict[str, Table],
    refs: set[RowRef],
    names: dict[str, str],
) -> dict[RowRef, Row | None]:
    """The current rows for these references (None where a row does not exist)."""
    found: dict[RowRef, Row | None] = dict.fromkeys(refs)
    by_table: dict[str, list[tuple[Any, ...]]] = {}
    for table_name, key in refs:
        by_table.setdefault(table_name, []).append(key)
    for table_name, keys in by_table.items():
        table = tables[table_name]
        columns = ", ".join(table.key)
        unnest = ", ".join(f"${i + 1}::{table.sql_type(k)}[]" for i, k in enumerate(table.key))
        arrays = [[key[i] for key in keys] for i in range(len(table.key))]
        rows = await conn.fetch(
            f"SELECT * FROM {names.get(table_name, table_name)}"
            f" WHERE ({columns}) IN (SELECT * FROM unnest({unnest}))",
            *arrays,
        )
        for row in rows:
            found[(table_name, table.key_of(row))] = dict(row)
    return found


async def write_rows(
    conn: Connection,
    tables: dict[str, Table],
    changes: dict[RowRef, Row | None],
    names: dict[str, str],
    existed: set[RowRef] | None = None,
) -> None:
    """Write a batch's row changes with one statement per table and kind.

    Rows known to be new (`existed` given and the row not in it) are copied in with COPY;
    the others are upserted and the removed ones deleted, each as one set-based statement.
    """
    for table_name, table in tables.items():
        physical = names.get(table_name, table_name)
        fresh: list[Row] = []
        updated: list[Row] = []
        gone: list[tuple[Any, ...]] = []
        for ref, row in changes.items():
            if ref[0] != table_name:
                continue
            known = existed is None or ref in existed
            if row is None:
                if known:
                    gone.append(ref[1])
            else:
                (updated if known else fresh).append(row)
        cols = table.column_names
        if fresh:
            await conn.copy_records_to_table(
                physical, records=[tuple(r.get(c) for c in cols) for r in fresh], columns=cols
            )
        if updated:
            await conn.execute(_upsert_sql(table, physical), *_columns(table, updated))
        if gone:
            keys = [[key[i] for key in gone] for i in range(len(table.key))]
            await conn.execute(_delete_sql(table, physical), *keys)


def _columns(table: Table, rows: list[Row]) -> list[list[Any]]:
    # jsonb values travel as JSON text: a list value would otherwise read as an array dimension.
    return [
        [_json_text(row.get(c)) for row in rows]
        if table.sql_type(c) == "jsonb"
        else [row.get(c) for row in rows]
        for c in table.column_names
    ]


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _upsert_sql(table: Table, physical: str) -> str:
    cols = table.column_names

    def param(i: int, column: str) -> str:
        kind = table.sql_type(column)
        return f"${i + 1}::text[]" if kind == "jsonb" else f"${i + 1}::{kind}[]"

    arrays = ", ".join(param(i, c) for i, c in enumerate(cols))
    picked = ", ".join(f"u.{c}::jsonb" if table.sql_type(c) == "jsonb" else f"u.{c}" for c in cols)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c not in table.key)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (
        f"INSERT INTO {physical} ({', '.join(cols)}) SELECT {picked}"
        f" FROM unnest({arrays}) AS u({', '.join(cols)})"
        f" ON CONFLICT ({', '.join(table.key)}) {conflict}"
    )


def _delete_sql(table: Table, physical: str) -> str:
    arrays = ", ".join(f"${i + 1}::{table.sql_type(k)}[]" for i, k in enumerate(table.key))
    return (
        f"DELETE FROM {physical} WHERE ({', '.join(table.key)}) IN (SELECT * FROM unnest({arrays}))"
    )
