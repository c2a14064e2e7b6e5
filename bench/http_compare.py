"""The HTTP measures under wrk: the employees page (cache miss and hit) against the raw endpoint,
plain Strawberry and PostGraphile; submitEvaluation against one INSERT per request; the cache hit
rate of a repeated read while unrelated streams are written."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from bench.common import token
from bench.compare import Comparison, interleaved, sample
from bench.http_bench import SUBMIT, prepare_year, submission
from bench.servers import Server
from bench.wrk import Call, graphql_call
from service.demo.city import City
from service.demo.commands import hr
from service.services import Services

FIELDS = "id nip name employmentType positionKind positionTitle version"
PAGE = (
    "query Page($after: String) { employees(first: 50, after: $after) "
    f"{{ edges {{ cursor node {{ {FIELDS} }} }} }} }}"
)
PG_PAGE = (
    "query Page($after: Cursor) { allDirectoryEmployees(first: 50, after: $after, "
    f"orderBy: ID_ASC) {{ edges {{ cursor node {{ {FIELDS} }} }} }} }}"
)
MISS_CALLS = 4000
PERIODS = ("TRIWULAN_I", "TRIWULAN_II", "TRIWULAN_III")
Calls = Callable[[int], Sequence[Call]]


@dataclass
class Stage:
    """The seeded city, the in-process services that seeded it, and every server running."""

    services: Services
    city: City
    servers: dict[str, Server]
    postgres_cpu: Callable[[], float]


def cursor(employee_id: Any) -> str:
    """Our (and plain Strawberry's) keyset cursor for an employee id."""
    return base64.urlsafe_b64encode(f"employee:{employee_id}".encode()).decode()


def _post(base: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(f"{base}/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        found: dict[str, Any] = json.loads(answer.read())
        return found


def postgraphile_cursors(base: str) -> list[str]:
    """Every edge cursor PostGraphile gives, walking its pages (its cursor format is its own)."""
    found: list[str] = []
    after: str | None = None
    while True:
        page = _post(base, PG_PAGE, {"after": after})["data"]["allDirectoryEmployees"]["edges"]
        if not page:
            return found
        found += [edge["cursor"] for edge in page]
        after = found[-1]


async def _miss_calls(stage: Stage) -> dict[str, Calls]:
    """Per server, MISS_CALLS pages each after a different employee; ours each by another
    caller too, so no two requests share a response-cache key in any round."""
    rows = await stage.services.pool.fetch("SELECT id FROM directory_employees ORDER BY id")
    ids: list[UUID] = [r["id"] for r in rows][:-50]
    settings = stage.services.settings
    pg_cursors = postgraphile_cursors(stage.servers["PostGraphile 4"].base)[:-50]

    def ours(round_no: int) -> list[Call]:
        return [
            graphql_call(
                PAGE,
                {"after": cursor(ids[k % len(ids)])},
                token(settings, f"bench-miss-{round_no}-{k}", "AUDITOR"),
            )
            for k in range(MISS_CALLS)
        ]

    def raw(_: int) -> list[Call]:
        return [Call("GET", f"/employees?after={ids[k % len(ids)]}") for k in range(MISS_CALLS)]

    def plain(_: int) -> list[Call]:
        return [graphql_call(PAGE, {"after": cursor(ids[k % len(ids)])}) for k in range(MISS_CALLS)]

    def postgraphile(_: int) -> list[Call]:
        return [
            graphql_call(PG_PAGE, {"after": pg_cursors[k % len(pg_cursors)]})
            for k in range(MISS_CALLS)
        ]

    return {"kinerja": ours, "raw": raw, "plain Strawberry": plain, "PostGraphile 4": postgraphile}


def _hit_calls(stage: Stage) -> dict[str, Calls]:
    """Per server, the same first page again and again (ours: one caller)."""
    auditor = token(stage.services.settings, "bench-auditor", "AUDITOR")
    fixed = {
        "kinerja": [graphql_call(PAGE, {"after": None}, auditor)],
        "raw": [Call("GET", "/employees")],
        "plain Strawberry": [graphql_call(PAGE, {"after": None})],
        "PostGraphile 4": [graphql_call(PG_PAGE, {"after": None})],
    }
    return {name: _always(calls) for name, calls in fixed.items()}


def _always(calls: list[Call]) -> Calls:
    def made(_: int) -> list[Call]:
        return calls

    return made


def _targets(stage: Stage, calls: dict[str, Calls]) -> dict[str, tuple[Server, Calls]]:
    return {name: (stage.servers[name], made) for name, made in calls.items()}


async def page_comparisons(stage: Stage) -> list[Comparison]:
    """The employees page, cache miss then cache hit, every server interleaved."""
    miss_calls = await _miss_calls(stage)
    miss = await asyncio.to_thread(
        interleaved,
        "`employees(first: 50)`, 8 fields, cache miss",
        _targets(stage, miss_calls),
        stage.postgres_cpu,
        seconds=60,
        once=True,
        expect='"edges"',
    )
    miss.note = (
        f"{MISS_CALLS} requests a round, each after a different employee; ours each with a "
        "different caller's token too (a new response-cache key every time)"
    )
    hit = await asyncio.to_thread(
        interleaved,
        "the same page, cache hit",
        _targets(stage, _hit_calls(stage)),
        stage.postgres_cpu,
        seconds=10,
        expect='"edges"',
    )
    hit.note = "the same request again and again for 10 s; the peers have no response cache"
    return [miss, hit]


async def submit_comparison(stage: Stage) -> Comparison:
    """submitEvaluation by 16 connections vs one INSERT per request, a new period each round."""
    year = datetime.now(UTC).year
    people = stage.city.evaluated()
    await prepare_year(stage.services, people, year)
    settings = stage.services.settings
    bearer = {
        p.supervisor_nip: token(settings, p.supervisor_nip or "", "EVALUATOR") for p in people
    }

    def ours(round_no: int) -> list[Call]:
        period = PERIODS[round_no]
        return [
            graphql_call(
                SUBMIT, {"input": submission(p.nip, year, period)}, bearer[p.supervisor_nip]
            )
            for p in people
        ]

    def raw(round_no: int) -> list[Call]:
        period = PERIODS[round_no]
        return [Call("POST", "/insert", "", submission(p.nip, year, period)) for p in people]

    comparison = Comparison("`submitEvaluation`, 16 connections")
    for round_no in range(len(PERIODS)):
        for name, made, expect in (
            ("kinerja", ours, "SubmitEvaluationSuccess"),
            ("raw one-INSERT endpoint", raw, '"ok"'),
        ):
            server = stage.servers["kinerja" if name == "kinerja" else "raw"]
            taken = await asyncio.to_thread(
                sample,
                server,
                made(round_no),
                stage.postgres_cpu,
                seconds=120,
                once=True,
                expect=expect,
            )
            comparison.add(name, taken)
    comparison.note = f"{len(people)} submissions a round, each sent once, a new period each round"
    return comparison


def _cache_counts(base: str) -> tuple[float, float]:
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    counts = {"hit": 0.0, "miss": 0.0}
    for result, value in re.findall(
        r'^kinerja_response_cache_total\{result="(\w+)"\} ([0-9.e+]+)$', text, re.M
    ):
        counts[result] = counts.get(result, 0.0) + float(value)
    return counts["hit"], counts["miss"]


async def _write_unrelated(services: Services, stop: asyncio.Event) -> int:
    """Register a new unit 10 times a second until stopped: streams no page reads."""
    written = 0
    while not stop.is_set():
        code = f"BENCHW{written:05d}"
        await services.organisation.register_unit(hr(datetime.now(UTC)), code, "Unit lain")
        written += 1
        await asyncio.sleep(0.1)
    return written


async def hit_rate_under_writes(stage: Stage) -> tuple[float, int]:
    """(hit rate, writes made) of a repeated page read during 10 writes/s to other streams."""
    ours = stage.servers["kinerja"]
    calls = _hit_calls(stage)["kinerja"](0)
    hits, misses = _cache_counts(ours.base)
    stop = asyncio.Event()
    writer = asyncio.create_task(_write_unrelated(stage.services, stop))
    await asyncio.to_thread(
        sample, ours, calls, stage.postgres_cpu, seconds=10, once=False, expect='"edges"'
    )
    stop.set()
    written = await writer
    new_hits, new_misses = _cache_counts(ours.base)
    looked = (new_hits - hits) + (new_misses - misses)
    return ((new_hits - hits) / looked if looked else 0.0), written
