-- 004_market.sql -- vendors' technologies and enterprises' needs, with the
-- folded (diacritic-free, lower-case) text that search and matching use.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Vietnamese folded for search: NFC first (NFD input has loose marks),
-- then unaccent drops the marks and maps đ to d. unaccent() is only
-- STABLE because its dictionary could change; ours is fixed, and an
-- index needs an IMMUTABLE function.
CREATE FUNCTION tm_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary,
    normalize(t, NFC)));

-- Every code in a is a sector: array columns cannot hold foreign keys.
CREATE FUNCTION tm_sectors_ok(a text[]) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN NOT EXISTS (SELECT 1 FROM unnest(a) s(code)
    WHERE NOT EXISTS (SELECT 1 FROM sectors WHERE sectors.code = s.code));

CREATE TABLE technologies (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	vendor_id	uuid NOT NULL REFERENCES organizations(id),
	title		text NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
	summary		text NOT NULL CHECK (length(summary) BETWEEN 1 AND 1000),
	description	text NOT NULL DEFAULT ''
			CHECK (length(description) <= 20000),
	category	text NOT NULL REFERENCES categories(code),
	sectors		text[] NOT NULL DEFAULT '{}'
			CHECK (cardinality(sectors) <= 20),
	trl		int NOT NULL CHECK (trl BETWEEN 1 AND 9),
	price_min_vnd	bigint CHECK (price_min_vnd >= 0),
	price_max_vnd	bigint CHECK (price_max_vnd >= 0),
	energy_saving_pct	int CHECK (energy_saving_pct BETWEEN 0 AND 100),
	water_saving_pct	int CHECK (water_saving_pct BETWEEN 0 AND 100),
	waste_reduction_pct	int CHECK (waste_reduction_pct BETWEEN 0 AND 100),
	co2_reduction_tonnes_per_year bigint
			CHECK (co2_reduction_tonnes_per_year >= 0),
	certifications	text[] NOT NULL DEFAULT '{}'
			CHECK (cardinality(certifications) <= 20),
	status		text NOT NULL DEFAULT 'draft'
			CHECK (status IN ('draft', 'published', 'archived')),
	version		int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	published_at	timestamptz,
	-- "__": what follows is not part of the field name (see
	-- constraint_field() in app/http_util.c).
	CONSTRAINT technologies_price_max_vnd__order_check
	    CHECK (price_min_vnd IS NULL OR price_max_vnd IS NULL
	    OR price_min_vnd <= price_max_vnd),
	-- Title words weigh most, so title hits rank first.
	search		tsvector GENERATED ALWAYS AS (
	    setweight(to_tsvector('simple', tm_fold(title)), 'A') ||
	    setweight(to_tsvector('simple', tm_fold(summary)), 'B') ||
	    setweight(to_tsvector('simple', tm_fold(description)), 'C'))
	    STORED,
	title_folded	text GENERATED ALWAYS AS (tm_fold(title)) STORED
);
CREATE INDEX technologies_search ON technologies USING gin (search)
	WHERE status = 'published';
CREATE INDEX technologies_title_trgm ON technologies
	USING gin (title_folded gin_trgm_ops) WHERE status = 'published';
CREATE INDEX technologies_newest ON technologies (created_at DESC, id DESC)
	WHERE status = 'published';
CREATE INDEX technologies_price ON technologies (price_min_vnd, id)
	WHERE status = 'published';
CREATE INDEX technologies_vendor ON technologies (vendor_id, created_at);
CREATE INDEX technologies_category ON technologies (category)
	WHERE status = 'published';
CREATE INDEX technologies_sectors ON technologies USING gin (sectors)
	WHERE status = 'published';

CREATE TABLE needs (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	enterprise_id	uuid NOT NULL REFERENCES organizations(id),
	title		text NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
	description	text NOT NULL DEFAULT ''
			CHECK (length(description) <= 20000),
	category	text NOT NULL REFERENCES categories(code),
	sector		text NOT NULL REFERENCES sectors(code),
	district	text NOT NULL REFERENCES districts(code),
	budget_max_vnd	bigint CHECK (budget_max_vnd >= 0),
	deadline	date,
	status		text NOT NULL DEFAULT 'open'
			CHECK (status IN ('open', 'closed')),
	version		int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	search		tsvector GENERATED ALWAYS AS (
	    setweight(to_tsvector('simple', tm_fold(title)), 'A') ||
	    setweight(to_tsvector('simple', tm_fold(description)), 'C'))
	    STORED,
	title_folded	text GENERATED ALWAYS AS (tm_fold(title)) STORED
);
CREATE INDEX needs_search ON needs USING gin (search) WHERE status = 'open';
CREATE INDEX needs_title_trgm ON needs USING gin (title_folded gin_trgm_ops)
	WHERE status = 'open';
CREATE INDEX needs_newest ON needs (created_at DESC, id DESC)
	WHERE status = 'open';
CREATE INDEX needs_enterprise ON needs (enterprise_id, created_at);

-- JSON array of strings to text[] (NFC); anything else is empty.
CREATE FUNCTION tm_text_array(j jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN jsonb_typeof(j) = 'array' THEN
    ARRAY(SELECT normalize(x, NFC) FROM jsonb_array_elements_text(j) x)
    ELSE '{}'::text[] END;

-- A PATCH may not null what must have a value: say which field.
CREATE FUNCTION tm_no_nulls(b jsonb, p_table text, p_keys text[])
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

CREATE FUNCTION technology_doc(t technologies, o organizations) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
	'id', t.id,
	'vendor', json_build_object('id', o.id, 'name', o.name,
	    'verified', o.verified),
	'title', t.title,
	'summary', t.summary,
	'description', t.description,
	'category', t.category,
	'sectors', t.sectors,
	'trl', t.trl,
	'price_min_vnd', t.price_min_vnd,
	'price_max_vnd', t.price_max_vnd,
	'benefits', json_build_object(
	    'energy_saving_pct', t.energy_saving_pct,
	    'water_saving_pct', t.water_saving_pct,
	    'waste_reduction_pct', t.waste_reduction_pct,
	    'co2_reduction_tonnes_per_year',
		t.co2_reduction_tonnes_per_year),
	'certifications', t.certifications,
	'status', t.status,
	'funding', NULL,
	'version', t.version,
	'created_at', rfc3339(t.created_at),
	'updated_at', rfc3339(t.updated_at))::text;

CREATE FUNCTION technology_create(p_vendor uuid, b jsonb,
    OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v_id uuid;
BEGIN
	IF NOT tm_sectors_ok(tm_text_array(b -> 'sectors')) THEN
		RAISE foreign_key_violation USING
		    CONSTRAINT = 'technologies_sectors_fkey';
	END IF;
	INSERT INTO technologies (vendor_id, title, summary, description,
	    category, sectors, trl, price_min_vnd, price_max_vnd,
	    energy_saving_pct, water_saving_pct, waste_reduction_pct,
	    co2_reduction_tonnes_per_year, certifications)
	VALUES (p_vendor, normalize(b ->> 'title', NFC),
	    normalize(b ->> 'summary', NFC),
	    coalesce(normalize(b ->> 'description', NFC), ''),
	    b ->> 'category', tm_text_array(b -> 'sectors'),
	    (b ->> 'trl')::int, (b ->> 'price_min_vnd')::bigint,
	    (b ->> 'price_max_vnd')::bigint,
	    (b -> 'benefits' ->> 'energy_saving_pct')::int,
	    (b -> 'benefits' ->> 'water_saving_pct')::int,
	    (b -> 'benefits' ->> 'waste_reduction_pct')::int,
	    (b -> 'benefits' ->> 'co2_reduction_tonnes_per_year')::bigint,
	    tm_text_array(b -> 'certifications'))
	RETURNING id INTO v_id;
	SELECT technology_doc(t, o), t.version INTO doc, version
	FROM technologies t JOIN organizations o ON o.id = t.vendor_id
	WHERE t.id = v_id;
END $$;

-- result: ok, not_found, stale, or "move:<current status>" for a
-- status change the lifecycle does not allow.
CREATE FUNCTION technology_patch(p_id uuid, p_vendor uuid, p_version int,
    b jsonb, OUT result text, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v technologies;
	v_status text;
	-- "benefits": null clears all four.
	v_bn jsonb := CASE WHEN b -> 'benefits' = 'null'::jsonb THEN
	    '{"energy_saving_pct": null, "water_saving_pct": null,
	    "waste_reduction_pct": null,
	    "co2_reduction_tonnes_per_year": null}'::jsonb
	    ELSE coalesce(b -> 'benefits', '{}'::jsonb) END;
BEGIN
	SELECT * INTO v FROM technologies t
	WHERE t.id = p_id AND t.vendor_id = p_vendor FOR UPDATE;
	IF NOT FOUND THEN
		result := 'not_found';
		RETURN;
	END IF;
	IF v.version <> p_version THEN
		result := 'stale';
		RETURN;
	END IF;
	v_status := coalesce(b ->> 'status', v.status);
	IF v_status <> v.status AND NOT (v.status, v_status) IN
	    (('draft', 'published'), ('published', 'archived'),
	    ('archived', 'published')) THEN
		result := 'move:' || v.status;
		RETURN;
	END IF;
	PERFORM tm_no_nulls(b, 'technologies',
	    ARRAY['title', 'summary', 'category', 'trl', 'status']);
	IF b ? 'sectors' AND NOT tm_sectors_ok(tm_text_array(b -> 'sectors'))
	    THEN
		RAISE foreign_key_violation USING
		    CONSTRAINT = 'technologies_sectors_fkey';
	END IF;
	UPDATE technologies t SET
	    title = CASE WHEN b ? 'title' THEN normalize(b ->> 'title', NFC)
		ELSE t.title END,
	    summary = CASE WHEN b ? 'summary'
		THEN normalize(b ->> 'summary', NFC) ELSE t.summary END,
	    description = CASE WHEN b ? 'description'
		THEN coalesce(normalize(b ->> 'description', NFC), '')
		ELSE t.description END,
	    category = CASE WHEN b ? 'category' THEN b ->> 'category'
		ELSE t.category END,
	    sectors = CASE WHEN b ? 'sectors' THEN tm_text_array(b -> 'sectors')
		ELSE t.sectors END,
	    trl = CASE WHEN b ? 'trl' THEN (b ->> 'trl')::int ELSE t.trl END,
	    price_min_vnd = CASE WHEN b ? 'price_min_vnd'
		THEN (b ->> 'price_min_vnd')::bigint ELSE t.price_min_vnd END,
	    price_max_vnd = CASE WHEN b ? 'price_max_vnd'
		THEN (b ->> 'price_max_vnd')::bigint ELSE t.price_max_vnd END,
	    energy_saving_pct = CASE WHEN v_bn ? 'energy_saving_pct'
		THEN (v_bn ->> 'energy_saving_pct')::int
		ELSE t.energy_saving_pct END,
	    water_saving_pct = CASE WHEN v_bn ? 'water_saving_pct'
		THEN (v_bn ->> 'water_saving_pct')::int
		ELSE t.water_saving_pct END,
	    waste_reduction_pct = CASE WHEN v_bn ? 'waste_reduction_pct'
		THEN (v_bn ->> 'waste_reduction_pct')::int
		ELSE t.waste_reduction_pct END,
	    co2_reduction_tonnes_per_year =
		CASE WHEN v_bn ? 'co2_reduction_tonnes_per_year'
		THEN (v_bn ->> 'co2_reduction_tonnes_per_year')::bigint
		ELSE t.co2_reduction_tonnes_per_year END,
	    certifications = CASE WHEN b ? 'certifications'
		THEN tm_text_array(b -> 'certifications')
		ELSE t.certifications END,
	    status = v_status,
	    published_at = CASE WHEN v_status = 'published'
		AND t.published_at IS NULL THEN now() ELSE t.published_at END,
	    version = t.version + 1,
	    updated_at = now()
	WHERE t.id = p_id;
	result := 'ok';
	SELECT technology_doc(t, o), t.version INTO doc, version
	FROM technologies t JOIN organizations o ON o.id = t.vendor_id
	WHERE t.id = p_id;
END $$;

-- q as a tsquery over folded words, every word required. websearch
-- syntax never fails: quotes, operators and SQL are just searched for.
CREATE FUNCTION tm_tsquery(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN websearch_to_tsquery('simple', tm_fold(q));

-- The filters other than q and district, shared by the branches of
-- tech_filtered(). No sub-select here: it would stop PostgreSQL from
-- inlining the function, and calling it per row doubles a search's cost.
CREATE FUNCTION tech_filter(t technologies, p_category text, p_sector text,
    p_trl_min int, p_trl_max int, p_price_max bigint, p_vendor uuid,
    p_funding boolean)
RETURNS boolean LANGUAGE sql STABLE
RETURN (p_category IS NULL OR t.category = p_category)
    AND (p_sector IS NULL OR t.sectors @> ARRAY[p_sector])
    AND (p_trl_min IS NULL OR t.trl >= p_trl_min)
    AND (p_trl_max IS NULL OR t.trl <= p_trl_max)
    AND (p_price_max IS NULL OR t.price_min_vnd <= p_price_max)
    AND (p_vendor IS NULL OR t.vendor_id = p_vendor)
    -- No technology is flagged eligible before the funding work.
    AND (p_funding IS NULL OR NOT p_funding);

-- The published technologies a list shows, by the contract's filters
-- (NULL: no filter). With q: the rows holding every word, or only when
-- the filters keep none of those, the rows whose title is word-similar
-- to q (a typo, a missing word). Trigram similarity must be checked row by row, so it
-- runs only as that fallback; each branch's one-time filter skips it.
CREATE FUNCTION tech_filtered(p_q text, p_category text, p_sector text,
    p_district text, p_trl_min int, p_trl_max int, p_price_max bigint,
    p_vendor uuid, p_funding boolean)
RETURNS SETOF technologies LANGUAGE sql STABLE AS $$
	SELECT t.* FROM technologies t
	WHERE t.status = 'published' AND p_q IS NULL
	    AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding)
	    AND (p_district IS NULL OR t.vendor_id IN (SELECT o.id
		FROM organizations o WHERE o.district = p_district))
	UNION ALL
	SELECT t.* FROM technologies t
	WHERE t.status = 'published' AND t.search @@ tm_tsquery(p_q)
	    AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding)
	    AND (p_district IS NULL OR t.vendor_id IN (SELECT o.id
		FROM organizations o WHERE o.district = p_district))
	UNION ALL
	SELECT t.* FROM technologies t
	WHERE t.status = 'published' AND tm_fold(p_q) <% t.title_folded
	    -- No full-text hit among the rows the other filters keep.
	    AND NOT EXISTS (SELECT 1 FROM technologies x
		WHERE x.status = 'published' AND x.search @@ tm_tsquery(p_q)
		AND tech_filter(x, p_category, p_sector, p_trl_min, p_trl_max,
		    p_price_max, p_vendor, p_funding)
		AND (p_district IS NULL OR x.vendor_id IN (SELECT o.id
		    FROM organizations o WHERE o.district = p_district)))
	    AND tech_filter(t, p_category, p_sector, p_trl_min, p_trl_max,
		p_price_max, p_vendor, p_funding)
	    AND (p_district IS NULL OR t.vendor_id IN (SELECT o.id
		FROM organizations o WHERE o.district = p_district))
$$;

-- Title hits first: title words carry weight A. Rows found only by the
-- title fallback rank by that similarity instead (computing it for every
-- full-text hit would triple a broad search's cost).
CREATE FUNCTION tm_rank(search tsvector, title_folded text, q text)
RETURNS real LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN search @@ tm_tsquery(q) THEN ts_rank(search, tm_tsquery(q))
    ELSE word_similarity(tm_fold(q), title_folded) / 10 END;

CREATE FUNCTION need_doc(n needs, o organizations) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
	'id', n.id,
	'enterprise', json_build_object('id', o.id, 'name', o.name),
	'title', n.title,
	'description', n.description,
	'category', n.category,
	'sector', n.sector,
	'district', n.district,
	'budget_max_vnd', n.budget_max_vnd,
	'deadline', n.deadline,
	'status', n.status,
	'version', n.version,
	'created_at', rfc3339(n.created_at),
	'updated_at', rfc3339(n.updated_at))::text;

CREATE FUNCTION need_create(p_enterprise uuid, b jsonb,
    OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v_id uuid;
BEGIN
	INSERT INTO needs (enterprise_id, title, description, category,
	    sector, district, budget_max_vnd, deadline)
	VALUES (p_enterprise, normalize(b ->> 'title', NFC),
	    coalesce(normalize(b ->> 'description', NFC), ''),
	    b ->> 'category', b ->> 'sector', b ->> 'district',
	    (b ->> 'budget_max_vnd')::bigint, (b ->> 'deadline')::date)
	RETURNING id INTO v_id;
	SELECT need_doc(n, o), n.version INTO doc, version
	FROM needs n JOIN organizations o ON o.id = n.enterprise_id
	WHERE n.id = v_id;
END $$;

-- result: ok, not_found or stale. A need may close and open again.
CREATE FUNCTION need_patch(p_id uuid, p_enterprise uuid, p_version int,
    b jsonb, OUT result text, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v needs;
BEGIN
	SELECT * INTO v FROM needs n
	WHERE n.id = p_id AND n.enterprise_id = p_enterprise FOR UPDATE;
	IF NOT FOUND THEN
		result := 'not_found';
		RETURN;
	END IF;
	IF v.version <> p_version THEN
		result := 'stale';
		RETURN;
	END IF;
	PERFORM tm_no_nulls(b, 'needs',
	    ARRAY['title', 'category', 'sector', 'district', 'status']);
	UPDATE needs n SET
	    title = CASE WHEN b ? 'title' THEN normalize(b ->> 'title', NFC)
		ELSE n.title END,
	    description = CASE WHEN b ? 'description'
		THEN coalesce(normalize(b ->> 'description', NFC), '')
		ELSE n.description END,
	    category = CASE WHEN b ? 'category' THEN b ->> 'category'
		ELSE n.category END,
	    sector = CASE WHEN b ? 'sector' THEN b ->> 'sector'
		ELSE n.sector END,
	    district = CASE WHEN b ? 'district' THEN b ->> 'district'
		ELSE n.district END,
	    budget_max_vnd = CASE WHEN b ? 'budget_max_vnd'
		THEN (b ->> 'budget_max_vnd')::bigint ELSE n.budget_max_vnd END,
	    deadline = CASE WHEN b ? 'deadline' THEN (b ->> 'deadline')::date
		ELSE n.deadline END,
	    status = coalesce(b ->> 'status', n.status),
	    version = n.version + 1,
	    updated_at = now()
	WHERE n.id = p_id;
	result := 'ok';
	SELECT need_doc(n, o), n.version INTO doc, version
	FROM needs n JOIN organizations o ON o.id = n.enterprise_id
	WHERE n.id = p_id;
END $$;

-- The open needs a list shows, by the contract's filters (NULL: none).
CREATE FUNCTION need_filtered(p_q text, p_category text, p_sector text,
    p_district text)
RETURNS SETOF needs LANGUAGE sql STABLE AS $$
	SELECT n.* FROM needs n
	WHERE n.status = 'open'
	    AND (p_q IS NULL OR n.search @@ tm_tsquery(p_q)
		OR tm_fold(p_q) <% n.title_folded)
	    AND (p_category IS NULL OR n.category = p_category)
	    AND (p_sector IS NULL OR n.sector = p_sector)
	    AND (p_district IS NULL OR n.district = p_district)
$$;

-- Matching. Deterministic scores in 0..1: same category 0.35, sector
-- fits 0.20, within budget 0.15, text similarity up to 0.15 (trigram
-- similarity of the folded titles, counted from 0.2, full marks at 0.5),
-- funding eligible 0.10 (no flags exist before the funding work), same
-- district 0.05.
-- Candidates share the category or the sector or a similar title.
CREATE FUNCTION tm_match(t technologies, n needs, v organizations,
    OUT score numeric, OUT reasons text[])
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
	FROM (SELECT similarity(t.title_folded, n.title_folded) AS sim) s
$$;
