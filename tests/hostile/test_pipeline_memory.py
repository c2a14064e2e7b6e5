"""Bounded memory, measured on a real `kinerja serve` process: hundreds of distinct large
documents with APQ hashes leave its resident memory within 50 MB of where it started."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Tokens

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
async def api(database_url: str, tmp_path: Path, tokens: Tokens) -> AsyncIterator[tuple[str, int]]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KINERJA_DATA_DIR": str(tmp_path),
        "KINERJA_JWT_SECRET": tokens.settings.jwt_secret or "",
        "KINERJA_ID_SECRET": "test-id-secret",
        "KINERJA_ENV": "test",
        "KINERJA_DEFAULT_RULE_SETS": "0",
        "KINERJA_PORT": str(port),
        "KINERJA_RATE_BURST": "100000",
        "KINERJA_ADDRESS_RATE_BURST": "100000",
    }
    server = await asyncio.create_subprocess_exec(
        str(BIN / "kinerja"),
        "serve",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(600):
                try:
                    if (await http.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        yield url, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(server.wait(), 30)


def _document(size: int) -> str:
    padding = secrets.token_hex(size // 2)
    return f'{{ employee(nip: "{padding}") {{ name }} }}'


def _body(query: str) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}


async def _send(http: httpx.AsyncClient, count: int, size: int, headers: dict[str, str]) -> None:
    for _ in range(count):
        response = await http.post("/graphql", json=_body(_document(size)), headers=headers)
        assert response.status_code in (200, 400)


async def test_distinct_large_documents_with_apq_hashes_keep_the_memory_bounded(
    api: tuple[str, int], tokens: Tokens
) -> None:
    url, pid = api
    hr = tokens.header("196001011990011001", "HR")
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        await _send(http, 20, 90_000, hr)  # warm up: every cache has seen documents
        await _send(http, 5, 900_000, {})
        before = _rss_bytes(pid)
        await _send(http, 300, 900_000, {})  # anonymous, 900 KB: refused unparsed
        await _send(http, 300, 90_000, hr)  # authenticated, 90 KB: parsed, cached, registered
        after = _rss_bytes(pid)
        assert (await http.get("/healthz")).status_code == 200
    assert after - before < 50 * 1024 * 1024, (before, after)
