"""The load generator: `wrk` (a compiled program) in its own process, replaying prepared requests.

The benchmark process only prepares request files and reads the CPU counters of the servers:
it sends no load itself, so what is measured is the server, not a Python client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE
from typing import Any

SCRIPT = Path(__file__).parent / "lua" / "replay.lua"
INSTALL_HINT = (
    "wrk (the HTTP load generator) is missing: install it with `sudo apt-get install wrk` "
    "(Debian/Ubuntu) or from https://github.com/wg/wrk, then run `make bench` again"
)
THREADS = 2
CONNECTIONS = 16
_SUMMARY = re.compile(
    r"kinerja-bench requests=(\d+) duration_us=(\d+) answered=(\d+) failures=(\d+)"
    r" p50_us=(\d+) p99_us=(\d+)"
)


class WrkMissing(RuntimeError):
    """wrk is not installed; the message says how to install it."""


@dataclass(frozen=True)
class Call:
    """One prepared HTTP request."""

    method: str
    path: str
    authorization: str = ""
    body: dict[str, Any] | None = None

    def line(self) -> str:
        body = json.dumps(self.body, separators=(",", ":")) if self.body is not None else ""
        if "\t" in body or "\n" in body:
            raise ValueError("a request body must fit on one line without tabs")
        return f"{self.method}\t{self.path}\t{self.authorization}\t{body}"


def graphql_call(query: str, variables: dict[str, Any], bearer: str | None = None) -> Call:
    """A POST /graphql request."""
    auth = f"Bearer {bearer}" if bearer else ""
    return Call("POST", "/graphql", auth, {"query": query, "variables": variables})


@dataclass(frozen=True)
class WrkRun:
    """What one wrk run measured."""

    requests: int  # answers to prepared requests (not the idle ones after the last)
    seconds: float  # from the first request sent to the last answer received
    failures: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def require_wrk() -> str:
    """The path of wrk, or WrkMissing with the install hint."""
    found = shutil.which("wrk")
    if found is None:
        raise WrkMissing(INSTALL_HINT)
    return found


def _until_done(
    command: list[str], env: dict[str, str], markers: list[Path]
) -> tuple[int, str, str]:
    """Run wrk to the end of its duration, or, once every thread has left its marker (a replay
    sent each request once), interrupt it: wrk stops on SIGINT and still prints its summary,
    and the script times the requests itself, so the idle rest of `-d` is not waited out."""
    process = subprocess.Popen(command, env=env, stdout=PIPE, stderr=PIPE, text=True)
    while markers and process.poll() is None:
        if all(marker.exists() for marker in markers):
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.1)
    out, err = process.communicate()
    return process.returncode, out, err


def run_wrk(
    base: str,
    calls: Sequence[Call],
    *,
    seconds: float,
    once: bool = False,
    expect: str | None = None,
    connections: int = CONNECTIONS,
) -> WrkRun:
    """Replay `calls` against `base` for `seconds` (or each call once, with `once`)."""
    wrk = require_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".requests", delete=False) as file:
        file.write("\n".join(call.line() for call in calls) + "\n")
        requests_file = file.name
    env = {
        **os.environ,
        "KINERJA_BENCH_REQUESTS": requests_file,
        "KINERJA_BENCH_THREADS": str(THREADS),
        "KINERJA_BENCH_ONCE": "1" if once else "0",
        "KINERJA_BENCH_EXPECT": expect or "",
    }
    command = [
        wrk,
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(SCRIPT),
        base,
    ]
    markers = [Path(f"{requests_file}.done.{thread}") for thread in range(THREADS)]
    try:
        returncode, out, err = _until_done(command, env, markers if once else [])
    finally:
        for leftover in [Path(requests_file), *markers]:
            leftover.unlink(missing_ok=True)
    found = _SUMMARY.search(out)
    if returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({returncode}): {out}{err}"[-2000:])
    _, busy_us, answered, failures, p50, p99 = (int(g) for g in found.groups())
    return WrkRun(answered, busy_us / 1e6, failures, p50 / 1000, p99 / 1000)
