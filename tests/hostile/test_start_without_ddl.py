"""Serve never changes the schema: it refuses a database that is behind with one line saying
what to do, starts after `kinerja migrate`, and runs as a role that cannot create tables."""

from __future__ import annotations

import secrets

import asyncpg
import httpx
import pytest

from service.app import create_app
from service.db.migrate import SchemaBehind
from service.db.roles import RoleError
from service.log.kek import open_kek_ring
from service.services import build_services, close_services
from service.settings import Settings
from tests.graphql import gql
from tests.hostile.privilege_support import cli_env, kinerja, service_url
from tests.owner import owner_connection

UNIT = 'mutation { registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename } }'


async def _serves(settings: Settings, url: str) -> None:
    """Start the app as `kinerja serve` would and write and read through it."""
    services = await build_services(settings, url, run_projector=False)
    try:
        transport = httpx.ASGITransport(app=create_app(settings, services))
        async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
            hr = {"Authorization": "Bearer " + _token(settings)}
            body = await gql(http, UNIT, headers=hr)
            assert body["data"]["registerUnit"]["__typename"] == "RegisterUnitSuccess"
            units = await gql(http, "{ units { code } }", headers=hr)
            assert units["data"]["units"] == [{"code": "DINKES"}]
    finally:
        await close_services(services)


def _token(settings: Settings) -> str:
    from service.auth.tokens import mint_token

    return mint_token(settings, "196001011990011001", ["HR"])


async def test_an_api_refuses_a_database_behind_then_starts_after_migrate(
    settings: Settings, database_url: str
) -> None:
    async with owner_connection(database_url) as owner:
        await owner.execute("DELETE FROM schema_migrations WHERE version = 5")
    refused = await kinerja(["serve"], cli_env(settings, database_url))
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        "the database is behind this kinerja (005_least_privilege.sql): run `kinerja migrate`"
    ]
    with pytest.raises(SchemaBehind, match="run `kinerja migrate`"):
        await build_services(settings, service_url(database_url), run_projector=False)
    project = await kinerja(["project"], cli_env(settings, database_url))
    assert project.exit_code == 1 and "run `kinerja migrate`" in project.output

    migrated = await kinerja(["migrate"], cli_env(settings, database_url, owner=True))
    assert migrated.exit_code == 0, migrated.output
    assert "applied 1 migration(s): 005_least_privilege.sql" in migrated.output
    await _serves(settings, service_url(database_url))


async def test_a_missing_read_table_is_behind_too(settings: Settings, database_url: str) -> None:
    async with owner_connection(database_url) as owner:
        await owner.execute("DROP TABLE directory_units")
    with pytest.raises(SchemaBehind, match="read table directory_units"):
        await build_services(settings, service_url(database_url), run_projector=False)


async def test_an_api_whose_role_cannot_create_tables_starts_and_serves(
    settings: Settings, database_url: str
) -> None:
    conn = await asyncpg.connect(service_url(database_url))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE probe (a int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE SCHEMA probe")
    finally:
        await conn.close()
    await _serves(settings, service_url(database_url))


async def test_production_refuses_to_serve_as_the_owner_of_the_log(
    settings: Settings, database_url: str
) -> None:
    kek = open_kek_ring(settings).path
    production = Settings.from_env(
        {
            "KINERJA_ENV": "production",
            "KINERJA_DATA_DIR": str(settings.data_dir),
            "KINERJA_JWT_SECRET": secrets.token_urlsafe(48),
            "KINERJA_ID_SECRET": secrets.token_urlsafe(48),
            "KINERJA_KEK_FILE": str(kek),
            "KINERJA_DEFAULT_RULE_SETS": "0",
        }
    )
    with pytest.raises(RoleError, match="is a superuser: put the service role in DATABASE_URL"):
        await build_services(production, database_url, run_projector=False)
    services = await build_services(production, service_url(database_url), run_projector=False)
    await close_services(services)


async def test_serve_refuses_a_checkpoint_folder_it_cannot_write(
    settings: Settings, database_url: str
) -> None:
    blocker = settings.data_dir / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    env = cli_env(settings, database_url) | {"KINERJA_CHECKPOINT_DIR": str(blocker / "cp")}
    refused = await kinerja(["serve"], env)
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        f"KINERJA_CHECKPOINT_DIR {blocker / 'cp'}: Not a directory"
    ]
