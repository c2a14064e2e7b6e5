"""The read path at scale: `employee(nip)` and an `employees` page at 10,000 and 1,000,000 rows.

The directory table is filled with generate_series (not through the log): this measures how the
reads scale with the table, not how fast a million people can be registered.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from uuid import UUID

from bench.common import Row, graphql, time_row, timed, token
from bench.http_bench import HttpBench
from bench.http_compare import PAGE, cursor

ONE = """query One($nip: String!) { employee(nip: $nip) {
  id nip name employmentType positionKind positionTitle version } }"""
SMALL, LARGE = 10_000, 1_000_000
SAMPLES = 40
PASSES = 3
# Valid NIPs: birth 1970-01-01 + g % 10000 days, TMT 2020-MM, male, serial from g.
FILL = """
INSERT INTO directory_employees (id, nip, name, employment_type, gender, unit_code,
    position_kind, position_title, supervisor_id, version, erased, registered_at)
SELECT md5('bench-employee-' || g)::uuid,
       to_char(date '1970-01-01' + (g % 10000), 'YYYYMMDD') || '2020'
         || lpad(((g / 10000) % 12 + 1)::text, 2, '0') || '1'
         || lpad(((g / 120000) % 999 + 1)::text, 3, '0'),
       'Pegawai ' || g, 'PNS', 'MALE', 'DISDIK', 'PELAKSANA', 'Pengelola', NULL, 1, false, now()
FROM generate_series($1::int, $2::int) AS g
ON CONFLICT (id) DO NOTHING
"""


async def _fill(b: HttpBench, first: int, last: int) -> None:
    async with b.services.pool.acquire() as conn:
        for start in range(first, last + 1, 100_000):
            await conn.execute(FILL, start, min(start + 99_999, last))
        # What autovacuum would do after a bulk load, done now so that it does not run during
        # the reads: hint bits set, visibility map and statistics current, dirty pages written.
        await conn.execute("VACUUM (ANALYZE) directory_employees")
        await conn.execute("CHECKPOINT")


async def _measure(b: HttpBench, upto: int, rng: random.Random) -> tuple[float, float]:
    """(employee(nip), employees page): the median over PASSES passes after a warm-up pass."""
    await _pass(b, upto, rng)
    ones, pages = zip(*[await _pass(b, upto, rng) for _ in range(PASSES)], strict=True)
    return statistics.median(ones), statistics.median(pages)


async def _pass(b: HttpBench, upto: int, rng: random.Random) -> tuple[float, float]:
    """(median employee(nip), median employees page) over SAMPLES distinct, uncached requests:
    each pass picks its own employees, so no request is answered from the response cache."""
    auditor = token(b.settings, "bench-auditor", "AUDITOR")
    picks = rng.sample(range(1, upto + 1), SAMPLES)
    rows = await b.services.pool.fetch(
        "SELECT id, nip FROM directory_employees WHERE id = ANY($1::uuid[])",
        [_uuid(g) for g in picks],
    )
    nips = [r["nip"] for r in rows]
    afters = [cursor(r["id"]) for r in rows]

    async def one(i: int) -> None:
        body = await graphql(b.http, b.api.base, auditor, ONE, {"nip": nips[i]})
        assert body["data"]["employee"] is not None

    async def page(i: int) -> None:
        await graphql(b.http, b.api.base, auditor, PAGE, {"after": afters[i]})

    return await timed(len(nips), one), await timed(len(afters), page)


def _uuid(g: int) -> UUID:
    return UUID(hashlib.md5(f"bench-employee-{g}".encode()).hexdigest())


async def scale_rows(b: HttpBench) -> list[Row]:
    """The same reads on SMALL rows and on LARGE rows (10,000 and 1,000,000 by default)."""
    rng = random.Random(11)
    await _fill(b, 1, SMALL)
    one_small, page_small = await _measure(b, SMALL, rng)
    started = time.perf_counter()
    await _fill(b, SMALL + 1, LARGE)
    filled = time.perf_counter() - started
    one_large, page_large = await _measure(b, LARGE, rng)
    note = (
        f"directory_employees filled by generate_series ({filled:.0f} s), not through the log; "
        f"median of {PASSES} passes (after a warm-up pass) of the median of {SAMPLES} distinct "
        "(uncached) requests over HTTP"
    )
    return [
        time_row(
            f"`employee(nip)` at {LARGE:,} employees (baseline: at {SMALL:,})",
            one_large,
            one_small,
            1.2,
            note,
        ),
        time_row(
            f"`employees(first: 50)` page at {LARGE:,} (baseline: at {SMALL:,})",
            page_large,
            page_small,
            1.2,
            note,
        ),
    ]
