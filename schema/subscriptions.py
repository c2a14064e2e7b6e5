"""Subscriptions: `events(types, fromPosition)` replays from a position, then streams live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import GraphQLError

from schema.audit import AuditEvent
from schema.context import Info
from service.auth.policy import SUBSCRIBERS

MAX_FOLLOWERS_PER_CLIENT = 5

_Types = Annotated[
    list[str] | None,
    strawberry.argument(description='Only these event types, e.g. ["EvaluationFinalised"].'),
]
_FromPosition = Annotated[
    int | None,
    strawberry.argument(description="Replay the events after this position first; null: 0."),
]


@strawberry.type(
    description="Streams over WebSocket (graphql-transport-ws; the token in `connection_init`)."
)
class Subscription:
    @strawberry.subscription(
        description="Events in log order from a position, then live (PARTNER with scope `events`,"
        " AUDITOR, ADMIN); no gap and no duplicate at the switch."
    )
    async def events(
        self,
        info: Info,
        types: _Types = None,
        from_position: _FromPosition = None,
    ) -> AsyncGenerator[AuditEvent, None]:
        principal = info.context.reader(*SUBSCRIBERS)
        if not info.context.access.subscribes():
            raise GraphQLError(
                "subscriptions need the `events` scope", extensions={"code": "FORBIDDEN"}
            )
        services = info.context.services
        followers = services.feed.followers
        if followers.get(principal.sub, 0) >= MAX_FOLLOWERS_PER_CLIENT:
            raise GraphQLError(
                f"at most {MAX_FOLLOWERS_PER_CLIENT} open subscriptions per client",
                extensions={"code": "RATE_LIMITED"},
            )
        followers[principal.sub] = followers.get(principal.sub, 0) + 1
        wanted = set(types) if types else None
        access = info.context.access
        try:
            async for event in services.feed.follow(max(from_position or 0, 0)):
                if wanted is None or event.event_type in wanted:
                    # Subscribers' rights do not depend on the person's unit or supervisor.
                    yield AuditEvent.of(services.store.codec, event, access, None)
        finally:
            followers[principal.sub] -= 1
