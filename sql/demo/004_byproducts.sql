-- sql/demo/004_byproducts.sql -- the by-product exchange of the demo
-- market: what the demo mills, seafood plants, breweries, sugar and
-- paper mills of 001 and 002 offer and want (migration 017). Fictional
-- like them: the organizations are made up, and so are the quantities.
--
-- Loaded on every `make run` after 001-003, so idempotent: each entry has
-- a fixed id (de000009-0000-4000-8000-00000000000N) and is inserted with
-- ON CONFLICT (id) DO NOTHING; an entry whose organization is not there
-- (a demo organization skipped for a taken tax code) is skipped with it.
-- Places: the organization's commune unless the entry says otherwise.
-- Times are relative to the first load, over the last three months.

INSERT INTO byproducts (id, org_id, kind, material, material_code,
    quantity_tonnes_per_month, commune, district, description,
    available_until, created_at, updated_at)
SELECT ('de000009-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid,
    o.id, v.kind, v.material, v.code, v.qty,
    CASE WHEN v.commune = '' THEN o.commune ELSE v.commune END,
    o.district, v.descr,
    CASE WHEN v.months > 0
	THEN (now() + make_interval(months => v.months))::date END,
    now() - v.age::interval, now() - v.age::interval
FROM (VALUES
	-- Thốt Nốt and Cờ Đỏ mills: husk, ash, bran, straw.
	(1, 'de000002-0000-4000-8000-000000000012', 'offer',
	 'Trấu lúa khô từ nhà máy xay xát Thốt Nốt', 'rice_husk', 450.0, '',
	 'Trấu rời sau xay xát, độ ẩm 10-12%, giao bằng xe ben hoặc ghe tại '
	 'bến sông Hậu. Có thể ép viên theo yêu cầu.', 0, '84 days 2 hours'),
	(2, 'de000002-0000-4000-8000-000000000016', 'offer',
	 'Trấu và cám lau của nhà máy xay Thới Hưng', 'rice_husk', 180.0, '',
	 'Trấu quanh năm, nhiều nhất vào vụ Đông Xuân (tháng 2-4).', 12,
	 '63 days 5 hours'),
	(3, 'de000002-0000-4000-8000-000000000009', 'offer',
	 'Tro trấu từ lò sấy lúa', 'husk_ash', 35.5, '',
	 'Tro trấu đen giàu silica, thu từ lò sấy tầng sôi; phù hợp làm phụ '
	 'gia bê tông hoặc phân bón.', 6, '40 days'),
	(4, 'de000002-0000-4000-8000-000000000020', 'offer',
	 'Rơm rạ cuộn sau thu hoạch', 'rice_straw', 300.0, '',
	 'Rơm cuộn tròn bằng máy, 15-18 kg/cuộn, sau vụ Hè Thu.', 4,
	 '21 days 7 hours'),
	(5, 'de000002-0000-4000-8000-000000000012', 'offer',
	 'Cám gạo tươi', 'rice_bran', 60.0, '',
	 'Cám gạo lau bóng, giao trong ngày để tránh ôi dầu.', 0,
	 '12 days'),
	-- Seafood plants: scraps, fat, shrimp shells, sludge.
	(6, 'de000002-0000-4000-8000-000000000011', 'offer',
	 'Đầu, xương và da cá tra sau fillet', 'fish_scraps', 900.0, '',
	 'Phụ phẩm cá tra tươi, bảo quản lạnh, thu gom mỗi ngày; phù hợp '
	 'làm bột cá, dầu cá hoặc collagen.', 0, '70 days'),
	(7, 'de000002-0000-4000-8000-000000000001', 'offer',
	 'Mỡ cá tra thô', 'fish_fat', 120.0, '',
	 'Mỡ bụng cá tra tách từ dây chuyền fillet, chưa tinh luyện.', 0,
	 '55 days 4 hours'),
	(8, 'de000002-0000-4000-8000-000000000023', 'offer',
	 'Vỏ và đầu tôm thẻ', 'shrimp_shells', 250.0, '',
	 'Vỏ đầu tôm từ dây chuyền lột PTO, ướp đá; nguyên liệu chitin, '
	 'chitosan hoặc bột tôm.', 0, '33 days'),
	(9, 'de000002-0000-4000-8000-000000000004', 'offer',
	 'Bùn thải từ hệ thống xử lý nước thải thủy sản', 'wastewater_sludge',
	 40.0, '', 'Bùn vi sinh đã ép khung bản, độ ẩm khoảng 75%; đã phân '
	 'tích không chứa kim loại nặng vượt ngưỡng.', 0, '28 days'),
	-- Breweries and beverages: spent grain, yeast, CO2.
	(10, 'de000002-0000-4000-8000-000000000003', 'offer',
	 'Bã hèm bia ướt', 'spent_grain', 520.0, '',
	 'Bã malt sau nấu bia, độ ẩm 75-80%, lấy trong ngày; phù hợp làm '
	 'thức ăn chăn nuôi.', 0, '77 days'),
	(11, 'de000002-0000-4000-8000-000000000003', 'offer',
	 'Men bia thải', 'brewery_yeast', 45.0, '',
	 'Men bia sau lên men, dạng sệt, giàu đạm.', 0, '60 days'),
	(12, 'de000002-0000-4000-8000-000000000031', 'offer',
	 'Khí CO₂ từ bồn lên men cồn', 'co2', 80.0, '',
	 'CO₂ sinh học độ tinh khiết cao, chưa thu hồi; cần đầu tư thiết '
	 'bị nén.', 18, '15 days'),
	-- Sugar and paper mills: bagasse, molasses, carton.
	(13, 'de000002-0000-4000-8000-000000000030', 'offer',
	 'Bã mía sau ép', 'bagasse', 1500.0, '',
	 'Bã mía vụ ép tháng 11 đến tháng 4; phần dư sau khi đốt lò hơi.',
	 5, '45 days'),
	(14, 'de000002-0000-4000-8000-000000000032', 'offer',
	 'Rỉ đường (mật rỉ)', 'molasses', 300.0, '',
	 'Mật rỉ từ dây chuyền ly tâm, giao bằng xe bồn.', 5, '44 days'),
	(15, 'de000002-0000-4000-8000-000000000007', 'offer',
	 'Giấy vụn và thùng carton hỏng', 'paper_carton', 25.0, '',
	 'Lề giấy, thùng lỗi in từ xưởng in bao bì; đã ép kiện.', 0,
	 '9 days'),
	-- The wants: husk for boilers and bricks, scraps for feed.
	(16, 'de000002-0000-4000-8000-000000000003', 'want',
	 'Trấu làm nhiên liệu lò hơi', 'rice_husk', 400.0, '',
	 'Thay dầu FO cho lò hơi 10 tấn hơi/giờ; cần nguồn ổn định quanh '
	 'năm, nhận tại Khu công nghiệp Trà Nóc.', 0, '80 days'),
	(17, 'de000002-0000-4000-8000-000000000010', 'want',
	 'Trấu hoặc tro trấu cho lò gạch', 'rice_husk', 200.0, '',
	 'Đốt lò gạch tuynel; nhận cả tro trấu để phối trộn đất sét.', 0,
	 '50 days'),
	(18, 'de000002-0000-4000-8000-000000000019', 'want',
	 'Tro trấu làm phụ gia bê tông', 'husk_ash', 50.0, '',
	 'Tro trấu mịn, hàm lượng silica cao, cho gạch không nung.', 12,
	 '38 days'),
	(19, 'de000002-0000-4000-8000-000000000017', 'want',
	 'Phụ phẩm cá tra làm bột cá', 'fish_scraps', 600.0, '',
	 'Nhà máy thức ăn thủy sản cần đầu, xương cá tươi, nhận tại nhà '
	 'máy.', 0, '66 days'),
	(20, 'de000001-0000-4000-8000-000000000018', 'want',
	 'Vỏ tôm làm chitin', 'shrimp_shells', 300.0, '',
	 'Nguyên liệu cho dây chuyền chitosan; cần vỏ tôm tươi hoặc sấy.',
	 0, '30 days'),
	(21, 'de000001-0000-4000-8000-000000000005', 'want',
	 'Bã hèm bia và bùn hữu cơ để ủ phân vi sinh', 'spent_grain', 200.0,
	 '', 'Ủ phân hữu cơ vi sinh; nhận cả bùn hữu cơ đã ép.', 0,
	 '26 days'),
	(22, 'de000002-0000-4000-8000-000000000035', 'want',
	 'Khí CO₂ thực phẩm cho nước giải khát có ga', 'co2', 30.0, '',
	 'Cần CO₂ đạt chuẩn thực phẩm, giao bằng bồn.', 0, '14 days'),
	(23, 'de000002-0000-4000-8000-000000000033', 'want',
	 'Giấy carton cũ làm bột giấy tái chế', 'paper_carton', 800.0, '',
	 'Nhận giấy, carton cũ đã phân loại, ép kiện.', 0, '20 days'),
	(24, 'de000001-0000-4000-8000-000000000019', 'want',
	 'Bã mía và trấu cho lò đốt sinh khối', 'bagasse', 1000.0, '',
	 'Nhà máy điện sinh khối nhận bã mía, trấu, dăm gỗ quanh năm.', 0,
	 '42 days'),
	(25, 'de000002-0000-4000-8000-000000000013', 'offer',
	 'Phế liệu nhựa PP, PE từ dây chuyền ép', 'plastic_scraps', 18.0, '',
	 'Ba-via, sản phẩm lỗi đã phân loại theo màu.', 0, '5 days'),
	(26, 'de000001-0000-4000-8000-000000000009', 'want',
	 'Phế liệu nhựa PP, PE sạch', 'plastic_scraps', 150.0, '',
	 'Tái chế hạt nhựa; nhận tại Thốt Nốt.', 0, '18 days'),
	(27, 'de000002-0000-4000-8000-000000000002', 'offer',
	 'Hơi nước dư từ lò hơi', 'waste_heat', 600.0, '',
	 'Khoảng 0,8 tấn hơi/giờ áp suất thấp dư ngoài giờ cao điểm, cho '
	 'nhà máy lân cận trong Khu công nghiệp Trà Nóc (quy đổi tấn hơi).',
	 0, '11 days'),
	(28, 'de000001-0000-4000-8000-000000000010', 'want',
	 'Mỡ cá tra làm dầu sinh học (biodiesel)', 'fish_fat', 150.0, '',
	 'Nhận mỡ cá thô tại Ô Môn, thanh toán theo độ axit.', 0, '24 days')
	) AS v(n, org, kind, material, code, qty, commune, descr, months,
	    age)
JOIN organizations o ON o.id = v.org::uuid
ON CONFLICT (id) DO NOTHING;
