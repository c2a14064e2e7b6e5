"""Interleaved comparisons under wrk: each server in its own process, the load in another, the
CPU each server and PostgreSQL used, and ratios taken repetition by repetition."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.servers import Server
from bench.wrk import Call, run_wrk

REPETITIONS = 3


@dataclass(frozen=True)
class Sample:
    """One wrk run against one server."""

    rate: float
    requests: int
    server_cpu: float
    postgres_cpu: float
    failures: int
    p99_ms: float


@dataclass
class Comparison:
    """Samples per server for one measure, in the order they were taken."""

    measure: str
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    note: str = ""

    def add(self, server: str, sample: Sample) -> None:
        self.samples.setdefault(server, []).append(sample)

    def median_rate(self, server: str) -> float:
        return statistics.median(s.rate for s in self.samples[server])

    def paired_ratio(self, ours: str, peer: str) -> float:
        """The median of ours/peer over repetitions (each pair measured back to back)."""
        pairs = zip(self.samples[ours], self.samples[peer], strict=True)
        return statistics.median(a.rate / b.rate for a, b in pairs if b.rate)

    def rows(self) -> list[str]:
        """Markdown rows: server, req/s median (min-max), CPU per request, failures."""
        out = []
        for server, samples in self.samples.items():
            rates = [s.rate for s in samples]
            requests = sum(s.requests for s in samples) or 1
            cpu = sum(s.server_cpu for s in samples) / requests * 1000
            pg = sum(s.postgres_cpu for s in samples) / requests * 1000
            p99 = statistics.median(s.p99_ms for s in samples)
            failures = sum(s.failures for s in samples)
            out.append(
                f"| {self.measure} | {server} | {statistics.median(rates):,.0f}"
                f" ({min(rates):,.0f}-{max(rates):,.0f}) | {cpu:.2f} | {pg:.2f} | {p99:.0f}"
                f" | {failures} |"
            )
        return out


def sample(
    server: Server,
    calls: Sequence[Call],
    postgres_cpu: Callable[[], float],
    *,
    seconds: float,
    once: bool,
    expect: str | None,
) -> Sample:
    """One wrk run with the CPU the server and PostgreSQL used during it."""
    cpu, pg = server.cpu_seconds(), postgres_cpu()
    run = run_wrk(server.base, calls, seconds=seconds, once=once, expect=expect)
    return Sample(
        run.rate,
        run.requests,
        server.cpu_seconds() - cpu,
        postgres_cpu() - pg,
        run.failures,
        run.p99_ms,
    )


def interleaved(
    measure: str,
    targets: dict[str, tuple[Server, Callable[[int], Sequence[Call]]]],
    postgres_cpu: Callable[[], float],
    *,
    seconds: float,
    once: bool = False,
    expect: str | None = None,
) -> Comparison:
    """REPETITIONS rounds; in each, every server in turn with the calls made for that round."""
    comparison = Comparison(measure)
    for round_no in range(REPETITIONS):
        for name, (server, calls) in targets.items():
            comparison.add(
                name,
                sample(
                    server,
                    calls(round_no),
                    postgres_cpu,
                    seconds=seconds,
                    once=once,
                    expect=expect,
                ),
            )
    return comparison


HEADER = [
    "| measure | server | req/s, median (min-max) | server CPU ms/request"
    " | PostgreSQL CPU ms/request | p99 ms | failed answers |",
    "| --- | --- | --- | --- | --- | --- | --- |",
]
