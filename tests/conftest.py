"""Shared fixtures: a real PostgreSQL (DATABASE_URL or embedded), a fresh database per test."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from hypothesis import settings as settings_profile

from service.auth.tokens import mint_token
from service.db.migrate import migrate
from service.db.roles import ServiceRole
from service.db.server import create_pool, embedded_server_url, with_database, with_user
from service.services import Services, build_services, close_services
from service.settings import Settings

RUN_ID = secrets.token_hex(4)
# The app under test connects as this run's service role, which `migrate` sets up: least privilege.
SERVICE_ROLE = ServiceRole(f"kinerja_service_{RUN_ID}", secrets.token_urlsafe(16))

# CI runs the property tests on the same examples every time; locally they explore.
settings_profile.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings_profile.load_profile("ci")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The PostgreSQL server for this run: DATABASE_URL if set, else an embedded one."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix="kinerja-pg-") as folder:
        url, server = embedded_server_url(Path(folder))
        try:
            yield url
        finally:
            server.cleanup()


async def _admin(server_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(with_database(server_url, "postgres"))


@pytest.fixture(scope="session")
async def template_name(server_url: str) -> AsyncIterator[str]:
    """A migrated template database; each test's database is a copy of it."""
    name = f"kinerja_tpl_{RUN_ID}"
    admin = await _admin(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    pool = await create_pool(with_database(server_url, name), min_size=1, max_size=2)
    async with pool.acquire() as conn:
        await migrate(conn, service=SERVICE_ROLE)
    await pool.close()
    yield name
    leftovers = await admin.fetch(
        "SELECT datname FROM pg_database WHERE datname LIKE $1", f"kinerja_%_{RUN_ID}%"
    )
    for row in leftovers:
        await admin.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    await admin.execute(f'DROP ROLE IF EXISTS "{SERVICE_ROLE.name}"')
    await admin.close()


@pytest.fixture
async def database_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    """A fresh, migrated, empty database for one test, dropped afterwards."""
    name = f"kinerja_t_{RUN_ID}_{secrets.token_hex(4)}"
    admin = await _admin(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
        yield with_database(server_url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_JWT_SECRET": "test-secret-" + "x" * 32,
            "KINERJA_ID_SECRET": "test-id-secret",
            "KINERJA_ENV": "test",
            # An empty log, so positions in tests start at 1; tests/*/test_awards* turn it on.
            "KINERJA_DEFAULT_RULE_SETS": "0",
        }
    )


@pytest.fixture
async def services(settings: Settings, database_url: str) -> AsyncIterator[Services]:
    as_service = with_user(database_url, SERVICE_ROLE.name, SERVICE_ROLE.password)
    built = await build_services(settings, as_service, run_projector=False)
    try:
        yield built
    finally:
        await close_services(built)


@pytest.fixture
async def client(settings: Settings, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the real ASGI app."""
    from service.app import create_app

    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
        yield http


@pytest.fixture
async def live_url(settings: Settings, services: Services) -> AsyncIterator[str]:
    """The app served by a real uvicorn on a free loopback port."""
    from service.app import create_app

    config = uvicorn.Config(
        create_app(settings, services),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(250):
        if server.started:
            break
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


class Tokens:
    """Mints test tokens for each role."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, sub: str, *roles: str, **claims: Any) -> str:
        return mint_token(self.settings, sub, list(roles), **claims)

    def header(self, sub: str, *roles: str, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self(sub, *roles, **claims)}"}


@pytest.fixture
def tokens(settings: Settings) -> Tokens:
    return Tokens(settings)
