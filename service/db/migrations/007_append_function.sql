-- One round trip per commit group (see service/log/group_commit.py): the writer stages a group
-- on the log head it read, and this function takes the append lock, checks that the head is
-- still that one, and writes the events, the idempotency keys and the notification. It answers
-- false, writing nothing, when another writer appended in between (the writer stages again),
-- and NULL, without waiting, when another transaction holds the lock (the writer then waits for
-- the lock in a transaction of its own, and calls this again holding it: it is re-entrant).
-- A plain (SECURITY INVOKER) function: it writes with the caller's own INSERT rights.
CREATE OR REPLACE FUNCTION kinerja_append(
    staged_on bigint,
    lock_key bigint,
    e_position bigint[], e_stream_id uuid[], e_stream_version int[], e_event_type text[],
    e_topic text[], e_type_version int[], e_payload bytea[], e_metadata jsonb[],
    e_subject_id uuid[], e_recorded_at timestamptz[], e_effective_date date[], e_hash bytea[],
    k_scope text[], k_key text[], k_result jsonb[], k_position bigint[],
    channel text, message text
) RETURNS boolean
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(lock_key) THEN
        RETURN NULL;
    END IF;
    -- Each statement of a function sees what committed before it began: after the lock, the
    -- head is the one every earlier append left.
    IF coalesce((SELECT position FROM events ORDER BY position DESC LIMIT 1), 0) <> staged_on THEN
        RETURN false;
    END IF;
    INSERT INTO events (position, stream_id, stream_version, event_type, topic, type_version,
                        payload, metadata, subject_id, recorded_at, effective_date, hash)
    SELECT * FROM unnest(e_position, e_stream_id, e_stream_version, e_event_type, e_topic,
                         e_type_version, e_payload, e_metadata, e_subject_id, e_recorded_at,
                         e_effective_date, e_hash);
    INSERT INTO idempotency_keys (scope, key, result, position)
    SELECT * FROM unnest(k_scope, k_key, k_result, k_position);
    PERFORM pg_notify(channel, message);
    RETURN true;
END;
$$;
