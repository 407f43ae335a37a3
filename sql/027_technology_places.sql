-- 027_technology_places.sql -- each listing carries its vendor's place,
-- and the indexes of its words carry the keys a list filters by.
--
-- A listing's district and commune are its vendor's. Filtering by them
-- asked organizations for the vendors of the place, and every
-- organization counts there, enterprises and agencies too: with the
-- benchmark's 10,000 enterprises in one district, a common word in that
-- district took 27-40 ms to find a page, where the same search over
-- a few hundred organizations took 5-9 ms. A city has many more
-- enterprises than vendors. Now district and commune are columns of
-- technologies, kept equal to the vendor's by triggers (functions in
-- sql/functions/30_market.sql), and keys holds the filters an index
-- can serve (tm_keys(): category, district, commune, vendor), so that
-- GIN intersects them with q's words inside the index, as migration 025
-- did for the category alone: a search in one place reads the rows of
-- its words in that place, not every row of the place or of the words.

ALTER TABLE technologies ADD COLUMN district text, ADD COLUMN commune text,
	ADD COLUMN keys text[];

-- The keys of a listing, or of a list's filters (NULL: no filter): what
-- the word indexes hold beside the words. Schema, not a function of
-- sql/functions/: the stored keys and the index entries are built on it.
CREATE FUNCTION tm_keys(p_category text, p_district text, p_commune text,
    p_vendor uuid) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN array_remove(ARRAY['c:' || p_category, 'd:' || p_district,
    'm:' || p_commune, 'v:' || p_vendor], NULL);

-- The triggers' functions: placeholders, replaced by the definitions in
-- sql/functions/30_market.sql in this same transaction.
CREATE FUNCTION tech_place_set() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION tech_places_follow() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;

-- The word indexes are built again below, on the keys: dropped first,
-- the rows are written without updating them.
DROP INDEX technologies_search;
DROP INDEX technologies_title_search;
DROP INDEX technologies_title_pairs;

-- Written once for every row, with the other triggers off: nothing a
-- list shows, matching reads or the title words hold changes here, and
-- a statement over every listing would hand them all of it.
ALTER TABLE technologies DISABLE TRIGGER USER;
UPDATE technologies t SET district = o.district, commune = o.commune,
	keys = tm_keys(t.category, o.district, o.commune, t.vendor_id)
FROM organizations o WHERE o.id = t.vendor_id;
ALTER TABLE technologies ENABLE TRIGGER USER;
ALTER TABLE technologies ALTER COLUMN keys SET NOT NULL;

CREATE TRIGGER technologies_place BEFORE INSERT OR UPDATE OF vendor_id,
	category, district, commune, keys ON technologies
	FOR EACH ROW EXECUTE FUNCTION tech_place_set();
CREATE TRIGGER organizations_places AFTER UPDATE ON organizations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION tech_places_follow();

CREATE INDEX technologies_search ON technologies
	USING gin (keys, search) WHERE status = 'published';

CREATE INDEX technologies_title_search ON technologies
	USING gin (keys, tm_title_search(title_folded))
	WHERE status = 'published';

CREATE INDEX technologies_title_pairs ON technologies
	USING gin (keys, tm_title_pairs(title_folded))
	WHERE status = 'published';

-- A list without q in one place walks that place's listings newest
-- first.
CREATE INDEX technologies_district ON technologies
	(district, created_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX technologies_commune ON technologies
	(commune, created_at DESC, id DESC) WHERE status = 'published';

-- The place filter's former path, replaced by the keys (tech_tier loses
-- its p_by_place; sql/functions/40_search.sql). IF EXISTS: a new
-- database has no function of sql/functions/ yet.
DROP FUNCTION IF EXISTS tech_tier(int, tsquery, tsquery, tsquery, tsquery,
    text, text, text, text, int, int, bigint, uuid, boolean, boolean,
    timestamptz, uuid, int, int, boolean);
DROP FUNCTION IF EXISTS tm_by_place(text, text, uuid, tsquery);
DROP FUNCTION IF EXISTS tm_place_rows(text, text, uuid, bigint);
DROP FUNCTION IF EXISTS tm_match_rows(tsquery);
