-- 019_phrase_tier.sql -- relevance gains a first tier, the query's words
-- as a phrase in the title (sql/functions/40_search.sql), found by an
-- index of the title's adjacent word pairs.

-- The pairs of adjacent words of a folded title, each pair one lexeme
-- "a b" (the parser never makes a lexeme with a space, so none is
-- mistaken for a word). Vietnamese words are syllables that come
-- together: "nha" and "may" are each in a third of all titles, "nha may"
-- in far fewer, and a phrase's rows hold every pair of it. So its rows
-- are found among the titles that hold its pairs, a small set, rather
-- than among those that hold its words.
CREATE FUNCTION tm_title_pairs(title_folded text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	WITH w AS (SELECT u.lexeme, p
	    FROM unnest(to_tsvector('simple', title_folded)) u,
		unnest(u.positions) p)
	SELECT coalesce(array_to_tsvector(array_agg(DISTINCT
	    a.lexeme || ' ' || b.lexeme)), '')
	FROM w a JOIN w b ON b.p = a.p + 1
$$;
CREATE INDEX technologies_title_pairs ON technologies
	USING gin (tm_title_pairs(title_folded)) WHERE status = 'published';

-- The tier functions take the phrase and one rank unit now.
DROP FUNCTION IF EXISTS tech_tiers(tsquery, real, real, text, text, text,
    text, int, int, bigint, uuid, boolean, boolean, text, uuid, int);
DROP FUNCTION IF EXISTS tech_tier(int, tsquery, tsquery, text, text, text,
    text, int, int, bigint, uuid, boolean, boolean, timestamptz, uuid, int);
