"""From stored rows to the facts projections fold."""

from __future__ import annotations

from projections.engine import Fact
from service.log.codec import EventCodec
from service.log.records import RecordedEvent


def to_fact(codec: EventCodec, recorded: RecordedEvent) -> Fact:
    """Decode one stored event into a Fact (the domain event with its place in the log)."""
    return Fact(
        position=recorded.position,
        stream_id=recorded.stream_id,
        stream_version=recorded.stream_version,
        event_type=recorded.event_type,
        recorded_at=recorded.recorded_at,
        effective_date=recorded.effective_date,
        subject_id=recorded.subject_id,
        metadata=recorded.metadata,
        event=codec.decode(
            recorded.stream_id, recorded.stream_version, recorded.topic, recorded.payload
        ),
    )
