"""Tampering as the database's owner (the app under test connects as the service role)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from service.db.server import create_pool, init_connection


@contextlib.asynccontextmanager
async def owner_connection(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the superuser who owns the test database's tables."""
    conn = await asyncpg.connect(database_url)
    await init_connection(conn)
    try:
        yield conn
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def owner_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool as the owner: what `kinerja projections rebuild` and `kinerja migrate` use."""
    pool = await create_pool(database_url, min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()
