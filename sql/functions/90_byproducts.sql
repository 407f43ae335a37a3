-- 90_byproducts.sql -- the by-product exchange: the materials list, a
-- by-product's document, the owner's writes, and matching offers with
-- wants.
--
-- Every write is one function that knows the acting account (p_actor),
-- and each appends its entry to the audit log last (tm_audit).

CREATE OR REPLACE FUNCTION materials_doc() RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce(json_agg(json_build_object(
	    'code', m.code, 'name_vi', m.name_vi, 'name_en', m.name_en)
	    ORDER BY m.sort_order, m.code), '[]'))::text
	FROM materials m
$$;

-- Still to be had on Can Tho's today: no end date, or not yet past.
CREATE OR REPLACE FUNCTION byproduct_available(b byproducts)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
RETURN b.available_until IS NULL OR b.available_until >= tm_cantho_today();

-- The organization is who to contact: its name and place, never an
-- account's email. trim_scale: 12.5, not 12.500.
CREATE OR REPLACE FUNCTION byproduct_doc(b byproducts, o organizations)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
	'id', b.id,
	'organization', json_build_object('id', o.id, 'name', o.name,
	    'kind', o.kind, 'verified', o.verified, 'commune', o.commune,
	    'district', o.district),
	'kind', b.kind,
	'material', b.material,
	'material_code', b.material_code,
	'quantity_tonnes_per_month', trim_scale(b.quantity_tonnes_per_month),
	'commune', b.commune,
	'district', b.district,
	'description', b.description,
	'available_until', b.available_until,
	'status', b.status,
	'version', b.version,
	'created_at', rfc3339(b.created_at),
	'updated_at', rfc3339(b.updated_at),
	'closed_at', rfc3339(b.closed_at))::text;

-- An end date must not be past in Can Tho (TM423 naming the field).
CREATE OR REPLACE FUNCTION byproduct_until_check(b jsonb) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF (b ->> 'available_until')::date < tm_cantho_today() THEN
		RAISE EXCEPTION 'available_until is past'
		    USING ERRCODE = 'TM423', DETAIL = 'available_until';
	END IF;
END $$;

CREATE OR REPLACE FUNCTION byproduct_create(p_actor uuid, p_org uuid,
    b jsonb, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v_id uuid;
BEGIN
	PERFORM tm_place_check('byproducts', 'commune', b ->> 'commune',
	    b ->> 'district', true);
	PERFORM byproduct_until_check(b);
	INSERT INTO byproducts (org_id, kind, material, material_code,
	    quantity_tonnes_per_month, commune, district, description,
	    available_until)
	VALUES (p_org, b ->> 'kind', normalize(b ->> 'material', NFC),
	    b ->> 'material_code',
	    (b ->> 'quantity_tonnes_per_month')::numeric,
	    b ->> 'commune', b ->> 'district',
	    coalesce(normalize(b ->> 'description', NFC), ''),
	    (b ->> 'available_until')::date)
	RETURNING id INTO v_id;
	SELECT byproduct_doc(x, o), x.version INTO doc, version
	FROM byproducts x JOIN organizations o ON o.id = x.org_id
	WHERE x.id = v_id;
	PERFORM tm_audit(p_actor, 'byproduct.create', 'byproduct', v_id::text,
	    (SELECT audit_diff('{}', to_jsonb(x), ARRAY['kind', 'material', 'material_code',
	    'quantity_tonnes_per_month', 'commune', 'district', 'description',
	    'available_until', 'status'])
	    FROM byproducts x WHERE x.id = v_id));
END $$;

-- The owner's row, locked, at the version If-Match named (NULL: any).
-- Refusals: TM404 not the organization's, TM412 stale, TM480 closed
-- (a closed entry is final: post a new one).
CREATE OR REPLACE FUNCTION byproduct_lock(p_id uuid, p_org uuid,
    p_version int) RETURNS byproducts
LANGUAGE plpgsql AS $$
DECLARE
	v byproducts;
BEGIN
	SELECT * INTO v FROM byproducts x
	WHERE x.id = p_id AND x.org_id = p_org FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such by-product' USING ERRCODE = 'TM404';
	END IF;
	IF v.version <> coalesce(p_version, v.version) THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	IF v.status = 'closed' THEN
		RAISE EXCEPTION 'by-product closed' USING ERRCODE = 'TM480',
		    DETAIL = rfc3339(v.closed_at);
	END IF;
	RETURN v;
END $$;

CREATE OR REPLACE FUNCTION byproduct_patch(p_actor uuid, p_id uuid,
    p_org uuid, p_version int, b jsonb, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v byproducts;
BEGIN
	v := byproduct_lock(p_id, p_org, p_version);
	PERFORM tm_no_nulls(b, 'byproducts',
	    ARRAY['material', 'quantity_tonnes_per_month', 'district']);
	PERFORM tm_place_check('byproducts', 'commune', b ->> 'commune',
	    b ->> 'district', false);
	PERFORM byproduct_until_check(b);
	UPDATE byproducts x SET
	    material = CASE WHEN b ? 'material'
		THEN normalize(b ->> 'material', NFC) ELSE x.material END,
	    material_code = CASE WHEN b ? 'material_code'
		THEN b ->> 'material_code' ELSE x.material_code END,
	    quantity_tonnes_per_month = CASE
		WHEN b ? 'quantity_tonnes_per_month'
		THEN (b ->> 'quantity_tonnes_per_month')::numeric
		ELSE x.quantity_tonnes_per_month END,
	    commune = tm_place_commune(b, x.commune, x.district),
	    district = CASE WHEN b ? 'district' THEN b ->> 'district'
		ELSE x.district END,
	    description = CASE WHEN b ? 'description'
		THEN coalesce(normalize(b ->> 'description', NFC), '')
		ELSE x.description END,
	    available_until = CASE WHEN b ? 'available_until'
		THEN (b ->> 'available_until')::date
		ELSE x.available_until END,
	    version = x.version + 1,
	    updated_at = now()
	WHERE x.id = p_id;
	SELECT byproduct_doc(x, o), x.version INTO doc, version
	FROM byproducts x JOIN organizations o ON o.id = x.org_id
	WHERE x.id = p_id;
	PERFORM tm_audit(p_actor, 'byproduct.update', 'byproduct', p_id::text,
	    (SELECT audit_diff(to_jsonb(v), to_jsonb(x), ARRAY['kind', 'material', 'material_code',
	    'quantity_tonnes_per_month', 'commune', 'district', 'description',
	    'available_until', 'status'])
	    FROM byproducts x WHERE x.id = p_id));
END $$;

CREATE OR REPLACE FUNCTION byproduct_close(p_actor uuid, p_id uuid,
    p_org uuid, p_version int, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM byproduct_lock(p_id, p_org, p_version);
	UPDATE byproducts x SET status = 'closed', closed_at = now(),
	    version = x.version + 1, updated_at = now()
	WHERE x.id = p_id;
	SELECT byproduct_doc(x, o), x.version INTO doc, version
	FROM byproducts x JOIN organizations o ON o.id = x.org_id
	WHERE x.id = p_id;
	PERFORM tm_audit(p_actor, 'byproduct.close', 'byproduct', p_id::text,
	    jsonb_build_object('status', 'closed'));
END $$;

-- Whether x passes GET /byproducts' filters (NULL: none). q: every
-- word, in the material or the description, folded as technology search
-- folds.
CREATE OR REPLACE FUNCTION byproduct_filter(x byproducts, p_kind text,
    p_code text, p_commune text, p_district text, p_q text)
RETURNS boolean LANGUAGE sql STABLE
RETURN byproduct_available(x)
    AND (p_kind IS NULL OR x.kind = p_kind)
    AND (p_code IS NULL OR x.material_code = p_code)
    AND (p_commune IS NULL OR x.commune = p_commune)
    AND (p_district IS NULL OR x.district = p_district)
    AND (p_q IS NULL OR x.search @@ tm_tsquery(p_q));

-- GET /byproducts: open entries still available, by the filters, newest
-- first from the cursor (p_ts, p_id) on. A page of a common filter is
-- among the newest 2,000 rows, read in index order; only when those hold
-- too few does the whole query run, the filters' indexes first and the
-- hits sorted by date (the "+ 0" keeps the planner off the date index:
-- its estimates of a Vietnamese q are off by a thousand, and walking
-- 100,000 rows for a word none holds took 400-800 ms).
CREATE OR REPLACE FUNCTION byproduct_list(p_kind text, p_code text,
    p_commune text, p_district text, p_q text, p_ts timestamptz,
    p_id uuid, p_n int)
RETURNS SETOF byproducts LANGUAGE sql STABLE AS $$
	WITH recent AS MATERIALIZED (
		SELECT x.* FROM (SELECT y.* FROM byproducts y
		    WHERE y.status = 'open'
			AND (p_ts IS NULL OR (y.created_at, y.id) < (p_ts, p_id))
		    ORDER BY y.created_at DESC, y.id DESC LIMIT 2000) x
		WHERE byproduct_filter(x, p_kind, p_code, p_commune,
		    p_district, p_q)
		ORDER BY x.created_at DESC, x.id DESC LIMIT p_n)
	SELECT r.* FROM recent r
	WHERE (SELECT count(*) FROM recent) = p_n
	UNION ALL
	(SELECT x.* FROM byproducts x
	WHERE (SELECT count(*) FROM recent) < p_n AND x.status = 'open'
	    AND byproduct_filter(x, p_kind, p_code, p_commune, p_district,
		p_q)
	    AND (p_ts IS NULL OR (x.created_at, x.id) < (p_ts, p_id))
	ORDER BY x.created_at + interval '0' DESC, x.id DESC LIMIT p_n)
$$;

-- The other kind to s's: an offer's counterparts are wants.
CREATE OR REPLACE FUNCTION byproduct_other_kind(k text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE k WHEN 'offer' THEN 'want' ELSE 'offer' END;

-- s's candidates, found by index: the 500 newest open entries of the
-- other kind with the same material code, and, among those without a
-- code, the ones whose folded material text is like s's (pg_trgm's %,
-- similarity 0.3 or more). An
-- entry coded otherwise is another material however its text reads
-- (tro trấu, husk ash, is not trấu); one that neither shares the code
-- nor reads alike could score 0.40 at most. For s without a code, the
-- text alone decides. Three branches, none overlapping, so no UNION
-- has to sort; the one-time filters on s pick the branches that run.
-- Only what scoring reads, which byproducts_code covers: at 100,000
-- entries, reading whole rows of every similar text cost 550 ms a page,
-- a code's 2,000 entries from the heap 35 ms. Bounded, as technology
-- matching is: scoring all 2,000 (trigram similarity of every one) held
-- the matches at 24 requests/s; the newest 500 are what a market shows
-- as current (README, "By-product exchange").
CREATE OR REPLACE FUNCTION byproduct_candidates(s byproducts)
RETURNS TABLE (id uuid, org_id uuid, material_code text,
    material_folded text, quantity numeric, district text,
    available_until date)
LANGUAGE sql STABLE AS $$
	(SELECT c.id, c.org_id, c.material_code, c.material_folded,
	    c.quantity_tonnes_per_month, c.district, c.available_until
	FROM byproducts c
	WHERE s.material_code IS NOT NULL AND c.status = 'open'
	    AND c.material_code = s.material_code
	    AND c.kind = byproduct_other_kind(s.kind)
	ORDER BY c.created_at DESC, c.id DESC LIMIT 500)
	UNION ALL
	SELECT c.id, c.org_id, c.material_code, c.material_folded,
	    c.quantity_tonnes_per_month, c.district, c.available_until
	FROM byproducts c
	WHERE s.material_code IS NOT NULL AND c.status = 'open'
	    AND c.material_code IS NULL
	    AND c.material_folded % s.material_folded
	    AND c.kind = byproduct_other_kind(s.kind)
	UNION ALL
	SELECT c.id, c.org_id, c.material_code, c.material_folded,
	    c.quantity_tonnes_per_month, c.district, c.available_until
	FROM byproducts c
	WHERE s.material_code IS NULL AND c.status = 'open'
	    AND c.material_folded % s.material_folded
	    AND c.kind = byproduct_other_kind(s.kind)
$$;

-- The score of a candidate c (c_*) for s, deterministic, in 0..1
-- (README, "By-product exchange"), and its terms: same material code
-- 0.35; material text similarity up to 0.25 (trigram similarity of the
-- folded texts, from 0.3, full at 0.6); quantity fit 0.15 x the smaller
-- over the larger; distance 0.15 x (1 - km / 100), none from 100 km or
-- when a district is unknown; availability 0.10 x the shorter of the
-- two remaining windows (from p_today) over 90 days, no end date
-- counting as 90. A table function so that PostgreSQL inlines it; float
-- arithmetic, rounded once (in numeric the terms cost 22 µs a
-- candidate), and the reasons made for the page's rows only.
CREATE OR REPLACE FUNCTION byproduct_match(s byproducts, c_code text,
    c_folded text, c_quantity numeric, c_until date, km numeric,
    p_today date)
RETURNS TABLE (score numeric, terms float8[])
LANGUAGE sql STABLE AS $$
	SELECT round((t.code + t.text + t.qty + t.near + t.avail)::numeric, 3),
	    ARRAY[t.code, t.text, t.qty, t.near, t.avail]
	FROM (SELECT
	    CASE WHEN s.material_code = c_code THEN 0.35::float8
		ELSE 0 END AS code,
	    CASE WHEN x.sim >= 0.3 THEN 0.25 * least(1, x.sim / 0.6)
		ELSE 0 END AS text,
	    0.15 * x.qa / x.qb AS qty,
	    coalesce(0.15 * greatest(0, 1 - km::float8 / 100), 0) AS near,
	    0.10 * greatest(0, least(1, coalesce(least(
		s.available_until - p_today, c_until - p_today),
		90) / 90.0::float8)) AS avail
	    -- OFFSET 0: computed once, not once per use.
	    FROM (SELECT similarity(s.material_folded, c_folded) AS sim,
		least(s.quantity_tonnes_per_month, c_quantity)::float8 AS qa,
		greatest(s.quantity_tonnes_per_month, c_quantity)::float8
		AS qb OFFSET 0) x) t
$$;

-- reasons[]: the terms (byproduct_match's) that scored half their
-- weight or more.
CREATE OR REPLACE FUNCTION byproduct_reasons(t float8[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN array_remove(ARRAY[
	CASE WHEN t[1] > 0 THEN 'same material code' END,
	CASE WHEN t[2] >= 0.125 THEN 'similar material' END,
	CASE WHEN t[3] >= 0.075 THEN 'quantity fits' END,
	CASE WHEN t[4] >= 0.075 THEN 'nearby' END,
	CASE WHEN t[5] >= 0.05 THEN 'available' END], NULL);

-- The distances from p_district to each of the 28 districts, by code:
-- tm_km() once a district, not once a candidate.
CREATE OR REPLACE FUNCTION byproduct_kms(p_district text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_object_agg(d.code, tm_km(p_district, d.code))
	FROM districts d
$$;
