"""Each target of the benchmark, checked against what the comparisons measured."""

from __future__ import annotations

from typing import Any

from bench import compare
from bench.common import Row, ratio_row
from bench.compare import Comparison


def _paired(c: Comparison, ours: str, peer: str, minimum: float, note: str) -> Row:
    ratio = c.paired_ratio(ours, peer)
    return Row(
        f"{c.measure}: ours vs {peer}",
        f"{c.median_rate(ours):,.0f} req/s",
        f"{c.median_rate(peer):,.0f} req/s",
        f"{ratio:.2f}x",
        f">= {minimum}x",
        ratio >= minimum,
        note,
    )


def target_rows(comparisons: list[Comparison], measured: dict[str, Any]) -> list[Row]:
    """The HTTP targets: page miss and hit, submit, hit rate under writes, lag, memory."""
    miss, hit, submit = comparisons
    paired = f"median of the {compare.REPETITIONS} per-round ratios"
    rows = [
        _paired(miss, "kinerja", "PostGraphile 4", 1.0, paired),
        _paired(miss, "kinerja", "raw", 0.3, paired),
        _paired(miss, "kinerja", "plain Strawberry", 1.0, f"{paired}; no target in the issue"),
        _paired(hit, "kinerja", "raw", 3.0, paired),
        _paired(submit, "kinerja", "raw one-INSERT endpoint", 0.25, paired),
    ]
    rate, writes = measured["hit_rate"], measured["writes"]
    rows.append(
        Row(
            "cache hit rate of a repeated read while unrelated streams are written",
            f"{rate:.1%}",
            "(absolute)",
            "",
            ">= 90%",
            rate >= 0.9,
            f"{writes} unit registrations at 10/s during 10 s of wrk load;"
            " from kinerja_response_cache_total in /metrics",
        )
    )
    lag = measured["lag_p99"] * 1000
    rows.append(
        Row(
            "projection lag under the submit load, p99",
            f"{lag:.1f} ms",
            "(absolute)",
            "",
            "<= 100 ms",
            lag <= 100,
            "log head and the views' position sampled every 5 ms",
        )
    )
    peak = measured["peak_mb"]
    rows.append(
        Row(
            "API peak RSS under the read load",
            f"{peak:.0f} MB",
            "(absolute)",
            "",
            "<= 200 MB",
            peak <= 200,
            "VmHWM of the `kinerja serve` process after the page comparisons",
        )
    )
    return rows


__all__ = ["ratio_row", "target_rows"]
