"""The projector: the only writer of read tables. It folds the log into them in batches, each batch
in one transaction with the projection's checkpoint, so every event is applied exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg

from projections.engine import Fact, Projection, Row, RowRef, Table
from service.eventstore import NOTIFY_CHANNEL, EventStore
from service.facts import to_fact
from service.pg import Connection

log = logging.getLogger("kinerja.projector")


class ProjectionTimeout(Exception):
    """The views did not reach a requested log position in time."""


class Projector:
    """Keeps every projection's tables caught up with the log."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        store: EventStore,
        projections: Sequence[Projection],
        *,
        batch_size: int = 1000,
        inline: bool = True,
    ) -> None:
        self._pool = pool
        self._store = store
        self.projections = list(projections)
        self.batch_size = batch_size
        # Inline: a process without the background loop applies events itself when it waits.
        # Otherwise (a separate projector worker) it only watches the checkpoints.
        self._inline = inline
        self.positions: dict[str, int] = {}
        # The newest log position announced by NOTIFY (kept while the loop runs).
        self.notified_head = 0
        self._advanced = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def setup(self) -> None:
        """Read where each projection stands (`kinerja migrate` creates the tables)."""
        await self.load_positions()

    async def load_positions(self) -> None:
        rows = await self._pool.fetch("SELECT name, position FROM projection_checkpoints")
        stored = {r["name"]: r["position"] for r in rows}
        self.positions = {p.name: stored.get(p.name, 0) for p in self.projections}

    def start(self) -> None:
        """Run the catch-up loop in the background (LISTEN-driven, polling as a fallback)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="projector")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, poll_interval: float = 1.0) -> None:
        wake = asyncio.Event()

        def listener(_conn: Connection, _pid: int, _channel: str, payload: object) -> None:
            if isinstance(payload, str) and payload.isdigit():
                self.notified_head = max(self.notified_head, int(payload))
            wake.set()

        conn = await self._pool.acquire()
        try:
            await conn.add_listener(NOTIFY_CHANNEL, listener)
            while True:
                wake.clear()
                try:
                    await self.catch_up()
                except (asyncpg.PostgresError, OSError):
                    log.exception("projector batch failed; retrying")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), poll_interval)
        finally:
            with contextlib.suppress(Exception):
                await conn.remove_listener(NOTIFY_CHANNEL, listener)
            await self._pool.release(conn)

    async def catch_up(self) -> int:
        """Apply every event not yet applied; return the position all projections reached."""
        while True:
            after = self.reached
            events = await self._store.read_all(after, self.batch_size)
            if not events:
                return after
            facts = [to_fact(self._store.codec, e) for e in events]
            self.positions.update(await self._apply(facts))
            async with self._advanced:
                self._advanced.notify_all()

    async def _apply(self, facts: list[Fact]) -> dict[str, int]:
        """Apply a batch to every projection in one transaction with all their checkpoints.

        The checkpoint rows are locked (in name order, so two projector processes cannot
        deadlock); each projection skips what another process applied meanwhile.
        """
        names = [p.name for p in self.projections]
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT name, position FROM projection_checkpoints WHERE name = ANY($1::text[])"
                " ORDER BY name FOR UPDATE",
                names,
            )
            reached: dict[str, int] = {r["name"]: r["position"] for r in rows}
            moved: dict[str, int] = {}
            for projection in self.projections:
                todo = [f for f in facts if f.position > reached[projection.name]]
                if todo:
                    await apply_facts(conn, projection, todo)
                    moved[projection.name] = reached[projection.name] = todo[-1].position
            if moved:
                await conn.execute(
                    "UPDATE projection_checkpoints SET position = m.position, updated_at = now()"
                    " FROM unnest($1::text[], $2::bigint[]) AS m(name, position)"
                    " WHERE projection_checkpoints.name = m.name",
                    list(moved),
                    list(moved.values()),
                )
            return reached

    @property
    def listening(self) -> bool:
        """Whether the background loop runs here (so `notified_head` is being kept)."""
        return self._task is not None and not self._task.done()

    @property
    def reached(self) -> int:
        """The position every projection has applied."""
        return min(self.positions.values(), default=0)

    async def wait_for(self, position: int, timeout: float = 5.0) -> None:
        """Return once every projection has applied the position, or raise ProjectionTimeout."""
        try:
            async with asyncio.timeout(timeout):
                if self._task is not None:
                    async with self._advanced:
                        await self._advanced.wait_for(lambda: self.reached >= position)
                else:
                    while True:
                        # Inline: apply what is there; a worker elsewhere: watch its checkpoints.
                        await (self.catch_up() if self._inline else self.load_positions())
                        if self.reached >= position:
                            break
                        await asyncio.sleep(0.02)
        except TimeoutError:
            raise ProjectionTimeout(
                f"the views have not reached log position {position} within {timeout:g} s"
            ) from None


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
