-- Signed checkpoints of the log (C2SP-style notes); like the log, never changed.
CREATE TABLE IF NOT EXISTS checkpoints (
    size       bigint      PRIMARY KEY,
    root_hash  bytea       NOT NULL CHECK (length(root_hash) = 32),
    note       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
DROP TRIGGER IF EXISTS checkpoints_no_update_delete ON checkpoints;
CREATE TRIGGER checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION kinerja_events_append_only();
DROP TRIGGER IF EXISTS checkpoints_no_truncate ON checkpoints;
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION kinerja_events_append_only();
