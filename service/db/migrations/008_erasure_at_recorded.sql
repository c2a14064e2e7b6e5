-- An erasure destroys the person's key at the erasure event's own recorded_at. The writer reads
-- the log head (and the clock) in one statement and commits the group in another (migration 007),
-- so the inserting transaction's now() is a little later than what the event records.
CREATE OR REPLACE FUNCTION kinerja_erase_subject_key() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO subject_keys (subject_id, key, kek_id, erased_at)
    VALUES (NEW.subject_id, NULL, NULL, NEW.recorded_at)
    ON CONFLICT (subject_id) DO UPDATE
        SET key = NULL, kek_id = NULL,
            erased_at = coalesce(subject_keys.erased_at, NEW.recorded_at);
    DELETE FROM snapshots WHERE stream_id = NEW.subject_id OR stream_id IN
        (SELECT DISTINCT stream_id FROM events WHERE subject_id = NEW.subject_id);
    RETURN NULL;
END;
$$;
