"""Sealing a write's personal data before it reaches the log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.personal_data import fields_of
from service.log.codec import EncodedEvent, EventCodec
from service.log.records import Metadata, StreamWrite

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
    reason_owner = _reason_owner(encoded) if metadata.reason else None
    if reason_owner is not None:
        owners.add(reason_owner)
    await keyring.ensure(owners)
    sealed = [(w, [codec.seal(ev, w.subject_id) for ev in evs]) for w, evs in encoded]
    if actor is not None:
        meta["actor_id"] = str(actor)
        meta["actor"] = keyring.seal(actor, "actor", metadata.actor)
    if reason_owner is not None:
        meta["reason"] = keyring.seal(reason_owner, "reason", metadata.reason)
    return sealed, meta


def _reason_owner(encoded: Writes) -> UUID | None:
    """Whose key seals the metadata reason: the one person of the write, when its events carry
    free text (the reason repeats it); an erasure's reason stays readable after the erasure."""
    subjects = {w.subject_id for w, _ in encoded}
    if len(subjects) != 1:
        return None
    declared = [fields_of(ev.event_type) for _, evs in encoded for ev in evs]
    if not any(d is None or d.free_text for d in declared):
        return None
    return subjects.pop()
