"""`make run` with no DATABASE_URL: the embedded PostgreSQL starts, /healthz answers, and a
SIGTERM stops the server and the database cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        await asyncio.wait_for(server.wait(), 60)
    postmaster = tmp_path / "var" / "pg" / "postmaster.pid"
    for _ in range(100):
        if not postmaster.exists():
            break
        await asyncio.sleep(0.1)
    assert not postmaster.exists(), "the embedded PostgreSQL kept running after SIGTERM"
