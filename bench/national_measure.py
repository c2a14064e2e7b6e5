"""What the national simulation times, through the service's own code paths: GraphQL over the real
ASGI app (in process) for the reads and proofs, the event store's `append` for writes."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.common import token
from bench.national_fill import META, ROUNDS, nip_of
from domain.organisation import Unit
from service.app import create_app
from service.log.records import StreamWrite
from service.services import Services

SAMPLES = 200  # distinct requests per measure (no response is served from a cache)
WARMUP = 10
EMPLOYEE = """query One($nip: String!) { employee(nip: $nip) {
  id nip name employmentType positionKind positionTitle version } }"""
TRAIL = """query Trail($nip: String!) { auditTrail(nip: $nip, first: 50) {
  edges { cursor node { position streamVersion type actor recordedAt payload hash } }
  pageInfo { hasNextPage endCursor } } }"""
INCLUSION = """query Inc($position: Int!, $size: Int!) {
  inclusionProof(position: $position, treeSize: $size) { treeSize leafHash auditPath rootHash } }"""
CONSISTENCY = """query Con($from: Int!, $to: Int!) {
  consistencyProof(fromSize: $from, toSize: $to) { fromSize toSize path } }"""


@dataclass(frozen=True)
class Timing:
    """Median and 95th percentile of one measure, in seconds."""

    median: float
    p95: float
    samples: int


def timing(times: list[float]) -> Timing:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return Timing(statistics.median(ordered), p95, len(ordered))


async def _timed(count: int, call: Callable[[int], Awaitable[object]]) -> Timing:
    for i in range(WARMUP):
        await call(-1 - i)
    times = []
    for i in range(count):
        started = time.perf_counter()
        await call(i)
        times.append(time.perf_counter() - started)
    return timing(times)


@dataclass
class Run:
    """One database: its size, how it was made, what it measured."""

    events: int
    employees: int
    fill_seconds: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    timings: dict[str, Timing] = field(default_factory=dict)
    verified: str = "Not verified end to end (`--verify-large` does it; slow)"


class Client:
    """POSTs GraphQL to the ASGI app as an auditor; raises unless it answered data."""

    def __init__(self, services: Services) -> None:
        app = create_app(services.settings, services)
        self._http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://kinerja.bench"
        )
        bearer = token(services.settings, "national-auditor", "AUDITOR")
        self._headers = {"Authorization": f"Bearer {bearer}", "Accept": "application/json"}

    async def query(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self._http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self._headers
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL failed: {response.status_code} {str(body)[:500]}")
        data: dict[str, Any] = body["data"]
        return data

    async def close(self) -> None:
        await self._http.aclose()


async def measure(services: Services, employees: int, seed: int) -> dict[str, Timing]:
    """Every measure at this database's size; `employees` were made by the fill."""
    rng = random.Random(seed)
    size = await services.store.head()
    people = rng.sample(range(employees), min(employees, SAMPLES + WARMUP))
    client = Client(services)
    try:

        async def employee(i: int) -> None:
            found = await client.query(EMPLOYEE, {"nip": nip_of(people[i])})
            assert found["employee"]["version"] == ROUNDS

        async def trail(i: int) -> None:
            found = await client.query(TRAIL, {"nip": nip_of(people[i])})
            edges = found["auditTrail"]["edges"]
            assert len(edges) == ROUNDS and edges[0]["node"]["payload"]["name"] is not None

        positions = [rng.randint(1, size) for _ in range(SAMPLES + WARMUP)]
        olds = [rng.randint(1, size - 1) for _ in range(SAMPLES + WARMUP)]

        async def inclusion(i: int) -> None:
            found = await client.query(INCLUSION, {"position": positions[i], "size": size})
            assert found["inclusionProof"]["treeSize"] == size

        async def consistency(i: int) -> None:
            found = await client.query(CONSISTENCY, {"from": olds[i], "to": size})
            assert found["consistencyProof"]["path"]

        return {
            "employee": await _timed(min(SAMPLES, len(people) - WARMUP), employee),
            "trail": await _timed(min(SAMPLES, len(people) - WARMUP), trail),
            "inclusion": await _timed(SAMPLES, inclusion),
            "consistency": await _timed(SAMPLES, consistency),
            "append": await append_latency(services, f"A{seed % 10}"),
        }
    finally:
        await client.close()


async def append_latency(services: Services, run: str) -> Timing:
    """One unit registration per call through the store's append, one caller at a time."""
    now = datetime.now(UTC)
    writes = []
    for i in range(SAMPLES + WARMUP):
        unit = Unit.register(f"{run}{i:05d}", "Unit", now)
        writes.append(StreamWrite(unit.id, tuple(unit.collect_events())))

    async def append(i: int) -> None:
        await services.store.append([writes[i + WARMUP]], META)

    return await _timed(SAMPLES, append)
