"""The SQL of the event store's group commit (kept apart so the store reads as logic)."""

from __future__ import annotations

import asyncpg

from service.log.records import RecordedEvent

EVENT_COLUMNS = (
    "position, stream_id, stream_version, event_type, topic, type_version, payload, metadata,"
    " subject_id, recorded_at, effective_date, hash"
)

STATE_SQL = """
SELECT now() AS now,
  (SELECT position FROM events ORDER BY position DESC LIMIT 1) AS position,
  (SELECT hash FROM events ORDER BY position DESC LIMIT 1) AS hash,
  (SELECT coalesce(jsonb_object_agg(stream_id::text, v), '{}'::jsonb)
     FROM (SELECT stream_id, max(stream_version) AS v FROM events
           WHERE stream_id = ANY($1::uuid[]) GROUP BY stream_id) s) AS versions,
  (SELECT coalesce(jsonb_agg(jsonb_build_array(scope, key, result, position)), '[]'::jsonb)
     FROM idempotency_keys
     WHERE (scope, key) IN (SELECT * FROM unnest($2::text[], $3::text[]))) AS keys
"""

# One statement writes the events, the idempotency keys and the notification.
INSERT_SQL = f"""
WITH written AS (
  INSERT INTO events ({EVENT_COLUMNS})
  SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::int[],
                       $7::bytea[], $8::jsonb[], $9::uuid[], $10::timestamptz[], $11::date[],
                       $12::bytea[])
  RETURNING 1
), keyed AS (
  INSERT INTO idempotency_keys (scope, key, result, position)
  SELECT * FROM unnest($13::text[], $14::text[], $15::jsonb[], $16::bigint[])
  RETURNING 1
)
SELECT pg_notify($17, $18)
"""


def record_from_row(row: asyncpg.Record) -> RecordedEvent:
    return RecordedEvent(
        position=row["position"],
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        event_type=row["event_type"],
        topic=row["topic"],
        type_version=row["type_version"],
        payload=bytes(row["payload"]),
        metadata=row["metadata"],
        subject_id=row["subject_id"],
        recorded_at=row["recorded_at"],
        effective_date=row["effective_date"],
        hash=bytes(row["hash"]),
    )
