"""`make bench-national`: the service at national scale against the same service at 10,000 events.

Two databases are made the same way (bench.national_fill): 10,000 events (1,000 employees) and,
by default, 10,000,000 events (1,000,000 employees). On each, through the real code paths
(bench.national_measure): append latency, `auditTrail(nip)`, `employee(nip)`, an inclusion proof
and a consistency proof. The small log is also verified end to end by the project's own verifier
(`kinerja audit verify`'s code) after a signed checkpoint. Results go to bench/NATIONAL.md.

Run: `.venv/bin/python -m bench.national [--events N]`. Uses DATABASE_URL when set, otherwise an
embedded PostgreSQL; creates and drops its own databases.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench.append import bench_database
from bench.common import bench_settings, migrate_as_operator
from bench.national_fill import META, ROUNDS, UNITS, fill
from bench.national_measure import Run, measure
from bench.national_report import write_report
from bench.run import machine
from domain.organisation import Unit
from service.cli.audit import verify_database
from service.db.server import create_pool
from service.handlers.identity import SubjectIds
from service.log.codec import EventCodec
from service.log.kek import open_kek_ring
from service.log.keyring import KeyRing
from service.log.records import StreamWrite
from service.services import Services, build_services, close_services

SMALL = 10_000


def say(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", flush=True)


async def _units(url: str, data: Path) -> None:
    """The units the employees work in, through the service (rule sets are published too)."""
    services = await build_services(bench_settings(url, data), url, run_projector=True)
    try:
        now = datetime.now(UTC)
        for code in UNITS:
            unit = Unit.register(code, f"Dinas {code}", now)
            await services.store.append([StreamWrite(unit.id, tuple(unit.collect_events()))], META)
        await services.wait_for_views(await services.store.head(), timeout=60)
    finally:
        await close_services(services)


async def _fill(url: str, data: Path, run: Run) -> None:
    settings = bench_settings(url, data)
    pool = await create_pool(url)
    try:
        codec = EventCodec(KeyRing(pool, open_kek_ring(settings)))
        ids = SubjectIds(settings.id_secret)
        run.fill_seconds = await fill(pool, codec, ids, run.employees, say)
        run.sizes = await _sizes(pool)
    finally:
        await pool.close()


async def _sizes(pool: asyncpg.Pool) -> dict[str, int]:
    row = await pool.fetchrow(
        "SELECT pg_database_size(current_database()) AS database,"
        " pg_total_relation_size('events') AS events,"
        " pg_relation_size('events') AS events_heap,"
        " pg_total_relation_size('merkle_nodes') AS merkle_nodes,"
        " pg_total_relation_size('directory_employees') AS directory_employees,"
        " pg_total_relation_size('subject_keys') AS subject_keys,"
        " (SELECT count(*) FROM events) AS event_count"
    )
    assert row is not None
    return {k: int(v) for k, v in row.items()}


async def _verified(services: Services) -> str:
    """What the project's own verifier (`kinerja audit verify`) says of the whole log."""
    report = await verify_database(services)
    found = "ok" if report.ok else "; ".join(report.problems[:3])
    return (
        f"Verified by the project's verifier (`kinerja audit verify`): {report.events:,} events,"
        f" hash chain and Merkle root against a signed checkpoint: {found}"
    )


async def one_database(events: int, seed: int, verify: bool) -> Run:
    """Make a database of about `events` events, measure it, drop it."""
    run = Run(events, max(1, events // ROUNDS))
    async with bench_database() as url:
        with tempfile.TemporaryDirectory(prefix="kinerja-national-") as folder:
            data = Path(folder)
            migrate_as_operator(url, data)
            await _units(url, data)
            say(f"filling {run.employees:,} employees x {ROUNDS} events")
            await _fill(url, data, run)
            say(f"filled: {run.fill_seconds}")
            services = await build_services(bench_settings(url, data), url, run_projector=True)
            try:
                await services.transparency.checkpoint()
                if verify:
                    run.verified = await _verified(services)
                    say(run.verified)
                run.timings = await measure(services, run.employees, seed)
            finally:
                await close_services(services)
    return run


async def main(events: int, verify_large: bool) -> None:
    started = time.perf_counter()
    small = await one_database(SMALL, 1, verify=True)
    say(f"small: {small.timings}")
    large = await one_database(events, 2, verify=verify_large)
    say(f"large: {large.timings}")
    path = write_report(small, large, time.perf_counter() - started, machine())
    say(f"wrote {path}")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="the large log's size")
    parser.add_argument(
        "--verify-large", action="store_true", help="also verify the large log (slow)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.events, args.verify_large))


if __name__ == "__main__":
    cli()
