"""The eventsourcing library's own PostgreSQL persistence as an append peer, in its own process.

`python -m bench.es_peer URL` prints appends per second: 16 threads, each saving 150 new
aggregates through `eventsourcing.application.Application` with `eventsourcing.postgres`.
Exit 3 when the peer is not installed (`pip install 'eventsourcing[postgres]'`).
"""

from __future__ import annotations

import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID

THREADS, PER_THREAD = 16, 150


def _environment(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or "127.0.0.1"])[0]
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(THREADS),
        "POSTGRES_MAX_OVERFLOW": "0",
        "CREATE_TABLE": "y",
    }


def measure(url: str) -> float:
    """Appends per second through the library's PostgreSQL recorder."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate

    class BenchUnit(Aggregate):
        pass

    app: Application[UUID] = Application(env=_environment(url))

    def work(_: int) -> None:
        for _ in range(PER_THREAD):
            app.save(BenchUnit())

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    rate = THREADS * PER_THREAD / (time.perf_counter() - started)
    app.close()
    return rate


async def eventsourcing_rate(url: str) -> float | None:
    """The peer's rate from its own process, or None when it is not installed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.es_peer", url, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        return None
    return float(out.decode().strip())


def main() -> None:
    try:
        import eventsourcing.postgres  # noqa: F401
    except ImportError:
        raise SystemExit(3) from None
    print(f"{measure(sys.argv[1]):.1f}")


if __name__ == "__main__":
    main()
