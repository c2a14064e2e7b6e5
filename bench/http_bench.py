"""Over HTTP: submitEvaluation and the employees page against the baseline server; lag; memory."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.common import (
    ApiServer,
    Load,
    Row,
    graphql,
    postgres_cpu_seconds,
    postmaster_of,
    ratio_row,
    run_load,
    token,
)
from domain.plan import PlanTarget
from domain.rating import CoreValue
from service.application import Services
from service.demo import hr, run_all
from service.demo_city import City, Person
from service.settings import Settings

SUBMIT = """mutation Submit($input: SubmitEvaluationInput!) {
  submitEvaluation(input: $input) { __typename ... on SubmitEvaluationSuccess { position } } }"""
PAGE = """query Page($after: String) { employees(first: 50, after: $after) { edges { cursor
  node { id nip name employmentType positionKind positionTitle version } } } }"""
SUBMISSIONS = 640
PAGE_REQUESTS = 480
NOTES = tuple(v.value for v in CoreValue)


@dataclass
class HttpBench:
    """The running API (a subprocess), the baseline server, and the seeded city behind them."""

    services: Services
    settings: Settings
    city: City
    api: ApiServer
    baseline: str
    http: httpx.AsyncClient


def _submission(nip: str, year: int) -> dict[str, Any]:
    return {
        "nip": nip,
        "year": year,
        "period": "TRIWULAN_I",
        "targetRatings": [{"targetIndex": 0, "rating": "SESUAI_EKSPEKTASI", "evidence": ["ND-1"]}],
        "behaviourRating": "SESUAI_EKSPEKTASI",
        "behaviourNotes": [{"value": v, "note": "sesuai"} for v in NOTES],
        "feedback": "Pertahankan",
    }


async def _prepare_year(b: HttpBench, year: int) -> None:
    """This year's cycle open and every plan agreed (in-process, through the handlers)."""
    day = hr(datetime.now(UTC))
    await b.services.performance.open_cycle(day, year)
    target = [PlanTarget.parse("Pelayanan", "cakupan", "95%", True)]
    agree = b.services.performance.agree_plan
    people = b.city.evaluated()[:SUBMISSIONS]
    await run_all([_agree(agree, day, p.nip, year, target) for p in people], lambda n, p: None)


def _agree(agree: Any, day: Any, nip: str, year: int, target: list[PlanTarget]) -> Any:
    async def call() -> Any:
        return await agree(day, nip, year, target)

    return call


class LagSampler:
    """Every 5 ms: the log head and the position every view reached; lag = head seen -> reached."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.lags: list[float] = []
        self._pending: list[tuple[int, float]] = []

    async def run(self) -> None:
        async with self.services.pool.acquire() as conn:
            while True:
                row = await conn.fetchrow(
                    "SELECT (SELECT coalesce(max(position), 0) FROM events) AS head,"
                    " (SELECT min(position) FROM projection_checkpoints) AS reached"
                )
                assert row is not None
                now = time.perf_counter()
                if not self._pending or row["head"] > self._pending[-1][0]:
                    self._pending.append((row["head"], now))
                done = [(p, t) for p, t in self._pending if p <= row["reached"]]
                self.lags.extend(now - t for _, t in done)
                self._pending = [(p, t) for p, t in self._pending if p > row["reached"]]
                await asyncio.sleep(0.005)

    def p99(self) -> float:
        """The 99th percentile of the lags seen, in seconds."""
        ordered = sorted(self.lags)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


@contextlib.asynccontextmanager
async def sampling(services: Services) -> AsyncIterator[LagSampler]:
    """A LagSampler running for the duration of the block."""
    sampler = LagSampler(services)
    task = asyncio.create_task(sampler.run())
    try:
        yield sampler
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _submit_load(b: HttpBench, people: list[Person], year: int) -> tuple[Load, Load, str]:
    """(ours, baseline) for the same submissions; a note with the CPU split during ours."""
    bearer = {
        p.supervisor_nip: token(b.settings, p.supervisor_nip or "", "EVALUATOR") for p in people
    }
    bodies = [_submission(p.nip, year) for p in people]

    async def ours(i: int) -> None:
        boss = bearer[people[i].supervisor_nip]
        body = await graphql(b.http, b.api.base, boss, SUBMIT, {"input": bodies[i]})
        typename = body["data"]["submitEvaluation"]["__typename"]
        assert typename == "SubmitEvaluationSuccess", body

    async def raw(i: int) -> None:
        (await b.http.post(f"{b.baseline}/insert", json=bodies[i])).raise_for_status()

    base = await run_load(len(people), raw)
    postmaster = postmaster_of(await b.services.pool.fetchval("SELECT pg_backend_pid()"))
    cpu, pg = b.api.cpu_seconds(), postgres_cpu_seconds(postmaster)
    mine = await run_load(len(people), ours)
    busy = (b.api.cpu_seconds() - cpu) / mine.seconds
    pg_busy = (postgres_cpu_seconds(postmaster) - pg) / mine.seconds
    note = (
        f"each answers after the views include it (read-your-writes); the API process used "
        f"{busy:.0%} of one core and PostgreSQL {pg_busy:.0%} of a core during the load, "
        f"median latency {mine.median * 1000:.0f} ms"
    )
    return mine, base, note


async def submit_rows(b: HttpBench) -> list[Row]:
    """submitEvaluation by 16 clients vs one INSERT per request; the projection lag meanwhile."""
    year = datetime.now(UTC).year
    await _prepare_year(b, year)
    people = b.city.evaluated()[:SUBMISSIONS]
    async with sampling(b.services) as sampler:
        mine, base, note = await _submit_load(b, people, year)
    p99 = sampler.p99() * 1000
    lag_note = f"{len(sampler.lags)} head positions sampled every 5 ms during the submit load"
    return [
        ratio_row(
            f"`submitEvaluation` over HTTP, 16 concurrent clients ({len(people)} requests)",
            mine.rate,
            base.rate,
            "req/s",
            0.5,
            note,
        ),
        Row(
            "projection lag under the mutation load, p99",
            f"{p99:.1f} ms",
            "(absolute)",
            "",
            "<= 100 ms",
            p99 <= 100,
            lag_note,
        ),
    ]


def cursor(employee_id: Any) -> str:
    """The API's keyset cursor for an employee id."""
    return base64.urlsafe_b64encode(f"employee:{employee_id}".encode()).decode()


async def _page_loads(b: HttpBench, afters: list[str]) -> list[Load]:
    """Baseline and ours, cache hit then cache miss: four loads."""
    auditor = token(b.settings, "bench-auditor", "AUDITOR")

    async def hit(i: int) -> None:
        await graphql(b.http, b.api.base, auditor, PAGE, {"after": None})

    async def miss(i: int) -> None:
        await graphql(b.http, b.api.base, auditor, PAGE, {"after": cursor(afters[i])})

    async def raw(i: int) -> None:
        (await b.http.get(f"{b.baseline}/employees")).raise_for_status()

    async def raw_after(i: int) -> None:
        (await b.http.get(f"{b.baseline}/employees?after={afters[i]}")).raise_for_status()

    await run_load(32, raw)  # warm both servers' connection pools (and the cache) first
    await run_load(32, hit)
    return [
        await run_load(PAGE_REQUESTS, raw),
        await run_load(PAGE_REQUESTS, hit),
        await run_load(len(afters), raw_after),
        await run_load(len(afters), miss),
    ]


async def page_rows(b: HttpBench) -> list[Row]:
    """employees(first: 50): the same query again (cache hit), then a new cursor each time."""
    rows = await b.services.pool.fetch("SELECT id FROM directory_employees ORDER BY id")
    afters = [str(r["id"]) for r in rows[: max(1, min(PAGE_REQUESTS, len(rows) - 50))]]
    b.api.reset_peak()
    base_hit, mine_hit, base_miss, mine_miss = await _page_loads(b, afters)
    peak = b.api.status("VmHWM") / 1024
    return [
        ratio_row(
            "`employees(first: 50)`, 8 fields, over HTTP, cache hit",
            mine_hit.rate,
            base_hit.rate,
            "req/s",
            0.8,
            f"{PAGE_REQUESTS} requests, 16 clients, the same query and variables",
        ),
        ratio_row(
            "the same query, cache miss",
            mine_miss.rate,
            base_miss.rate,
            "req/s",
            0.2,
            f"{len(afters)} requests, each with a different `after` cursor (a new cache key)",
        ),
        Row(
            "peak memory of the API process under the query load",
            f"{peak:.0f} MB",
            "(absolute)",
            "",
            "<= 300 MB",
            peak <= 300,
            "VmHWM of the `kinerja serve` subprocess, reset before the page loads",
        ),
    ]
