"""What the HTTP measures share: the running servers and city, a submission, the year prepared,
and the projection-lag sampler."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.servers import Server
from domain.plan import PlanTarget
from domain.rating import CoreValue
from service.demo.city import City, Person
from service.demo.commands import hr, run_all
from service.services import Services
from service.settings import Settings

SUBMIT = """mutation Submit($input: SubmitEvaluationInput!) {
  submitEvaluation(input: $input) { __typename ... on SubmitEvaluationSuccess { position } } }"""
NOTES = tuple(v.value for v in CoreValue)


@dataclass
class HttpBench:
    """The running API (a subprocess), the baseline server, and the seeded city behind them."""

    services: Services
    settings: Settings
    city: City
    api: Server
    baseline: str
    http: httpx.AsyncClient


def submission(nip: str, year: int, period: str = "TRIWULAN_I") -> dict[str, Any]:
    """A valid submitEvaluation input for this employee, year and period."""
    return {
        "nip": nip,
        "year": year,
        "period": period,
        "targetRatings": [{"targetIndex": 0, "rating": "SESUAI_EKSPEKTASI", "evidence": ["ND-1"]}],
        "behaviourRating": "SESUAI_EKSPEKTASI",
        "behaviourNotes": [{"value": v, "note": "sesuai"} for v in NOTES],
        "feedback": "Pertahankan",
    }


async def prepare_year(services: Services, people: list[Person], year: int) -> None:
    """This year's cycle open and the people's plans agreed (in-process, through the handlers)."""
    day = hr(datetime.now(UTC))
    await services.performance.open_cycle(day, year)
    target = [PlanTarget.parse("Pelayanan", "cakupan", "95%", True)]
    agree = services.performance.agree_plan
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
