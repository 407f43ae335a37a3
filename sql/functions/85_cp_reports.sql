-- 85_cp_reports.sql -- yearly cleaner-production reports: filing and
-- amending them, closing and reopening a year, the documents, the
-- agencies' summary and the public table.
--
-- Every change of state is one function that knows the acting account
-- (p_actor) and appends its entry to the audit log last, in the same
-- transaction: cp_report_file, cp_report_amend, cp_year_close,
-- cp_year_reopen.
--
-- Refusals: TM404 no such report (or another's), TM412 stale If-Match,
-- TM409 a close or reopen the year's state does not allow, TM422 an
-- unknown or unpublished technology, TM427 above a bound (a year after
-- this one in Can Tho, a saving above its baseline), TM470 the year is
-- closed, TM471 already filed, TM472 more than three decimals, TM473
-- not DOIT, TM475 a body's year that is not the path's.

-- This year in Can Tho (UTC+7): the last year a report may be for.
CREATE OR REPLACE FUNCTION cp_this_year() RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE
RETURN extract(year FROM tm_cantho_today())::int;

-- A quantity of the body (o ->> k): NULL when absent; the columns keep
-- thousandths, and rounding what a plant reported would change it
-- silently, so more decimals are refused naming the field.
CREATE OR REPLACE FUNCTION cp_num(o jsonb, k text, field text)
RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v numeric := (o ->> k)::numeric;
BEGIN
	IF v IS NOT NULL AND v <> round(v, 3) THEN
		RAISE EXCEPTION 'too many decimals' USING ERRCODE = 'TM472',
		    DETAIL = field;
	END IF;
	RETURN v;
END $$;

-- A saving can be no larger than what the plant consumed before.
CREATE OR REPLACE FUNCTION cp_not_above(v numeric, bound numeric,
    field text) RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF v > bound THEN
		RAISE EXCEPTION 'saving above its baseline' USING
		    ERRCODE = 'TM427', DETAIL = field, HINT = bound::text;
	END IF;
END $$;

-- What the validator could not see: the year against today in Can Tho,
-- decimals, savings against the baseline, and the technologies, which
-- must be published ones (or ones the report already named: a vendor
-- archiving a listing must not block the amendment of a report).
CREATE OR REPLACE FUNCTION cp_report_check(b jsonb, p_year int,
    p_keep uuid[]) RETURNS uuid[] LANGUAGE plpgsql AS $$
DECLARE
	v_ids uuid[];
	k text;
BEGIN
	IF p_year > cp_this_year() THEN
		RAISE EXCEPTION 'a year to come' USING ERRCODE = 'TM427',
		    DETAIL = 'year', HINT = cp_this_year()::text;
	END IF;
	FOREACH k IN ARRAY ARRAY['energy_saved_kwh', 'water_saved_m3',
	    'waste_reduced_tonnes', 'co2_reduced_tonnes'] LOOP
		PERFORM cp_num(b, k, k);
	END LOOP;
	FOREACH k IN ARRAY ARRAY['energy_kwh', 'water_m3',
	    'materials_tonnes'] LOOP
		PERFORM cp_num(b -> 'baseline', k, 'baseline.' || k);
	END LOOP;
	PERFORM cp_num(b -> 'production_output', 'quantity',
	    'production_output.quantity');
	PERFORM cp_not_above(cp_num(b, 'energy_saved_kwh', ''),
	    cp_num(b -> 'baseline', 'energy_kwh', ''), 'energy_saved_kwh');
	PERFORM cp_not_above(cp_num(b, 'water_saved_m3', ''),
	    cp_num(b -> 'baseline', 'water_m3', ''), 'water_saved_m3');
	PERFORM cp_not_above(cp_num(b, 'waste_reduced_tonnes', ''),
	    cp_num(b -> 'baseline', 'materials_tonnes', ''),
	    'waste_reduced_tonnes');
	v_ids := ARRAY(SELECT DISTINCT x::uuid FROM
	    jsonb_array_elements_text(CASE WHEN jsonb_typeof(
	    b -> 'technology_ids') = 'array' THEN b -> 'technology_ids'
	    ELSE '[]' END) x ORDER BY 1);
	IF EXISTS (SELECT 1 FROM unnest(v_ids) i WHERE i <> ALL (p_keep)
	    AND NOT EXISTS (SELECT 1 FROM technologies t WHERE t.id = i
	    AND t.status = 'published')) THEN
		RAISE EXCEPTION 'no such technology' USING ERRCODE = 'TM422',
		    DETAIL = 'technology_ids';
	END IF;
	RETURN v_ids;
END $$;

-- The year's row, locked: shared by filing and amending, exclusive by
-- closing, so that nothing is filed into a year as it closes.
CREATE OR REPLACE FUNCTION cp_year_lock(p_year int, p_share boolean)
RETURNS cp_years LANGUAGE plpgsql AS $$
DECLARE
	y cp_years;
BEGIN
	INSERT INTO cp_years (year) VALUES (p_year) ON CONFLICT DO NOTHING;
	IF p_share THEN
		SELECT * INTO y FROM cp_years WHERE year = p_year FOR SHARE;
	ELSE
		SELECT * INTO y FROM cp_years WHERE year = p_year FOR UPDATE;
	END IF;
	RETURN y;
END $$;

CREATE OR REPLACE FUNCTION cp_year_open(p_year int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF (cp_year_lock(p_year, true)).closed THEN
		RAISE EXCEPTION 'year closed' USING ERRCODE = 'TM470',
		    DETAIL = p_year::text;
	END IF;
END $$;

-- A rate in percent, two decimals; NULL without a base.
CREATE OR REPLACE FUNCTION cp_pct(saved numeric, base numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN base > 0 THEN round(100 * saved / base, 2) END;

CREATE OR REPLACE FUNCTION cp_per_unit(saved numeric, quantity numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN quantity > 0 THEN round(saved / quantity, 6) END;

CREATE OR REPLACE FUNCTION cp_report_doc(c cp_reports, o organizations,
    p_closed boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
	'id', c.id,
	'year', c.year,
	'organization', json_build_object('id', o.id, 'name', o.name,
	    'tax_code', o.tax_code, 'verified', o.verified),
	'commune', c.commune,
	'district', c.district,
	'sector', c.sector,
	'energy_saved_kwh', c.energy_saved_kwh,
	'water_saved_m3', c.water_saved_m3,
	'waste_reduced_tonnes', c.waste_reduced_tonnes,
	'co2_reduced_tonnes', c.co2_reduced_tonnes,
	'investment_vnd', c.investment_vnd,
	'iso14001_certified', c.iso14001_certified,
	'measures', c.measures,
	'technology_ids', c.technology_ids,
	'production_output', CASE WHEN c.output_unit IS NOT NULL THEN
	    json_build_object('quantity', c.output_quantity,
	    'unit', c.output_unit) END,
	'baseline', CASE WHEN num_nonnulls(c.baseline_energy_kwh,
	    c.baseline_water_m3, c.baseline_materials_tonnes) > 0 THEN
	    json_build_object('energy_kwh', c.baseline_energy_kwh,
	    'water_m3', c.baseline_water_m3,
	    'materials_tonnes', c.baseline_materials_tonnes) END,
	'intensity', CASE WHEN c.output_unit IS NOT NULL THEN
	    json_build_object('unit', c.output_unit,
	    'energy_saved_kwh_per_unit',
	    cp_per_unit(c.energy_saved_kwh, c.output_quantity),
	    'water_saved_m3_per_unit',
	    cp_per_unit(c.water_saved_m3, c.output_quantity)) END,
	'saving', json_build_object(
	    'energy_pct', cp_pct(c.energy_saved_kwh, c.baseline_energy_kwh),
	    'water_pct', cp_pct(c.water_saved_m3, c.baseline_water_m3),
	    'materials_pct', cp_pct(c.waste_reduced_tonnes,
		c.baseline_materials_tonnes),
	    'pct', c.saving_pct,
	    'meets_8pct', c.saving_pct >= 8),
	'closed', coalesce(p_closed, false),
	'version', c.version,
	'created_at', rfc3339(c.created_at),
	'updated_at', rfc3339(c.updated_at))::text;

-- The report of an organization for a year, as the API shows it.
CREATE OR REPLACE FUNCTION cp_report_of(p_org uuid, p_year int,
    OUT doc text, OUT version int)
LANGUAGE sql STABLE AS $$
	SELECT cp_report_doc(c, o, y.closed), c.version
	FROM cp_reports c JOIN organizations o ON o.id = c.organization_id
	LEFT JOIN cp_years y ON y.year = c.year
	WHERE c.organization_id = p_org AND c.year = p_year
$$;

-- POST /cp-reports: the enterprise's report for b's year.
CREATE OR REPLACE FUNCTION cp_report_file(p_actor uuid, p_org uuid,
    b jsonb, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v_year int := (b ->> 'year')::int;
	v_ids uuid[];
	v_id uuid;
BEGIN
	v_ids := cp_report_check(b, v_year, '{}');
	PERFORM cp_year_open(v_year);
	INSERT INTO cp_reports AS c (organization_id, year, district,
	    commune, sector, energy_saved_kwh, water_saved_m3,
	    waste_reduced_tonnes, co2_reduced_tonnes, investment_vnd,
	    iso14001_certified, measures, technology_ids, output_quantity,
	    output_unit, baseline_energy_kwh, baseline_water_m3,
	    baseline_materials_tonnes, filed_by)
	SELECT o.id, v_year, o.district, o.commune, o.sector,
	    (b ->> 'energy_saved_kwh')::numeric,
	    (b ->> 'water_saved_m3')::numeric,
	    (b ->> 'waste_reduced_tonnes')::numeric,
	    (b ->> 'co2_reduced_tonnes')::numeric,
	    (b ->> 'investment_vnd')::bigint,
	    (b ->> 'iso14001_certified')::boolean,
	    tm_text_array(b -> 'measures'), v_ids,
	    (b #>> '{production_output,quantity}')::numeric,
	    b #>> '{production_output,unit}',
	    (b #>> '{baseline,energy_kwh}')::numeric,
	    (b #>> '{baseline,water_m3}')::numeric,
	    (b #>> '{baseline,materials_tonnes}')::numeric, p_actor
	FROM organizations o WHERE o.id = p_org
	ON CONFLICT (organization_id, year) DO NOTHING
	RETURNING c.id INTO v_id;
	IF v_id IS NULL THEN
		SELECT c.id INTO v_id FROM cp_reports c
		WHERE c.organization_id = p_org AND c.year = v_year;
		RAISE EXCEPTION 'already filed' USING ERRCODE = 'TM471',
		    DETAIL = v_year::text, HINT = v_id::text;
	END IF;
	SELECT r.doc, r.version INTO doc, version
	FROM cp_report_of(p_org, v_year) r;
	PERFORM tm_audit(p_actor, 'cp_report.file', 'cp_report', v_id::text,
	    (SELECT audit_diff('{}', to_jsonb(c), ARRAY['year', 'energy_saved_kwh',
	    'water_saved_m3', 'waste_reduced_tonnes', 'co2_reduced_tonnes',
	    'investment_vnd', 'iso14001_certified', 'measures', 'technology_ids',
	    'output_quantity', 'output_unit', 'baseline_energy_kwh',
	    'baseline_water_m3', 'baseline_materials_tonnes'])
	    FROM cp_reports c WHERE c.id = v_id));
END $$;

-- PUT /cp-reports/{year}: the whole report again, under If-Match
-- (p_version; NULL for "*").
CREATE OR REPLACE FUNCTION cp_report_amend(p_actor uuid, p_org uuid,
    p_year int, p_version int, b jsonb, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v cp_reports;
	v_ids uuid[];
BEGIN
	SELECT * INTO v FROM cp_reports c
	WHERE c.organization_id = p_org AND c.year = p_year FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such report' USING ERRCODE = 'TM404';
	END IF;
	IF (b ->> 'year')::int IS DISTINCT FROM p_year AND b ? 'year'
	    AND b -> 'year' <> 'null' THEN
		RAISE EXCEPTION 'not the path''s year' USING
		    ERRCODE = 'TM475', DETAIL = 'year', HINT = p_year::text;
	END IF;
	IF p_version IS NOT NULL AND v.version <> p_version THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	v_ids := cp_report_check(b, p_year, v.technology_ids);
	PERFORM cp_year_open(p_year);
	UPDATE cp_reports c SET
	    district = o.district, commune = o.commune, sector = o.sector,
	    energy_saved_kwh = (b ->> 'energy_saved_kwh')::numeric,
	    water_saved_m3 = (b ->> 'water_saved_m3')::numeric,
	    waste_reduced_tonnes = (b ->> 'waste_reduced_tonnes')::numeric,
	    co2_reduced_tonnes = (b ->> 'co2_reduced_tonnes')::numeric,
	    investment_vnd = (b ->> 'investment_vnd')::bigint,
	    iso14001_certified = (b ->> 'iso14001_certified')::boolean,
	    measures = tm_text_array(b -> 'measures'),
	    technology_ids = v_ids,
	    output_quantity = (b #>> '{production_output,quantity}')::numeric,
	    output_unit = b #>> '{production_output,unit}',
	    baseline_energy_kwh = (b #>> '{baseline,energy_kwh}')::numeric,
	    baseline_water_m3 = (b #>> '{baseline,water_m3}')::numeric,
	    baseline_materials_tonnes =
		(b #>> '{baseline,materials_tonnes}')::numeric,
	    amended_by = p_actor,
	    version = c.version + 1,
	    updated_at = now()
	FROM organizations o
	WHERE c.id = v.id AND o.id = c.organization_id;
	SELECT r.doc, r.version INTO doc, version
	FROM cp_report_of(p_org, p_year) r;
	PERFORM tm_audit(p_actor, 'cp_report.amend', 'cp_report', v.id::text,
	    (SELECT audit_diff(to_jsonb(v), to_jsonb(c), ARRAY['year', 'energy_saved_kwh',
	    'water_saved_m3', 'waste_reduced_tonnes', 'co2_reduced_tonnes',
	    'investment_vnd', 'iso14001_certified', 'measures', 'technology_ids',
	    'output_quantity', 'output_unit', 'baseline_energy_kwh',
	    'baseline_water_m3', 'baseline_materials_tonnes'])
	    FROM cp_reports c WHERE c.id = v.id));
END $$;

-- The reports of a list: the caller's organization's (p_org) or, for
-- an agency (p_org NULL), everyone's; every filter may be NULL.
CREATE OR REPLACE FUNCTION cp_filtered(p_org uuid, p_year int,
    p_commune text, p_district text, p_sector text, p_organization uuid)
RETURNS SETOF cp_reports LANGUAGE sql STABLE AS $$
	SELECT * FROM cp_reports c
	WHERE (p_org IS NULL OR c.organization_id = p_org)
	  AND (p_year IS NULL OR c.year = p_year)
	  AND (p_commune IS NULL OR c.commune = p_commune)
	  AND (p_district IS NULL OR c.district = p_district)
	  AND (p_sector IS NULL OR c.sector = p_sector)
	  AND (p_organization IS NULL OR c.organization_id = p_organization)
$$;

-- The CSV of a list, as JSON arrays (app/csv.c writes them out): the
-- header, then a row per report, newest year first, then by name.
CREATE OR REPLACE FUNCTION cp_list_csv(p_org uuid, p_year int,
    p_commune text, p_district text, p_sector text, p_organization uuid)
RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN NEXT json_build_array('id', 'year', 'organization_name',
	    'tax_code', 'commune', 'district', 'sector', 'energy_saved_kwh',
	    'water_saved_m3', 'waste_reduced_tonnes', 'co2_reduced_tonnes',
	    'investment_vnd', 'iso14001_certified', 'measures',
	    'technologies', 'output_quantity', 'output_unit',
	    'baseline_energy_kwh', 'baseline_water_m3',
	    'baseline_materials_tonnes', 'saving_pct', 'updated_at')::text;
	RETURN QUERY SELECT json_build_array(c.id, c.year, o.name,
	    o.tax_code, c.commune, c.district, c.sector, c.energy_saved_kwh,
	    c.water_saved_m3, c.waste_reduced_tonnes, c.co2_reduced_tonnes,
	    c.investment_vnd, c.iso14001_certified,
	    array_to_string(c.measures, '; '),
	    cardinality(c.technology_ids), c.output_quantity, c.output_unit,
	    c.baseline_energy_kwh, c.baseline_water_m3,
	    c.baseline_materials_tonnes, c.saving_pct,
	    rfc3339(c.updated_at))::text
	FROM cp_filtered(p_org, p_year, p_commune, p_district, p_sector,
	    p_organization) c
	JOIN organizations o ON o.id = c.organization_id
	ORDER BY c.year DESC, o.name, c.id;
END $$;

-- The groups a summary has, whether or not anyone reported in them.
CREATE OR REPLACE FUNCTION cp_reference(p_group text)
RETURNS TABLE (key text, name_vi text, name_en text, ord bigint)
LANGUAGE sql STABLE AS $$
	SELECT d.code, d.name_vi, d.name_en,
	    row_number() OVER (ORDER BY d.sort_order, d.code)
	FROM districts d WHERE p_group = 'district'
	UNION ALL
	SELECT c.code, c.name_vi, c.name_en,
	    row_number() OVER (ORDER BY d.sort_order, c.name_vi, c.code)
	FROM communes c JOIN districts d ON d.code = c.district
	WHERE p_group = 'commune'
	UNION ALL
	SELECT s.code, s.name_vi, s.name_en,
	    row_number() OVER (ORDER BY s.sort_order, s.code)
	FROM sectors s WHERE p_group = 'sector'
	UNION ALL
	SELECT v.* FROM (VALUES
	    ('can_tho', 'Thành phố Cần Thơ (trước 1/7/2025)',
		'Can Tho city (before 1 July 2025)', 1::bigint),
	    ('hau_giang', 'Tỉnh Hậu Giang (trước 1/7/2025)',
		'Hau Giang province (before 1 July 2025)', 2),
	    ('soc_trang', 'Tỉnh Sóc Trăng (trước 1/7/2025)',
		'Soc Trang province (before 1 July 2025)', 3)) v
	WHERE p_group = 'former_province'
$$;

-- A year's figures per group and in total: one aggregate over the
-- year's rows, read in the group's order off its index (016) with no
-- sort; GROUPING SETS makes the totals in the same pass. Every
-- reference group is there, with zeros; reports whose group is not
-- known (an organization that gave only a district, grouped by commune)
-- make a group with a NULL key, present only when it has reports.
-- total marks the totals row. p_group is one of the four column names
-- (checked here too, as it names a column).
CREATE OR REPLACE FUNCTION cp_groups(p_year int, p_group text)
RETURNS TABLE (key text, name_vi text, name_en text, ord bigint,
    total boolean, reports bigint, iso14001 bigint,
    energy_saved_kwh numeric, water_saved_m3 numeric,
    waste_reduced_tonnes numeric, co2_reduced_tonnes numeric,
    investment_vnd numeric, applying bigint, with_baseline bigint,
    saving_8pct bigint, median_saving_pct numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_group NOT IN ('district', 'commune', 'sector',
	    'former_province') THEN
		RAISE EXCEPTION 'no such grouping' USING
		    ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY EXECUTE format($q$
	WITH a AS (
		SELECT c.%1$I AS k, GROUPING(c.%1$I) = 1 AS total,
		    count(*) AS reports,
		    count(*) FILTER (WHERE c.iso14001_certified) AS iso14001,
		    sum(c.energy_saved_kwh) AS energy_saved_kwh,
		    sum(c.water_saved_m3) AS water_saved_m3,
		    sum(c.waste_reduced_tonnes) AS waste_reduced_tonnes,
		    sum(c.co2_reduced_tonnes) AS co2_reduced_tonnes,
		    sum(c.investment_vnd) AS investment_vnd,
		    -- Every report names at least one measure (1-50).
		    count(*) AS applying,
		    count(c.saving_pct) AS with_baseline,
		    count(*) FILTER (WHERE c.saving_pct >= 8) AS saving_8pct,
		    round((percentile_cont(0.5) WITHIN GROUP
			(ORDER BY c.saving_pct))::numeric, 2) AS median
		FROM cp_reports c WHERE c.year = $1
		GROUP BY GROUPING SETS ((c.%1$I), ())
	)
	SELECT g.key, g.name_vi, g.name_en, g.ord, false,
	    coalesce(a.reports, 0), coalesce(a.iso14001, 0),
	    coalesce(a.energy_saved_kwh, 0), coalesce(a.water_saved_m3, 0),
	    coalesce(a.waste_reduced_tonnes, 0),
	    coalesce(a.co2_reduced_tonnes, 0), coalesce(a.investment_vnd, 0),
	    coalesce(a.applying, 0), coalesce(a.with_baseline, 0),
	    coalesce(a.saving_8pct, 0), a.median
	FROM cp_reference($2) g
	LEFT JOIN a ON a.k = g.key AND NOT a.total
	UNION ALL
	SELECT NULL, 'Không xác định', 'Not known', NULL, false, a.reports,
	    a.iso14001, a.energy_saved_kwh, a.water_saved_m3,
	    a.waste_reduced_tonnes, a.co2_reduced_tonnes, a.investment_vnd,
	    a.applying, a.with_baseline, a.saving_8pct, a.median
	FROM a WHERE a.k IS NULL AND NOT a.total
	UNION ALL
	SELECT NULL, 'Tổng cộng', 'Total', NULL, true,
	    coalesce(a.reports, 0), coalesce(a.iso14001, 0),
	    coalesce(a.energy_saved_kwh, 0), coalesce(a.water_saved_m3, 0),
	    coalesce(a.waste_reduced_tonnes, 0),
	    coalesce(a.co2_reduced_tonnes, 0), coalesce(a.investment_vnd, 0),
	    coalesce(a.applying, 0), coalesce(a.with_baseline, 0),
	    coalesce(a.saving_8pct, 0), a.median
	FROM (SELECT 1) one LEFT JOIN a ON a.total
	$q$, p_group) USING p_year, p_group;
END $$;

-- One group's figures as JSON; p_hide: all of them null (the public
-- table's suppressed groups).
CREATE OR REPLACE FUNCTION cp_figures(g record, p_hide boolean)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_hide THEN
		RETURN json_build_object('reports', NULL, 'iso14001', NULL,
		    'energy_saved_kwh', NULL, 'water_saved_m3', NULL,
		    'waste_reduced_tonnes', NULL, 'co2_reduced_tonnes', NULL,
		    'investment_vnd', NULL, 'applying', NULL,
		    'with_baseline', NULL, 'saving_8pct', NULL,
		    'median_saving_pct', NULL);
	END IF;
	RETURN json_build_object('reports', g.reports,
	    'iso14001', g.iso14001, 'energy_saved_kwh', g.energy_saved_kwh,
	    'water_saved_m3', g.water_saved_m3,
	    'waste_reduced_tonnes', g.waste_reduced_tonnes,
	    'co2_reduced_tonnes', g.co2_reduced_tonnes,
	    'investment_vnd', g.investment_vnd, 'applying', g.applying,
	    'with_baseline', g.with_baseline, 'saving_8pct', g.saving_8pct,
	    'median_saving_pct', g.median_saving_pct);
END $$;

-- {key, name_vi, name_en} and the figures, as one object.
CREATE OR REPLACE FUNCTION cp_group_json(p_key text, p_vi text, p_en text,
    p_figures json, p_extra jsonb) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (json_build_object('key', p_key, 'name_vi', p_vi, 'name_en', p_en)
    ::jsonb || coalesce(p_extra, '{}') || p_figures::jsonb)::json;

-- Who closed a year and when, for the agencies' summary.
CREATE OR REPLACE FUNCTION cp_closed_json(y cp_years) RETURNS json
LANGUAGE sql STABLE
RETURN json_build_object('closed', coalesce(y.closed, false),
    'closed_at', CASE WHEN y.closed THEN rfc3339(y.closed_at) END,
    'closed_by', CASE WHEN y.closed THEN (SELECT json_build_object('id',
	a.id, 'name', a.display_name) FROM accounts a
	WHERE a.id = y.closed_by) END);

-- GET /cp-reports/summary.
CREATE OR REPLACE FUNCTION cp_summary(p_year int, p_group text)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT (json_build_object('year', p_year, 'group_by', p_group)::jsonb
	    || cp_closed_json(y)::jsonb
	    || jsonb_build_object('groups', coalesce(s.groups, '[]'),
	    'totals', s.totals))::text
	FROM (SELECT jsonb_agg(cp_group_json(g.key, g.name_vi, g.name_en,
		cp_figures(g, false), NULL) ORDER BY g.ord NULLS LAST)
		FILTER (WHERE NOT g.total) AS groups,
		(jsonb_agg(cp_figures(g, false)) FILTER (WHERE g.total))
		-> 0 AS totals
	    FROM cp_groups(p_year, p_group) g) s
	LEFT JOIN cp_years y ON y.year = p_year
$$;

-- The summary's CSV, as JSON arrays: header, groups, totals.
CREATE OR REPLACE FUNCTION cp_summary_csv(p_year int, p_group text)
RETURNS SETOF text LANGUAGE sql STABLE AS $$
	SELECT t FROM (
	    SELECT 0 AS n, NULL::bigint AS ord, json_build_array('key',
		'name_vi', 'name_en', 'reports', 'iso14001',
		'energy_saved_kwh', 'water_saved_m3', 'waste_reduced_tonnes',
		'co2_reduced_tonnes', 'investment_vnd', 'applying',
		'with_baseline', 'saving_8pct', 'median_saving_pct')::text
	    UNION ALL
	    SELECT CASE WHEN g.total THEN 2 ELSE 1 END, g.ord,
		json_build_array(g.key, g.name_vi, g.name_en, g.reports,
		g.iso14001, g.energy_saved_kwh, g.water_saved_m3,
		g.waste_reduced_tonnes, g.co2_reduced_tonnes,
		g.investment_vnd, g.applying, g.with_baseline, g.saving_8pct,
		g.median_saving_pct)::text
	    FROM cp_groups(p_year, p_group) g) x(n, ord, t)
	ORDER BY n, ord NULLS LAST
$$;

-- GET /cp-reports/public: a closed year's totals and districts (TM404
-- for a year that is not closed). A district with fewer than 3
-- reporters is suppressed. So that no suppressed group can be read off
-- as the totals less the others, when the suppressed groups and the
-- reports with no district together hold 1 or 2 reporters, the
-- smallest published district is suppressed too.
CREATE OR REPLACE FUNCTION cp_public(p_year int) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	y cp_years;
	v_doc text;
BEGIN
	SELECT * INTO y FROM cp_years WHERE year = p_year AND closed;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'year not published' USING ERRCODE = 'TM404';
	END IF;
	WITH g AS (SELECT *, (x.key IS NOT NULL AND x.reports < 3) AS small
	    FROM cp_groups(p_year, 'district') x),
	hidden AS (SELECT coalesce(sum(g.reports) FILTER (WHERE NOT g.total
	    AND (g.small OR g.key IS NULL)), 0) AS n FROM g),
	extra AS (SELECT g.key FROM g, hidden
	    WHERE hidden.n BETWEEN 1 AND 2 AND NOT g.total AND NOT g.small
	    AND g.key IS NOT NULL
	    ORDER BY g.reports, g.key LIMIT 1),
	s AS (SELECT g.*, g.small OR (g.total AND g.reports < 3)
	    OR EXISTS (SELECT 1 FROM extra WHERE extra.key = g.key) AS hide
	    FROM g)
	SELECT json_build_object('year', p_year, 'group_by', 'district',
	    'closed', true, 'closed_at', rfc3339(y.closed_at),
	    'min_reporters', 3,
	    'groups', json_agg(cp_group_json(s.key, s.name_vi, s.name_en,
		cp_figures(s, s.hide), jsonb_build_object('suppressed',
		s.hide)) ORDER BY s.ord) FILTER (WHERE s.key IS NOT NULL),
	    'totals', (jsonb_agg(jsonb_build_object('suppressed', s.hide)
		|| cp_figures(s, s.hide)::jsonb) FILTER (WHERE s.total))
		-> 0)::text
	INTO v_doc FROM s;
	RETURN v_doc;
END $$;

-- A year's state and history, the answer of close and reopen.
CREATE OR REPLACE FUNCTION cp_year_doc(p_year int) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT (json_build_object('year', y.year)::jsonb
	    || cp_closed_json(y)::jsonb
	    || jsonb_build_object(
	    'reports', (SELECT count(*) FROM cp_reports c
		WHERE c.year = y.year),
	    'history', coalesce((SELECT jsonb_agg(jsonb_build_object(
		'action', e.action, 'at', rfc3339(e.at),
		'by', jsonb_build_object('id', a.id,
		'name', a.display_name)) ORDER BY e.id)
		FROM cp_year_events e JOIN accounts a ON a.id = e.account_id
		WHERE e.year = y.year), '[]'),
	    'version', y.version))::text
	FROM cp_years y WHERE y.year = p_year
$$;

-- DOIT closes (p_close) or reopens a year: TM473 for anyone else,
-- TM404 for a year reports cannot be for, TM409 when it already is.
CREATE OR REPLACE FUNCTION cp_year_set(p_actor uuid, p_year int,
    p_close boolean) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	y cp_years;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = p_actor
	    AND a.role = 'agency' AND a.agency = 'doit') THEN
		RAISE EXCEPTION 'not DOIT' USING ERRCODE = 'TM473';
	END IF;
	IF p_year NOT BETWEEN 2016 AND cp_this_year() THEN
		RAISE EXCEPTION 'no such year' USING ERRCODE = 'TM404';
	END IF;
	y := cp_year_lock(p_year, false);
	IF y.closed = p_close THEN
		RAISE EXCEPTION 'nothing to do' USING ERRCODE = 'TM409',
		    DETAIL = CASE WHEN y.closed THEN 'closed' ELSE 'open' END,
		    HINT = CASE WHEN p_close THEN 'close' ELSE 'reopen' END;
	END IF;
	UPDATE cp_years SET closed = p_close,
	    closed_at = CASE WHEN p_close THEN now() ELSE closed_at END,
	    closed_by = CASE WHEN p_close THEN p_actor ELSE closed_by END,
	    reopened_at = CASE WHEN p_close THEN reopened_at ELSE now() END,
	    reopened_by = CASE WHEN p_close THEN reopened_by ELSE p_actor END,
	    version = version + 1
	WHERE year = p_year;
	INSERT INTO cp_year_events (year, action, account_id)
	VALUES (p_year, CASE WHEN p_close THEN 'close' ELSE 'reopen' END,
	    p_actor);
	PERFORM tm_audit(p_actor, CASE WHEN p_close THEN 'cp_year.close'
	    ELSE 'cp_year.reopen' END, 'cp_year', p_year::text,
	    jsonb_build_object('closed', p_close));
	RETURN cp_year_doc(p_year);
END $$;

-- POST /cp-reports/years/{year}/close and /reopen.
CREATE OR REPLACE FUNCTION cp_year_close(p_actor uuid, p_year int)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN cp_year_set(p_actor, p_year, true);
END $$;

CREATE OR REPLACE FUNCTION cp_year_reopen(p_actor uuid, p_year int)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RETURN cp_year_set(p_actor, p_year, false);
END $$;
