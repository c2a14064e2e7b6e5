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


# A command's reads in one round trip: its idempotency key's first outcome (part 0), the
# snapshots of its streams (part 1) and their events after each snapshot (part 2).
LOAD_SQL = f"""
WITH snap AS (
  SELECT stream_id, version, topic, state FROM snapshots
  WHERE $4::bool AND stream_id = ANY($1::uuid[])
)
SELECT 0 AS part, position, NULL::uuid AS stream_id, NULL::int AS stream_version,
       NULL::text AS event_type, NULL::text AS topic, NULL::int AS type_version,
       NULL::bytea AS payload, result AS metadata, NULL::uuid AS subject_id,
       NULL::timestamptz AS recorded_at, NULL::date AS effective_date, NULL::bytea AS hash
  FROM idempotency_keys WHERE scope = $2 AND key = $3
UNION ALL
SELECT 1, NULL, stream_id, version, NULL, topic, NULL, state, NULL, NULL, NULL, NULL, NULL
  FROM snap
UNION ALL
SELECT 2, {", ".join("e." + c.strip() for c in EVENT_COLUMNS.split(","))}
  FROM events e LEFT JOIN snap s ON s.stream_id = e.stream_id
  WHERE e.stream_id = ANY($1::uuid[]) AND e.stream_version > coalesce(s.version, 0)
ORDER BY part, stream_id, stream_version
"""
