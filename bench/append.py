"""Store appends per second against raw asyncpg single-row INSERT commits, same server, same run.

Run: `make bench` (or `.venv/bin/python -m bench.append`). Uses DATABASE_URL when set, otherwise an
embedded PostgreSQL in a temporary folder; creates and drops its own database.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import asyncpg

from domain.organisation import Unit
from service.db.migrate import migrate
from service.db.server import create_pool, embedded_server_url, with_database
from service.log.codec import EventCodec
from service.log.records import Metadata, StreamWrite
from service.log.store import EventStore

OPS_PER_WORKER = 150
META = Metadata(actor="bench", actor_role="ADMIN")


@asynccontextmanager
async def bench_database() -> AsyncIterator[str]:
    """A fresh database on the configured or an embedded server, dropped afterwards."""
    folder = None
    server = None
    base = os.environ.get("DATABASE_URL")
    if not base:
        folder = tempfile.TemporaryDirectory(prefix="kinerja-bench-")
        base, server = embedded_server_url(Path(folder.name))
    name = f"kinerja_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(with_database(base, "postgres"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(base, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        if server is not None:
            server.cleanup()
        if folder is not None:
            folder.cleanup()


async def rate(workers: int, op: Callable[[int, int], Awaitable[None]]) -> float:
    """Operations per second with `workers` concurrent tasks each doing OPS_PER_WORKER ops."""

    async def worker(w: int) -> None:
        for i in range(OPS_PER_WORKER):
            await op(w, i)

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(workers)))
    return workers * OPS_PER_WORKER / (time.perf_counter() - started)


def prepared_writes(workers: int, run: str) -> list[list[StreamWrite]]:
    """Unit registrations built before the clock starts: this measures the store, not the domain."""
    now = datetime.now(UTC)
    out = []
    for w in range(workers):
        units = [Unit.register(f"{run}{w:02d}{i:04d}", "Unit", now) for i in range(OPS_PER_WORKER)]
        out.append([StreamWrite(u.id, tuple(u.collect_events())) for u in units])
    return out


async def append_rates(url: str, workers: int, run: str) -> tuple[float, float]:
    """(store appends/s, raw single-row INSERT commits/s) with `workers` concurrent callers."""
    pool = await create_pool(url, min_size=workers + 1, max_size=workers + 1)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS raw_inserts"
                " (id uuid PRIMARY KEY, payload bytea NOT NULL)"
            )
        store = EventStore(pool, EventCodec())
        payload = b'{"code":"X","name":"Unit"}'
        prepared = prepared_writes(workers, run)

        async def store_append(w: int, i: int) -> None:
            await store.append([prepared[w][i]], META)

        async def raw_insert(w: int, i: int) -> None:
            await pool.execute("INSERT INTO raw_inserts VALUES ($1, $2)", uuid4(), payload)

        raw = await rate(workers, raw_insert)
        ours = await rate(workers, store_append)
        await store.close()
        return ours, raw
    finally:
        await pool.close()


async def main() -> None:
    """Print store vs raw rates at 1 and 16 concurrent callers."""
    async with bench_database() as url:
        print("| concurrency | store appends/s | raw INSERT commits/s | ratio |")
        print("| --- | --- | --- | --- |")
        for workers in (1, 16):
            ours, raw = await append_rates(url, workers, f"C{workers}")
            print(f"| {workers} | {ours:,.0f} | {raw:,.0f} | {ours / raw:.2f}x |")


if __name__ == "__main__":
    asyncio.run(main())
