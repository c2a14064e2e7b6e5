"""What the benchmarks share: settings, servers on free ports, load and timing helpers."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from service.auth.tokens import mint_token
from service.settings import Settings

JWT_SECRET = "bench-secret-" + "x" * 32
ENV = {
    "KINERJA_JWT_SECRET": JWT_SECRET,
    "KINERJA_ID_SECRET": "bench-id-secret",
    "KINERJA_ENV": "development",
    "KINERJA_RATE_PER_SECOND": "1000000",
    "KINERJA_RATE_BURST": "1000000",
    # wrk sends everything from one address: the per-address bucket must not refuse it.
    "KINERJA_ADDRESS_RATE_PER_SECOND": "1000000",
    "KINERJA_ADDRESS_RATE_BURST": "1000000",
    "KINERJA_CHECKPOINT_SECONDS": "3600",
    "KINERJA_CHECKPOINT_EVENTS": "100000000",
}


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


def migrate_as_operator(url: str, data_dir: Path) -> None:
    """`kinerja migrate` in its own process, as an operator runs it before `kinerja serve`."""
    env = {**os.environ, **ENV, "DATABASE_URL": url, "KINERJA_DATA_DIR": str(data_dir)}
    kinerja = str(Path(sys.executable).parent / "kinerja")
    subprocess.run([kinerja, "migrate"], env=env, check=True, capture_output=True)


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


async def timed(repeat: int, call: Callable[[int], Awaitable[object]]) -> float:
    """The median seconds of `repeat` sequential calls."""
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        await call(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
    # The postmaster's own time plus its reaped children's (backends that already exited).
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
            if stat and int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                total += _cpu_of(entry.name)
        except OSError:
            continue
    return total


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
