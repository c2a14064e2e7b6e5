"""The SQL of the event store: its reads and its group commit (kept apart so both read as logic)."""

from __future__ import annotations

import asyncpg

from service.log.records import RecordedEvent

EVENT_COLUMNS = (
    "position, stream_id, stream_version, event_type, topic, type_version, payload, metadata,"
    " subject_id, recorded_at, effective_date, hash"
)

# The clock is read with the head (clock_timestamp(), not the transaction's start): a group's
# recorded_at is never earlier than that of the group it is staged on.
STATE_SQL = """
SELECT clock_timestamp() AS now,
  (SELECT position FROM events ORDER BY position DESC LIMIT 1) AS position,
  (SELECT hash FROM events ORDER BY position DESC LIMIT 1) AS hash,
  (SELECT coalesce(jsonb_object_agg(stream_id::text, v), '{}'::jsonb)
     FROM (SELECT stream_id, max(stream_version) AS v FROM events
           WHERE stream_id = ANY($1::uuid[]) GROUP BY stream_id) s) AS versions,
  (SELECT coalesce(jsonb_agg(jsonb_build_array(scope, key, result, position)), '[]'::jsonb)
     FROM idempotency_keys
     WHERE (scope, key) IN (SELECT * FROM unnest($2::text[], $3::text[]))) AS keys
"""

# One round trip commits a group (migration 007): the append lock, the check that the head is
# still `$1`, the events, the idempotency keys and the notification. False: the head moved on.
APPEND_SQL = """
SELECT kinerja_append($1, $2, $3::bigint[], $4::uuid[], $5::int[], $6::text[], $7::text[],
                      $8::int[], $9::bytea[], $10::jsonb[], $11::uuid[], $12::timestamptz[],
                      $13::date[], $14::bytea[], $15::text[], $16::text[], $17::jsonb[],
                      $18::bigint[], $19, $20)
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
