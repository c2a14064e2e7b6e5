-- Snapshots of long streams: a cache derived from the log (never a source of truth), so loading
-- an aggregate costs only the events since its snapshot. Erasure deletes a subject's snapshots.
CREATE TABLE IF NOT EXISTS snapshots (
    stream_id   uuid        PRIMARY KEY,
    version     integer     NOT NULL,
    topic       text        NOT NULL,
    state       bytea       NOT NULL,
    taken_at    timestamptz NOT NULL DEFAULT now()
);
