-- 50_matching.sql -- needs and technologies scored against each other:
-- the candidates an index finds and the deterministic score.

-- A need's candidates, bounded. Scoring every technology that shares the
-- need's category or sector took 2 s at 100,000 and 23 s at 1,000,000;
-- the best matches are among a few hundred found by index, cheapest
-- first (within budget scores): those sharing category and sector, those
-- sharing the category, those whose sectors fit. (The nearest titles by
-- a trigram GiST index took 50 ms; a title alone, without category or
-- sector, scores at most 0.45 anyway.)
CREATE OR REPLACE FUNCTION need_candidates(n needs) RETURNS SETOF uuid
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

-- The score without the text similarity, which adds at most 0.15 to it:
-- the match queue (55_match_queue.sql) passes over a technology whose
-- base + 0.15 is below a list's lowest without computing its similarity,
-- most of the cost.
CREATE OR REPLACE FUNCTION match_base(t technologies, n needs,
    v organizations) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN t.category = n.category THEN 0.35 ELSE 0 END +
    CASE WHEN n.sector = ANY (t.sectors) THEN 0.20 ELSE 0 END +
    CASE WHEN t.price_min_vnd <= n.budget_max_vnd THEN 0.15 ELSE 0 END +
    CASE WHEN tm_funded(t) THEN 0.10 ELSE 0 END +
    CASE WHEN v.commune = n.commune THEN 0.05
	WHEN v.district = n.district THEN 0.03 ELSE 0 END;

-- The score, deterministic, in 0..1: same category 0.35, sector fits
-- 0.20, within budget 0.15, text similarity up to 0.15 (trigram
-- similarity of the folded titles, counted from 0.2, full marks at 0.5),
-- funding eligible 0.10, same commune 0.05 or else same district 0.03
-- (the vendor's place and the need's). A table function so that
-- PostgreSQL inlines it: called per candidate, it cost 30 µs a row.
CREATE OR REPLACE FUNCTION tm_match(t technologies, n needs, v organizations)
RETURNS TABLE (score numeric, reasons text[])
LANGUAGE sql STABLE AS $$
	SELECT round(match_base(t, n, v) +
	    CASE WHEN sim >= 0.2 THEN 0.15 * least(1, sim / 0.5)::numeric
		ELSE 0 END, 3),
	    array_remove(ARRAY[
		CASE WHEN t.category = n.category THEN 'same category' END,
		CASE WHEN n.sector = ANY (t.sectors) THEN 'sector fits' END,
		CASE WHEN t.price_min_vnd <= n.budget_max_vnd
		    THEN 'within budget' END,
		CASE WHEN sim >= 0.2 THEN 'text similarity' END,
		CASE WHEN tm_funded(t) THEN 'funding eligible' END,
		CASE WHEN v.commune = n.commune THEN 'same commune'
		    WHEN v.district = n.district THEN 'same district' END],
		NULL)
	-- OFFSET 0: computed once, not once for every use of sim.
	FROM (SELECT similarity(t.title_folded, n.title_folded) AS sim
	    OFFSET 0) s
$$;
