-- 40_search.sql -- which rows match q and the filters, for every list
-- that searches, and the relevance order of technologies.
--
-- One definition decides which rows match q: the rows that hold every
-- word of q, if any row the filters keep does; else the rows that match
-- q with the words no title knows corrected, if any does; else those
-- that match q with every word loosened (tech_query, need_query). Every
-- sort, the facet counts and relevance's tiers read that one query, so
-- they always agree on the rows (relevance makes level 0's test itself:
-- see tech_relevance).

-- q as a tsquery over folded words, every word required. websearch
-- syntax never fails: quotes, operators and SQL are just searched for.
CREATE OR REPLACE FUNCTION tm_tsquery(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN websearch_to_tsquery('simple', tm_fold(q));

-- The filters other than q and place, shared by every branch that
-- reads technologies for a list. No sub-select here: it would stop
-- PostgreSQL from inlining the function, and calling it per row doubles
-- a search's cost.
CREATE OR REPLACE FUNCTION tech_filter(t technologies, p_category text,
    p_sector text, p_trl_min int, p_trl_max int, p_price_max bigint,
    p_vendor uuid, p_funding boolean)
RETURNS boolean LANGUAGE sql STABLE
RETURN (p_category IS NULL OR t.category = p_category)
    AND (p_sector IS NULL OR t.sectors @> ARRAY[p_sector])
    AND (p_trl_min IS NULL OR t.trl >= p_trl_min)
    AND (p_trl_max IS NULL OR t.trl <= p_trl_max)
    AND (p_price_max IS NULL OR t.price_min_vnd <= p_price_max)
    AND (p_vendor IS NULL OR t.vendor_id = p_vendor)
    AND (p_funding IS NULL OR tm_funded(t) = p_funding);

-- The filters of the needs' list other than q.
CREATE OR REPLACE FUNCTION need_filter(n needs, p_category text, p_sector text,
    p_district text, p_commune text)
RETURNS boolean LANGUAGE sql IMMUTABLE
RETURN (p_category IS NULL OR n.category = p_category)
    AND (p_sector IS NULL OR n.sector = p_sector)
    AND (p_district IS NULL OR n.district = p_district)
    AND (p_commune IS NULL OR n.commune = p_commune);

-- A query restricted to the title: its words must carry the title's
-- weight.
CREATE OR REPLACE FUNCTION tm_title_query(q tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN regexp_replace(q::text, $re$'((?:[^']|'')*)'$re$,
    $re$'\1':A$re$, 'g')::tsquery;

-- The parts of a relevance cursor key "rank created_at"; the time only
-- when the rank is p_rank.
CREATE OR REPLACE FUNCTION tm_cursor_rank(k text) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN split_part(k, ' ', 1)::real;

CREATE OR REPLACE FUNCTION tm_cursor_ts(k text, p_rank real)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN tm_cursor_rank(k) = p_rank
    THEN split_part(k, ' ', 2)::timestamptz END;

-- The words of titles, for the typo fallback: technologies' in tm_words,
-- needs' in need_words, each kept by a statement trigger. It corrects the
-- words of q against these rather than comparing q with every title
-- (which took 170 ms at 100,000 technologies and 2 s at a million).
-- Words with digits are left out: model numbers are no vocabulary.
CREATE OR REPLACE FUNCTION tm_words_of(title_folded text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT w FROM unnest(tsvector_to_array(tm_title_search(title_folded))) w
	WHERE w !~ '[0-9]'
$$;

-- Sorted, so that two transactions adding the same new words take their
-- locks in one order and cannot deadlock.
CREATE OR REPLACE FUNCTION tm_words_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'needs' THEN
		INSERT INTO need_words
		SELECT DISTINCT w FROM new_rows n, tm_words_of(n.title_folded) w
		ORDER BY 1 ON CONFLICT DO NOTHING;
	ELSE
		INSERT INTO tm_words
		SELECT DISTINCT w FROM new_rows n, tm_words_of(n.title_folded) w
		ORDER BY 1 ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END $$;

-- The title words of needs (p_needs) or of technologies. Inlined: the
-- caller's condition on the word reaches each table's index.
CREATE OR REPLACE FUNCTION tm_vocabulary(p_needs boolean) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
	SELECT word FROM tm_words WHERE NOT p_needs
	UNION ALL
	SELECT word FROM need_words WHERE p_needs
$$;

-- The words of q (folded) that no title of needs (p_needs) or of
-- technologies holds: the typo fallback corrects these. An SQL table
-- function, so that PostgreSQL inlines it: a list statement asks it
-- whether q has any before it calls tm_suggest(), within its own plan
-- (a call of a function in another language cost ten times as much).
CREATE OR REPLACE FUNCTION tm_unknown_words(q text, p_needs boolean)
RETURNS SETOF text LANGUAGE sql STABLE AS $$
	SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple',
	    tm_fold(q)))) w
	-- A lookup in the vocabulary's index for each word of q: as a
	-- NOT EXISTS join, or as a sub-select PostgreSQL may hash (OFFSET 0
	-- keeps it from that), it read the whole vocabulary on every search
	-- (0.1 ms of a 1.1 ms page at 100,000 listings).
	WHERE NOT CASE WHEN p_needs
	    THEN EXISTS (SELECT 1 FROM need_words x WHERE x.word = w OFFSET 0)
	    ELSE EXISTS (SELECT 1 FROM tm_words x WHERE x.word = w OFFSET 0)
	    END
$$;

-- The words of q (folded, each once, in q's order: pos) and what the
-- typo fallback makes of each, by the title words of needs (p_needs) or
-- of technologies: alts, the title words it may stand for, best first.
-- A word the titles know stands for itself, unless loose; any other
-- word for the (at most five) title words most like it; alts is empty
-- when none is. The one word correction: tm_tsquery_fuzzy() searches
-- with it, tm_suggest() shows its first choices.
CREATE OR REPLACE FUNCTION tm_word_fixes(q text, loose boolean,
    p_needs boolean) RETURNS TABLE (pos int, word text, alts text[])
-- PL/pgSQL for its plan, kept by the connection: planned on every call
-- as an SQL function, it cost twice as much.
LANGUAGE plpgsql STABLE
-- Syllables are short: "thia" and "thai" share a quarter of trigrams.
SET pg_trgm.similarity_threshold = 0.2 AS $$
DECLARE
	unknown	text[] := CASE WHEN NOT loose
	    THEN ARRAY(SELECT tm_unknown_words(q, p_needs)) END;
BEGIN
	RETURN QUERY SELECT w.positions[1]::int, w.lexeme,
	    CASE WHEN NOT loose AND w.lexeme <> ALL (unknown)
	    THEN ARRAY[w.lexeme]
	    ELSE ARRAY(SELECT x.word FROM tm_vocabulary(p_needs) x(word)
		WHERE x.word % w.lexeme
		ORDER BY x.word = w.lexeme DESC,
		similarity(x.word, w.lexeme) DESC, x.word LIMIT 5) END
	FROM unnest(to_tsvector('simple', tm_fold(q))) w
	ORDER BY 1;
END $$;

-- q forgiving typos and stray words (tm_word_fixes): each word becomes
-- any of its alternatives, or is dropped when it has none; loose: every
-- word does, known or not ("nuoc thia" is "nước thìa", a spoon, before
-- it is "nước thải"). NULL when no word is left. (string_agg() skips
-- the words without alternatives: '(' || NULL || ')' is NULL.)
CREATE OR REPLACE FUNCTION tm_tsquery_fuzzy(q text, loose boolean,
    p_needs boolean) RETURNS tsquery
LANGUAGE sql STABLE AS $$
	SELECT string_agg('(' || (SELECT string_agg(quote_literal(a), ' | ')
	    FROM unnest(f.alts) a) || ')', ' & ' ORDER BY f.pos)::tsquery
	FROM tm_word_fixes(q, loose, p_needs) f
$$;

-- "Did you mean": q as the level-1 correction reads it (folded words in
-- q's order), every word the titles do not know replaced by the title
-- word most like it; a word with none stays as written (the other
-- fields may hold it). NULL when no word was replaced. The list
-- statements call it only when tm_unknown_words() finds a word.
CREATE OR REPLACE FUNCTION tm_suggest(q text, p_needs boolean) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
	SELECT CASE WHEN bool_or(f.alts[1] <> f.word)
	    THEN string_agg(coalesce(f.alts[1], f.word), ' ' ORDER BY f.pos)
	    END
	FROM tm_word_fixes(q, false, p_needs) f
$$;

-- q at a level of the search: 0 every word as written, 1 the words no
-- title knows corrected, 2 every word loosened.
CREATE OR REPLACE FUNCTION tm_query_at(q text, level int, p_needs boolean)
RETURNS tsquery LANGUAGE sql STABLE STRICT
RETURN CASE WHEN level = 0 THEN tm_tsquery(q)
    ELSE tm_tsquery_fuzzy(q, level = 2, p_needs) END;

-- q with its words adjacent and in order ('a' & 'b' becomes 'a' <-> 'b'):
-- what a user means who types "xử lý nước thải". Phrases q already holds
-- (quoted words, or "mô-đun", which is 'mo-dun' <-> 'mo' <-> 'dun') join
-- the rest; a query with a negation stays as it is ('a' <-> !'b' would
-- mean another thing).
CREATE OR REPLACE FUNCTION tm_phrase_query(q tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN CASE WHEN q::text ~ '!' THEN q
    ELSE replace(q::text, ' & ', ' <-> ')::tsquery END;

-- The tier of a row's search vector for q: 3 q's phrase in the title
-- (pa: tm_title_query(tm_phrase_query(q))), 2 every word of q in the
-- title but not as that phrase (qa: tm_title_query(q)), 1 every word
-- somewhere but not all in the title, 0 not a match. By the stored
-- weights alone: working out the title's words again costs 10 µs a row,
-- more than reading the row.
CREATE OR REPLACE FUNCTION tm_tier_of(search tsvector, q tsquery,
    qa tsquery, pa tsquery) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN NOT search @@ q THEN 0 WHEN search @@ pa THEN 3
    WHEN search @@ qa THEN 2 ELSE 1 END;

-- Whether a row is in tier p_tier of q (tm_tier_of), 0: in any.
CREATE OR REPLACE FUNCTION tm_in_tier(search tsvector, p_tier int,
    q tsquery, qa tsquery, pa tsquery) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN p_tier = 0 THEN search @@ q
    ELSE tm_tier_of(search, q, qa, pa) = p_tier END;

-- The adjacent pairs of phrase p (tm_phrase_query) as a query of
-- tm_title_pairs(): 'a' <-> 'b' <-> 'c' gives 'a b' & 'b c', and the typo
-- fallback's 'a' <-> ( 'b' | 'c' ) gives ( 'a b' | 'a c' ). NULL for a
-- phrase of one word, or of any other shape. PL/pgSQL, so that the
-- connection keeps the plan of its query: as an SQL function it was
-- planned on every search, 0.2 ms of a median search's 1.5.
CREATE OR REPLACE FUNCTION tm_pairs_query(p tsquery) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
BEGIN
	RETURN (
	-- Each element: one word, or a group of alternatives.
	WITH e AS (
	    SELECT s.n, s.x ~ ($re$^(?:'(?:[^']|'')*'|\( '(?:[^']|'')*'$re$ ||
		$re$(?: \| '(?:[^']|'')*')* \))\Z$re$) AS ok,
		ARRAY(SELECT replace(m[1], '''''', '''')
		    FROM regexp_matches(s.x, $re$'((?:[^']|'')*)'$re$, 'g')
		    m) AS alts
	    FROM regexp_split_to_table(p::text, ' <-> ')
		WITH ORDINALITY s(x, n))
	SELECT string_agg('( ' || (SELECT string_agg(quote_literal(x || ' ' ||
	    y), ' | ') FROM unnest(a.alts) x, unnest(b.alts) y) || ' )',
	    ' & ' ORDER BY a.n)::tsquery
	FROM e a JOIN e b ON b.n = a.n + 1
	WHERE (SELECT bool_and(ok) FROM e));
END $$;

-- How many of the newest rows to walk for p_n rows of a tier that held c
-- of the newest p_s rows, of p_rows in the table: twice as many as c
-- promises, when reading those costs less than reading every row the
-- tier's index finds (c_index of the p_s hold the tier's words and
-- category, whatever the other filters: c_index / p_s of the table; a
-- row costs about as much either way); else 0, and the index finds
-- them. This is what the planner cannot know: how often Vietnamese
-- syllables come together.
CREATE OR REPLACE FUNCTION tm_walk_rows(c bigint, c_index bigint, p_s int,
    p_n int, p_rows real) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN c > 0
    AND 2.0 * p_n * p_s / c < c_index::real / p_s * p_rows
    THEN least(50000, ceil(2.0 * p_n * p_s / c))::int ELSE 0 END;

-- The rows of tier p_tier (tm_in_tier, 0: any) among the newest p_k rows
-- after the cursor (c_ts, c_id; NULL: from the top), newest first, at
-- most p_n, with their tier. The queries are values (tech_tiers'
-- variables): an expression passed here would be worked out for every
-- row.
CREATE OR REPLACE FUNCTION tech_recent(p_tier int, p_q tsquery, p_qa tsquery,
    p_pa tsquery, p_category text, p_sector text, p_district text,
    p_commune text, p_trl_min int, p_trl_max int, p_price_max bigint,
    p_vendor uuid, p_funding boolean, p_verified boolean, c_ts timestamptz,
    c_id uuid, p_k int, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, created_at timestamptz, tier int)
LANGUAGE sql STABLE AS $$
	SELECT t.id, t.vendor_id, t.created_at,
	    tm_tier_of(t.search, p_q, p_qa, p_pa)
	FROM (SELECT * FROM technologies x
	    WHERE x.status = 'published' AND (c_ts IS NULL
		OR (x.created_at, x.id) < (c_ts, c_id))
	    ORDER BY x.created_at DESC, x.id DESC LIMIT p_k) t
	WHERE tm_in_tier(t.search, p_tier, p_q, p_qa, p_pa)
	    AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding)
	    AND (p_district IS NULL OR t.district = p_district)
	    AND (p_commune IS NULL OR t.commune = p_commune)
	    AND (p_verified IS NULL OR t.vendor_id IN (SELECT o.id
		FROM organizations o WHERE o.verified = p_verified))
	ORDER BY t.created_at DESC, t.id DESC LIMIT p_n
$$;

-- tm_by_place() before it weighed q's rows.
DROP FUNCTION IF EXISTS tm_by_place(text, text, uuid);

-- The rows of one tier (tm_in_tier: p_qa and p_pa are p_q for the title
-- and as its phrase, p_pairs the phrase's pairs), newest first, after the
-- cursor (c_ts, c_id; NULL: from the top), at most p_n, each with its
-- tier (tm_tier_of; p_tier but for tier 0). First among the
-- newest p_k rows (tm_walk_rows); when those hold too few, an index
-- finds every row of the tier and they are sorted: the index of the
-- phrase's pairs in the title, of the words in the title, or of the
-- words anywhere, the narrowest that holds the tier. Values, not
-- expressions, as for tech_recent().
CREATE OR REPLACE FUNCTION tech_tier(p_tier int, p_q tsquery, p_qa tsquery,
    p_pa tsquery, p_pairs tsquery, p_category text, p_sector text,
    p_district text, p_commune text, p_trl_min int, p_trl_max int,
    p_price_max bigint, p_vendor uuid, p_funding boolean, p_verified boolean,
    c_ts timestamptz, c_id uuid, p_k int, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, created_at timestamptz, tier int)
LANGUAGE sql STABLE AS $$
	WITH recent AS MATERIALIZED (
	    SELECT r.id, r.vendor_id, r.created_at, r.tier
	    FROM tech_recent(p_tier, p_q, p_qa, p_pa, p_category, p_sector,
		p_district, p_commune, p_trl_min, p_trl_max, p_price_max,
		p_vendor, p_funding, p_verified, c_ts, c_id, p_k, p_n) r)
	SELECT * FROM recent WHERE (SELECT count(*) FROM recent) = p_n
	UNION ALL
	-- The tier worked out for the page's rows only, after the sort.
	SELECT b.id, b.vendor_id, b.created_at, CASE WHEN p_tier = 0
	    THEN tm_tier_of(b.search, p_q, p_qa, p_pa) ELSE p_tier END
	FROM (SELECT s.id, s.vendor_id, s.created_at, s.search FROM (
		-- A fence: the index's rows first, then the rest of the test.
		-- With a category, place or vendor, the index's keys narrow
		-- them too (025, 027): a common phrase in one category read
		-- 100,000 rows to keep 6,500 at a million listings. Each
		-- branch says whether it runs by its parameters alone, or its
		-- index is read for nothing.
		SELECT t.* FROM technologies t
		WHERE p_tier = 3 AND p_pairs IS NOT NULL
		    AND num_nonnulls(p_category, p_district, p_commune,
			p_vendor) = 0
		    AND t.status = 'published'
		    AND tm_title_pairs(t.title_folded) @@ p_pairs
		UNION ALL
		SELECT t.* FROM technologies t
		WHERE p_tier = 3 AND p_pairs IS NOT NULL
		    AND num_nonnulls(p_category, p_district, p_commune,
			p_vendor) > 0
		    AND t.keys @> tm_keys(p_category, p_district, p_commune,
			p_vendor)
		    AND t.status = 'published'
		    AND tm_title_pairs(t.title_folded) @@ p_pairs
		UNION ALL
		SELECT t.* FROM technologies t
		WHERE p_tier >= 2 AND (p_tier = 2 OR p_pairs IS NULL)
		    AND num_nonnulls(p_category, p_district, p_commune,
			p_vendor) = 0
		    AND t.status = 'published'
		    AND tm_title_search(t.title_folded) @@ p_q
		UNION ALL
		SELECT t.* FROM technologies t
		WHERE p_tier >= 2 AND (p_tier = 2 OR p_pairs IS NULL)
		    AND num_nonnulls(p_category, p_district, p_commune,
			p_vendor) > 0
		    AND t.keys @> tm_keys(p_category, p_district, p_commune,
			p_vendor)
		    AND t.status = 'published'
		    AND tm_title_search(t.title_folded) @@ p_q
		UNION ALL
		SELECT t.* FROM technologies t
		WHERE p_tier < 2
		    AND num_nonnulls(p_category, p_district, p_commune,
			p_vendor) = 0
		    AND t.status = 'published' AND t.search @@ p_q
		UNION ALL
		SELECT t.* FROM technologies t
		WHERE p_tier < 2
		    AND num_nonnulls(p_category, p_district, p_commune,
			p_vendor) > 0
		    AND t.keys @> tm_keys(p_category, p_district, p_commune,
			p_vendor)
		    AND t.status = 'published' AND t.search @@ p_q
		OFFSET 0) s
	    WHERE (SELECT count(*) FROM recent) < p_n
		AND tm_in_tier(s.search, p_tier, p_q, p_qa, p_pa)
		AND (c_ts IS NULL OR (s.created_at, s.id) < (c_ts, c_id))
		AND tech_filter(s, p_category, p_sector, p_trl_min,
		    p_trl_max, p_price_max, p_vendor, p_funding)
		AND (p_district IS NULL OR s.district = p_district)
		AND (p_commune IS NULL OR s.commune = p_commune)
		AND (p_verified IS NULL OR s.vendor_id IN (SELECT o.id
		    FROM organizations o WHERE o.verified = p_verified))
	    ORDER BY s.created_at DESC, s.id DESC LIMIT p_n) b
$$;

-- The tiers of one query, ranked 3, 2 and 1 times p_unit (phrase in the
-- title, every word in the title, every word anywhere): rows after the
-- cursor (p_key "rank created_at", p_id), at most p_n, tier by tier
-- until the page is full. The newest rows, read once, tell how dense
-- each tier is: a tier with enough rows among them takes them from there;
-- any other walks as many of the newest rows as its density promises, or
-- asks an index (tm_walk_rows). The cursor's own tier starts after the
-- cursor instead. A query whose phrase is itself (one word) has no
-- second tier. PL/pgSQL, so that the queries derived from q are worked
-- out once: as arguments of an inlined function they were worked out
-- again wherever the body used them, a millisecond a search.
CREATE OR REPLACE FUNCTION tech_tiers(p_q tsquery, p_unit real,
    p_category text, p_sector text, p_district text, p_commune text,
    p_trl_min int, p_trl_max int, p_price_max bigint, p_vendor uuid,
    p_funding boolean, p_verified boolean, p_key text, p_id uuid,
    p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, rank real, created_at timestamptz)
LANGUAGE plpgsql STABLE ROWS 20 AS $$
DECLARE
	qa	tsquery := tm_title_query(p_q);
	ph	tsquery := tm_phrase_query(p_q);
	pa	tsquery := tm_title_query(ph);
	pairs	tsquery := tm_pairs_query(ph);
	c_rank	real := tm_cursor_rank(p_key);
	n_rows	real := (SELECT greatest(reltuples, 0) FROM pg_class
	    WHERE oid = 'technologies'::regclass);
	ss	int;
	s_id	uuid[];
	s_vendor uuid[];
	s_at	timestamptz[];
	s_tier	int[];
	u_tier	int[];
	-- q's rows when the newest hold none: all of them when at most few.
	few	int := 2000;
	f_id	uuid[];
	f_vendor uuid[];
	f_at	timestamptz[];
	f_tier	int[];
	f_rows	bigint;
	s_end	timestamptz;
	s_end_id uuid;
	seen	int;
	k	int;
	n	int := p_n;
	r	real;
	c_ts	timestamptz;
	c_id	uuid;
	got	int;
BEGIN
	-- On a large table a phrase few of 256 rows hold is ambiguous: one
	-- in a hundred (walk) or one in ten thousand (ask its index)? At a
	-- million rows the wrong guess cost 40 ms: ask 1,024 rows then.
	FOREACH ss IN ARRAY ARRAY[256, 1024] LOOP
		SELECT array_agg(s.id ORDER BY s.created_at DESC, s.id DESC),
		    array_agg(s.vendor_id ORDER BY s.created_at DESC,
			s.id DESC),
		    array_agg(s.created_at ORDER BY s.created_at DESC,
			s.id DESC),
		    array_agg(s.tier ORDER BY s.created_at DESC, s.id DESC)
		INTO s_id, s_vendor, s_at, s_tier
		FROM tech_recent(0, p_q, qa, pa, p_category, p_sector,
		    p_district, p_commune, p_trl_min, p_trl_max, p_price_max,
		    p_vendor, p_funding, p_verified, NULL, NULL, ss, ss) s;
		EXIT WHEN n_rows < 300000 OR c_rank IS NOT NULL
		    OR coalesce(cardinality(array_positions(s_tier, 3)), 0)
		    NOT BETWEEN 0 AND least(p_n - 1, 3);
	END LOOP;
	-- Where the sample ends: a tier goes on from there (NULL: the
	-- sample held every published row).
	SELECT x.created_at, x.id INTO s_end, s_end_id FROM technologies x
	WHERE x.status = 'published'
	ORDER BY x.created_at DESC, x.id DESC OFFSET ss - 1 LIMIT 1;
	-- No row of q among the newest and more past them: q's rows are
	-- few, most likely. The index of every word finds them all at
	-- once, each with its tier, rather than each tier asking its own
	-- index in turn (words that are each common and never meet read
	-- their long lists three times; a rare query read them twice).
	-- Only when there are more than few (2,000) do the tiers go on.
	IF s_id IS NULL AND s_end IS NOT NULL AND c_rank IS NULL THEN
		SELECT array_agg(h.id ORDER BY h.tier DESC, h.created_at DESC,
			h.id DESC),
		    array_agg(h.vendor_id ORDER BY h.tier DESC,
			h.created_at DESC, h.id DESC),
		    array_agg(h.created_at ORDER BY h.tier DESC,
			h.created_at DESC, h.id DESC),
		    array_agg(h.tier ORDER BY h.tier DESC, h.created_at DESC,
			h.id DESC), count(*)
		INTO f_id, f_vendor, f_at, f_tier, f_rows
		FROM tech_tier(0, p_q, qa, pa, NULL, p_category, p_sector,
		    p_district, p_commune, p_trl_min, p_trl_max, p_price_max,
		    p_vendor, p_funding, p_verified, s_end, s_end_id, 0,
		    few + 1) h;
		IF f_rows <= few THEN
			RETURN QUERY SELECT u.uid, u.uvendor,
			    (u.utier * p_unit)::real, u.uat
			FROM unnest(f_id, f_vendor, f_at, f_tier)
			    WITH ORDINALITY u(uid, uvendor, uat, utier, o)
			ORDER BY u.o LIMIT p_n;
			RETURN;
		END IF;
	END IF;
	-- What a tier's index reads: its words and keys (category, place,
	-- vendor: tm_keys), whatever the other filters keep. With one of
	-- those, the sample's rows are put in tiers again without it: "bui
	-- tui vai" in a district of 111,000 listings at a million, asked of
	-- an index without the place, read 67,000 rows to keep 7,600
	-- (147 ms).
	IF num_nonnulls(p_sector, p_trl_min, p_trl_max, p_price_max,
	    p_funding, p_verified) = 0 THEN
		u_tier := s_tier;
	ELSE
		SELECT array_agg(s.tier) INTO u_tier
		FROM tech_recent(0, p_q, qa, pa, p_category, NULL, p_district,
		    p_commune, NULL, NULL, NULL, p_vendor, NULL, NULL, NULL,
		    NULL, ss, ss) s;
	END IF;
	FOR t IN REVERSE 3..1 LOOP
		r := (t * p_unit)::real;
		-- Past the cursor's tier, or a second tier that is the first.
		CONTINUE WHEN c_rank < r OR (t = 2 AND pa = qa);
		c_ts := tm_cursor_ts(p_key, r);
		seen := coalesce(cardinality(array_positions(s_tier, t)), 0);
		k := tm_walk_rows(seen,
		    coalesce(cardinality(array_positions(u_tier, t)), 0), ss, n,
		    n_rows);
		IF c_ts IS NULL THEN
			-- From the top: the sample's rows of the tier first,
			-- the rest after the sample's end.
			RETURN QUERY SELECT u.uid, u.uvendor, r, u.uat
			    FROM unnest(s_id, s_vendor, s_at, s_tier)
				WITH ORDINALITY u(uid, uvendor, uat, utier, o)
			    WHERE u.utier = t ORDER BY u.o LIMIT n;
			GET DIAGNOSTICS got = ROW_COUNT;
			n := n - got;
			EXIT WHEN n <= 0;
			CONTINUE WHEN s_end IS NULL;
			c_ts := s_end;
			c_id := s_end_id;
			k := greatest(k - ss, 0);
		ELSE
			c_id := p_id;
		END IF;
		RETURN QUERY SELECT h.id, h.vendor_id, r, h.created_at
		    FROM tech_tier(t, p_q, qa, pa,
			CASE WHEN t = 3 THEN pairs END, p_category, p_sector,
			p_district, p_commune, p_trl_min, p_trl_max,
			p_price_max, p_vendor, p_funding, p_verified, c_ts,
			c_id, k, n) h;
		GET DIAGNOSTICS got = ROW_COUNT;
		n := n - got;
		EXIT WHEN n <= 0;
	END LOOP;
END $$;

-- Which published technologies match q under the filters: the query of
-- the first level (tm_query_at) that a row the filters keep matches, and
-- that level; no row when none does or q has no word. A level whose
-- query is the one before's (every word known, say) is not tried again.
-- The test is a tier of one row, found as a page is: a common query
-- finds it among the newest rows at once, a rare one by its index.
-- p_level: the first level to test, when the caller has seen that those
-- before it find nothing.
CREATE OR REPLACE FUNCTION tech_query(p_q text, p_category text, p_sector text,
    p_district text, p_commune text, p_trl_min int, p_trl_max int,
    p_price_max bigint, p_vendor uuid, p_funding boolean, p_verified boolean,
    p_level int)
RETURNS TABLE (q tsquery, level int)
-- One row at most: planned as one, a list joins vendors by index.
LANGUAGE plpgsql STABLE ROWS 1 AS $$
DECLARE
	tried	text;
BEGIN
	FOR lv IN 0..2 LOOP
		q := tm_query_at(p_q, lv, false);
		CONTINUE WHEN q IS NULL OR numnode(q) = 0
		    OR q::text IS NOT DISTINCT FROM tried;
		tried := q::text;
		CONTINUE WHEN lv < p_level;
		IF EXISTS (SELECT 1 FROM tech_tier(0, q, q, q, NULL, p_category,
		    p_sector, p_district, p_commune, p_trl_min, p_trl_max,
		    p_price_max, p_vendor, p_funding, p_verified, NULL, NULL,
		    128, 1))
		THEN
			level := lv;
			RETURN NEXT;
			RETURN;
		END IF;
	END LOOP;
END $$;

-- The published technologies the filters other than q keep (NULL: no
-- filter): a list without q. Inlined into its statement, whose custom
-- plan knows which filters are NULL, so the newest-first index serves
-- the order and a page reads only its own rows; under tech_filtered()'s
-- UNION ALL the planner sorts every row instead.
CREATE OR REPLACE FUNCTION tech_browse(p_category text, p_sector text,
    p_district text, p_commune text, p_trl_min int, p_trl_max int,
    p_price_max bigint, p_vendor uuid, p_funding boolean,
    p_verified boolean)
RETURNS SETOF technologies LANGUAGE sql STABLE AS $$
	SELECT t.* FROM technologies t
	WHERE t.status = 'published'
	    AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding)
	    AND (p_district IS NULL OR t.district = p_district)
	    AND (p_commune IS NULL OR t.commune = p_commune)
	    AND (p_verified IS NULL OR t.vendor_id IN (SELECT o.id
		FROM organizations o WHERE o.verified = p_verified))
$$;

-- The published technologies a list shows, by the contract's filters
-- (NULL: no filter), for the sorts by date and price and the facet
-- counts: with q, the rows tech_query's query matches (worked out once,
-- by the sub-select). Each branch's one-time filter skips the other.
CREATE OR REPLACE FUNCTION tech_filtered(p_q text, p_category text,
    p_sector text, p_district text, p_commune text, p_trl_min int,
    p_trl_max int, p_price_max bigint, p_vendor uuid, p_funding boolean,
    p_verified boolean)
RETURNS SETOF technologies LANGUAGE sql STABLE AS $$
	SELECT b.* FROM tech_browse(p_category, p_sector, p_district,
	    p_commune, p_trl_min, p_trl_max, p_price_max, p_vendor, p_funding,
	    p_verified) b
	WHERE p_q IS NULL
	UNION ALL
	SELECT t.* FROM technologies t
	WHERE t.status = 'published' AND p_q IS NOT NULL
	    AND t.search @@ (SELECT e.q FROM tech_query(p_q, p_category,
		p_sector, p_district, p_commune, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding, p_verified, 0) e)
	    AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding)
	    AND (p_district IS NULL OR t.district = p_district)
	    AND (p_commune IS NULL OR t.commune = p_commune)
	    AND (p_verified IS NULL OR t.vendor_id IN (SELECT o.id
		FROM organizations o WHERE o.verified = p_verified))
$$;

-- Newest first with q: the rows tech_query() decides on (those of
-- tech_filtered()), after the cursor (c_ts, c_id; NULL: from the top), at
-- most p_n, walked in date order as relevance walks a tier: along the
-- newest rows when q is common among them, else by its index
-- (tm_walk_rows, from the newest 256 after the cursor). Sorting every
-- row of q took 70 ms for a word in a third of 100,000 listings.
CREATE OR REPLACE FUNCTION tech_newest(p_q text, p_category text,
    p_sector text, p_district text, p_commune text, p_trl_min int,
    p_trl_max int, p_price_max bigint, p_vendor uuid, p_funding boolean,
    p_verified boolean, c_ts timestamptz, c_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, created_at timestamptz)
LANGUAGE plpgsql STABLE ROWS 20 AS $$
DECLARE
	q	tsquery := (SELECT e.q FROM tech_query(p_q, p_category,
	    p_sector, p_district, p_commune, p_trl_min, p_trl_max,
	    p_price_max, p_vendor, p_funding, p_verified, 0) e);
	n_rows	real := (SELECT greatest(reltuples, 0) FROM pg_class
	    WHERE oid = 'technologies'::regclass);
	seen	bigint;
	c_index	bigint;
BEGIN
	IF q IS NULL THEN
		RETURN;
	END IF;
	-- As in tech_tiers(): the index reads q's rows by their keys
	-- whatever the other filters keep.
	SELECT count(*) INTO seen FROM tech_recent(0, q, q, q, p_category,
	    p_sector, p_district, p_commune, p_trl_min, p_trl_max,
	    p_price_max, p_vendor, p_funding, p_verified, c_ts, c_id, 256,
	    256) r;
	SELECT count(*) INTO c_index FROM tech_recent(0, q, q, q, p_category,
	    NULL, p_district, p_commune, NULL, NULL, NULL, p_vendor, NULL,
	    NULL, c_ts, c_id, 256, 256) r
	WHERE num_nonnulls(p_sector, p_trl_min, p_trl_max, p_price_max,
	    p_funding, p_verified) > 0;
	RETURN QUERY SELECT h.id, h.vendor_id, h.created_at
	FROM tech_tier(0, q, q, q, NULL, p_category, p_sector, p_district,
	    p_commune, p_trl_min, p_trl_max, p_price_max, p_vendor, p_funding,
	    p_verified, c_ts, c_id, tm_walk_rows(seen, greatest(seen,
	    c_index), 256, p_n, n_rows), p_n) h;
END $$;

-- Relevance's page below level 0: the tiers of the first level from 1 on
-- that tech_query() would find, ranked a tenth (corrected) or a
-- hundredth (loosened) of level 0's, so that a cursor says its level.
-- Each level is tried as its tiers, as tech_relevance() tries level 0:
-- tech_query()'s test read the same index hits the tiers then read
-- again (7 of 35 ms for "say lua he thong to"). A later page stays in
-- its cursor's level. Not inlined: it runs only when level 0 has no
-- row, and its plan stays out of every other search's.
CREATE OR REPLACE FUNCTION tech_fuzzy(p_q text, p_category text, p_sector text,
    p_district text, p_commune text, p_trl_min int, p_trl_max int,
    p_price_max bigint, p_vendor uuid, p_funding boolean, p_verified boolean,
    p_key text, p_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, rank real, created_at timestamptz)
-- A page, not the default guess of 1,000 rows: with that guess the plan
-- of every search hashed all organizations to join the vendors (2.6 ms
-- instead of 0.8 with 10,000 of them).
LANGUAGE plpgsql STABLE ROWS 20 AS $$
DECLARE
	c_rank	real := tm_cursor_rank(p_key);
	c_lv	int := CASE WHEN c_rank >= 0.05 THEN 1 WHEN c_rank < 0.05
	    THEN 2 END;
	tried	text := tm_query_at(p_q, 0, false)::text;
	fq	tsquery;
BEGIN
	-- The levels as tech_query() walks them.
	FOR lv IN 1..2 LOOP
		fq := tm_query_at(p_q, lv, false);
		CONTINUE WHEN fq IS NULL OR numnode(fq) = 0
		    OR fq::text IS NOT DISTINCT FROM tried;
		tried := fq::text;
		CONTINUE WHEN lv < c_lv;
		RETURN QUERY SELECT * FROM tech_tiers(fq, (1 / 10 ^ lv)::real,
		    p_category, p_sector, p_district,
		    p_commune, p_trl_min, p_trl_max, p_price_max, p_vendor,
		    p_funding, p_verified, p_key, p_id, p_n);
		EXIT WHEN FOUND OR c_lv IS NOT NULL;
	END LOOP;
END $$;

-- One page of q by relevance: rows (id, vendor_id, rank, created_at), at
-- most p_n, to be ordered by rank, created_at and id, all descending,
-- after the cursor p_key ("rank created_at" of the last row shown) and
-- p_id. The rows are those tech_query() decides on, in its tiers
-- (tech_tiers): rank 3 for the words as a phrase in the title, 2 for
-- every word in the title, 1 for every word anywhere. Level 0 is tried
-- here, as its tiers: a page of them is what tech_query() would test
-- for, so a common query pays for no test. Only when they hold no row
-- does tech_fuzzy() ask tech_query() from level 1 on. The tiers run in
-- order and only until the page is full, so a full phrase tier never
-- starts the next one.
CREATE OR REPLACE FUNCTION tech_relevance(p_q text, p_category text,
    p_sector text, p_district text, p_commune text, p_trl_min int,
    p_trl_max int, p_price_max bigint, p_vendor uuid, p_funding boolean,
    p_verified boolean, p_key text, p_id uuid, p_n int)
RETURNS TABLE (id uuid, vendor_id uuid, rank real, created_at timestamptz)
LANGUAGE plpgsql STABLE ROWS 20 AS $$
BEGIN
	RETURN QUERY SELECT * FROM tech_tiers(tm_tsquery(p_q), 1, p_category,
	    p_sector, p_district, p_commune, p_trl_min, p_trl_max,
	    p_price_max, p_vendor, p_funding, p_verified, p_key, p_id, p_n);
	-- The tiers hold every row of level 0: a first page without any,
	-- or a page after a row of a lower level.
	IF NOT FOUND AND coalesce(tm_cursor_rank(p_key) < 1, true) THEN
		RETURN QUERY SELECT * FROM tech_fuzzy(p_q, p_category, p_sector,
		    p_district, p_commune, p_trl_min, p_trl_max, p_price_max,
		    p_vendor, p_funding, p_verified, p_key, p_id, p_n);
	END IF;
END $$;

-- Which open needs match q under the filters, as tech_query decides it
-- for technologies, by needs' title words: the query, or NULL.
CREATE OR REPLACE FUNCTION need_query(p_q text, p_category text, p_sector text,
    p_district text, p_commune text) RETURNS tsquery
LANGUAGE plpgsql STABLE AS $$
DECLARE
	q	tsquery;
	tried	text;
BEGIN
	FOR lv IN 0..2 LOOP
		q := tm_query_at(p_q, lv, true);
		CONTINUE WHEN q IS NULL OR numnode(q) = 0
		    OR q::text IS NOT DISTINCT FROM tried;
		tried := q::text;
		IF EXISTS (SELECT 1 FROM needs n WHERE n.status = 'open'
		    AND n.search @@ q
		    AND need_filter(n, p_category, p_sector, p_district,
			p_commune)) THEN
			RETURN q;
		END IF;
	END LOOP;
	RETURN NULL;
END $$;

-- The open needs a list shows, by the contract's filters (NULL: none),
-- for both sorts: with q, the rows need_query's query matches.
CREATE OR REPLACE FUNCTION need_filtered(p_q text, p_category text,
    p_sector text, p_district text, p_commune text)
RETURNS SETOF needs LANGUAGE sql STABLE AS $$
	SELECT n.* FROM needs n
	WHERE n.status = 'open' AND p_q IS NULL
	    AND need_filter(n, p_category, p_sector, p_district, p_commune)
	UNION ALL
	SELECT n.* FROM needs n
	WHERE n.status = 'open' AND p_q IS NOT NULL
	    AND n.search @@ (SELECT need_query(p_q, p_category, p_sector,
		p_district, p_commune))
	    AND need_filter(n, p_category, p_sector, p_district, p_commune)
$$;

-- A need's relevance: title hits first, as title words carry weight A.
-- Rows of the typo fallback (never listed with rows that hold every
-- word) rank by their title's similarity to q instead.
CREATE OR REPLACE FUNCTION tm_rank(search tsvector, title_folded text, q text)
RETURNS real LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN search @@ tm_tsquery(q) THEN ts_rank(search, tm_tsquery(q))
    ELSE word_similarity(tm_fold(q), title_folded) / 10 END;
