-- bench_data.sql -- :n synthetic published technologies from 500 bench
-- vendors, for `make bench-data N=...` and the search benchmark. Titles
-- are composed from real cleaner-production phrases so that search
-- selectivity looks like the demo data's. Deterministic (setseed) and
-- repeatable: bench vendors are reused, their listings replaced.

SELECT setseed(0.42);

INSERT INTO organizations (id, kind, name, tax_code, district, sector,
    verified)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
    'vendor', 'Nhà cung cấp thử tải ' || i, '19' || lpad(i::text, 8, '0'),
    (ARRAY['ninh_kieu', 'binh_thuy', 'cai_rang', 'o_mon', 'thot_not',
	'phong_dien', 'co_do', 'thoi_lai', 'vinh_thanh'])[1 + i % 9],
    (SELECT code FROM sectors ORDER BY code OFFSET i % 10 LIMIT 1),
    i % 3 = 0
FROM generate_series(1, 500) i
ON CONFLICT (id) DO NOTHING;

DELETE FROM technologies
WHERE vendor_id IN (SELECT id FROM organizations WHERE tax_code LIKE '19%'
    AND name LIKE 'Nhà cung cấp thử tải %');

WITH core(k, phrase, category) AS (VALUES
	(1, 'xử lý nước thải', 'wastewater_treatment'),
	(2, 'lò hơi đốt trấu', 'renewable_energy'),
	(3, 'điện mặt trời áp mái', 'renewable_energy'),
	(4, 'thu hồi nhiệt thải', 'energy_efficiency'),
	(5, 'biến tần cho bơm và quạt', 'energy_efficiency'),
	(6, 'tái sử dụng nước', 'water_saving'),
	(7, 'lọc màng RO', 'water_saving'),
	(8, 'biogas từ phụ phẩm', 'solid_waste'),
	(9, 'lọc bụi túi vải', 'air_emissions'),
	(10, 'giám sát năng lượng IoT', 'monitoring_control'),
	(11, 'ủ phân hữu cơ', 'solid_waste'),
	(12, 'tách bùn ép khung bản', 'wastewater_treatment'),
	(13, 'chiếu sáng LED', 'energy_efficiency'),
	(14, 'thay thế môi chất lạnh', 'material_substitution'),
	(15, 'tối ưu hóa quy trình sấy', 'process_optimisation')),
pick AS (
	SELECT g, 1 + floor(random() * 15)::int AS k,
	    floor(random() * 6)::int AS p, floor(random() * 10)::int AS s,
	    floor(random() * 500)::int + 1 AS v,
	    floor(random() * 10)::int AS sec, random() AS r
	FROM generate_series(1, :n) g)
INSERT INTO technologies (vendor_id, title, summary, description,
    category, sectors, trl, price_min_vnd, price_max_vnd,
    energy_saving_pct, status, created_at, updated_at, published_at)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(pick.v), 12, '0'))::uuid,
    (ARRAY['Hệ thống', 'Giải pháp', 'Thiết bị', 'Công nghệ', 'Dây chuyền',
	'Mô-đun'])[1 + pick.p] || ' ' || core.phrase || ' ' ||
    (ARRAY['cho nhà máy chế biến cá tra', 'cho nhà máy xay xát lúa gạo',
	'cho xưởng dệt nhuộm', 'cho nhà máy bia', 'cho lò gạch tuynel',
	'công suất nhỏ', 'quy mô công nghiệp', 'tiết kiệm chi phí',
	'đạt QCVN cột A', 'thế hệ mới'])[1 + pick.s] || ' #' || pick.g,
    'Giải pháp ' || core.phrase || ' đã triển khai tại Cần Thơ.',
    'Mô tả kỹ thuật của giải pháp ' || core.phrase || ', bảo hành 24 tháng.',
    core.category,
    ARRAY[(SELECT code FROM sectors ORDER BY code OFFSET pick.sec LIMIT 1)],
    4 + floor(pick.r * 6)::int,
    (100 + floor(pick.r * 5000)::bigint) * 1000000,
    (200 + floor(pick.r * 9000)::bigint) * 1000000,
    floor(pick.r * 40)::int, 'published',
    now() - make_interval(secs => pick.g),
    now() - make_interval(secs => pick.g),
    now() - make_interval(secs => pick.g)
FROM pick JOIN core ON core.k = pick.k;

ANALYZE technologies;
