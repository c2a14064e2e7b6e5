-- Per-subject data keys for personal data inside events (crypto-shredding). Erasure sets the
-- key to NULL and records when; the events themselves never change.
CREATE TABLE IF NOT EXISTS subject_keys (
    subject_id uuid        PRIMARY KEY,
    key        bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    erased_at  timestamptz,
    CHECK ((key IS NULL) = (erased_at IS NOT NULL))
);
