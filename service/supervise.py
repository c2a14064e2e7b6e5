"""Background loops that survive their failures: log the cause, count it, restart with backoff.

The projector, the checkpoint signer and the LISTEN connection each run under `supervise`: any
exception ends one attempt, is logged with its cause and counted in `/metrics`
(`kinerja_background_failures_total{loop=...}`), and a new attempt starts after a delay that
doubles from `initial` up to `cap`, back to `initial` once an attempt reports itself healthy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from service.telemetry.metrics import BACKGROUND_FAILURES

log = logging.getLogger("kinerja.supervise")

Attempt = Callable[[Callable[[], None]], Awaitable[None]]


class Supervised:
    """One named loop and whether its current attempt is up (for readiness)."""

    def __init__(self, name: str, *, initial: float = 0.1, cap: float = 5.0) -> None:
        self.name = name
        self.initial = initial
        self.cap = cap
        self.up = False
        self.failures = 0
        self._delay = initial

    def healthy(self) -> None:
        """Called by an attempt once it works: the loop is up, the backoff starts over."""
        self.up = True
        self._delay = self.initial

    async def run(self, attempt: Attempt) -> None:
        """Run attempts of the loop for ever (until cancelled); an attempt that returns restarts."""
        while True:
            try:
                await attempt(self.healthy)
                raise ConnectionError(f"the {self.name} loop ended")
            except asyncio.CancelledError:
                self.up = False
                raise
            except Exception as error:
                self.up = False
                self.failures += 1
                BACKGROUND_FAILURES.labels(self.name).inc()
                log.error(
                    "%s failed (%s: %s); restarting in %.1f s",
                    self.name,
                    type(error).__name__,
                    error,
                    self._delay,
                    exc_info=error,
                )
            await asyncio.sleep(self._delay)
            self._delay = min(self._delay * 2, self.cap)
