-- sql/demo/003_cp_reports.sql -- the demo enterprises' yearly
-- cleaner-production reports: 2024, which the Department of Industry
-- and Trade has closed (so GET /cp-reports/public?year=2024 shows Bình
-- Thủy, Cái Răng and Thốt Nốt and suppresses the districts of fewer
-- than three reporters), and 2025, still open. Fictional like 001 and
-- 002: the figures are made up, in the range such plants report.
--
-- conf/tm.sh loads it on every `make run`, after 002, in a transaction
-- of its own. Idempotent: every report has a fixed id
--     de0000c1-0000-4000-8000-00000YYYYNNN  (year YYYY, enterprise NNN)
-- and is skipped when its organization already has one for that year;
-- a report is filed only for a demo enterprise that exists, by its
-- demo account. A year's row is inserted once: a year someone reopened
-- is not closed again.
--
-- The DOIT officer who closed 2024 is an account of its own, NO LOGIN
-- like 001's (password_hash '!'): `make demo-accounts` makes the DOIT
-- account that signs in.

INSERT INTO accounts (id, email, password_hash, display_name, role, agency,
    status, created_at, updated_at)
SELECT 'de000003-0000-4000-8000-000000000901', 'demo.sxsh.doit@example.vn',
    '!', 'Phòng Kỹ thuật An toàn - Môi trường, Sở Công Thương', 'agency',
    'doit', 'active', now() - interval '400 days',
    now() - interval '400 days'
WHERE NOT EXISTS (SELECT 1 FROM accounts a
    WHERE a.email = 'demo.sxsh.doit@example.vn')
ON CONFLICT (id) DO NOTHING;

-- What plants of each sector do, three measures each; a report names
-- two or three of its sector's.
CREATE TEMP TABLE demo_cp_measures (sector text PRIMARY KEY, unit text,
    m text[]) ON COMMIT DROP;
INSERT INTO demo_cp_measures VALUES
	('seafood_processing', 'tonne', ARRAY[
	    'Thay máy nén lạnh piston bằng máy nén trục vít có biến tần',
	    'Thu hồi nhiệt thải từ máy nén để gia nhiệt nước vệ sinh',
	    'Tách mỡ cá, vụn cá bán cho nhà máy thức ăn chăn nuôi']),
	('rice_food_processing', 'tonne', ARRAY[
	    'Chuyển lò sấy đốt than sang lò đốt trấu',
	    'Lắp biến tần cho quạt và gầu tải',
	    'Bán tro trấu làm phụ gia xi măng']),
	('beverages', 'hl', ARRAY[
	    'Thu hồi CO₂ từ bồn lên men',
	    'Tái sử dụng nước rửa chai cuối cho lần rửa đầu',
	    'Bán bã hèm cho trại chăn nuôi']),
	('textiles_garments', 'thousand_pieces', ARRAY[
	    'Thay đèn huỳnh quang bằng đèn LED trong xưởng may',
	    'Thu hồi nước ngưng về bồn cấp lò hơi',
	    'Thu gom vải vụn bán cho cơ sở tái chế']),
	('chemicals_plastics', 'tonne', ARRAY[
	    'Bọc cách nhiệt xi lanh máy ép nhựa',
	    'Nghiền tái sinh phế phẩm nhựa ngay tại xưởng',
	    'Lắp đồng hồ đo điện từng dây chuyền']),
	('mechanical_engineering', 'tonne', ARRAY[
	    'Thay máy nén khí cũ, sửa rò rỉ đường ống khí nén',
	    'Lắp hệ thống lọc tuần hoàn dầu cắt gọt',
	    'Phân loại và bán phoi kim loại']),
	('construction_materials', 'thousand_pieces', ARRAY[
	    'Chuyển lò vòng thủ công sang lò tuynel',
	    'Dùng tro trấu phối trộn nguyên liệu gạch',
	    'Thu hồi nhiệt khói lò để sấy gạch mộc']),
	('paper_packaging', 'tonne', ARRAY[
	    'Tuần hoàn nước trắng máy xeo',
	    'Thu hồi bột giấy từ nước thải bằng bể tuyển nổi',
	    'Lắp biến tần cho bơm bột']),
	('agriculture_processing', 'tonne', ARRAY[
	    'Ủ vỏ và bã trái cây làm phân hữu cơ',
	    'Lắp thiết bị trao đổi nhiệt cho nồi thanh trùng',
	    'Tái sử dụng nước làm mát thiết bị cô đặc']),
	('pharmaceuticals', 'tonne', ARRAY[
	    'Lắp bộ điều khiển nhiệt độ cho phòng sạch',
	    'Thu hồi nước ngưng hệ thống hấp tiệt trùng',
	    'Giảm hao hụt nguyên liệu bằng cân định lượng tự động']);

-- The reports: enterprises 1-37 in 2024 but enterprise 8 (so that Ninh
-- Kiều, with two, is suppressed), and in 2025 those up to 30 but every
-- fourth. Figures follow from n: a saving rate of 4-14 % of a baseline
-- (none for every fifth), CO₂ at Vietnam's grid factor of 0.6766 t/MWh.
INSERT INTO cp_reports (id, organization_id, year, district, commune, sector,
    energy_saved_kwh, water_saved_m3, waste_reduced_tonnes,
    co2_reduced_tonnes, investment_vnd, iso14001_certified, measures,
    technology_ids, output_quantity, output_unit, baseline_energy_kwh,
    baseline_water_m3, baseline_materials_tonnes, filed_by, created_at,
    updated_at)
SELECT ('de0000c1-0000-4000-8000-' || lpad((y.year * 1000 + v.n)::text, 12,
	'0'))::uuid,
    o.id, y.year, o.district, o.commune, o.sector,
    e.kwh, e.m3, e.waste, round(e.kwh * 0.0006766, 3),
    ((v.n * 17) % 30 + 2) * 100000000::bigint,
    v.n % 3 = 0,
    m.m[1:2 + v.n % 2],
    ARRAY(SELECT t.id FROM technologies t
	WHERE t.id = ('de000004-0000-4000-8000-' ||
	    lpad((v.n % 10 + 1)::text, 12, '0'))::uuid
	AND t.status = 'published' AND v.n % 4 = 1),
    (v.n * 311) % 9000 + 1000, m.unit,
    CASE WHEN v.n % 5 <> 0 THEN round(e.kwh * 100 / (4 + (v.n * 7) % 11))
	END,
    CASE WHEN v.n % 5 <> 0 THEN round(e.m3 * 100 / (5 + v.n % 9)) END,
    CASE WHEN v.n % 5 <> 0 THEN round(e.waste * 100 / (3 + (v.n * 3) % 10))
	END,
    a.id, t.at, t.at
FROM generate_series(1, 37) AS v(n)
CROSS JOIN (VALUES (2024, 1.0), (2025, 1.1)) AS y(year, grow)
JOIN organizations o ON o.id = ('de000002-0000-4000-8000-' ||
    lpad(v.n::text, 12, '0'))::uuid
JOIN demo_cp_measures m ON m.sector = o.sector
CROSS JOIN LATERAL (SELECT x.id FROM accounts x WHERE x.org_id = o.id
    ORDER BY x.created_at, x.id LIMIT 1) a
CROSS JOIN LATERAL (SELECT
    round((40 + (v.n * 37) % 160) * 1000 * y.grow) AS kwh,
    round(((v.n * 53) % 90 + 10) * 100 * y.grow) AS m3,
    round(((v.n * 13) % 40 + 5) * 1.5 * y.grow, 3) AS waste) e
CROSS JOIN LATERAL (SELECT least(now(), make_timestamptz(y.year + 1, 1,
    10 + v.n % 18, 9, 0, 0, 'UTC')) AS at) t
WHERE (y.year = 2024 AND v.n <> 8)
   OR (y.year = 2025 AND v.n <= 30 AND v.n % 4 <> 0)
ON CONFLICT DO NOTHING;

-- 2024 closed by DOIT on 15 January 2025 (once: a reopened year stays
-- open), and 2025 open.
WITH closed AS (
	INSERT INTO cp_years (year, closed, closed_at, closed_by)
	SELECT 2024, true, '2025-01-15 02:30:00+00', a.id FROM accounts a
	WHERE a.id = 'de000003-0000-4000-8000-000000000901'
	ON CONFLICT (year) DO NOTHING
	RETURNING year, closed_at, closed_by
)
INSERT INTO cp_year_events (year, action, account_id, at)
SELECT year, 'close', closed_by, closed_at FROM closed;
INSERT INTO cp_years (year) VALUES (2025) ON CONFLICT (year) DO NOTHING;
