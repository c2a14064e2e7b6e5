"""Per-request DataLoaders created on first use, one set per reader (live views or an as-of)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader

from schema.context import Info
from service.handlers.award_facts import events_at
from service.views.facts import to_fact

Loads = Callable[[list[Any]], Awaitable[list[Any]]]


def loader(info: Info, name: str, load: Loads, owner: object = None) -> DataLoader[Any, Any]:
    """A per-request DataLoader of this name (per reader of `owner`), created on first use."""
    loaders = info.context.loaders_for(owner)
    found = loaders.get(name)
    if found is None:
        found = loaders[name] = DataLoader(load_fn=load)
    return found


async def logged_event(info: Info, position: int) -> object | None:
    """The domain event at this log position, its sealed fields opened (None once erased)."""
    services = info.context.services

    async def load(positions: list[int]) -> list[object | None]:
        found = await events_at(services.store, positions)
        codec = services.store.codec
        return [to_fact(codec, found[p]).event if p in found else None for p in positions]

    event: object | None = await loader(info, "logged_event", load).load(position)
    return event
