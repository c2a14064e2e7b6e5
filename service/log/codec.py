"""Turns domain events into stored bytes and back, with the eventsourcing library's Mapper."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, cast
from uuid import UUID, SafeUUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoder,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.utils import resolve_topic

from domain.personal_data import sealed_fields
from service.log.keyring import SEALED, KeyRing


class DateAsISO(Transcoding):
    """Dates (effective dates, completion dates) as ISO 8601 strings."""

    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


_new_object = object.__new__
_set_slot = object.__setattr__
_UNKNOWN = SafeUUID.unknown


class _UUIDAsHex(UUIDAsHex):
    """UUIDs as hex, as the library stores them, read back without UUID()'s argument parsing."""

    def decode(self, data: str) -> UUID:
        if len(data) != 32 or not data.isalnum():
            return UUID(data)
        # What UUID(data) builds from these 32 characters: the same int(data, 16), unchecked.
        value = _new_object(UUID)
        _set_slot(value, "int", int(data, 16))
        _set_slot(value, "is_safe", _UNKNOWN)
        return value


class _Transcoder(JSONTranscoder):
    def _decode_obj(self, d: dict[str, Any]) -> Any:
        # The library's hook, without its KeyError path for the dicts that are no transcoded
        # object (a sealed field's is one such, of two keys too).
        if len(d) == 2 and "_type_" in d and "_data_" in d:
            return super()._decode_obj(d)
        return d

    def decode_value(self, value: Any) -> Any:
        """A value parsed by plain `json.loads` (a sealed field's), with transcoded objects
        (UUIDs, datetimes, dates) revived as a parse through this transcoder would."""
        if isinstance(value, list):
            return [self.decode_value(v) for v in value]
        if isinstance(value, dict):
            return self._decode_obj({k: self.decode_value(v) for k, v in value.items()})
        return value


class _Parsed(Transcoder):
    """A Mapper's transcoder for state its caller has already parsed."""

    def encode(self, obj: Any) -> bytes:
        raise NotImplementedError("only decodes")

    def decode(self, data: bytes) -> Any:
        return data


@dataclass(frozen=True)
class EncodedEvent:
    """A domain event ready for the log: its names, version, payload and dates."""

    stream_id: UUID
    stream_version: int
    event_type: str
    topic: str
    type_version: int
    payload: bytes
    effective_date: date | None


def event_type_name(topic: str) -> str:
    """The audit name of an event: `domain.employee:Employee.Registered` -> `EmployeeRegistered`."""
    return topic.rsplit(":", 1)[-1].replace(".", "")


class EventCodec:
    """The one place where domain events cross into bytes (personal fields sealed, if keyed)."""

    def __init__(self, keyring: KeyRing | None = None) -> None:
        self.keyring = keyring
        transcoder = _Transcoder()
        transcoder.register(_UUIDAsHex())
        transcoder.register(DatetimeAsISO())
        transcoder.register(DateAsISO())
        self._transcoder = transcoder
        self._mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
        self._parsed: Mapper[UUID] = Mapper(transcoder=_Parsed())

    def encode(self, event: DomainEventProtocol[Any]) -> EncodedEvent:
        stored = self._mapper.to_stored_event(event)
        effective = getattr(event, "effective_date", None)
        return EncodedEvent(
            stream_id=cast(UUID, stored.originator_id),
            stream_version=stored.originator_version,
            event_type=event_type_name(stored.topic),
            topic=stored.topic,
            type_version=int(getattr(type(event), "class_version", 1)),
            payload=stored.state,
            effective_date=effective if isinstance(effective, date) else None,
        )

    def owners(self, encoded: EncodedEvent, subject: UUID | None) -> set[UUID]:
        """The people whose keys sealing this event needs."""
        if self.keyring is None:
            return set()
        fields = sealed_fields(encoded.event_type)
        return self.keyring.owners(json.loads(encoded.payload), subject, fields)

    def seal(self, encoded: EncodedEvent, subject: UUID | None) -> EncodedEvent:
        """The event with its personal fields sealed (their owners' keys must be loaded)."""
        if self.keyring is None:
            return encoded
        state = json.loads(encoded.payload)
        sealed = self.keyring.seal_state(state, subject, sealed_fields(encoded.event_type))
        if sealed == state:
            return encoded
        return replace(encoded, payload=_compact(sealed))

    def open(self, payload: bytes) -> bytes:
        """The payload with sealed fields opened (None where the owner was erased)."""
        if self.keyring is None or SEALED.encode() not in payload:
            return payload
        return _compact(self.keyring.open_state(json.loads(payload)))

    def event_class(self, topic: str) -> type:
        """The class of the events stored under this topic (what `decode` makes of them)."""
        found: type = resolve_topic(topic)
        return found

    def decode(
        self, stream_id: UUID, stream_version: int, topic: str, payload: bytes
    ) -> DomainEventProtocol[Any]:
        """The domain event, its payload's JSON parsed once (sealed fields opened in place)."""
        if self.keyring is None or SEALED.encode() not in payload:
            stored = StoredEvent(stream_id, stream_version, topic, payload)
            return self._mapper.to_domain_event(stored)
        keyring, revive = self.keyring, self._transcoder.decode_value
        state = {
            k: revive(keyring.open(k, v)) if isinstance(v, dict) and SEALED in v else v
            for k, v in self._transcoder.decode(payload).items()
        }
        # The parsed state goes to the same Mapper steps (id conversion, upcasting) as bytes do.
        opened = StoredEvent(stream_id, stream_version, topic, cast(bytes, state))
        return self._parsed.to_domain_event(opened)


def _compact(state: dict[str, Any]) -> bytes:
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode()
