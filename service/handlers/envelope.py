"""What every command handler shares: the caller's context and the envelope of a command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists
from service.auth.policy import HR_ACTORS
from service.auth.tokens import Principal, Role
from service.handlers.streams import A, StreamLoader
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


R = TypeVar("R")


@dataclass(frozen=True)
class Change(Generic[R]):
    """What a command decided: its answer, the aggregates it changed and the streams it read."""

    answer: R
    changed: Sequence[Aggregate]
    subject_id: UUID | None = None
    reason: str | None = None
    # Streams read to decide the change: the append fails if one of them moved on meanwhile.
    unchanged: Sequence[Aggregate] = ()
    # (field, message): a new stream a concurrent twin created first makes this a duplicate.
    duplicate: tuple[str, str] | None = None


@dataclass(frozen=True)
class Done(AppendResult, Generic[R]):
    """A command's committed (or replayed) outcome, with its typed answer."""

    answer: R = field(default=None)  # type: ignore[assignment]


Decide = Callable[[], Awaitable[Change[R]]]


class Repository:
    """Loads aggregates from their streams and saves their new events in one append.

    `run` is the envelope every command goes through: the retry of an idempotency key answers
    its first outcome, else the handler's `decide` runs and its change is appended. What one
    command loaded lives in its own task (a context variable), never on this shared object.
    """

    def __init__(self, store: EventStore, snapshots: SnapshotStore | None = None) -> None:
        self.store = store
        self.snapshots = snapshots
        self.streams = StreamLoader(store, snapshots)

    async def run(
        self,
        ctx: CommandContext,
        command: str,
        answer: type[R],
        decide: Decide[R],
        *,
        streams: Sequence[UUID] = (),
    ) -> Done[R]:
        """Answer a retried command from its first outcome, or decide it and append it."""
        async with self.streams.session() as session:
            key = ctx.idempotency(command)
            replayed = await session.preload(streams, key)
            if replayed is not None:
                return Done(replayed.position, replayed.result, True, answer(**replayed.result))
            change = await decide()
            appended = await self._append(ctx, command, change)
            return Done(appended.position, appended.result, appended.replayed, change.answer)

    async def _append(self, ctx: CommandContext, command: str, change: Change[R]) -> AppendResult:
        try:
            return await self.save(
                ctx,
                command,
                *change.changed,
                subject_id=change.subject_id,
                result=asdict(change.answer),  # type: ignore[call-overload]
                reason=change.reason,
                unchanged=change.unchanged,
            )
        except VersionConflictError:
            if change.duplicate is None:
                raise
            field_name, message = change.duplicate
            raise AlreadyExists(message, field=field_name) from None

    async def load(self, stream_id: UUID, kind: type[A]) -> A | None:
        """The aggregate as its stream stands now (from its snapshot on), or None if empty."""
        return await self.streams.load(stream_id, kind)

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
                await self.snapshots.maybe_take(aggregate, self.streams.loaded_from(aggregate.id))
        return appended


def check_expected_version(aggregate: Aggregate, expected: int | None) -> None:
    """Refuse a change made against an older version of the stream than the current one."""
    if expected is not None and expected != aggregate.version:
        raise VersionConflictError(aggregate.id, expected, aggregate.version)
