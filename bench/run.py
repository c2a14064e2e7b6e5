"""`make bench`: every measure against its baseline in the same run, written to bench/RESULTS.md."""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from bench.append import append_rates, bench_database
from bench.baseline import baseline_app
from bench.common import ApiServer, Row, bench_settings, inprocess_server, ratio_row
from bench.http_bench import HttpBench, page_rows, submit_rows
from bench.rebuild_bench import as_of_row, rebuild_row
from bench.scale_bench import scale_rows
from service.application import Services, build_services, close_services
from service.demo import seed_demo
from service.demo_city import City

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


def table(rows: list[Row], header: str) -> str:
    """The markdown of RESULTS.md; the bounds section only when a target was missed."""
    lines = [
        "# Benchmark results",
        "",
        header,
        "",
        "| measure | ours | baseline (same run) | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        result = "met" if r.met else "**missed**"
        lines.append(
            f"| {r.measure} | {r.ours} | {r.baseline} | {r.ratio} | {r.target} | {result} |"
        )
    lines += ["", "Notes:", ""]
    lines += [f"- {r.measure}: {r.note}" for r in rows if r.note]
    if any(not r.met for r in rows) and BOUNDS_FILE.exists():
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
        f"through the real handlers: {head:,} events in {seconds:.0f} s "
        f"({head / seconds:,.0f} events/s)."
    )
    return city, line


async def _served_rows(url: str, data: Path, services: Services, city: City) -> list[Row]:
    """Every measure that needs the API subprocess and the baseline server."""
    api = ApiServer(url, data)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    try:
        async with (
            inprocess_server(baseline_app(url)) as baseline,
            httpx.AsyncClient(limits=limits, timeout=120) as http,
        ):
            await api.ready(http)
            b = HttpBench(services, services.settings, city, api, baseline, http)
            rows = await submit_rows(b)
            rows += await page_rows(b)
            rows.append(await as_of_row(b))
            # Before the scale rows: a rebuild would drop the rows generate_series adds.
            rows.append(await rebuild_row(b))
            return rows + await scale_rows(b)
    finally:
        api.stop()


async def run() -> str:
    """Seed, measure everything, and return the RESULTS.md text."""
    async with bench_database() as url:
        with tempfile.TemporaryDirectory(prefix="kinerja-bench-data-") as folder:
            data = Path(folder)
            services = await build_services(bench_settings(url, data), url, run_projector=False)
            try:
                city, seeded = await _seed(services)
                ours, raw = await append_rates(url, 16, "BENCH")
                rows = [
                    ratio_row(
                        "store appends, 16 concurrent appenders, no HTTP",
                        ours,
                        raw,
                        "appends/s",
                        3,
                        "baseline: raw asyncpg single-row INSERT commits, 16 tasks, 150 each",
                    )
                ]
                await services.projector.catch_up()
                rows += await _served_rows(url, data, services, city)
            finally:
                await close_services(services)
        version = await _server_version(url)
    header = (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, {version}. {seeded} "
        "Servers: `kinerja serve` (uvicorn, a subprocess) and the baseline Starlette + asyncpg "
        "app (uvicorn, in the bench process), both on 127.0.0.1; client: httpx.AsyncClient "
        "with 16 concurrent tasks."
    )
    return table(rows, header)


async def _server_version(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        version: str = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded"
    return f"PostgreSQL {version.split()[0]} ({where})"


def main() -> None:
    """Run the suite and write bench/RESULTS.md."""
    text = asyncio.run(run())
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
