"""Snapshots of long streams, so loading an aggregate costs the events since the last snapshot."""

from __future__ import annotations

from enum import Enum
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.utils import get_topic, resolve_topic

from service.log.codec import EventCodec
from service.log.reads import STREAMS_ABOUT_SQL

_ENUMS = "_kinerja_enum_types_"


class SnapshotStore:
    """Takes a snapshot every `every` events of a stream; hands back the newest one."""

    def __init__(self, pool: asyncpg.Pool, codec: EventCodec, every: int = 50) -> None:
        self._pool = pool
        self._codec = codec
        self.every = every

    async def latest(self, stream_id: UUID) -> Any | None:
        """The aggregate as of its newest snapshot, or None."""
        row = await self._pool.fetchrow(
            "SELECT version, topic, state FROM snapshots WHERE stream_id = $1", stream_id
        )
        if row is None:
            return None
        return self.restore(stream_id, row["version"], row["topic"], bytes(row["state"]))

    def restore(self, stream_id: UUID, version: int, topic: str, state: bytes) -> Any:
        """The aggregate a stored snapshot holds (its row read by whoever loads the stream)."""
        snapshot: Any = self._codec.decode(stream_id, version, topic, state)
        enums: dict[str, str] = snapshot.state.pop(_ENUMS, {})
        aggregate = snapshot.mutate(None)
        # JSON keeps an enum as its plain value: give each attribute its enum type back.
        for name, enum_topic in enums.items():
            value = getattr(aggregate, name)
            if value is not None:
                setattr(aggregate, name, resolve_topic(enum_topic)(value))
        return aggregate

    async def maybe_take(self, aggregate: Aggregate, loaded_from: int) -> None:
        """Snapshot the aggregate when `every` events have passed since the one it came from."""
        if aggregate.version - loaded_from < self.every:
            return
        snapshot = Snapshot.take(aggregate)
        snapshot.state[_ENUMS] = {
            name: get_topic(type(value))
            for name, value in vars(aggregate).items()
            if isinstance(value, Enum)
        }
        encoded = self._codec.encode(snapshot)
        await self._pool.execute(
            "INSERT INTO snapshots (stream_id, version, topic, state) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version,"
            " topic = EXCLUDED.topic, state = EXCLUDED.state, taken_at = now()"
            " WHERE snapshots.version < EXCLUDED.version",
            aggregate.id,
            aggregate.version,
            encoded.topic,
            encoded.payload,
        )

    async def forget_subject(self, subject_id: UUID) -> None:
        """Delete the snapshots of every stream about a person (erasure)."""
        await self._pool.execute(
            f"DELETE FROM snapshots WHERE stream_id IN ({STREAMS_ABOUT_SQL}) OR stream_id = $1",
            subject_id,
        )
