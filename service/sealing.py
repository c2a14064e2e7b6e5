"""Sealing a write's personal data before it reaches the log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from service.codec import EncodedEvent, EventCodec
from service.records import Metadata, StreamWrite

Writes = list[tuple[StreamWrite, list[EncodedEvent]]]


async def seal_writes(
    codec: EventCodec,
    actor_id: Callable[[str], UUID] | None,
    encoded: Writes,
    metadata: Metadata,
) -> tuple[Writes, dict[str, Any]]:
    """Seal personal fields, and the acting person in the metadata, under their owners' keys."""
    keyring = codec.keyring
    meta = metadata.to_json()
    if keyring is None:
        return encoded, meta
    owners = {o for w, evs in encoded for ev in evs for o in codec.owners(ev, w.subject_id)}
    actor = actor_id(metadata.actor) if actor_id and metadata.actor else None
    if actor is not None:
        owners.add(actor)
    await keyring.ensure(owners)
    sealed = [(w, [codec.seal(ev, w.subject_id) for ev in evs]) for w, evs in encoded]
    if actor is not None:
        meta["actor_id"] = str(actor)
        meta["actor"] = keyring.seal(actor, "actor", metadata.actor)
    return sealed, meta
