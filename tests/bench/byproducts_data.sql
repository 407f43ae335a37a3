-- byproducts_data.sql -- :n synthetic open by-products (offers and wants,
-- half each) of 500 bench organizations, for the matches benchmark.
-- Materials are composed from real phrases of each material code, with
-- one entry in ten left without a code, so that code and trigram
-- candidates look like the demo data's. Deterministic (setseed) and
-- repeatable: the bench organizations are reused, their entries replaced.

SELECT setseed(0.17);

INSERT INTO organizations (id, kind, name, tax_code, district, sector,
    verified)
SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(i), 12, '0'))::uuid,
    CASE WHEN i % 5 = 0 THEN 'vendor' ELSE 'enterprise' END,
    'Doanh nghiệp cộng sinh thử tải ' || i, '29' || lpad(i::text, 8, '0'),
    (SELECT code FROM districts ORDER BY sort_order OFFSET i % 28 LIMIT 1),
    (SELECT code FROM sectors ORDER BY code OFFSET i % 10 LIMIT 1),
    i % 2 = 0
FROM generate_series(1, 500) i
ON CONFLICT (id) DO NOTHING;

DELETE FROM byproducts
WHERE org_id IN (SELECT id FROM organizations WHERE tax_code LIKE '29%'
    AND name LIKE 'Doanh nghiệp cộng sinh thử tải %');

WITH phrase(code, k, text) AS (VALUES
	('rice_husk', 0, 'Trấu lúa'), ('rice_husk', 1, 'Vỏ trấu khô'),
	('rice_straw', 0, 'Rơm rạ'), ('rice_straw', 1, 'Rơm cuộn'),
	('husk_ash', 0, 'Tro trấu'), ('husk_ash', 1, 'Tro lò hơi đốt trấu'),
	('rice_bran', 0, 'Cám gạo'), ('rice_bran', 1, 'Cám lau'),
	('fish_scraps', 0, 'Đầu xương cá tra'), ('fish_scraps', 1,
	    'Phụ phẩm cá fillet'),
	('fish_fat', 0, 'Mỡ cá tra'), ('fish_fat', 1, 'Dầu cá thô'),
	('shrimp_shells', 0, 'Vỏ đầu tôm'), ('shrimp_shells', 1,
	    'Vỏ tôm sú'),
	('spent_grain', 0, 'Bã hèm bia'), ('spent_grain', 1, 'Bã malt ướt'),
	('brewery_yeast', 0, 'Men bia thải'), ('brewery_yeast', 1,
	    'Bã men bia'),
	('wastewater_sludge', 0, 'Bùn thải xử lý nước'),
	('wastewater_sludge', 1, 'Bùn vi sinh dư'),
	('organic_sludge', 0, 'Bùn hữu cơ'), ('organic_sludge', 1,
	    'Bùn ao nuôi cá'),
	('bagasse', 0, 'Bã mía'), ('bagasse', 1, 'Bã mía ép'),
	('molasses', 0, 'Rỉ đường'), ('molasses', 1, 'Mật rỉ'),
	('wood_chips', 0, 'Dăm gỗ'), ('wood_chips', 1, 'Mùn cưa'),
	('fruit_peels', 0, 'Vỏ trái cây'), ('fruit_peels', 1, 'Bã dứa'),
	('plastic_scraps', 0, 'Phế liệu nhựa PE'), ('plastic_scraps', 1,
	    'Bao bì nhựa vụn'),
	('paper_carton', 0, 'Giấy carton cũ'), ('paper_carton', 1,
	    'Thùng giấy vụn'),
	('scrap_metal', 0, 'Sắt thép phế liệu'), ('scrap_metal', 1,
	    'Phoi nhôm'),
	('waste_heat', 0, 'Hơi nước dư'), ('waste_heat', 1,
	    'Nhiệt thải khói lò'),
	('co2', 0, 'Khí CO2 lên men'), ('co2', 1, 'CO2 thu hồi'),
	('fly_ash', 0, 'Tro bay'), ('fly_ash', 1, 'Xỉ than'),
	('used_oil', 0, 'Dầu nhớt thải'), ('used_oil', 1, 'Dầu máy cũ')),
codes AS (SELECT DISTINCT code FROM phrase),
numbered AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS c
	FROM codes),
pick AS (
	SELECT g, floor(random() * 22)::int AS c, floor(random() * 2)::int AS k,
	    floor(random() * 8)::int AS q, floor(random() * 500)::int + 1 AS o,
	    random() AS r, random() AS u, random() AS d
	FROM generate_series(1, :n) g)
INSERT INTO byproducts (org_id, kind, material, material_code,
    quantity_tonnes_per_month, district, description, available_until,
    created_at, updated_at)
SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(pick.o), 12, '0'))::uuid,
    CASE WHEN pick.g % 2 = 0 THEN 'offer' ELSE 'want' END,
    p.text || ' ' || (ARRAY['số lượng lớn', 'giao hằng tuần',
	'đã phân loại', 'độ ẩm thấp', 'từ khu công nghiệp Trà Nóc',
	'từ nhà máy ở Thốt Nốt', 'quanh năm', 'theo mùa vụ'])[1 + pick.q]
	|| ' #' || pick.g,
    CASE WHEN pick.u < 0.9 THEN n.code END,
    round((1 + pick.r * 499)::numeric, 1),
    (SELECT code FROM districts ORDER BY sort_order
	OFFSET floor(pick.d * 28)::int LIMIT 1),
    'Phụ phẩm công nghiệp, thử tải.',
    CASE WHEN pick.r < 0.7 THEN NULL
	ELSE current_date + 30 + floor(pick.u * 300)::int END,
    now() - pick.g * interval '1 minute', now()
FROM pick JOIN numbered n ON n.c = pick.c
JOIN phrase p ON p.code = n.code AND p.k = pick.k;
