-- 30_market.sql -- vendors' technologies and enterprises' needs: their
-- documents and the writes that create and change them.

-- Eligible for some program today, in Can Tho: funding_until is kept on
-- the row by funding_flag_put(), so the search filter and matching read
-- it without a sub-select.
CREATE OR REPLACE FUNCTION tm_funded(t technologies) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(t.funding_until >= tm_cantho_today(), false);

-- A listing's place is its vendor's, and its keys what the word indexes
-- hold beside the words (tm_keys(), migration 027): set on every write
-- of a row, whatever the write said of them.
CREATE OR REPLACE FUNCTION tech_place_set() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	SELECT o.district, o.commune INTO NEW.district, NEW.commune
	FROM organizations o WHERE o.id = NEW.vendor_id;
	NEW.keys := tm_keys(NEW.category, NEW.district, NEW.commune,
	    NEW.vendor_id);
	RETURN NEW;
END $$;

-- A vendor that moves takes its listings along, in the same statement
-- (tech_place_set() reads the new place).
CREATE OR REPLACE FUNCTION tech_places_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE technologies t SET district = n.district, commune = n.commune
	FROM new_rows n JOIN old_rows o ON o.id = n.id
	WHERE t.vendor_id = n.id
	    AND (o.district, o.commune) IS DISTINCT FROM (n.district, n.commune);
	RETURN NULL;
END $$;

-- A technology's "funding": null when it was never flagged; else its
-- latest flag (what the contract's eligibility is), "eligible" meaning
-- eligible for some program today, and "programs" every program it is
-- eligible for today. funding_doc holds the latest flag and the programs
-- whose current flag is eligible; the day decides the rest.
CREATE OR REPLACE FUNCTION technology_funding(t technologies) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN t.funding_doc IS NOT NULL THEN t.funding_doc ||
    jsonb_build_object('eligible', tm_funded(t),
	'programs', jsonb_path_query_array(t.funding_doc -> 'programs',
	    '$[*] ? (@.valid_until == null || @.valid_until >= $today)',
	    jsonb_build_object('today', tm_cantho_today()::text))) END;

-- One expression, which PostgreSQL inlines: a sub-select here made
-- GET /technologies/{id} seven times slower.
CREATE OR REPLACE FUNCTION technology_doc(t technologies, o organizations)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
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
	'funding', technology_funding(t),
	'version', t.version,
	'created_at', rfc3339(t.created_at),
	'updated_at', rfc3339(t.updated_at))::text;

CREATE OR REPLACE FUNCTION technology_create(p_vendor uuid, b jsonb,
    p_account uuid, OUT doc text, OUT version int)
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
	PERFORM tm_audit(p_account, 'technology.create', 'technology',
	    v_id::text, (SELECT audit_diff('{}', to_jsonb(t),
	    ARRAY['title', 'summary', 'description', 'category', 'sectors', 'trl',
	    'price_min_vnd', 'price_max_vnd', 'energy_saving_pct',
	    'water_saving_pct', 'waste_reduction_pct',
	    'co2_reduction_tonnes_per_year', 'certifications', 'status']) FROM technologies t WHERE t.id = v_id));
END $$;

-- The vendor's change. Refusals: TM404 not the vendor's, TM412 If-Match
-- stale, TM490 a status change the lifecycle does not allow (DETAIL the
-- current status, HINT the one asked for).
CREATE OR REPLACE FUNCTION technology_patch(p_id uuid, p_vendor uuid,
    p_version int, b jsonb, p_account uuid, OUT doc text, OUT version int)
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
		RAISE EXCEPTION 'no such technology' USING ERRCODE = 'TM404';
	END IF;
	IF v.version <> p_version THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	v_status := coalesce(b ->> 'status', v.status);
	IF v_status <> v.status AND NOT (v.status, v_status) IN
	    (('draft', 'published'), ('published', 'archived'),
	    ('archived', 'published')) THEN
		RAISE EXCEPTION 'status change refused' USING ERRCODE = 'TM490',
		    DETAIL = v.status,
		    HINT = v_status;
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
	SELECT technology_doc(t, o), t.version INTO doc, version
	FROM technologies t JOIN organizations o ON o.id = t.vendor_id
	WHERE t.id = p_id;
	-- A move of the lifecycle names the entry; any other change is a
	-- patch.
	PERFORM tm_audit(p_account, CASE
	    WHEN v_status = v.status THEN 'technology.patch'
	    WHEN v_status = 'published' THEN 'technology.publish'
	    ELSE 'technology.archive' END, 'technology', p_id::text,
	    (SELECT audit_diff(to_jsonb(v), to_jsonb(t),
	    ARRAY['title', 'summary', 'description', 'category', 'sectors', 'trl',
	    'price_min_vnd', 'price_max_vnd', 'energy_saving_pct',
	    'water_saving_pct', 'waste_reduction_pct',
	    'co2_reduction_tonnes_per_year', 'certifications', 'status']) FROM technologies t WHERE t.id = p_id));
END $$;

CREATE OR REPLACE FUNCTION need_doc(n needs, o organizations) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
	'id', n.id,
	'enterprise', json_build_object('id', o.id, 'name', o.name,
	    'verified', o.verified),
	'title', n.title,
	'description', n.description,
	'category', n.category,
	'sector', n.sector,
	'commune', n.commune,
	'district', n.district,
	'budget_max_vnd', n.budget_max_vnd,
	'deadline', n.deadline,
	'status', n.status,
	'version', n.version,
	'created_at', rfc3339(n.created_at),
	'updated_at', rfc3339(n.updated_at))::text;

CREATE OR REPLACE FUNCTION need_create(p_enterprise uuid, b jsonb,
    p_account uuid, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v_id uuid;
BEGIN
	PERFORM tm_place_check('needs', 'commune', b ->> 'commune',
	    b ->> 'district', true);
	INSERT INTO needs (enterprise_id, title, description, category,
	    sector, commune, district, budget_max_vnd, deadline)
	VALUES (p_enterprise, normalize(b ->> 'title', NFC),
	    coalesce(normalize(b ->> 'description', NFC), ''),
	    b ->> 'category', b ->> 'sector', b ->> 'commune',
	    b ->> 'district',
	    (b ->> 'budget_max_vnd')::bigint, (b ->> 'deadline')::date)
	RETURNING id INTO v_id;
	SELECT need_doc(n, o), n.version INTO doc, version
	FROM needs n JOIN organizations o ON o.id = n.enterprise_id
	WHERE n.id = v_id;
	PERFORM tm_audit(p_account, 'need.create', 'need', v_id::text,
	    (SELECT audit_diff('{}', to_jsonb(n), ARRAY['title', 'description', 'category', 'sector', 'commune',
	    'district', 'budget_max_vnd', 'deadline', 'status'])
	    FROM needs n WHERE n.id = v_id));
END $$;

-- The enterprise's change; a need may close and open again. Refusals:
-- TM404 not the enterprise's, TM412 If-Match stale.
CREATE OR REPLACE FUNCTION need_patch(p_id uuid, p_enterprise uuid,
    p_version int, b jsonb, p_account uuid, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v needs;
BEGIN
	SELECT * INTO v FROM needs n
	WHERE n.id = p_id AND n.enterprise_id = p_enterprise FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such need' USING ERRCODE = 'TM404';
	END IF;
	IF v.version <> p_version THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	PERFORM tm_no_nulls(b, 'needs',
	    ARRAY['title', 'category', 'sector', 'district', 'status']);
	PERFORM tm_place_check('needs', 'commune', b ->> 'commune',
	    b ->> 'district', false);
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
	    commune = tm_place_commune(b, n.commune, n.district),
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
	SELECT need_doc(n, o), n.version INTO doc, version
	FROM needs n JOIN organizations o ON o.id = n.enterprise_id
	WHERE n.id = p_id;
	PERFORM tm_audit(p_account, CASE
	    WHEN coalesce(b ->> 'status', v.status) = v.status
		THEN 'need.patch'
	    WHEN b ->> 'status' = 'closed' THEN 'need.close'
	    ELSE 'need.reopen' END, 'need', p_id::text,
	    (SELECT audit_diff(to_jsonb(v), to_jsonb(n), ARRAY['title', 'description', 'category', 'sector', 'commune',
	    'district', 'budget_max_vnd', 'deadline', 'status'])
	    FROM needs n WHERE n.id = p_id));
END $$;
