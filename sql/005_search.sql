-- 005_search.sql -- relevance that stays fast at a million technologies.
--
-- Ranking every full-text hit with ts_rank costs time in proportion to
-- the hits: common Vietnamese syllables ("xu ly", "nuoc") hit a few per
-- cent of all rows, 6,600 rows at 100,000 and 66,000 at 1,000,000. So
-- relevance is now tiers an index can serve a page of: every word in the
-- title first, then every word anywhere, newest first within a tier; the
-- typo fallback (no full-text hit at all) ranks by title similarity.

-- The title's words on their own, so that the title tier has its own
-- index, and ANALYZE its own statistics, on the expression. (Not a
-- column: technology_doc() holds the row type, which stops ALTER TABLE.)
CREATE FUNCTION tm_title_search(title_folded text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN to_tsvector('simple', title_folded);
CREATE INDEX technologies_title_search ON technologies
	USING gin (tm_title_search(title_folded)) WHERE status = 'published';

-- A query restricted to the title: its words must carry the title's
-- weight.
CREATE FUNCTION tm_title_query(q tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN regexp_replace(q::text, $re$'((?:[^']|'')*)'$re$,
    $re$'\1':A$re$, 'g')::tsquery;

-- The parts of a relevance cursor key "rank created_at"; the time only
-- when the rank is p_rank.
CREATE FUNCTION tm_cursor_rank(k text) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN split_part(k, ' ', 1)::real;

CREATE FUNCTION tm_cursor_ts(k text, p_rank real) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN tm_cursor_rank(k) = p_rank
    THEN split_part(k, ' ', 2)::timestamptz END;

-- A page is the first rows of an ordered union (tech_relevance): a
-- parallel plan could interleave the branches. Parallel workers would
-- only take the cores from other requests anyway. JIT is off too: a
-- custom plan of a search (the first five of a connection) whose
-- estimate passed jit_above_cost spent 52 ms compiling a 1 ms query.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET max_parallel_workers_per_gather'
	    ' = 0', current_database());
	EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END $$;
SET max_parallel_workers_per_gather = 0;
SET jit = off;

-- The rows of one tier, newest first, after the cursor (c_ts, c_id; NULL:
-- from the top), at most p_n. A page of a common query is found among
-- the newest rows, so those are tried first, in index order, a bounded
-- number of them; only when they hold too few hits does the tier's own
-- index find them all. The planner can't choose between the two by
-- itself: Vietnamese words are syllables that occur together, and their
-- independence estimate is off by a factor of a thousand. (SELECT p_q):
-- the query is worked out once, not for every row the filter sees.
CREATE FUNCTION tech_tier(p_tier int, p_q tsquery, p_qa tsquery,
    p_category text, p_sector text, p_district text, p_trl_min int,
    p_trl_max int, p_price_max bigint, p_vendor uuid, p_funding boolean,
    c_ts timestamptz, c_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, created_at timestamptz)
LANGUAGE sql STABLE AS $$
	WITH recent AS MATERIALIZED (
	    SELECT t.id, t.vendor_id, t.created_at FROM (
		SELECT * FROM technologies x
		WHERE x.status = 'published' AND (c_ts IS NULL
		    OR (x.created_at, x.id) < (c_ts, c_id))
		ORDER BY x.created_at DESC, x.id DESC LIMIT 2000) t
	    WHERE t.search @@ (SELECT p_q)
		AND (t.search @@ (SELECT p_qa)) = (p_tier = 2)
		AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		    p_price_max, p_vendor, p_funding)
		AND (p_district IS NULL OR t.vendor_id IN (SELECT o.id
		    FROM organizations o WHERE o.district = p_district))
	    ORDER BY t.created_at DESC, t.id DESC LIMIT p_n)
	SELECT * FROM recent WHERE (SELECT count(*) FROM recent) = p_n
	UNION ALL
	SELECT * FROM (SELECT s.id, s.vendor_id, s.created_at FROM (
		SELECT t.id, t.vendor_id, t.created_at FROM technologies t
		WHERE t.status = 'published' AND t.search @@ (SELECT p_q)
		    AND (t.search @@ (SELECT p_qa)) = (p_tier = 2)
		    AND (p_tier <> 2 OR tm_title_search(t.title_folded)
			@@ (SELECT p_q))
		    AND (c_ts IS NULL OR (t.created_at, t.id) < (c_ts, c_id))
		    AND tech_filter(t, p_category, p_sector, p_trl_min,
			p_trl_max, p_price_max, p_vendor, p_funding)
		    AND (p_district IS NULL OR t.vendor_id IN (SELECT o.id
			FROM organizations o WHERE o.district = p_district))
		-- A fence: find the hits first, by whichever index suits the
		-- words, rather than walking the date index for rare ones.
		OFFSET 0) s
	    WHERE (SELECT count(*) FROM recent) < p_n
	    ORDER BY s.created_at DESC, s.id DESC LIMIT p_n) b
$$;

-- The words of technology titles, for the typo fallback: it corrects
-- the words of q against these rather than comparing q with every title
-- (which took 170 ms at 100,000 technologies and 2 s at a million).
-- Words with digits are left out: model numbers are no vocabulary.
CREATE TABLE tm_words (
	word	text PRIMARY KEY
);
CREATE INDEX tm_words_trgm ON tm_words USING gin (word gin_trgm_ops);

CREATE FUNCTION tm_words_of(title_folded text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT w FROM unnest(tsvector_to_array(tm_title_search(title_folded))) w
	WHERE w !~ '[0-9]'
$$;

-- Sorted, so that two transactions adding the same new words take their
-- locks in one order and cannot deadlock.
CREATE FUNCTION tm_words_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tm_words
	SELECT DISTINCT w FROM new_rows n, tm_words_of(n.title_folded) w
	ORDER BY 1 ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER technologies_words_insert AFTER INSERT ON technologies
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION tm_words_add();
CREATE TRIGGER technologies_words_update AFTER UPDATE ON technologies
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION tm_words_add();
INSERT INTO tm_words
SELECT DISTINCT w FROM technologies t, tm_words_of(t.title_folded) w
ORDER BY 1 ON CONFLICT DO NOTHING;

-- q forgiving typos and stray words: a word of q the titles do not know
-- becomes any of the (at most five) title words most like it, or is
-- dropped when none is; loose: every word does, known or not ("nuoc
-- thia" is "nước thìa", a spoon, before it is "nước thải"). NULL when no
-- word is left.
CREATE FUNCTION tm_tsquery_fuzzy(q text, loose boolean) RETURNS tsquery
LANGUAGE sql STABLE
-- Syllables are short: "thia" and "thai" share a quarter of trigrams.
SET pg_trgm.similarity_threshold = 0.2 AS $$
	SELECT string_agg('(' || alts || ')', ' & ')::tsquery
	FROM (SELECT CASE WHEN NOT loose AND EXISTS (SELECT 1 FROM tm_words x
		WHERE x.word = w) THEN quote_literal(w)
	    ELSE (SELECT string_agg(quote_literal(v.word), ' | ')
		FROM (SELECT x.word FROM tm_words x WHERE x.word % w
		    ORDER BY x.word = w DESC, similarity(x.word, w) DESC,
		    x.word LIMIT 5) v) END AS alts
	    FROM unnest(tsvector_to_array(to_tsvector('simple',
		tm_fold(q)))) w) a
	WHERE alts IS NOT NULL
$$;

-- The tiers of one query with their two ranks (title, anywhere): rows
-- after the cursor (p_key "rank created_at", p_id), at most p_n.
CREATE FUNCTION tech_tiers(p_q tsquery, p_hi real, p_lo real,
    p_category text, p_sector text, p_district text, p_trl_min int,
    p_trl_max int, p_price_max bigint, p_vendor uuid, p_funding boolean,
    p_key text, p_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, rank real, created_at timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT h.id, h.vendor_id, p_hi, h.created_at
	FROM tech_tier(2, p_q, tm_title_query(p_q), p_category, p_sector,
	    p_district, p_trl_min, p_trl_max, p_price_max, p_vendor, p_funding,
	    tm_cursor_ts(p_key, p_hi),
	    CASE WHEN tm_cursor_rank(p_key) = p_hi THEN p_id END,
	    CASE WHEN coalesce(tm_cursor_rank(p_key), p_hi) >= p_hi THEN p_n
	    ELSE 0 END) h
	UNION ALL
	SELECT h.id, h.vendor_id, p_lo, h.created_at
	FROM tech_tier(1, p_q, tm_title_query(p_q), p_category, p_sector,
	    p_district, p_trl_min, p_trl_max, p_price_max, p_vendor, p_funding,
	    tm_cursor_ts(p_key, p_lo),
	    CASE WHEN tm_cursor_rank(p_key) = p_lo THEN p_id END,
	    CASE WHEN coalesce(tm_cursor_rank(p_key), p_lo) >= p_lo THEN p_n
	    ELSE 0 END) h
	LIMIT p_n
$$;

-- The typo fallback's page: the tiers of q with its unknown words
-- corrected, ranked 0.2 and 0.1, below every exact hit; only when those
-- find nothing, of q with every word loosened, ranked 0.02 and 0.01. Not
-- inlined: each fuzzy query is worked out once, by a function the
-- planner cannot see into; and it runs only when the exact tiers found
-- nothing.
CREATE FUNCTION tech_fuzzy(p_q text, p_category text, p_sector text,
    p_district text, p_trl_min int, p_trl_max int, p_price_max bigint,
    p_vendor uuid, p_funding boolean, p_key text, p_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, rank real, created_at timestamptz)
-- A page, not the default guess of 1,000 rows: with that guess the plan
-- of every search hashed all organizations to join the vendors (2.6 ms
-- instead of 0.8 with 10,000 of them).
LANGUAGE plpgsql STABLE ROWS 20 AS $$
DECLARE
	c_rank	real := tm_cursor_rank(p_key);
	fq	tsquery;
BEGIN
	IF c_rank IS NULL OR c_rank >= 0.1 THEN
		fq := tm_tsquery_fuzzy(p_q, false);
		IF fq IS NOT NULL THEN
			RETURN QUERY SELECT * FROM tech_tiers(fq, 0.2, 0.1,
			    p_category, p_sector, p_district, p_trl_min,
			    p_trl_max, p_price_max, p_vendor, p_funding, p_key,
			    p_id, p_n);
		END IF;
		IF FOUND OR c_rank IS NOT NULL THEN
			RETURN;
		END IF;
	END IF;
	fq := tm_tsquery_fuzzy(p_q, true);
	IF fq IS NOT NULL THEN
		RETURN QUERY SELECT * FROM tech_tiers(fq, 0.02, 0.01,
		    p_category, p_sector, p_district, p_trl_min, p_trl_max,
		    p_price_max, p_vendor, p_funding, p_key, p_id, p_n);
	END IF;
END $$;

-- One page of q by relevance: rows (id, vendor_id, rank, created_at), at
-- most p_n, to be ordered by rank, created_at and id, all descending.
-- rank is 2 for a title hit, 1 for a hit elsewhere; only when no row
-- holds every word, lower ranks for the same with q forgiving typos
-- (tech_fuzzy). The cursor key p_key is "rank created_at" of the last
-- row shown.
--
-- One statement that PostgreSQL inlines: the tiers' branches run in
-- order and only until the page is full, so a full title tier never
-- starts the next one. (That order is why parallel plans are off, above.)
CREATE FUNCTION tech_relevance(p_q text, p_category text, p_sector text,
    p_district text, p_trl_min int, p_trl_max int, p_price_max bigint,
    p_vendor uuid, p_funding boolean, p_key text, p_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, rank real, created_at timestamptz)
LANGUAGE sql STABLE AS $$
	WITH exact AS MATERIALIZED (
	    SELECT * FROM tech_tiers(tm_tsquery(p_q), 2, 1, p_category,
		p_sector, p_district, p_trl_min, p_trl_max, p_price_max,
		p_vendor, p_funding, p_key, p_id, p_n))
	SELECT * FROM exact
	UNION ALL
	-- The tiers hold every full-text hit: a first page without any, or
	-- a page after a fallback row.
	SELECT * FROM tech_fuzzy(p_q, p_category, p_sector, p_district,
	    p_trl_min, p_trl_max, p_price_max, p_vendor, p_funding, p_key,
	    p_id, p_n)
	WHERE coalesce(tm_cursor_rank(p_key) < 1, true)
	    AND NOT EXISTS (SELECT 1 FROM exact)
$$;

-- Matching, bounded. Scoring every technology that shares the need's
-- category or sector took 2 s at 100,000 and 23 s at 1,000,000; the
-- best matches are among a few hundred found by index, cheapest first
-- (within budget scores): those sharing category and sector, those
-- sharing the category, those whose sectors fit. (The nearest titles by
-- a trigram GiST index took 50 ms; a title alone, without category or
-- sector, scores at most 0.45 anyway.)
DROP INDEX technologies_category;
CREATE INDEX technologies_category_price ON technologies
	(category, price_min_vnd, id) INCLUDE (sectors)
	WHERE status = 'published';
DROP INDEX technologies_price;
CREATE INDEX technologies_price ON technologies (price_min_vnd, id)
	INCLUDE (sectors) WHERE status = 'published';

CREATE FUNCTION need_candidates(n needs) RETURNS SETOF uuid
LANGUAGE sql STABLE AS $$
	(SELECT t.id FROM technologies t
	WHERE t.status = 'published' AND t.category = n.category
	    AND n.sector = ANY (t.sectors)
	ORDER BY t.price_min_vnd, t.id LIMIT 300)
	UNION
	(SELECT t.id FROM technologies t
	WHERE t.status = 'published' AND t.category = n.category
	ORDER BY t.price_min_vnd, t.id LIMIT 60)
	UNION
	(SELECT t.id FROM technologies t
	WHERE t.status = 'published' AND n.sector = ANY (t.sectors)
	ORDER BY t.price_min_vnd, t.id LIMIT 60)
$$;

-- Whether a technology is eligible for funding today: nothing is until
-- the funding migration (007) replaces this. A $$ body, which holds no
-- dependency on the row type that 007 alters; still inlined.
CREATE FUNCTION tm_funded(t technologies) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT false $$;

-- The scoring as before (004), as a table function so that PostgreSQL
-- inlines it: called per candidate, it cost 30 µs a row. Funding
-- eligible scores 0.10 once flags exist.
DROP FUNCTION tm_match(technologies, needs, organizations);
CREATE FUNCTION tm_match(t technologies, n needs, v organizations)
RETURNS TABLE (score numeric, reasons text[])
LANGUAGE sql STABLE AS $$
	SELECT round(
	    CASE WHEN t.category = n.category THEN 0.35 ELSE 0 END +
	    CASE WHEN n.sector = ANY (t.sectors) THEN 0.20 ELSE 0 END +
	    CASE WHEN t.price_min_vnd <= n.budget_max_vnd THEN 0.15 ELSE 0 END +
	    CASE WHEN sim >= 0.2 THEN 0.15 * least(1, sim / 0.5)::numeric
		ELSE 0 END +
	    CASE WHEN tm_funded(t) THEN 0.10 ELSE 0 END +
	    CASE WHEN v.district = n.district THEN 0.05 ELSE 0 END, 3),
	    array_remove(ARRAY[
		CASE WHEN t.category = n.category THEN 'same category' END,
		CASE WHEN n.sector = ANY (t.sectors) THEN 'sector fits' END,
		CASE WHEN t.price_min_vnd <= n.budget_max_vnd
		    THEN 'within budget' END,
		CASE WHEN sim >= 0.2 THEN 'text similarity' END,
		CASE WHEN tm_funded(t) THEN 'funding eligible' END,
		CASE WHEN v.district = n.district THEN 'same district' END],
		NULL)
	-- OFFSET 0: computed once, not once for every use of sim.
	FROM (SELECT similarity(t.title_folded, n.title_folded) AS sim
	    OFFSET 0) s
$$;
