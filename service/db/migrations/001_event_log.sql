-- The event log: one append-only table, gap-free positions in commit order.
CREATE TABLE IF NOT EXISTS events (
    position        bigint      PRIMARY KEY,
    stream_id       uuid        NOT NULL,
    stream_version  integer     NOT NULL CHECK (stream_version >= 1),
    event_type      text        NOT NULL,
    topic           text        NOT NULL,
    type_version    integer     NOT NULL DEFAULT 1,
    payload         bytea       NOT NULL,
    metadata        jsonb       NOT NULL,
    subject_id      uuid,
    recorded_at     timestamptz NOT NULL,
    effective_date  date,
    hash            bytea       NOT NULL CHECK (length(hash) = 32),
    CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);
CREATE INDEX IF NOT EXISTS events_subject_idx ON events (subject_id, position)
    WHERE subject_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_type_idx ON events (event_type, position);
CREATE INDEX IF NOT EXISTS events_recorded_at_idx ON events (recorded_at);

-- The log is append-only, enforced here and not by convention.
CREATE OR REPLACE FUNCTION kinerja_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on events is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS events_no_update_delete ON events;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION kinerja_events_append_only();
DROP TRIGGER IF EXISTS events_no_truncate ON events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION kinerja_events_append_only();

-- A mutation's idempotency key, written in the same transaction as its events.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope       text        NOT NULL,
    key         text        NOT NULL,
    result      jsonb       NOT NULL,
    position    bigint      NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

-- Each projection's checkpoint: the last position it applied.
CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name       text   PRIMARY KEY,
    position   bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
