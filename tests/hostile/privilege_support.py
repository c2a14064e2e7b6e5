"""Helpers of the least-privilege tests: the CLI as an operator runs it, against a test database."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner, Result

from service.cli.main import app
from service.db.server import with_user
from service.settings import Settings
from tests.conftest import SERVICE_ROLE


def service_url(database_url: str) -> str:
    """The test database as the run's service role (what `kinerja serve` connects as)."""
    return with_user(database_url, SERVICE_ROLE.name, SERVICE_ROLE.password)


def cli_env(settings: Settings, database_url: str, *, owner: bool = False) -> dict[str, str]:
    """The environment of a `kinerja` command sharing the test's data folder and secrets."""
    env = {
        "KINERJA_DATA_DIR": str(settings.data_dir),
        "KINERJA_ENV": settings.env,
        "KINERJA_JWT_SECRET": settings.jwt_secret or "",
        "KINERJA_ID_SECRET": settings.id_secret,
        "KINERJA_DEFAULT_RULE_SETS": "0",
        "DATABASE_URL": service_url(database_url),
    }
    if owner:
        env["KINERJA_OWNER_DATABASE_URL"] = database_url
    return env


async def kinerja(args: list[str], env: dict[str, str]) -> Result:
    """Run a `kinerja` command in a thread (it runs its own event loop)."""

    def run() -> Result:
        return CliRunner().invoke(app, args, env=env)

    return await asyncio.to_thread(run)
