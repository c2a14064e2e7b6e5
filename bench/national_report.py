"""bench/NATIONAL.md: the national simulation's numbers against its targets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.national_fill import ROUNDS
from bench.national_measure import Run, Timing

NATIONAL = Path(__file__).parent / "NATIONAL.md"
# (key, measure, absolute limit in ms at the large size or None, largest ratio large/small or None)
TARGETS = (
    ("append", "append latency (one event, one caller)", None, None),
    ("trail", "`auditTrail(nip)` of one employee", None, 1.5),
    ("employee", "`employee(nip)`", None, 1.5),
    ("inclusion", "`inclusionProof(position, treeSize)`", 50.0, None),
    ("consistency", "`consistencyProof(fromSize, toSize)`", 50.0, None),
)


def _ms(t: Timing) -> str:
    return f"{t.median * 1000:.2f} ms (p95 {t.p95 * 1000:.2f})"


def _verdict(large: Timing, small: Timing, limit: float | None, ratio: float | None) -> str:
    parts = []
    met = True
    if limit is not None:
        parts.append(f"<= {limit:.0f} ms")
        met = met and large.median * 1000 <= limit
    if ratio is not None:
        parts.append(f"<= {ratio}x the small log's time")
        met = met and large.median / small.median <= ratio
    if not parts:
        return "(measured, no target) |"
    return f"{', '.join(parts)} | {'met' if met else '**missed**'}"


def _table(small: Run, large: Run) -> list[str]:
    lines = [
        f"| measure | {small.events:,} events | {large.events:,} events"
        " | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, name, limit, ratio in TARGETS:
        s, big = small.timings[key], large.timings[key]
        lines.append(
            f"| {name} | {_ms(s)} | {_ms(big)} | {big.median / s.median:.2f}x"
            f" | {_verdict(big, s, limit, ratio)} |"
        )
    return lines


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _run_notes(run: Run) -> list[str]:
    count = run.sizes["event_count"]
    fill = ", ".join(f"{k} {v:,.1f} s" for k, v in run.fill_seconds.items())
    return [
        f"- {run.events:,}-event log: {count:,} events ({run.employees:,} employees x {ROUNDS},"
        f" plus the units and default rule sets appended through the service); made in {fill}.",
        f"  Sizes: database {_mb(run.sizes['database'])}, events {_mb(run.sizes['events'])}"
        f" (heap {_mb(run.sizes['events_heap'])}, {run.sizes['events'] / count:,.0f} bytes per"
        f" event with indexes), merkle_nodes {_mb(run.sizes['merkle_nodes'])},"
        f" directory_employees {_mb(run.sizes['directory_employees'])},"
        f" subject_keys {_mb(run.sizes['subject_keys'])}.",
        f"  {run.verified}.",
    ]


def write_report(small: Run, large: Run, seconds: float, machine: str) -> Path:
    """Write bench/NATIONAL.md and return its path."""
    samples = large.timings["employee"].samples
    lines = [
        "# National-scale simulation",
        "",
        f"`make bench-national` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine},"
        f" {seconds / 60:.1f} min in all). Median (and 95th percentile) of {samples} distinct"
        " requests each, after 10 warm-up requests; reads and proofs are GraphQL requests through"
        " the real ASGI app in process (no network), as an AUDITOR; appends go through the event"
        " store's `append` (group commit, hash chain, sealing), one caller at a time, while the"
        " projector runs.",
        "",
        *_table(small, large),
        "",
        "How the logs were made (bench/national_fill.py):",
        "",
        *_run_notes(small),
        *_run_notes(large),
        "- Each employee has one `EmployeeRegistered` (built by the domain, sealed under the"
        " person's own key by the service's `seal_writes`) and nine `EmployeeTransferred`; the"
        " rounds are interleaved, so one person's ten events lie far apart in the log, as they do"
        " when a whole nation is evaluated at once. Rows are streamed with COPY, chain hashes"
        " by `service.log.hashchain.event_hash`, the Merkle subtrees by the service's own"
        " `StoredTree`;"
        " the directory rows are written beside the events instead of projected one by one.",
        "- The proofs are asked of a tree of the whole log (the latest checkpoint's size):"
        " inclusion of a random position, consistency from a random older size.",
        "- The two logs are measured one after the other on the same server, each right after it"
        " was made: warm-cache numbers where the database fits the machine's page cache (the"
        " large one does on this machine). Appends are timed last, so the proofs see the tree"
        " exactly as filled.",
    ]
    NATIONAL.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return NATIONAL
