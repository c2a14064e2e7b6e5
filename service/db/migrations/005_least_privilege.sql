-- Least privilege: the service role may append to the log but never change it, and may destroy a
-- person's key only by appending that person's erasure (the functions below run as the owner).
-- `kinerja migrate` runs this with search_path set to the tables' schema, then pg_temp, and the
-- functions keep that path, so a temporary table cannot stand in for one of ours.

-- Wrapped subject keys: `key` is the data key encrypted under the key-encryption key (KEK) named
-- by `kek_id`; the KEK itself never enters the database.
ALTER TABLE subject_keys ADD COLUMN IF NOT EXISTS kek_id text;

-- The KEK new keys are wrapped under: one row, claimed by the first key, moved by rotation.
CREATE TABLE IF NOT EXISTS kek_in_use (
    only_row boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    kek_id   text        NOT NULL,
    since    timestamptz NOT NULL DEFAULT now()
);

-- A key row holds a wrapped key under the KEK in use, or nothing once erased.
CREATE OR REPLACE FUNCTION kinerja_subject_key_wrapped() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    in_use text;
BEGIN
    IF NEW.key IS NULL THEN
        NEW.kek_id := NULL;
        RETURN NEW;
    END IF;
    IF NEW.kek_id IS NULL THEN
        RAISE EXCEPTION 'a subject key must be stored wrapped under the KEK'
            USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO kek_in_use (kek_id) VALUES (NEW.kek_id) ON CONFLICT (only_row) DO NOTHING;
    SELECT kek_id INTO in_use FROM kek_in_use;
    IF NEW.kek_id <> in_use THEN
        RAISE EXCEPTION 'subject key wrapped under KEK %, but the database uses KEK %',
            NEW.kek_id, in_use USING ERRCODE = 'KJ001';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS subject_keys_wrapped ON subject_keys;
CREATE TRIGGER subject_keys_wrapped BEFORE INSERT OR UPDATE ON subject_keys
    FOR EACH ROW EXECUTE FUNCTION kinerja_subject_key_wrapped();

-- Erasure through one door: appending a person's erasure destroys their key (and their cached
-- snapshots) in the same transaction. There is no other way for the service to touch a key.
CREATE OR REPLACE FUNCTION kinerja_erase_subject_key() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO subject_keys (subject_id, key, kek_id, erased_at)
    VALUES (NEW.subject_id, NULL, NULL, now())
    ON CONFLICT (subject_id) DO UPDATE
        SET key = NULL, kek_id = NULL, erased_at = coalesce(subject_keys.erased_at, now());
    DELETE FROM snapshots WHERE stream_id = NEW.subject_id OR stream_id IN
        (SELECT DISTINCT stream_id FROM events WHERE subject_id = NEW.subject_id);
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS events_erase_subject_key ON events;
CREATE TRIGGER events_erase_subject_key AFTER INSERT ON events
    FOR EACH ROW WHEN (NEW.event_type = 'EmployeeErased' AND NEW.subject_id IS NOT NULL)
    EXECUTE FUNCTION kinerja_erase_subject_key();

-- Trigger functions are never called directly; nobody else needs to execute them.
REVOKE ALL ON FUNCTION kinerja_subject_key_wrapped() FROM PUBLIC;
REVOKE ALL ON FUNCTION kinerja_erase_subject_key() FROM PUBLIC;
