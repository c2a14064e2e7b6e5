"""`make run` with no DATABASE_URL: the embedded PostgreSQL starts with both roles (the owner
migrates, the service serves), /healthz answers, and a SIGTERM stops the server and the
database cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _check_both_roles(pgdata: Path) -> None:
    """The owner (the embedded superuser) owns the tables; the API connects as the service."""
    info = (pgdata / "postmaster.pid").read_text().splitlines()
    conn = await asyncpg.connect(
        host=info[4], port=int(info[3]), user="postgres", database="kinerja"
    )
    try:
        owner = await conn.fetchval("SELECT tableowner FROM pg_tables WHERE tablename = 'events'")
        service = await conn.fetchrow(
            "SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = 'kinerja_service'"
        )
        serving = await conn.fetch(
            "SELECT DISTINCT usename FROM pg_stat_activity"
            " WHERE datname = 'kinerja' AND pid <> pg_backend_pid() AND usename IS NOT NULL"
        )
    finally:
        await conn.close()
    assert owner == "postgres"
    assert service is not None and dict(service) == {"rolsuper": False, "rolcanlogin": True}
    assert [r["usename"] for r in serving] == ["kinerja_service"]


async def test_make_run_serves_health_with_the_embedded_database(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"KINERJA_DATA_DIR": str(tmp_path / "var"), "KINERJA_PORT": str(port)}
    server = await asyncio.create_subprocess_exec(
        "make",
        "--no-print-directory",
        "run",
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        healthy = False
        async with httpx.AsyncClient() as http:
            for _ in range(1200):  # two minutes
                try:
                    response = await http.get(f"http://127.0.0.1:{port}/healthz")
                    healthy = response.json() == {"status": "ok"}
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        assert healthy, "make run did not answer /healthz within two minutes"
        assert (tmp_path / "var" / "pg").is_dir()
        await _check_both_roles(tmp_path / "var" / "pg")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        await asyncio.wait_for(server.wait(), 60)
    postmaster = tmp_path / "var" / "pg" / "postmaster.pid"
    for _ in range(100):
        if not postmaster.exists():
            break
        await asyncio.sleep(0.1)
    assert not postmaster.exists(), "the embedded PostgreSQL kept running after SIGTERM"
