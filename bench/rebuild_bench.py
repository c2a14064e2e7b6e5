"""Reading the log back: a full rebuild of every projection, and `employeeAsOf` on a long stream."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bench.common import Row, graphql, ratio_row, time_row, timed, token
from bench.http_bench import HttpBench
from domain.values import EmploymentType, PositionKind
from projections.registry import all_projections
from service.demo.commands import hr
from service.handlers.organisation import RegisterEmployee
from service.views.rebuild import rebuild

AS_OF = """query AsOf($nip: String!, $at: DateTime!) {
  employeeAsOf(nip: $nip, at: $at) { nip name positionKind positionTitle version } }"""
LONG_STREAM = 1000
NOMAD = "198001012005011999"
SUBJECT_ROWS = "SELECT * FROM events WHERE subject_id = $1 OR stream_id = $1 ORDER BY position"


async def rebuild_row(b: HttpBench) -> Row:
    """Every projection rebuilt from position 0 (and swapped in) vs one raw sequential read."""
    pool = b.services.pool
    events = await b.services.store.head()
    started = time.perf_counter()
    after = 0
    async with pool.acquire() as conn:
        while rows := await conn.fetch(
            "SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT 2000", after
        ):
            after = rows[-1]["position"]
    raw = events / (time.perf_counter() - started)
    started = time.perf_counter()
    await rebuild(pool, b.services.store, all_projections())
    ours = events / (time.perf_counter() - started)
    return ratio_row(
        f"full rebuild of all projections ({events:,} events), events per second",
        ours,
        raw,
        "events/s",
        0.2,
        "rebuild = `kinerja projections rebuild`: one pass decodes each event once and folds it"
        " in memory through the projections that declare its class, one COPY per fresh table,"
        " then one atomic swap",
    )


async def as_of_row(b: HttpBench) -> Row:
    """employeeAsOf of an employee whose stream holds LONG_STREAM events vs reading those rows."""
    s = b.services
    codes = list(b.city.units)[:2]
    start = datetime.now(UTC) - timedelta(days=2)
    registration = RegisterEmployee(
        NOMAD, "Budi Pindah", EmploymentType.PNS, codes[0], PositionKind.PELAKSANA, "Analis"
    )
    await s.organisation.register_employee(hr(start), registration)
    for i in range(1, LONG_STREAM):
        at = start + timedelta(seconds=i)
        await s.organisation.transfer_employee(hr(at), NOMAD, codes[i % 2], None)
    await s.projector.catch_up()
    subject = s.ids.employee_id(NOMAD)
    auditor = token(b.settings, "bench-auditor", "AUDITOR")
    now = datetime.now(UTC)

    async def ours(i: int) -> None:
        # A different moment each time (all after the last event): every request misses the cache.
        at = (now + timedelta(microseconds=i)).isoformat()
        body = await graphql(b.http, b.api.base, auditor, AS_OF, {"nip": NOMAD, "at": at})
        assert body["data"]["employeeAsOf"]["version"] == LONG_STREAM

    async def raw(i: int) -> None:
        rows = await s.pool.fetch(SUBJECT_ROWS, subject)
        assert len(rows) >= LONG_STREAM

    # The server's own projector must have caught up with the new events before timing.
    head = await s.store.head()
    await b.http.post(
        f"{b.api.base}/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": f"Bearer {auditor}", "X-Kinerja-Min-Position": str(head)},
        timeout=60,
    )
    for warm in range(3):
        await ours(10_000 + warm)
    base = await timed(15, raw)
    mine = await timed(15, ours)
    return time_row(
        f"`employeeAsOf` on a stream of {LONG_STREAM:,} events",
        mine,
        base,
        3,
        "ours over HTTP (replay through the folds), each request a different `at` (a response"
        "-cache miss) after 3 warm-up requests, so the server's decoded-event cache (events"
        " without sealed personal data) is warm; baseline: asyncpg fetch of the same"
        f" {LONG_STREAM:,} rows; medians of 15",
    )
