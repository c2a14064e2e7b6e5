"""What the benchmarks share: settings, servers on free ports, load and timing helpers."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from service.auth import mint_token
from service.settings import Settings

JWT_SECRET = "bench-secret-" + "x" * 32
ENV = {
    "KINERJA_JWT_SECRET": JWT_SECRET,
    "KINERJA_ID_SECRET": "bench-id-secret",
    "KINERJA_ENV": "development",
    "KINERJA_RATE_PER_SECOND": "1000000",
    "KINERJA_RATE_BURST": "1000000",
    "KINERJA_CHECKPOINT_SECONDS": "3600",
    "KINERJA_CHECKPOINT_EVENTS": "100000000",
}
CLIENTS = 16


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    measure: str
    ours: str
    baseline: str
    ratio: str
    target: str
    met: bool | None
    note: str = ""


@dataclass(frozen=True)
class Load:
    """What a bounded load run measured."""

    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds

    @property
    def median(self) -> float:
        """The median latency in seconds."""
        return statistics.median(self.latencies)


def bench_settings(url: str, data_dir: Path) -> Settings:
    """The settings both the benchmark process and the API subprocess use."""
    return Settings.from_env({**ENV, "DATABASE_URL": url, "KINERJA_DATA_DIR": str(data_dir)})


def token(settings: Settings, sub: str, *roles: str) -> str:
    """A bearer token for this subject and roles."""
    return mint_token(settings, sub, list(roles), ttl_seconds=3600)


def free_port() -> int:
    """A loopback port free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def run_load(count: int, request: Callable[[int], Awaitable[None]]) -> Load:
    """`count` requests by CLIENTS concurrent clients, each taking the next index when free."""
    latencies: list[float] = []
    indexes = iter(range(count))

    async def client() -> None:
        for i in indexes:
            started = time.perf_counter()
            await request(i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return Load(count, time.perf_counter() - started, latencies)


async def timed(repeat: int, call: Callable[[int], Awaitable[object]]) -> float:
    """The median seconds of `repeat` sequential calls."""
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        await call(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@asynccontextmanager
async def inprocess_server(app: Starlette) -> AsyncIterator[str]:
    """A real uvicorn serving `app` on a free loopback port, in this process."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def _cpu_of(pid: str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postmaster_of(backend_pid: int) -> int | None:
    """The local PostgreSQL server process a backend belongs to (None if not on this machine)."""
    try:
        return int(Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def postgres_cpu_seconds(postmaster: int | None) -> float:
    """CPU time used so far by this PostgreSQL server: the postmaster and its children."""
    if postmaster is None:
        return 0.0
    total = _cpu_of(str(postmaster))
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
            if stat and int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                total += _cpu_of(entry.name)
        except OSError:
            continue
    return total


class ApiServer:
    """`kinerja serve` in a subprocess (so its memory is its own), on a free port."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the server runs
        env = {**os.environ, **ENV, "DATABASE_URL": url, "KINERJA_DATA_DIR": str(data_dir)}
        kinerja = str(Path(sys.executable).parent / "kinerja")
        command = [kinerja, "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=env, stdout=self._log, stderr=self._log)

    async def ready(self, http: httpx.AsyncClient) -> None:
        """Wait until /readyz answers 200 (or raise with the server's log)."""
        for _ in range(600):
            try:
                if (await http.get(f"{self.base}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                break
            await asyncio.sleep(0.1)
        self._log.seek(0)
        raise RuntimeError(f"the API did not start:\n{self._log.read().decode()[-3000:]}")

    def status(self, field: str) -> int:
        """A kB value from /proc/<pid>/status (VmHWM: peak resident memory)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise KeyError(field)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used (from /proc/<pid>/stat)."""
        return _cpu_of(str(self.process.pid))

    def reset_peak(self) -> None:
        """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def stop(self) -> None:
        """Stop the server (SIGTERM) and wait for it."""
        self.process.terminate()
        self.process.wait(30)
        self._log.close()


async def graphql(
    http: httpx.AsyncClient, base: str, bearer: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """POST one GraphQL request; raise unless it answered data without errors."""
    response = await http.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {bearer}", "Accept": "application/json"},
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL failed: {response.status_code} {str(body)[:500]}")
    return body


def ratio_row(
    measure: str, ours: float, base: float, unit: str, minimum: float, note: str = ""
) -> Row:
    """A row whose target is ours/baseline >= minimum (rates: higher is better)."""
    ratio = ours / base
    return Row(
        measure,
        f"{ours:,.0f} {unit}",
        f"{base:,.0f} {unit}",
        f"{ratio:.2f}x",
        f">= {minimum}x",
        ratio >= minimum,
        note,
    )


def time_row(measure: str, ours: float, base: float, maximum: float, note: str = "") -> Row:
    """A row whose target is ours/baseline <= maximum (times: lower is better)."""
    ratio = ours / base
    return Row(
        measure,
        f"{ours * 1000:.2f} ms",
        f"{base * 1000:.2f} ms",
        f"{ratio:.2f}x",
        f"<= {maximum}x the time",
        ratio <= maximum,
        note,
    )
