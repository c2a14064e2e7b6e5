"""A national-sized log made quickly: employees registered, then moved between units, written with
COPY, their chain hashes, Merkle subtrees and directory rows filled consistently.

Every byte of an event is what the service itself writes: registrations are built by the domain
(`Employee.register`), encoded by the service's codec and sealed by `seal_writes` under each
person's own key (the keys go into `subject_keys` through the real KeyRing); a round of transfers
shares one payload made by the domain too. Chain hashes come from `service.log.hashchain.event_hash`
and the Merkle subtrees from the project's own `StoredTree`. What is skipped is the per-event
round trip: rows are streamed with COPY instead of one append each, and the directory's rows are
written beside them (the projector is told it has applied the generated positions) rather than
projected one by one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from domain.employee import Employee, Registration
from domain.values import EmploymentType, Nip, PositionKind
from service.audit.merkle_store import StoredTree
from service.db.pg import Connection
from service.handlers.identity import SubjectIds
from service.log.codec import EncodedEvent, EventCodec
from service.log.hashchain import GENESIS, event_hash
from service.log.records import Metadata, StreamWrite
from service.log.sealing import seal_writes

ROUNDS = 10  # events per employee: a registration, then nine transfers
UNITS = ("DISDIK", "DINKES")
BATCH = 20_000  # employees sealed and copied per step
START = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
ROUND_GAP = timedelta(days=30)
META = Metadata(actor="national-bench", actor_role="ADMIN")
COLUMNS = (
    "position",
    "stream_id",
    "stream_version",
    "event_type",
    "topic",
    "type_version",
    "payload",
    "metadata",
    "subject_id",
    "recorded_at",
    "effective_date",
    "hash",
)
DIRECTORY = (
    "id",
    "nip",
    "name",
    "employment_type",
    "gender",
    "unit_code",
    "position_kind",
    "position_title",
    "supervisor_id",
    "version",
    "erased",
    "registered_at",
)


def nip_of(g: int) -> str:
    """A valid, distinct PNS NIP for g < 119,880,000: birth date, TMT month, male, serial."""
    born = date(1970, 1, 1) + timedelta(days=g % 10_000)
    month = (g // 10_000) % 12 + 1
    serial = (g // 120_000) % 999 + 1
    return f"{born:%Y%m%d}2020{month:02d}1{serial:03d}"


def unit_after(round_: int) -> str:
    """The unit an employee works in after `round_` (registered in the first, then alternating)."""
    return UNITS[round_ % 2]


@dataclass
class Chain:
    """Where the log stands: the last position and its chain hash."""

    position: int
    previous: bytes

    def row(
        self, ev: EncodedEvent, meta: dict[str, Any], subject: UUID, at: datetime
    ) -> tuple[Any, ...]:
        """The next event's stored row, hashed onto the chain."""
        self.position += 1
        self.previous = event_hash(
            self.previous,
            self.position,
            ev.stream_id,
            ev.stream_version,
            ev.event_type,
            ev.topic,
            ev.type_version,
            ev.payload,
            meta,
            subject,
            at,
            ev.effective_date,
        )
        return (
            self.position,
            ev.stream_id,
            ev.stream_version,
            ev.event_type,
            ev.topic,
            ev.type_version,
            ev.payload,
            meta,
            subject,
            at,
            ev.effective_date,
            self.previous,
        )


def registration(ids: SubjectIds, g: int) -> tuple[StreamWrite, Employee.Registered]:
    """Employee g's registration, built by the domain."""
    nip = nip_of(g)
    reg = Registration(
        nip, f"Pegawai {g}", EmploymentType.PNS, UNITS[0], PositionKind.PELAKSANA, "Pengelola"
    )
    employee = Employee.register(ids.employee_id(nip), reg, START)
    (event,) = employee.collect_events()
    assert isinstance(event, Employee.Registered)
    return StreamWrite(employee.id, (event,), subject_id=employee.id), event


def transfer_payloads(codec: EventCodec, ids: SubjectIds) -> list[EncodedEvent]:
    """One encoded transfer per later round, made by the domain: the same payload for everyone
    (a transfer has no personal field and its payload does not name the stream)."""
    employee = Employee.register(ids.employee_id(nip_of(0)), _reg0(), START)
    for r in range(1, ROUNDS):
        employee.transfer(unit_after(r), START + r * ROUND_GAP)
    events = [codec.encode(e) for e in employee.collect_events()[1:]]
    assert len(events) == ROUNDS - 1 and all(b"_pii_" not in e.payload for e in events)
    return events


def _reg0() -> Registration:
    return Registration(
        nip_of(0), "Pegawai 0", EmploymentType.PNS, UNITS[0], PositionKind.PELAKSANA, "Pengelola"
    )


def directory_row(sid: UUID, event: Employee.Registered) -> tuple[Any, ...]:
    """The directory row the projector would hold after all of an employee's events."""
    gender = Nip(event.nip).gender.value
    return (
        sid,
        event.nip,
        event.name,
        event.employment_type,
        gender,
        unit_after(ROUNDS - 1),
        event.position_kind,
        event.position_title,
        None,
        ROUNDS,
        False,
        START,
    )


def at(round_: int, g: int) -> datetime:
    """When the event of employee g in this round was recorded (2 ms apart within a round)."""
    return START + round_ * ROUND_GAP + timedelta(milliseconds=2 * g)


async def _state(conn: Connection) -> Chain:
    row = await conn.fetchrow("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1")
    return Chain(0, GENESIS) if row is None else Chain(row["position"], bytes(row["hash"]))


async def fill(
    pool: asyncpg.Pool,
    codec: EventCodec,
    ids: SubjectIds,
    employees: int,
    say: Callable[[str], None],
) -> dict[str, float]:
    """Append ROUNDS events for each of `employees` people; the seconds each part took."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    async with pool.acquire() as conn:
        chain = await _state(conn)
    first = chain.position
    transfers = transfer_payloads(codec, ids)
    # Round 0, batch by batch: registrations sealed under each person's key.
    registered: list[UUID] = []
    for lo in range(0, employees, BATCH):
        writes = [registration(ids, g) for g in range(lo, min(lo + BATCH, employees))]
        encoded = [(w, [codec.encode(ev)]) for w, ev in writes]
        sealed, meta = await seal_writes(codec, ids.employee_id, encoded, META)
        rows = [
            chain.row(evs[0], meta, w.stream_id, at(0, lo + i)) for i, (w, evs) in enumerate(sealed)
        ]
        directory = [directory_row(w.stream_id, ev) for w, ev in writes]
        registered += [w.stream_id for w, _ in writes]
        async with pool.acquire() as conn, conn.transaction():
            await conn.copy_records_to_table("events", records=rows, columns=COLUMNS)
            await conn.copy_records_to_table(
                "directory_employees", records=directory, columns=DIRECTORY
            )
        say(f"registered {lo + len(writes):,} of {employees:,}")
    _, meta = await seal_writes(codec, ids.employee_id, [], META)
    for r in range(1, ROUNDS):
        for lo in range(0, employees, BATCH):
            rows = list(_transfer_rows(chain, transfers[r - 1], meta, registered, r, lo))
            async with pool.acquire() as conn:
                await conn.copy_records_to_table("events", records=rows, columns=COLUMNS)
        say(f"round {r + 1} of {ROUNDS} written (log at {chain.position:,})")
    seconds["events"] = time.perf_counter() - started
    await _mark_projected(pool, first, chain.position)
    started = time.perf_counter()
    await StoredTree(pool).extend()
    seconds["merkle"] = time.perf_counter() - started
    started = time.perf_counter()
    async with pool.acquire() as conn:
        await conn.execute("VACUUM ANALYZE events")
        await conn.execute("VACUUM ANALYZE directory_employees")
        await conn.execute("VACUUM ANALYZE merkle_nodes")
        await conn.execute("VACUUM ANALYZE subject_keys")
    seconds["vacuum"] = time.perf_counter() - started
    return seconds


def _transfer_rows(
    chain: Chain,
    template: EncodedEvent,
    meta: dict[str, Any],
    registered: list[UUID],
    round_: int,
    lo: int,
) -> Iterator[tuple[Any, ...]]:
    for g in range(lo, min(lo + BATCH, len(registered))):
        sid = registered[g]
        ev = EncodedEvent(
            sid,
            round_ + 1,
            template.event_type,
            template.topic,
            template.type_version,
            template.payload,
            template.effective_date,
        )
        yield chain.row(ev, meta, sid, at(round_, g))


async def _mark_projected(pool: asyncpg.Pool, first: int, last: int) -> None:
    """Every view has applied the generated positions: the directory's rows were written above,
    and no other view reads employee registrations or transfers. Only views that had reached
    the log head before the fill move on."""
    await pool.execute(
        "UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE position >= $1",
        first,
        last,
    )
