"""`make bench`: every measure against its peers in the same run, written to bench/RESULTS.md.

HTTP load comes from wrk in its own process; ours, the raw Starlette + asyncpg endpoint, plain
Strawberry and PostGraphile 4 each run in their own process; each comparison is repeated three
times, interleaved, with the CPU each server and PostgreSQL used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from bench import compare, http_compare, rebuild_bench, scale_bench, servers
from bench.append import append_rates, bench_database
from bench.common import (
    Row,
    bench_settings,
    migrate_as_operator,
    postgres_cpu_seconds,
    postmaster_of,
    ratio_row,
)
from bench.compare import HEADER, Comparison
from bench.es_peer import eventsourcing_rate
from bench.http_bench import HttpBench, sampling
from bench.http_compare import (
    Stage,
    hit_rate_under_writes,
    page_comparisons,
    submit_comparison,
)
from bench.rebuild_bench import as_of_row, rebuild_row
from bench.scale_bench import scale_rows
from bench.targets import target_rows
from bench.wrk import WrkMissing, require_wrk
from service.demo.city import City
from service.demo.seed import seed_demo
from service.services import Services, build_services, close_services

RESULTS = Path(__file__).parent / "RESULTS.md"
EMPLOYEES, YEARS, SEED = 1000, 1, 7
BOUNDS_FILE = Path(__file__).parent / "bounds.md"


def machine() -> str:
    """Architecture, CPU count and memory of this machine."""
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return f"{platform.machine()}, nproc {os.cpu_count()}, memory {memory}"


def document(header: str, comparisons: list[Comparison], rows: list[Row]) -> str:
    """The markdown of RESULTS.md: the wrk comparisons, then every target with its result."""
    lines = ["# Benchmark results", "", header, "", "## HTTP under wrk", "", *HEADER]
    for comparison in comparisons:
        lines += comparison.rows()
    lines += [""] + [f"- {c.measure}: {c.note}" for c in comparisons if c.note]
    lines += ["", "## Targets", "", "| measure | ours | peer | ratio | target | result |"]
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        result = "met" if r.met else "**missed**" if r.met is False else "not measured"
        lines.append(
            f"| {r.measure} | {r.ours} | {r.baseline} | {r.ratio} | {r.target} | {result} |"
        )
    lines += ["", "Notes:", ""] + [f"- {r.measure}: {r.note}" for r in rows if r.note]
    if any(r.met is False for r in rows) and BOUNDS_FILE.exists():
        lines += ["", BOUNDS_FILE.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


async def _seed(services: Services) -> tuple[City, str]:
    """The demo city through the real handlers; a line saying how it was seeded."""
    started = time.perf_counter()
    last_year = datetime.now(UTC).year - 1
    city = await seed_demo(services, EMPLOYEES, YEARS, SEED, last_year, lambda n, p: None)
    head = await services.store.head()
    seconds = time.perf_counter() - started
    line = (
        f"Seeded with `seed-demo --employees {EMPLOYEES} --years {YEARS} --seed {SEED}` "
        f"through the real handlers: {head:,} events in {seconds:.0f} s."
    )
    return city, line


@contextlib.contextmanager
def every_server(url: str, data: Path) -> Iterator[dict[str, servers.Server]]:
    """Ours and the three peers, each in its own process, stopped on exit."""
    started: dict[str, servers.Server] = {}
    try:
        started["kinerja"] = servers.ours(url, data)
        started["raw"] = servers.peer("raw", url)
        started["plain Strawberry"] = servers.peer("strawberry", url)
        started["PostGraphile 4"] = servers.postgraphile(url)
        yield started
    finally:
        for server in started.values():
            server.stop()


async def _measured(
    url: str, data: Path, services: Services, city: City
) -> tuple[list[Comparison], list[Row]]:
    """The wrk comparisons, then the in-process and sequential rows, against live servers."""
    postmaster = postmaster_of(await services.pool.fetchval("SELECT pg_backend_pid()"))
    with every_server(url, data) as running:
        stage = Stage(services, city, running, lambda: postgres_cpu_seconds(postmaster))
        pages = await page_comparisons(stage)
        peak = running["kinerja"].rss_mb("VmHWM")
        async with sampling(services) as lag:
            submit = await submit_comparison(stage)
        hit_rate, writes = await hit_rate_under_writes(stage)
        ours_server = running["kinerja"]
        async with httpx.AsyncClient(timeout=120) as http:
            b = HttpBench(services, services.settings, city, ours_server, running["raw"].base, http)
            rows = [await as_of_row(b), await rebuild_row(b)]
            rows += await scale_rows(b)
    measured = {"peak_mb": peak, "hit_rate": hit_rate, "writes": writes, "lag_p99": lag.p99()}
    return [*pages, submit], target_rows([*pages, submit], measured) + rows


async def run() -> str:
    """Seed, measure everything, and return the RESULTS.md text."""
    require_wrk()
    async with bench_database() as url:
        with tempfile.TemporaryDirectory(prefix="kinerja-bench-data-") as folder:
            data = Path(folder)
            migrate_as_operator(url, data)
            services = await build_services(bench_settings(url, data), url, run_projector=False)
            try:
                city, seeded = await _seed(services)
                await services.projector.catch_up()
                ours, raw = await append_rates(url, 16, "BENCH")
                library = await eventsourcing_rate(url)
                comparisons, rows = await _measured(url, data, services, city)
            finally:
                await close_services(services)
        version = await _server_version(url)
    header = (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, {version}. {seeded} "
        "Load: wrk (2 threads, 16 connections) in its own process; every server in its own "
        f"process on 127.0.0.1; each comparison {compare.REPETITIONS} times, interleaved; ratios"
        " are the median of the per-round ratios."
    )
    return document(header, comparisons, _append_rows(ours, raw, library) + rows)


def _append_rows(ours: float, raw: float, library: float | None) -> list[Row]:
    rows = [
        ratio_row(
            "store appends, 16 concurrent appenders",
            ours,
            raw,
            "appends/s",
            3,
            "peer: raw asyncpg single-row INSERT commits, 16 tasks, 150 each",
        )
    ]
    if library is None:
        rows.append(
            Row(
                "store appends vs the eventsourcing library's PostgreSQL persistence",
                f"{ours:,.0f} appends/s",
                "not installed",
                "",
                ">= 10x",
                None,
                "install the peer with `pip install 'eventsourcing[postgres]'` (`make bench` does)",
            )
        )
    else:
        rows.append(
            ratio_row(
                "store appends vs the eventsourcing library's PostgreSQL persistence",
                ours,
                library,
                "appends/s",
                10,
                "peer: eventsourcing's own PostgreSQL recorder, 16 threads, new aggregates",
            )
        )
    return rows


async def _server_version(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        version: str = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded"
    return f"PostgreSQL {version.split()[0]} ({where})"


def _options(argv: list[str] | None = None) -> argparse.Namespace:
    """Sizes and rounds (the defaults are the full run `make bench` makes)."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--employees", type=int, default=EMPLOYEES, help="seed-demo employees")
    parser.add_argument("--rounds", type=int, default=compare.REPETITIONS, help="wrk rounds")
    parser.add_argument("--miss-calls", type=int, default=http_compare.MISS_CALLS)
    parser.add_argument("--large", type=int, default=scale_bench.LARGE, help="scale rows")
    parser.add_argument("--long-stream", type=int, default=rebuild_bench.LONG_STREAM)
    return parser.parse_args(argv)


def main() -> None:
    """Run the suite and write bench/RESULTS.md."""
    global EMPLOYEES
    options = _options()
    EMPLOYEES = options.employees
    compare.REPETITIONS = options.rounds
    http_compare.MISS_CALLS = options.miss_calls
    scale_bench.LARGE = options.large
    rebuild_bench.LONG_STREAM = options.long_stream
    try:
        text = asyncio.run(run())
    except WrkMissing as missing:
        print(missing, file=sys.stderr)
        raise SystemExit(2) from None
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
