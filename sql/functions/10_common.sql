-- 10_common.sql -- small helpers every area uses: timestamps as the API
-- writes them, Can Tho's date, JSON arrays and PATCH bodies.

-- Timestamps as RFC 3339 UTC text. to_char() would be the obvious
-- spelling but costs a third of a simple read's database time; the ISO
-- text cast is nearly free. The cast follows DateStyle, so connections
-- run with DateStyle ISO (the cluster's setting, or the server's
-- connection settings).
CREATE OR REPLACE FUNCTION rfc3339(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN overlay(left((t AT TIME ZONE 'UTC')::text, 19) PLACING 'T' FROM 11)
    || 'Z';

-- Exact to the microsecond: the key keyset cursors carry.
CREATE OR REPLACE FUNCTION cursor_ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN overlay((t AT TIME ZONE 'UTC')::text PLACING 'T' FROM 11) || 'Z';

-- Can Tho's date: UTC+7 all year (Vietnam keeps no summer time). A
-- quote is valid through its valid_until and expired from the next day.
CREATE OR REPLACE FUNCTION tm_cantho_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (now() AT TIME ZONE INTERVAL '07:00')::date;

-- JSON array of strings to text[] (NFC); anything else is empty.
CREATE OR REPLACE FUNCTION tm_text_array(j jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN jsonb_typeof(j) = 'array' THEN
    ARRAY(SELECT normalize(x, NFC) FROM jsonb_array_elements_text(j) x)
    ELSE '{}'::text[] END;

-- Every code in a is a sector: array columns cannot hold foreign keys.
CREATE OR REPLACE FUNCTION tm_sectors_ok(a text[]) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN NOT EXISTS (SELECT 1 FROM unnest(a) s(code)
    WHERE NOT EXISTS (SELECT 1 FROM sectors WHERE sectors.code = s.code));

-- A PATCH may not null what must have a value: say which field.
CREATE OR REPLACE FUNCTION tm_no_nulls(b jsonb, p_table text, p_keys text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	k text;
BEGIN
	FOREACH k IN ARRAY p_keys LOOP
		IF b -> k = 'null'::jsonb THEN
			RAISE not_null_violation USING
			    CONSTRAINT = p_table || '_' || k || '_check',
			    MESSAGE = k || ' may not be null';
		END IF;
	END LOOP;
END $$;
