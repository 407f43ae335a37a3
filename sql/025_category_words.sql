-- 025_category_words.sql -- the indexes of technologies' words carry the
-- category too, so that a search in one category finds the rows holding
-- q's words in that category from the index alone.
--
-- Before: the rows of q's words were read and those of other categories
-- dropped one by one. "xat lua gao" in air_emissions at a million
-- listings read 100,147 rows of the phrase's pairs (a bitmap too large
-- to stay exact, so 250,000 more were checked again) to keep 6,576:
-- 8.6 s. A GIN index of two columns intersects the category's entries
-- with the words' inside the index (btree_gin indexes a text column in
-- GIN): 28 ms. A search without a category reads the same index, by its
-- words' entries alone, as fast as from an index of the words only (GIN
-- does not care which of its columns a condition names), so these
-- replace the old indexes rather than add to what every write updates.

CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX technologies_search;
CREATE INDEX technologies_search ON technologies
	USING gin (category, search) WHERE status = 'published';

DROP INDEX technologies_title_search;
CREATE INDEX technologies_title_search ON technologies
	USING gin (category, tm_title_search(title_folded))
	WHERE status = 'published';

DROP INDEX technologies_title_pairs;
CREATE INDEX technologies_title_pairs ON technologies
	USING gin (category, tm_title_pairs(title_folded))
	WHERE status = 'published';

-- tm_walk_rows() takes what the index of a tier reads apart from what the
-- filters keep (sql/functions/40_search.sql).
DROP FUNCTION IF EXISTS tm_walk_rows(bigint, int, int, real);

-- tech_tier() returns each row's tier too.
DROP FUNCTION IF EXISTS tech_tier(int, tsquery, tsquery, tsquery, tsquery,
    text, text, text, text, int, int, bigint, uuid, boolean, boolean,
    timestamptz, uuid, int, int, boolean);
