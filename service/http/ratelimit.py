"""Per-client rate limits: a token bucket for each caller (token subject, else the address)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Allows `burst` requests at once and `per_second` on average; answers how long to wait."""

    def __init__(
        self,
        per_second: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 100_000,
    ) -> None:
        self._rate = per_second
        self._burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._max_clients = max_clients

    def take(self, client: str) -> float:
        """0 when the request may go ahead; otherwise the seconds until it may (Retry-After)."""
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self._max_clients:
                self._buckets.clear()  # bounded memory: forgetting only ever allows more
            bucket = self._buckets[client] = _Bucket(float(self._burst), now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return max(math.ceil((1 - bucket.tokens) / self._rate), 1)
