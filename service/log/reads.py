"""The log's reads beyond the store's own (a stream, a page from a position, the head): the
audit trail's filtered pages, the facts award decisions gather at a position, the history
replays, the Merkle tree's leaves, and the streams an erasure reaches.

Every query of the events table outside the append lives here or in the store, so the views,
handlers, audit layer and replicas ask for events by meaning and never speak the table's SQL.
Events come back as undecoded records; callers open sealed fields (`EventStore.prefetch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from service.db.pg import Connection
from service.log.records import AppendResult, IdempotencyKey, RecordedEvent
from service.log.store_sql import EVENT_COLUMNS, LOAD_SQL, record_from_row

# A pool or one of its connections (or a plain one): every read runs on any of them.
Reader = asyncpg.Pool | Connection

# The log's size (its last position; 0 while empty), as a scalar subquery others can embed.
HEAD_SQL = "SELECT coalesce(max(position), 0) FROM events"

# The streams with an event about a person ($1), as a subquery others can embed.
STREAMS_ABOUT_SQL = "SELECT DISTINCT stream_id FROM events WHERE subject_id = $1"

_TRAIL = (
    f"SELECT {EVENT_COLUMNS} FROM events WHERE position > $1"
    " AND ($2::uuid IS NULL OR subject_id = $2 OR stream_id = $2)"
    " AND ($3::uuid IS NULL OR stream_id = $3)"
    " AND ($4::text IS NULL OR metadata->>'actor_id' = $4 OR metadata->>'actor' = $4)"
    " AND ($5::text IS NULL OR event_type = $5)"
    " AND ($6::timestamptz IS NULL OR recorded_at >= $6)"
    " AND ($7::timestamptz IS NULL OR recorded_at <= $7)"
    " ORDER BY position LIMIT $8"
)
_BOUNDS = (
    " AND ($2::timestamptz IS NULL OR recorded_at <= $2) AND ($3::bigint IS NULL OR position <= $3)"
)
_ABOUT = " FROM events WHERE (subject_id = $1 OR stream_id = $1)" + _BOUNDS
_STREAMS = " FROM events WHERE stream_id = ANY($1::uuid[])" + _BOUNDS
# Positions only, as one int8[] (in log order): a replay whose decoded events are cached needs
# nothing else, so the rows' payloads and metadata need not cross the wire nor be parsed.
_POSITIONS = "SELECT coalesce(array_agg(position ORDER BY position), '{}')"


@dataclass(frozen=True)
class TrailFilter:
    """Which events an auditor asks for; every field optional."""

    subject_id: UUID | None = None
    stream_id: UUID | None = None
    actor: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def head(conn: Reader) -> int:
    """The log's size: its last position, 0 while it is empty."""
    return int(await conn.fetchval(HEAD_SQL))


async def matching(
    conn: Reader, where: TrailFilter, *, after: int, limit: int
) -> list[RecordedEvent]:
    """A page of the events that match, in log order, after a position (keyset)."""
    rows = await conn.fetch(
        _TRAIL,
        after,
        where.subject_id,
        where.stream_id,
        where.actor,
        where.event_type,
        where.since,
        where.until,
        limit,
    )
    return [record_from_row(r) for r in rows]


async def of_type_until(conn: Reader, event_type: str, position: int) -> list[RecordedEvent]:
    """Every event of one type at or before a position, in log order."""
    rows = await conn.fetch(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE event_type = $1 AND position <= $2"
        " ORDER BY position",
        event_type,
        position,
    )
    return [record_from_row(r) for r in rows]


async def about_until(conn: Reader, subject_id: UUID, position: int) -> list[RecordedEvent]:
    """The events about a person (or in their own stream) at or before a position, in log order."""
    rows = await conn.fetch(
        f"SELECT {EVENT_COLUMNS} FROM events"
        " WHERE (subject_id = $1 OR stream_id = $1) AND position <= $2 ORDER BY position",
        subject_id,
        position,
    )
    return [record_from_row(r) for r in rows]


async def at_positions(conn: Reader, positions: Sequence[int]) -> list[RecordedEvent]:
    """The events at these positions (those the log has), in no particular order."""
    rows = await conn.fetch(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE position = ANY($1::bigint[])", list(positions)
    )
    return [record_from_row(r) for r in rows]


async def positions_about_as_of(
    conn: Reader, subject_id: UUID, *, until: datetime | None, position: int | None
) -> list[int]:
    """The positions of the events about a person (or in their stream) recorded by `until` and
    at or before `position` (each bound optional), in log order."""
    return list(await conn.fetchval(_POSITIONS + _ABOUT, subject_id, until, position))


async def positions_of_streams_as_of(
    conn: Reader, stream_ids: list[UUID], *, until: datetime | None, position: int | None
) -> list[int]:
    """The positions of these streams' events within the same optional bounds, in log order."""
    return list(await conn.fetchval(_POSITIONS + _STREAMS, stream_ids, until, position))


async def chain_hashes(conn: Reader, after: int, upto: int) -> list[bytes]:
    """The chain hashes of the events at positions (after, upto], in log order."""
    rows = await conn.fetch(
        "SELECT hash FROM events WHERE position > $1 AND position <= $2 ORDER BY position",
        after,
        upto,
    )
    return [bytes(r["hash"]) for r in rows]


async def chain_hashes_at(conn: Reader, positions: list[int]) -> dict[int, bytes]:
    """The chain hashes of the events at these positions, by position."""
    rows = await conn.fetch(
        "SELECT position, hash FROM events WHERE position = ANY($1::bigint[])", positions
    )
    return {r["position"]: bytes(r["hash"]) for r in rows}


@dataclass
class CommandReads:
    """What a command reads before it decides: its key's first outcome, snapshots, events."""

    replayed: AppendResult | None
    snapshots: dict[UUID, tuple[int, str, bytes]]
    events: list[RecordedEvent]


async def for_command(
    conn: Reader, stream_ids: Sequence[UUID], key: IdempotencyKey | None, snapshots: bool
) -> CommandReads:
    """The streams' snapshots (with `snapshots`) and their events after them, and the key's
    first outcome, in one round trip; events come back undecoded."""
    rows = await conn.fetch(
        LOAD_SQL,
        list(dict.fromkeys(stream_ids)),
        key.scope if key else None,
        key.key if key else None,
        snapshots,
    )
    found = CommandReads(None, {}, [])
    for row in rows:
        if row["part"] == 0:
            found.replayed = AppendResult(row["position"], row["metadata"], replayed=True)
        elif row["part"] == 1:
            found.snapshots[row["stream_id"]] = (
                row["stream_version"],
                row["topic"],
                bytes(row["payload"]),
            )
        else:
            found.events.append(record_from_row(row))
    return found
