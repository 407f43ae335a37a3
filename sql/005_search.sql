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

-- q restricted to the title: its words must carry the title's weight.
CREATE FUNCTION tm_tsquery_title(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN regexp_replace(tm_tsquery(q)::text, $re$'((?:[^']|'')*)'$re$,
    $re$'\1':A$re$, 'g')::tsquery;

-- The parts of a relevance cursor key "rank created_at"; the time only
-- when the rank is p_rank (NULL: any).
CREATE FUNCTION tm_cursor_rank(k text) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN split_part(k, ' ', 1)::real;

CREATE FUNCTION tm_cursor_ts(k text, p_rank real) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN p_rank IS NULL OR tm_cursor_rank(k) = p_rank
    THEN split_part(k, ' ', 2)::timestamptz END;

-- A page is the first rows of an ordered union (tech_relevance): a
-- parallel plan could interleave the branches. Parallel workers would
-- only take the cores from other requests anyway.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET max_parallel_workers_per_gather'
	    ' = 0', current_database());
END $$;
SET max_parallel_workers_per_gather = 0;

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

-- One page of q by relevance: rows (id, vendor_id, rank, created_at), at
-- most p_n, to be ordered by rank, created_at and id, all descending.
-- rank is 2 for a title hit, 1 for a hit elsewhere, a tenth of the
-- title's word similarity for the typo fallback, which applies only when
-- no row holds every word. The cursor key p_key is "rank created_at" of
-- the last row shown.
--
-- One statement that PostgreSQL inlines: the tiers' branches run in
-- order and only until the page is full, so a full title tier never
-- starts the next one. (That order is why parallel plans are off, above.)
CREATE FUNCTION tech_relevance(p_q text, p_category text, p_sector text,
    p_district text, p_trl_min int, p_trl_max int, p_price_max bigint,
    p_vendor uuid, p_funding boolean, p_key text, p_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, rank real, created_at timestamptz)
LANGUAGE sql STABLE AS $$
	WITH tiers AS MATERIALIZED (
	    SELECT h.id, h.vendor_id, 2::real, h.created_at
	    FROM tech_tier(2, tm_tsquery(p_q), tm_tsquery_title(p_q),
		p_category, p_sector, p_district, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding, tm_cursor_ts(p_key, 2),
		CASE WHEN tm_cursor_rank(p_key) = 2 THEN p_id END,
		CASE WHEN coalesce(tm_cursor_rank(p_key), 2) >= 2 THEN p_n
		ELSE 0 END) h
	    UNION ALL
	    SELECT h.id, h.vendor_id, 1::real, h.created_at
	    FROM tech_tier(1, tm_tsquery(p_q), tm_tsquery_title(p_q),
		p_category, p_sector, p_district, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding, tm_cursor_ts(p_key, 1),
		CASE WHEN tm_cursor_rank(p_key) = 1 THEN p_id END,
		CASE WHEN coalesce(tm_cursor_rank(p_key), 1) >= 1 THEN p_n
		ELSE 0 END) h
	    LIMIT p_n)
	SELECT * FROM tiers
	UNION ALL
	-- The tiers hold every full-text hit: a first page without any, or
	-- a page after a fallback row.
	SELECT * FROM (
	    SELECT t.id, t.vendor_id,
		(word_similarity(tm_fold(p_q), t.title_folded) / 10)::real AS r,
		t.created_at
	    FROM technologies t
	    WHERE t.status = 'published' AND tm_fold(p_q) <% t.title_folded
		AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		    p_price_max, p_vendor, p_funding)
		AND (p_district IS NULL OR t.vendor_id IN (SELECT o.id
		    FROM organizations o WHERE o.district = p_district))) s
	WHERE coalesce(tm_cursor_rank(p_key) < 1, true)
	    AND NOT EXISTS (SELECT 1 FROM tiers)
	    AND (p_key IS NULL OR (s.r, s.created_at, s.id)
		< (tm_cursor_rank(p_key), tm_cursor_ts(p_key, NULL), p_id))
	ORDER BY 3 DESC, 4 DESC, 1 DESC
	LIMIT p_n
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

-- The scoring as before (004), as a table function so that PostgreSQL
-- inlines it: called per candidate, it cost 30 µs a row.
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
	    CASE WHEN v.district = n.district THEN 0.05 ELSE 0 END, 3),
	    array_remove(ARRAY[
		CASE WHEN t.category = n.category THEN 'same category' END,
		CASE WHEN n.sector = ANY (t.sectors) THEN 'sector fits' END,
		CASE WHEN t.price_min_vnd <= n.budget_max_vnd
		    THEN 'within budget' END,
		CASE WHEN sim >= 0.2 THEN 'text similarity' END,
		CASE WHEN v.district = n.district THEN 'same district' END],
		NULL)
	-- OFFSET 0: computed once, not once for every use of sim.
	FROM (SELECT similarity(t.title_folded, n.title_folded) AS sim
	    OFFSET 0) s
$$;
