-- cp_reports_data.sql -- for the cleaner-production summary row of
-- `make bench`: :n enterprises spread over Can Tho's 103 communes and
-- the sectors, each with its report of :year (so that the summary
-- aggregates :n reports of one year, the worst case of the same number
-- spread over years), two in three with a baseline; and an agency
-- account that signs in with the bench vendor's password.
-- Variables: n, year, vendor (email).

INSERT INTO accounts (email, password_hash, display_name, role, agency)
SELECT 'bench-cp@bench.example', password_hash, 'Bench DOIT', 'agency',
    'doit'
FROM accounts WHERE email = :'vendor';

CREATE TEMP TABLE cp_places AS
SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, district
FROM communes;
CREATE TEMP TABLE cp_sectors AS
SELECT row_number() OVER (ORDER BY code) - 1 AS k, code FROM sectors;

WITH o AS (
	INSERT INTO organizations (kind, name, commune, district, sector)
	SELECT 'enterprise', 'Bench CP ' || g, p.code, p.district, s.code
	FROM generate_series(1, :n) g
	JOIN cp_places p ON p.k = g % (SELECT count(*) FROM cp_places)
	JOIN cp_sectors s ON s.k = g % (SELECT count(*) FROM cp_sectors)
	RETURNING id, commune, district, sector,
	    hashtext(id::text) & 2147483647 AS h)
INSERT INTO cp_reports (organization_id, year, district, commune, sector,
    energy_saved_kwh, water_saved_m3, waste_reduced_tonnes,
    co2_reduced_tonnes, investment_vnd, iso14001_certified, measures,
    baseline_energy_kwh, baseline_materials_tonnes, filed_by)
SELECT o.id, :year, o.district, o.commune, o.sector,
    o.h % 500000, o.h % 20000, (o.h % 9000) / 10.0, (o.h % 3000) / 10.0,
    (o.h % 50) * 100000000::bigint, o.h % 3 = 0,
    ARRAY['Lắp biến tần cho bơm và quạt'],
    CASE WHEN o.h % 3 <> 0 THEN o.h % 500000 * (5 + o.h % 20) END,
    CASE WHEN o.h % 3 <> 0 THEN (o.h % 9000) / 10.0 * (8 + o.h % 30) END,
    (SELECT id FROM accounts WHERE email = 'bench-cp@bench.example')
FROM o;
