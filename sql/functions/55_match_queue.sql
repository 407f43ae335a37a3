-- 55_match_queue.sql -- the match table (018_match_queue.sql) and the
-- queue that keeps it: what enqueues a job, and the drain the server's
-- workers run on a timer (app/matches.c). Never on the request path.

-- The most technologies a need keeps (need_candidates() gives at most
-- 420; later technologies that beat the lowest enter up to this).
CREATE OR REPLACE FUNCTION match_keep() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 500;

-- Below this many rows an incomplete need is scored again from scratch
-- (technologies it listed were archived or fell behind).
CREATE OR REPLACE FUNCTION match_refill() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 100;

-- tm_km() as a table function, which PostgreSQL inlines into a join
-- (tm_km() called once a row cost 40 µs): no row when a district is
-- unknown.
CREATE OR REPLACE FUNCTION match_km(p_from text, p_to text)
RETURNS TABLE (km numeric) LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN a.code = b.code THEN 0 ELSE round((1.2 * 2 * 6371
	    * asin(sqrt(sin(radians(b.lat - a.lat) / 2) ^ 2
	    + cos(radians(a.lat)) * cos(radians(b.lat))
	    * sin(radians(b.lon - a.lon) / 2) ^ 2)))::numeric, 1) END
	FROM districts a, districts b
	WHERE a.code = p_from AND b.code = p_to
$$;

-- Enqueues (p_kind, ref) for each ref that has no waiting job. A waiting
-- job is one no drain holds: one a drain holds may have read the row
-- before this change, so the change gets a job of its own. The waiting
-- job found stays locked until this transaction ends, so a drain cannot
-- take it before the change is visible.
CREATE OR REPLACE FUNCTION match_enqueue(p_kind text, p_refs uuid[])
RETURNS void LANGUAGE sql AS $$
	WITH w AS (
		SELECT j.ref FROM match_jobs j
		WHERE j.ref = ANY (p_refs) AND j.kind = p_kind
		FOR UPDATE SKIP LOCKED)
	INSERT INTO match_jobs (kind, ref)
	SELECT p_kind, r FROM (SELECT DISTINCT r
	    FROM unnest(p_refs) r WHERE r IS NOT NULL) x
	WHERE NOT EXISTS (SELECT 1 FROM w WHERE w.ref = x.r)
	ORDER BY r
$$;

-- A technology counts while it is or was published, when something the
-- score reads changed: status, category, sectors, price, title, funding,
-- vendor.
CREATE OR REPLACE FUNCTION match_technologies_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM match_enqueue('technology', ARRAY(SELECT n.id
		    FROM new_rows n WHERE n.status = 'published'));
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM match_enqueue('technology', ARRAY(SELECT o.id
		    FROM old_rows o WHERE o.status = 'published'));
	ELSE
		PERFORM match_enqueue('technology', ARRAY(SELECT n.id
		    FROM new_rows n JOIN old_rows o ON o.id = n.id
		    WHERE (n.status = 'published' OR o.status = 'published')
		    AND (n.status, n.category, n.sectors, n.price_min_vnd,
			n.title_folded, n.funding_until, n.vendor_id)
			IS DISTINCT FROM (o.status, o.category, o.sectors,
			o.price_min_vnd, o.title_folded, o.funding_until,
			o.vendor_id)));
	END IF;
	RETURN NULL;
END $$;

-- A need counts while it is or was open, when something the score or
-- the candidates read changed: status, title, category, sector, budget,
-- place.
CREATE OR REPLACE FUNCTION match_needs_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM match_enqueue('need', ARRAY(SELECT n.id
		    FROM new_rows n WHERE n.status = 'open'));
	ELSE
		PERFORM match_enqueue('need', ARRAY(SELECT n.id
		    FROM new_rows n JOIN old_rows o ON o.id = n.id
		    WHERE (n.status = 'open' OR o.status = 'open')
		    AND (n.status, n.title_folded, n.category, n.sector,
			n.budget_max_vnd, n.district, n.commune)
			IS DISTINCT FROM (o.status, o.title_folded, o.category,
			o.sector, o.budget_max_vnd, o.district, o.commune)));
	END IF;
	RETURN NULL;
END $$;

-- A vendor's place is in its technologies' scores (same commune or
-- district). Its verification and name are not: the answers read them
-- live (technology_doc()), as they read the enterprise's.
CREATE OR REPLACE FUNCTION match_organizations_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM match_enqueue('technology', ARRAY(SELECT t.id
	    FROM new_rows n JOIN old_rows o ON o.id = n.id
	    JOIN technologies t ON t.vendor_id = n.id
	    WHERE t.status = 'published'
	    AND (n.district, n.commune) IS DISTINCT FROM
		(o.district, o.commune)));
	RETURN NULL;
END $$;

-- A need scored from scratch: its rows are the best match_keep() of the
-- candidates need_candidates() finds and of those it listed before (the
-- technologies that entered later, while they still share its category
-- or sector), scored; complete when they are all the published
-- technologies sharing its category or sector. A closed or deleted need
-- keeps no rows.
CREATE OR REPLACE FUNCTION match_need_score(p_need uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	n	needs;
	before	uuid[];
BEGIN
	WITH d AS (DELETE FROM match_scores WHERE need_id = p_need
	    RETURNING tech_id)
	SELECT array_agg(d.tech_id) INTO before FROM d;
	DELETE FROM match_needs WHERE need_id = p_need;
	SELECT * INTO n FROM needs x WHERE x.id = p_need AND x.status = 'open';
	IF NOT FOUND THEN
		RETURN;
	END IF;
	-- One statement, so one snapshot: the list is complete when it
	-- holds every technology this snapshot shares the need with. Counted
	-- in a statement of its own, a technology published between the two
	-- was counted, not scored, and its own job then met an incomplete
	-- list it could not enter (CI saw a need list its first technology
	-- only, for good).
	WITH s AS (
		INSERT INTO match_scores (need_id, tech_id, score, reasons,
		    distance_km)
		SELECT n.id, t.id, m.score, m.reasons, k.km
		FROM (SELECT c FROM need_candidates(n) c
		    UNION SELECT unnest(before)) c(id)
		    JOIN technologies t ON t.id = c.id
			AND t.status = 'published' AND (t.category = n.category
			OR n.sector = ANY (t.sectors))
		    JOIN organizations v ON v.id = t.vendor_id
		    LEFT JOIN LATERAL match_km(v.district, n.district) k
			ON true,
		    LATERAL tm_match(t, n, v) m
		ORDER BY m.score DESC, t.id DESC LIMIT match_keep()
		RETURNING 1),
	kept AS (SELECT count(*) AS rows_ FROM s)
	INSERT INTO match_needs (need_id, complete)
	SELECT n.id, (SELECT count(*) FROM (SELECT 1 FROM technologies t
	    WHERE t.status = 'published' AND (t.category = n.category
		OR n.sector = ANY (t.sectors))
	    LIMIT (SELECT kept.rows_ FROM kept) + 1) x) <= kept.rows_
	FROM kept;
END $$;

-- Technologies scored again against every open need sharing their
-- category or a sector, in one pass: each leaves the lists it was in;
-- if published, it enters a scored need's list when the need is
-- complete or when it beats the lowest listed (score, id); a list over
-- match_keep() loses its lowest and is incomplete from then on. An
-- incomplete list that fell under match_refill() is queued to be scored
-- from scratch.
CREATE OR REPLACE FUNCTION match_techs_score(p_techs uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	left_	uuid[];
	entered	uuid[];
	over	uuid[];
BEGIN
	WITH d AS (DELETE FROM match_scores s WHERE s.tech_id = ANY (p_techs)
	    RETURNING s.need_id)
	SELECT array_agg(DISTINCT d.need_id) INTO left_ FROM d;
	-- lo: an incomplete list's lowest (score, id), read backwards
	-- from the index; an empty incomplete list takes nothing (it is
	-- queued for a refill).
	WITH c AS (
		SELECT n.id AS need_id, t.id AS tech_id, m.score, m.reasons,
		    k.km, mn.complete, lo.score AS lo_score, lo.tech_id AS lo_id
		FROM technologies t JOIN organizations v ON v.id = t.vendor_id
		JOIN needs n ON n.status = 'open' AND (t.category = n.category
		    OR n.sector = ANY (t.sectors))
		JOIN match_needs mn ON mn.need_id = n.id
		LEFT JOIN LATERAL (SELECT x.score, x.tech_id
		    FROM match_scores x WHERE x.need_id = n.id
		    ORDER BY x.score, x.tech_id LIMIT 1) lo ON NOT mn.complete
		LEFT JOIN LATERAL match_km(v.district, n.district) k ON true,
		LATERAL tm_match(t, n, v) m
		WHERE t.id = ANY (p_techs) AND t.status = 'published'
		    AND (mn.complete
			OR match_base(t, n, v) + 0.15 >= lo.score)),
	i AS (
		INSERT INTO match_scores (need_id, tech_id, score, reasons,
		    distance_km)
		SELECT c.need_id, c.tech_id, c.score, c.reasons, c.km FROM c
		WHERE c.complete OR (c.score, c.tech_id) > (c.lo_score, c.lo_id)
		ON CONFLICT (need_id, tech_id) DO UPDATE
		SET score = excluded.score, reasons = excluded.reasons,
		    distance_km = excluded.distance_km
		RETURNING need_id)
	SELECT array_agg(DISTINCT i.need_id) INTO entered FROM i;
	SELECT array_agg(s.need_id) INTO over FROM (
		SELECT x.need_id FROM match_scores x
		WHERE x.need_id = ANY (entered)
		GROUP BY x.need_id HAVING count(*) > match_keep()) s;
	IF over IS NOT NULL THEN
		DELETE FROM match_scores s USING (
			SELECT x.need_id, x.tech_id, row_number() OVER (
			    PARTITION BY x.need_id
			    ORDER BY x.score DESC, x.tech_id DESC) AS rn
			FROM match_scores x WHERE x.need_id = ANY (over)) r
		WHERE r.rn > match_keep() AND s.need_id = r.need_id
		    AND s.tech_id = r.tech_id;
		UPDATE match_needs SET complete = false
		WHERE need_id = ANY (over);
	END IF;
	PERFORM match_enqueue('need', ARRAY(SELECT mn.need_id
	    FROM match_needs mn WHERE mn.need_id = ANY (left_)
	    AND NOT mn.complete AND (SELECT count(*) FROM match_scores x
		WHERE x.need_id = mn.need_id) < match_refill()));
END $$;

-- One job of match_drain(), in a subtransaction of its own: false when
-- it met a lock (lock_not_available, deadlock_detected), having let go of
-- what it took; true when it is done, or failed otherwise and is dropped
-- (logged).
CREATE OR REPLACE FUNCTION match_job(p_kind text, p_ref uuid)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	IF p_kind = 'need' THEN
		PERFORM match_need_score(p_ref);
	ELSE
		PERFORM match_techs_score(ARRAY[p_ref]);
	END IF;
	RETURN true;
EXCEPTION
	WHEN lock_not_available OR deadlock_detected THEN
		RAISE LOG 'match_drain: % % met a lock', p_kind, p_ref;
		RETURN false;
	WHEN OTHERS THEN
		RAISE LOG 'match_drain: % % dropped: %', p_kind, p_ref, SQLERRM;
		RETURN true;
END $$;

-- One drain: the oldest p_jobs jobs no other drain holds, first in
-- first out whatever their kind, of which at most p_needs need jobs (the
-- rest wait for the next drain); one drain at a time (the others return
-- at once: two would score the same lists). First in first out matters
-- for bulk loads: a technology scored before the needs that came after
-- it costs nothing against them, after them 5-15 ms against 1,000. The
-- first drain of a day queues the technologies whose funding ended since
-- the last. Returns the jobs done and the backlog left: jobs waiting and
-- the age of the oldest in seconds (0: none).
--
-- A user deleting a need or technology locks its row, then its matches;
-- a job locks matches, then the row, for their foreign key. PostgreSQL
-- looks for the deadlock only after deadlock_timeout (1 s), and picked
-- the user's DELETE: 409 (CI saw one in ~5,000 tests). So a drain waits
-- at most lock_timeout (well under deadlock_timeout) for a lock, and
-- after a job that met one it runs no other and commits, letting the
-- user go on: that job goes to the back of the queue, as old as it was,
-- and the jobs not run stay where they are. The deadlock can still be
-- found if the drain's one wait spans the user's first second of
-- waiting, which takes a drain that ran most of a second before it.
CREATE OR REPLACE FUNCTION match_drain(p_needs int, p_jobs int,
    OUT done int, OUT waiting bigint, OUT oldest_s numeric)
LANGUAGE plpgsql SET lock_timeout = '100ms' AS $$
DECLARE
	day_	date;
	ids	bigint[];
	needs_	uuid[];
	techs	uuid[];
	kind_	text;
	r	uuid;
	-- The jobs' refs done (or dropped), and the one that met a lock.
	ran	uuid[] := '{}';
	late	uuid;
BEGIN
	done := 0;
	IF pg_try_advisory_xact_lock(hashtext('match_drain')) THEN
		SELECT s.day INTO day_ FROM match_state s FOR UPDATE;
		IF day_ < tm_cantho_today() THEN
			PERFORM match_enqueue('technology', ARRAY(SELECT t.id
			    FROM technologies t WHERE t.status = 'published'
			    AND t.funding_until >= day_
			    AND t.funding_until < tm_cantho_today()));
			UPDATE match_state SET day = tm_cantho_today();
		END IF;
		-- The oldest jobs, cut after the p_needs-th need job.
		WITH j AS (
			SELECT x.id, x.kind, x.ref FROM match_jobs x
			ORDER BY x.id LIMIT p_jobs FOR UPDATE SKIP LOCKED),
		k AS (
			SELECT j.*, count(*) FILTER (WHERE j.kind = 'need')
			    OVER (ORDER BY j.id) AS nth FROM j),
		cut AS (
			SELECT * FROM k WHERE k.nth < p_needs
			    OR (k.nth = p_needs AND k.kind = 'need'))
		SELECT array_agg(cut.id),
		    array_agg(DISTINCT cut.ref)
			FILTER (WHERE cut.kind = 'need'),
		    array_agg(DISTINCT cut.ref)
			FILTER (WHERE cut.kind = 'technology')
		INTO ids, needs_, techs FROM cut;
		-- The technologies in one pass; if it fails, one by one with
		-- the needs. A job that fails otherwise (its row deleted
		-- meanwhile) is dropped and logged, never retried forever at
		-- the head of the queue: the next change queues it again.
		IF techs IS NOT NULL THEN
			BEGIN
				PERFORM match_techs_score(techs);
				ran := techs;
				techs := NULL;
			EXCEPTION WHEN OTHERS THEN
				NULL;
			END;
		END IF;
		FOR kind_, r IN
			SELECT j.kind, j.ref FROM (
			    SELECT 1 AS g, 'technology' AS kind, x.ref, x.o
			    FROM unnest(techs) WITH ORDINALITY x(ref, o)
			    UNION ALL
			    SELECT 2, 'need', x.ref, x.o
			    FROM unnest(needs_) WITH ORDINALITY x(ref, o)) j
			ORDER BY j.g, j.o
		LOOP
			IF NOT match_job(kind_, r) THEN
				late := r;
				EXIT;
			END IF;
			ran := ran || r;
		END LOOP;
		UPDATE match_jobs SET id = nextval(pg_get_serial_sequence(
		    'match_jobs', 'id'))
		WHERE id = ANY (ids) AND ref = late;
		DELETE FROM match_jobs WHERE id = ANY (ids) AND ref = ANY (ran);
		GET DIAGNOSTICS done = ROW_COUNT;
	END IF;
	SELECT count(*), coalesce(round(extract(epoch FROM
	    clock_timestamp() - min(j.queued_at))::numeric, 3), 0)
	INTO waiting, oldest_s FROM match_jobs j;
END $$;
