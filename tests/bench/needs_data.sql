-- needs_data.sql -- :n open needs from 50 bench enterprises, for the
-- matching rows of `make bench` (with the bench enterprise's own need,
-- the market has :n + 1). Titles from the same phrases as
-- bench_data.sql's technologies, so text similarity scores; categories,
-- sectors, districts and budgets spread evenly. Deterministic (setseed);
-- tax codes 59xxxxxxxx. Repeatable: the bench enterprises' needs are
-- replaced.

SELECT setseed(0.17);

INSERT INTO organizations (id, kind, name, tax_code, district, sector)
SELECT ('00000000-0000-4000-8001-' || lpad(to_hex(i), 12, '0'))::uuid,
    'enterprise', 'Doanh nghiệp thử tải ' || i, '59' || lpad(i::text, 8, '0'),
    (ARRAY['ninh_kieu', 'binh_thuy', 'cai_rang', 'o_mon', 'thot_not',
	'phong_dien', 'co_do', 'thoi_lai', 'vinh_thanh'])[1 + i % 9],
    (SELECT code FROM sectors ORDER BY code OFFSET i % 10 LIMIT 1)
FROM generate_series(1, 50) i
ON CONFLICT (id) DO NOTHING;

DELETE FROM needs
WHERE enterprise_id IN (SELECT id FROM organizations
    WHERE tax_code LIKE '59%' AND name LIKE 'Doanh nghiệp thử tải %');

WITH phrase(k, p) AS (VALUES
	(1, 'xử lý nước thải'), (2, 'lò hơi đốt trấu'),
	(3, 'điện mặt trời áp mái'), (4, 'thu hồi nhiệt thải'),
	(5, 'biến tần cho bơm và quạt'), (6, 'tái sử dụng nước'),
	(7, 'lọc màng RO'), (8, 'biogas từ phụ phẩm'), (9, 'lọc bụi túi vải'),
	(10, 'giám sát năng lượng IoT'), (11, 'ủ phân hữu cơ'),
	(12, 'tách bùn ép khung bản'), (13, 'chiếu sáng LED'),
	(14, 'thay thế môi chất lạnh'), (15, 'tối ưu hóa quy trình sấy')),
pick AS (
	SELECT g, 1 + floor(random() * 15)::int AS k,
	    floor(random() * 9)::int AS c, floor(random() * 10)::int AS s,
	    floor(random() * 9)::int AS d, 1 + floor(random() * 50)::int AS e,
	    random() AS r
	FROM generate_series(1, :n) g)
INSERT INTO needs (enterprise_id, title, description, category, sector,
    district, budget_max_vnd, status, created_at, updated_at)
SELECT ('00000000-0000-4000-8001-' || lpad(to_hex(pick.e), 12, '0'))::uuid,
    'Cần ' || phrase.p || ' cho nhà máy số ' || pick.g,
    'Nhu cầu thử tải: ' || phrase.p || '.',
    (SELECT code FROM categories ORDER BY code OFFSET pick.c LIMIT 1),
    (SELECT code FROM sectors ORDER BY code OFFSET pick.s LIMIT 1),
    (ARRAY['ninh_kieu', 'binh_thuy', 'cai_rang', 'o_mon', 'thot_not',
	'phong_dien', 'co_do', 'thoi_lai', 'vinh_thanh'])[1 + pick.d],
    (200 + floor(pick.r * 5000)::bigint) * 1000000, 'open',
    now() - make_interval(secs => pick.g), now() - make_interval(secs => pick.g)
FROM pick JOIN phrase ON phrase.k = pick.k;

ANALYZE needs;
