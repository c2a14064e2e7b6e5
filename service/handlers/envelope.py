"""What every command handler shares: the caller's context, loading streams, appending once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.domain import Aggregate

from service.auth.policy import HR_ACTORS
from service.auth.tokens import Principal, Role
from service.log.records import (
    AppendResult,
    IdempotencyKey,
    Metadata,
    StreamWrite,
    VersionConflictError,
    check_idempotency_key,
)
from service.log.snapshots import SnapshotStore
from service.log.store import EventStore

A = TypeVar("A", bound=Aggregate)


class NotAllowed(Exception):
    """The caller's role or scope does not permit this command."""


@dataclass(frozen=True)
class CommandContext:
    """One request's caller, clock reading and tracing ids, passed to every handler."""

    principal: Principal
    now: datetime
    correlation_id: str | None = None
    idempotency_key: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        # A bad key is refused before the handler reads or writes anything.
        if self.idempotency_key is not None:
            check_idempotency_key(self.idempotency_key)

    def metadata(self, reason: str | None = None) -> Metadata:
        """Event metadata from the verified principal, never from the input."""
        return Metadata(
            actor=self.principal.sub,
            actor_role=self.principal.primary_role,
            client_id=self.principal.client_id,
            correlation_id=self.correlation_id,
            reason=reason or self.reason,
        )

    def require_unit_scope(self, unit_code: str) -> None:
        """An HR token with a `unit` claim acts only inside that unit (ADMIN is never limited)."""
        limit = self.principal.unit
        if limit is not None and not self.principal.has(Role.ADMIN) and limit != unit_code:
            raise NotAllowed(f"this HR token is limited to unit {limit}")

    def require_city_wide_hr(self, act: str) -> None:
        """A city-wide act (units, rule sets, the catalogue, cycles): unit-less HR, or ADMIN."""
        self.require(*HR_ACTORS)
        if self.principal.unit is not None and not self.principal.has(Role.ADMIN):
            raise NotAllowed(f"{act} is city-wide: this HR token is limited to one unit")

    def require(self, *roles: Role) -> None:
        """Refuse the command unless the caller holds one of the roles."""
        if not self.principal.has(*roles):
            wanted = ", ".join(r.value for r in roles)
            raise NotAllowed(f"this needs one of the roles {wanted}")

    def idempotency(self, command: str) -> IdempotencyKey | None:
        if self.idempotency_key is None:
            return None
        return IdempotencyKey(scope=f"{self.principal.sub}:{command}", key=self.idempotency_key)


class Repository:
    """Loads aggregates from their streams and saves their new events in one append."""

    def __init__(self, store: EventStore, snapshots: SnapshotStore | None = None) -> None:
        self.store = store
        self.snapshots = snapshots
        # Which version each loaded aggregate came from, to know when a snapshot is due.
        self._loaded_from: dict[UUID, int] = {}

    async def load(self, stream_id: UUID, kind: type[A]) -> A | None:
        """The aggregate as its stream stands now (from its snapshot on), or None if empty."""
        aggregate: Any = await self.snapshots.latest(stream_id) if self.snapshots else None
        since = aggregate.version if aggregate is not None else 0
        for recorded in await self.store.read_stream(stream_id, after_version=since):
            event: Any = self.store.codec.decode(
                recorded.stream_id, recorded.stream_version, recorded.topic, recorded.payload
            )
            aggregate = event.mutate(aggregate)
        if aggregate is not None and not isinstance(aggregate, kind):
            raise TypeError(f"stream {stream_id} holds a {type(aggregate).__name__}")
        if aggregate is not None and len(self._loaded_from) < 10_000:
            self._loaded_from[stream_id] = since
        return cast(A, aggregate)

    async def save(
        self,
        ctx: CommandContext,
        command: str,
        *aggregates: Aggregate,
        subject_id: UUID | None = None,
        result: dict[str, Any] | None = None,
        reason: str | None = None,
        unchanged: Sequence[Aggregate] = (),
    ) -> AppendResult:
        """Append every pending event of the aggregates in one transaction; fail with a version
        conflict if a stream in `unchanged` (read to decide the change) moved on meanwhile."""
        writes = [
            StreamWrite(stream_id=a.id, events=tuple(a.collect_events()), subject_id=subject_id)
            for a in aggregates
        ]
        guards = [StreamWrite(a.id, (), unchanged_at=a.version) for a in unchanged]
        appended = await self.store.append(
            [w for w in writes if w.events] + guards,
            ctx.metadata(reason),
            idempotency=ctx.idempotency(command),
            result=result,
        )
        if self.snapshots is not None and not appended.replayed:
            for aggregate in aggregates:
                since = self._loaded_from.pop(aggregate.id, 0)
                await self.snapshots.maybe_take(aggregate, since)
        return appended

    async def replayed(self, ctx: CommandContext, command: str) -> AppendResult | None:
        """The first result of a retried mutation (same idempotency key), if any."""
        key = ctx.idempotency(command)
        return await self.store.idempotent_result(key) if key else None


def check_expected_version(aggregate: Aggregate, expected: int | None) -> None:
    """Refuse a change made against an older version of the stream than the current one."""
    if expected is not None and expected != aggregate.version:
        raise VersionConflictError(aggregate.id, expected, aggregate.version)
