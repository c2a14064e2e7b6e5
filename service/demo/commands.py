"""How the demo issues commands: who acts (HR, a supervisor) and when, and a few at a time so
the store's group commit can batch them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime

from service.auth.tokens import Principal, Role
from service.demo.city import Person
from service.handlers.envelope import CommandContext
from service.log.records import AppendResult

ADMIN = Principal(sub="196801011990031001", roles=frozenset({Role.HR, Role.ADMIN}))
CONCURRENCY = 8
Command = Callable[[], Awaitable[AppendResult | None]]
Tick = Callable[[int, int], None]


def at(day: date, hour: int = 2) -> datetime:
    """A moment on a day (09:00 in Salatiga is 02:00 UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def hr(now: datetime) -> CommandContext:
    """The demo's HR administrator acting at `now`."""
    return CommandContext(principal=ADMIN, now=now, correlation_id="seed-demo")


def boss(nip: str, now: datetime) -> CommandContext:
    """The supervisor with this NIP acting as EVALUATOR at `now`."""
    evaluator = Principal(sub=nip, roles=frozenset({Role.EVALUATOR}))
    return CommandContext(principal=evaluator, now=now, correlation_id="seed-demo")


async def run_all(commands: Sequence[Command], tick: Tick) -> list[AppendResult | None]:
    """Run the commands CONCURRENCY at a time, reporting (done, last position) after each chunk."""
    results: list[AppendResult | None] = []
    for start in range(0, len(commands), CONCURRENCY):
        chunk = await asyncio.gather(*(c() for c in commands[start : start + CONCURRENCY]))
        results.extend(chunk)
        tick(len(chunk), max((r.position for r in chunk if r is not None), default=0))
    return results


def bind(handler: Callable[..., Awaitable[AppendResult]], *args: object) -> Command:
    """The handler call as a command to run later (run_all)."""

    async def call() -> AppendResult:
        return await handler(*args)

    return call


def round_robin(people: list[Person]) -> list[Person]:
    """People interleaved unit by unit, so commands on one unit's stream spread over chunks."""
    by_unit: dict[str, list[Person]] = {}
    for person in people:
        by_unit.setdefault(person.unit_code, []).append(person)
    queues = list(by_unit.values())
    longest = max((len(q) for q in queues), default=0)
    return [q[i] for i in range(longest) for q in queues if i < len(q)]
