-- 15_places.sql -- Can Tho's places: the reference lists, a place as a
-- client sends it, and the distance between two places.

-- q found in a name: diacritics and case folded, from the start of a
-- word ("thot not" finds Phường Thốt Nốt, "ninh k" Quận Ninh Kiều).
CREATE OR REPLACE FUNCTION tm_name_has(p_name text, p_q text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN position(' ' || tm_fold(btrim(p_q)) IN ' ' || tm_fold(p_name)) > 0;

-- GET /communes: by former district, then name (wards before communes,
-- as "Phường" sorts before "Xã"). With q, the units whose names hold it
-- come first, then those formed from a former unit whose name does, so
-- an address written before 2025 still finds its commune.
CREATE OR REPLACE FUNCTION communes_doc(p_q text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce(json_agg(json_build_object(
	    'code', c.code, 'gso_code', c.gso_code, 'name_vi', c.name_vi,
	    'name_en', c.name_en, 'kind', c.kind, 'district', c.district,
	    'former_units', c.former_units)
	    ORDER BY h.by_name DESC, d.sort_order, tm_fold(c.name_vi),
	    c.code), '[]'))::text
	FROM communes c JOIN districts d ON d.code = c.district,
	    LATERAL (SELECT p_q IS NULL OR tm_name_has(c.name_vi, p_q)
		OR tm_name_has(c.name_en, p_q) AS by_name) h
	WHERE h.by_name OR EXISTS (SELECT 1 FROM unnest(c.former_units) u
	    WHERE tm_name_has(u, p_q))
$$;

-- GET /districts: the 28 former district-level areas, old Can Tho's
-- nine first.
CREATE OR REPLACE FUNCTION districts_doc(p_q text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce(json_agg(json_build_object(
	    'code', d.code, 'name_vi', d.name_vi, 'name_en', d.name_en,
	    'former_province', d.former_province, 'lat', d.lat, 'lon', d.lon)
	    ORDER BY d.sort_order, d.code), '[]'))::text
	FROM districts d
	WHERE p_q IS NULL OR tm_name_has(d.name_vi, p_q)
	    OR tm_name_has(d.name_en, p_q)
$$;

-- A place as a client sends it: a commune, or a district alone, or both
-- when the commune lies in that district. p_field names the commune's
-- field in the body ("commune", "organization.commune"), the district's
-- is beside it. Refusals, each naming its field: TM431 not a commune of
-- Can Tho, TM432 not a district, TM433 the two disagree (HINT the
-- commune's district); with p_required, neither given is a not-null
-- violation of p_table's commune.
CREATE OR REPLACE FUNCTION tm_place_check(p_table text, p_field text,
    p_commune text, p_district text, p_required boolean)
RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_in text;
	v_district_field text := regexp_replace(p_field, 'commune$',
	    'district');
BEGIN
	IF p_commune IS NULL AND p_district IS NULL AND p_required THEN
		RAISE not_null_violation USING
		    CONSTRAINT = p_table || '_commune_check',
		    MESSAGE = 'a place is required';
	END IF;
	IF p_commune IS NOT NULL THEN
		SELECT c.district INTO v_in FROM communes c
		WHERE c.code = p_commune;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'no such commune'
			    USING ERRCODE = 'TM431', DETAIL = p_field;
		END IF;
	END IF;
	IF p_district IS NOT NULL AND NOT EXISTS (SELECT 1 FROM districts d
	    WHERE d.code = p_district) THEN
		RAISE EXCEPTION 'no such district'
		    USING ERRCODE = 'TM432', DETAIL = v_district_field;
	END IF;
	IF v_in IS DISTINCT FROM p_district AND p_commune IS NOT NULL
	    AND p_district IS NOT NULL THEN
		RAISE EXCEPTION 'commune and district disagree'
		    USING ERRCODE = 'TM433', DETAIL = p_field, HINT = v_in;
	END IF;
END $$;

-- The commune of a row at (p_commune, p_district) after a PATCH b: the
-- one b sends; none when b moves the row to another district alone.
CREATE OR REPLACE FUNCTION tm_place_commune(b jsonb, p_commune text,
    p_district text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN b ? 'commune' THEN b ->> 'commune'
    WHEN b ? 'district' AND b ->> 'district' IS DISTINCT FROM p_district
	THEN NULL
    ELSE p_commune END;

-- Road distance in km between two districts, approximately: the
-- great-circle distance between their seats times 1.2, the detour of
-- the delta's roads (Ninh Kiều to Sóc Trăng: 51 km as the crow flies,
-- about 60 by National Road 1); 0 inside one district. NULL when either
-- is unknown. The seats are known to about a kilometre.
CREATE OR REPLACE FUNCTION tm_km(p_from text, p_to text) RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN a.code = b.code THEN 0 ELSE round((1.2 * 2 * 6371
	    * asin(sqrt(sin(radians(b.lat - a.lat) / 2) ^ 2
	    + cos(radians(a.lat)) * cos(radians(b.lat))
	    * sin(radians(b.lon - a.lon) / 2) ^ 2)))::numeric, 1) END
	FROM districts a, districts b
	WHERE a.code = p_from AND b.code = p_to
$$;
