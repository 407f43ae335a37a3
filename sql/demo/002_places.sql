-- sql/demo/002_places.sql -- the demo marketplace in the Can Tho of
-- 1 July 2025: the old city, Hậu Giang and Sóc Trăng, made of 103
-- communes and wards with no district level (migration 011). Fictional
-- like 001: nothing here describes a real company; names, tax codes,
-- addresses, phone numbers and people are made up.
--
-- conf/tm.sh loads it on every `make run`, after 001, in a transaction
-- of its own. It
--   1. gives each of 001's organizations the commune its address lies
--      in and rewrites the address in the two-level form used since
--      2025 ("Số 128 đường Trần Hưng Đạo, Phường Ninh Kiều, Thành phố
--      Cần Thơ"), and gives 001's needs their enterprise's commune;
--   2. adds vendors and enterprises of the former Hậu Giang and Sóc
--      Trăng provinces, so that more than a third of the demo
--      organizations are there, in 23 communes of both;
--   3. adds their needs;
--   4. and a few technologies of the new vendors.
--
-- UPDATES TOUCH UNCHANGED DEMO ROWS ONLY. Like 001 this file never
-- overwrites what users changed: an organization is updated only while
-- it has no commune and still holds exactly 001's district and address;
-- a need only while it has no commune and still lies in its
-- enterprise's district (as it was before this file moved it, if it
-- did). A row updated once no longer matches, so loading the file
-- again changes nothing, not even updated_at. An update bumps version
-- and updated_at, as the API's writers do: version is the row's ETag,
-- and a client holding the old one must not overwrite the commune
-- unknowingly (If-Match).
--
-- Districts are not chosen here: the trigger of 011 derives a row's
-- district from its commune, for organizations and needs alike, before
-- needs.district's NOT NULL is checked. Three of 001's addresses lie
-- in a commune filed under another former district than the one 001
-- gave; the address decides, and the district (the needs' too) moves:
--   enterprise 14, xã Mỹ Khánh (Phong Điền)  -> Phường An Bình (Ninh Kiều)
--   enterprise 17, xã Trung An (Cờ Đỏ)       -> Phường Trung Nhứt (Thốt Nốt)
--   enterprise 18, xã Xuân Thắng (Thới Lai)  -> Xã Đông Hiệp (Cờ Đỏ)
-- Phường Bùi Hữu Nghĩa was split: a sliver went to Phường Cái Khế, the
-- rest to Phường Bình Thủy, where vendor 8 stays in 001's district.
--
-- New rows follow 001's conventions: fixed ids by prefix, numbered on
-- from 001's (vendors 16-22, enterprises 22-37, accounts 100 + N and
-- 200 + N, technologies 71-78, needs 29-52); ON CONFLICT (id) DO
-- NOTHING; a tax code or email someone else already registered skips
-- the row and what hangs off it; password_hash '!' (see NO LOGIN in
-- 001). Tax codes are invented with a valid check digit, the tenth
-- digit being 10 - (d1*31 + d2*29 + d3*23 + d4*19 + d5*17 + d6*13 +
-- d7*7 + d8*5 + d9*3) mod 11, as in 001's. A firm keeps the code its
-- province issued, so firms of the former provinces have codes starting
-- with 63 (Hậu Giang) and 22 (Sóc Trăng). Phone area codes: 0292 old
-- Cần Thơ, 0293 Hậu Giang, 0299 Sóc Trăng.
--
-- Sectors: there is no sugar or distillery sector. Sugar mills and
-- their suppliers use rice_food_processing (food processing); the
-- distillery (food-grade alcohol from molasses) uses beverages; paper
-- mills have paper_packaging.

-- 1. 001's organizations: commune and two-level address. Columns: id
-- prefix (1 vendor, 2 enterprise), N, 001's district and address, the
-- commune, the new address. Their needs follow in the same statement,
-- compared with the district their enterprise had before it moved.
WITH v (p, n, district, old_address, commune, address) AS (VALUES
	(1, 1, 'ninh_kieu',
	 'Số 128 đường Trần Hưng Đạo, phường An Nghiệp, quận Ninh Kiều, TP. Cần Thơ',
	 'phuong_ninh_kieu',
	 'Số 128 đường Trần Hưng Đạo, Phường Ninh Kiều, Thành phố Cần Thơ'),
	(1, 2, 'ninh_kieu',
	 'Số 45 đường 30 Tháng 4, phường Xuân Khánh, quận Ninh Kiều, TP. Cần Thơ',
	 'phuong_ninh_kieu',
	 'Số 45 đường 30 Tháng 4, Phường Ninh Kiều, Thành phố Cần Thơ'),
	(1, 3, 'binh_thuy',
	 'Lô 2-14 Khu công nghiệp Trà Nóc 1, phường Trà Nóc, quận Bình Thủy, TP. Cần Thơ',
	 'phuong_thoi_an_dong',
	 'Lô 2-14 Khu công nghiệp Trà Nóc 1, Phường Thới An Đông, Thành phố Cần Thơ'),
	(1, 4, 'ninh_kieu',
	 'Số 9 đường Nguyễn Văn Cừ nối dài, phường An Khánh, quận Ninh Kiều, TP. Cần Thơ',
	 'phuong_tan_an',
	 'Số 9 đường Nguyễn Văn Cừ nối dài, Phường Tân An, Thành phố Cần Thơ'),
	(1, 5, 'phong_dien',
	 'Ấp Nhơn Lộc 1, thị trấn Phong Điền, huyện Phong Điền, TP. Cần Thơ',
	 'xa_phong_dien',
	 'Ấp Nhơn Lộc 1, Xã Phong Điền, Thành phố Cần Thơ'),
	(1, 6, 'cai_rang',
	 'Số 210 Quốc lộ 1A, phường Lê Bình, quận Cái Răng, TP. Cần Thơ',
	 'phuong_cai_rang',
	 'Số 210 Quốc lộ 1A, Phường Cái Răng, Thành phố Cần Thơ'),
	(1, 7, 'cai_rang',
	 'Lô 18 Khu công nghiệp Hưng Phú 1, phường Tân Phú, quận Cái Răng, TP. Cần Thơ',
	 'phuong_hung_phu',
	 'Lô 18 Khu công nghiệp Hưng Phú 1, Phường Hưng Phú, Thành phố Cần Thơ'),
	(1, 8, 'binh_thuy',
	 'Số 77 đường Cách Mạng Tháng 8, phường Bùi Hữu Nghĩa, quận Bình Thủy, TP. Cần Thơ',
	 'phuong_binh_thuy',
	 'Số 77 đường Cách Mạng Tháng 8, Phường Bình Thủy, Thành phố Cần Thơ'),
	(1, 9, 'thot_not',
	 'Khu công nghiệp Thốt Nốt, phường Thới Thuận, quận Thốt Nốt, TP. Cần Thơ',
	 'phuong_thot_not',
	 'Khu công nghiệp Thốt Nốt, Phường Thốt Nốt, Thành phố Cần Thơ'),
	(1, 10, 'o_mon',
	 'Lô 31 Khu công nghiệp Trà Nóc 2, phường Phước Thới, quận Ô Môn, TP. Cần Thơ',
	 'phuong_phuoc_thoi',
	 'Lô 31 Khu công nghiệp Trà Nóc 2, Phường Phước Thới, Thành phố Cần Thơ'),
	(1, 11, 'co_do',
	 'Ấp Thới Hòa, thị trấn Cờ Đỏ, huyện Cờ Đỏ, TP. Cần Thơ',
	 'xa_co_do',
	 'Ấp Thới Hòa, Xã Cờ Đỏ, Thành phố Cần Thơ'),
	(1, 12, 'cai_rang',
	 'Số 14 Quốc lộ 1A, phường Ba Láng, quận Cái Răng, TP. Cần Thơ',
	 'phuong_cai_rang',
	 'Số 14 Quốc lộ 1A, Phường Cái Răng, Thành phố Cần Thơ'),
	(1, 13, 'ninh_kieu',
	 'Số 31 đường Mậu Thân, phường Xuân Khánh, quận Ninh Kiều, TP. Cần Thơ',
	 'phuong_ninh_kieu',
	 'Số 31 đường Mậu Thân, Phường Ninh Kiều, Thành phố Cần Thơ'),
	(1, 14, 'thoi_lai',
	 'Ấp Thới Thuận A, thị trấn Thới Lai, huyện Thới Lai, TP. Cần Thơ',
	 'xa_thoi_lai',
	 'Ấp Thới Thuận A, Xã Thới Lai, Thành phố Cần Thơ'),
	(1, 15, 'vinh_thanh',
	 'Ấp Qui Long, thị trấn Vĩnh Thạnh, huyện Vĩnh Thạnh, TP. Cần Thơ',
	 'xa_vinh_thanh',
	 'Ấp Qui Long, Xã Vĩnh Thạnh, Thành phố Cần Thơ'),
	(2, 1, 'binh_thuy',
	 'Lô 21A Khu công nghiệp Trà Nóc 1, phường Trà Nóc, quận Bình Thủy, TP. Cần Thơ',
	 'phuong_thoi_an_dong',
	 'Lô 21A Khu công nghiệp Trà Nóc 1, Phường Thới An Đông, Thành phố Cần Thơ'),
	(2, 2, 'binh_thuy',
	 'Số 142 đường Lê Hồng Phong, phường Trà An, quận Bình Thủy, TP. Cần Thơ',
	 'phuong_thoi_an_dong',
	 'Số 142 đường Lê Hồng Phong, Phường Thới An Đông, Thành phố Cần Thơ'),
	(2, 3, 'binh_thuy',
	 'Lô 16 Khu công nghiệp Trà Nóc 1, phường Trà Nóc, quận Bình Thủy, TP. Cần Thơ',
	 'phuong_thoi_an_dong',
	 'Lô 16 Khu công nghiệp Trà Nóc 1, Phường Thới An Đông, Thành phố Cần Thơ'),
	(2, 4, 'cai_rang',
	 'Lô 7 Khu công nghiệp Hưng Phú 1, phường Phú Thứ, quận Cái Răng, TP. Cần Thơ',
	 'phuong_hung_phu',
	 'Lô 7 Khu công nghiệp Hưng Phú 1, Phường Hưng Phú, Thành phố Cần Thơ'),
	(2, 5, 'cai_rang',
	 'Số 61 đường Lý Thường Kiệt, phường Lê Bình, quận Cái Răng, TP. Cần Thơ',
	 'phuong_cai_rang',
	 'Số 61 đường Lý Thường Kiệt, Phường Cái Răng, Thành phố Cần Thơ'),
	(2, 6, 'cai_rang',
	 'Lô 40 Khu công nghiệp Hưng Phú 2, phường Tân Phú, quận Cái Răng, TP. Cần Thơ',
	 'phuong_hung_phu',
	 'Lô 40 Khu công nghiệp Hưng Phú 2, Phường Hưng Phú, Thành phố Cần Thơ'),
	(2, 7, 'ninh_kieu',
	 'Số 88 đường Nguyễn Văn Linh, phường Hưng Lợi, quận Ninh Kiều, TP. Cần Thơ',
	 'phuong_tan_an',
	 'Số 88 đường Nguyễn Văn Linh, Phường Tân An, Thành phố Cần Thơ'),
	(2, 8, 'ninh_kieu',
	 'Số 15 đường Cách Mạng Tháng 8, phường An Hòa, quận Ninh Kiều, TP. Cần Thơ',
	 'phuong_cai_khe',
	 'Số 15 đường Cách Mạng Tháng 8, Phường Cái Khế, Thành phố Cần Thơ'),
	(2, 9, 'o_mon',
	 'Quốc lộ 91, khu vực Thới Hòa, phường Thới An, quận Ô Môn, TP. Cần Thơ',
	 'phuong_o_mon',
	 'Quốc lộ 91, khu vực Thới Hòa, Phường Ô Môn, Thành phố Cần Thơ'),
	(2, 10, 'o_mon',
	 'Khu vực Thới Phước, phường Phước Thới, quận Ô Môn, TP. Cần Thơ',
	 'phuong_phuoc_thoi',
	 'Khu vực Thới Phước, Phường Phước Thới, Thành phố Cần Thơ'),
	(2, 11, 'thot_not',
	 'Lô 5 Khu công nghiệp Thốt Nốt, phường Thới Thuận, quận Thốt Nốt, TP. Cần Thơ',
	 'phuong_thot_not',
	 'Lô 5 Khu công nghiệp Thốt Nốt, Phường Thốt Nốt, Thành phố Cần Thơ'),
	(2, 12, 'thot_not',
	 'Quốc lộ 91, khu vực Qui Thạnh 1, phường Trung Nhứt, quận Thốt Nốt, TP. Cần Thơ',
	 'phuong_trung_nhut',
	 'Quốc lộ 91, khu vực Qui Thạnh 1, Phường Trung Nhứt, Thành phố Cần Thơ'),
	(2, 13, 'thot_not',
	 'Khu vực Tân Phú, phường Thuận Hưng, quận Thốt Nốt, TP. Cần Thơ',
	 'phuong_thuan_hung',
	 'Khu vực Tân Phú, Phường Thuận Hưng, Thành phố Cần Thơ'),
	(2, 14, 'phong_dien',
	 'Ấp Mỹ Ái, xã Mỹ Khánh, huyện Phong Điền, TP. Cần Thơ',
	 'phuong_an_binh',
	 'Ấp Mỹ Ái, Phường An Bình, Thành phố Cần Thơ'),
	(2, 15, 'phong_dien',
	 'Ấp Nhơn Lộc, xã Nhơn Nghĩa, huyện Phong Điền, TP. Cần Thơ',
	 'xa_nhon_ai',
	 'Ấp Nhơn Lộc, Xã Nhơn Ái, Thành phố Cần Thơ'),
	(2, 16, 'co_do',
	 'Ấp Thới Hòa B, xã Thới Hưng, huyện Cờ Đỏ, TP. Cần Thơ',
	 'xa_thoi_hung',
	 'Ấp Thới Hòa B, Xã Thới Hưng, Thành phố Cần Thơ'),
	(2, 17, 'co_do',
	 'Ấp Thạnh Phước 1, xã Trung An, huyện Cờ Đỏ, TP. Cần Thơ',
	 'phuong_trung_nhut',
	 'Ấp Thạnh Phước 1, Phường Trung Nhứt, Thành phố Cần Thơ'),
	(2, 18, 'thoi_lai',
	 'Ấp Thới Phước A, xã Xuân Thắng, huyện Thới Lai, TP. Cần Thơ',
	 'xa_dong_hiep',
	 'Ấp Thới Phước A, Xã Đông Hiệp, Thành phố Cần Thơ'),
	(2, 19, 'thoi_lai',
	 'Ấp Trường Lợi, xã Trường Xuân, huyện Thới Lai, TP. Cần Thơ',
	 'xa_truong_xuan',
	 'Ấp Trường Lợi, Xã Trường Xuân, Thành phố Cần Thơ'),
	(2, 20, 'vinh_thanh',
	 'Quốc lộ 80, ấp Phụng Thạnh 1, thị trấn Thạnh An, huyện Vĩnh Thạnh, TP. Cần Thơ',
	 'xa_thanh_an',
	 'Quốc lộ 80, ấp Phụng Thạnh 1, Xã Thạnh An, Thành phố Cần Thơ'),
	(2, 21, 'vinh_thanh',
	 'Quốc lộ 80, ấp Vĩnh Quới, xã Vĩnh Trinh, huyện Vĩnh Thạnh, TP. Cần Thơ',
	 'xa_vinh_trinh',
	 'Quốc lộ 80, ấp Vĩnh Quới, Xã Vĩnh Trinh, Thành phố Cần Thơ')
), moved AS (
	UPDATE organizations o
	SET commune = v.commune, address = v.address,
	    version = o.version + 1, updated_at = now()
	FROM v
	WHERE o.id = ('de00000' || v.p || '-0000-4000-8000-'
		|| lpad(v.n::text, 12, '0'))::uuid
	    AND o.commune IS NULL AND o.district = v.district
	    AND o.address = v.old_address
	RETURNING o.id, o.commune, v.district AS was
)
-- The statement sees the enterprises as they were before it: a moved
-- one's commune and former district come from what moved returns.
UPDATE needs n
SET commune = e.commune, version = n.version + 1, updated_at = now()
FROM (SELECT o.id, coalesce(m.commune, o.commune) AS commune,
	coalesce(m.was, o.district) AS district
    FROM organizations o LEFT JOIN moved m ON m.id = o.id
    WHERE o.id::text LIKE 'de000002-%') e
WHERE n.id::text LIKE 'de000005-%' AND n.enterprise_id = e.id
    AND n.commune IS NULL AND e.commune IS NOT NULL
    AND n.district = e.district;

-- 2. Vendors 16-22: four of Sóc Trăng, three of Hậu Giang.
INSERT INTO organizations (id, kind, name, tax_code, commune, sector,
    address, phone, website, verified, verified_at, created_at, updated_at)
SELECT ('de000001-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid,
    'vendor', v.name, v.tax_code, v.commune, v.sector, v.address, v.phone,
    v.website, v.verified,
    CASE WHEN v.verified THEN now() - v.age::interval + interval '6 days' END,
    now() - v.age::interval,
    now() - v.age::interval
	+ CASE WHEN v.verified THEN interval '6 days' ELSE interval '0' END
FROM (VALUES
	(16, '2201260185', 'Công ty TNHH Công nghệ Môi trường Phú Lợi',
	 'phuong_phu_loi', 'seafood_processing',
	 'Số 56 đường Trần Hưng Đạo, Phường Phú Lợi, Thành phố Cần Thơ',
	 '0299 3821 647', 'https://moitruongphuloi.example.vn', true,
	 '236 days 3 hours'),
	(17, '2200590832', 'Công ty CP Kỹ thuật Lạnh Nam Sông Hậu',
	 'phuong_soc_trang', 'seafood_processing',
	 'Số 212 đường Lê Hồng Phong, Phường Sóc Trăng, Thành phố Cần Thơ',
	 '0299 3614 205', 'https://lanhnamsonghau.example.vn', true,
	 '221 days 6 hours'),
	(18, '2200166133', 'Công ty TNHH Công nghệ Sinh học Chitin Vĩnh Châu',
	 'phuong_vinh_chau', 'seafood_processing',
	 'Số 18 đường Nguyễn Huệ, Phường Vĩnh Châu, Thành phố Cần Thơ',
	 '0299 3861 532', 'https://chitinvinhchau.example.vn', false,
	 '174 days 2 hours'),
	(19, '6300862526', 'Công ty TNHH Năng lượng Sinh khối Ngã Bảy',
	 'phuong_nga_bay', 'mechanical_engineering',
	 'Số 35 đường Hùng Vương, Phường Ngã Bảy, Thành phố Cần Thơ',
	 '0293 3866 412', 'https://sinhkhoingabay.example.vn', true,
	 '229 days 4 hours'),
	(20, '6301601894', 'Công ty TNHH Xử lý Nước thải Công nghiệp Vị Thanh',
	 'phuong_vi_thanh', 'rice_food_processing',
	 'Số 24 đường Trần Hưng Đạo, Phường Vị Thanh, Thành phố Cần Thơ',
	 '0293 3878 520', 'https://nuocthaivithanh.example.vn', true,
	 '212 days 5 hours'),
	(21, '2200860912', 'Công ty TNHH Cơ khí Lò sấy Ngã Năm',
	 'phuong_nga_nam', 'rice_food_processing',
	 'Số 90 đường Nguyễn Trung Trực, Phường Ngã Năm, Thành phố Cần Thơ',
	 '0299 3867 301', NULL, false,
	 '158 days 7 hours'),
	(22, '6301559794', 'Công ty TNHH Kỹ thuật Tuần hoàn Nước Tân Phú Thạnh',
	 'xa_thanh_xuan', 'paper_packaging',
	 'Lô B5 Khu công nghiệp Tân Phú Thạnh, Xã Thạnh Xuân, Thành phố Cần Thơ',
	 '0293 3946 118', 'https://tuanhoannuoc-tpt.example.vn', false,
	 '143 days 1 hour')
) AS v(n, tax_code, name, commune, sector, address, phone, website,
    verified, age)
WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.tax_code = v.tax_code
    AND o.id <> ('de000001-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid)
ON CONFLICT (id) DO NOTHING;

-- Enterprises 22-37: eight of Sóc Trăng (shrimp at Vĩnh Châu, KCN An
-- Nghiệp, KCN Trần Đề; rice, food, plastics, bricks), eight of Hậu
-- Giang (sugar at Phụng Hiệp, a distillery at Long Mỹ, paper at KCN
-- Sông Hậu, pineapple, drinks, rice). KCN An Nghiệp lay in xã An Hiệp,
-- now Xã An Ninh; KCN Sông Hậu in xã Đông Phú, now Xã Châu Thành.
INSERT INTO organizations (id, kind, name, tax_code, commune, sector,
    address, phone, website, verified, verified_at, created_at, updated_at)
SELECT ('de000002-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid,
    'enterprise', v.name, v.tax_code, v.commune, v.sector, v.address,
    v.phone, v.website, v.verified,
    CASE WHEN v.verified THEN now() - v.age::interval + interval '3 days' END,
    now() - v.age::interval,
    now() - v.age::interval
	+ CASE WHEN v.verified THEN interval '3 days' ELSE interval '0' END
FROM (VALUES
	(22, '2200909967', 'Công ty CP Thủy sản Vĩnh Châu Xanh',
	 'phuong_khanh_hoa', 'seafood_processing',
	 'Số 150 đường Nam Sông Hậu, Phường Khánh Hòa, Thành phố Cần Thơ',
	 '0299 3862 418', 'https://vinhchauxanh-seafood.example.vn', true,
	 '233 days 2 hours'),
	(23, '2200308243', 'Công ty TNHH Chế biến Tôm Vĩnh Phước',
	 'phuong_vinh_phuoc', 'seafood_processing',
	 'Số 41 đường Nam Sông Hậu, Phường Vĩnh Phước, Thành phố Cần Thơ',
	 '0299 3863 275', NULL, false,
	 '187 days 5 hours'),
	(24, '2202219937', 'Công ty CP Thực phẩm Thủy sản An Nghiệp',
	 'xa_an_ninh', 'seafood_processing',
	 'Lô A12 Khu công nghiệp An Nghiệp, Xã An Ninh, Thành phố Cần Thơ',
	 '0299 3613 884', 'https://thuysanannghiep.example.vn', true,
	 '240 days 6 hours'),
	(25, '2201181906', 'Công ty TNHH Nhựa Bao bì Kế Sách',
	 'xa_ke_sach', 'chemicals_plastics',
	 'Số 12 đường tỉnh 932, Xã Kế Sách, Thành phố Cần Thơ',
	 '0299 3878 062', NULL, false,
	 '164 days 3 hours'),
	(26, '2202378655', 'Công ty CP Chế biến Thủy sản Trần Đề',
	 'xa_tran_de', 'seafood_processing',
	 'Lô 9 Khu công nghiệp Trần Đề, Xã Trần Đề, Thành phố Cần Thơ',
	 '0299 3837 516', 'https://thuysantrande.example.vn', true,
	 '218 days 1 hour'),
	(27, '2201975433', 'Công ty TNHH Xay xát Lúa gạo Phú Lộc',
	 'xa_phu_loc', 'rice_food_processing',
	 'Số 305 Quốc lộ 1A, Xã Phú Lộc, Thành phố Cần Thơ',
	 '0299 3866 940', NULL, true,
	 '201 days 4 hours'),
	(28, '2200319485', 'Công ty TNHH Thực phẩm Bánh pía Mỹ Xuyên',
	 'phuong_my_xuyen', 'rice_food_processing',
	 'Số 66 đường Trần Phú, Phường Mỹ Xuyên, Thành phố Cần Thơ',
	 '0299 3851 207', 'https://banhpiamyxuyen.example.vn', false,
	 '132 days 6 hours'),
	(29, '2201574914', 'Công ty TNHH Vật liệu Xây dựng Đại Ngãi',
	 'xa_dai_ngai', 'construction_materials',
	 'Số 8 Quốc lộ 60, Xã Đại Ngãi, Thành phố Cần Thơ',
	 '0299 3856 733', NULL, false,
	 '119 days 2 hours'),
	-- sugar: rice_food_processing, see the header
	(30, '6301114717', 'Công ty CP Mía đường Cây Dương',
	 'xa_hiep_hung', 'rice_food_processing',
	 'Ấp Mỹ Lợi, Xã Hiệp Hưng, Thành phố Cần Thơ',
	 '0293 3963 250', 'https://miaduongcayduong.example.vn', true,
	 '238 days 5 hours'),
	-- food-grade alcohol from molasses: beverages, see the header
	(31, '6300497464', 'Công ty TNHH Cồn Thực phẩm Long Mỹ',
	 'phuong_long_my', 'beverages',
	 'Số 120 đường 30 Tháng 4, Phường Long Mỹ, Thành phố Cần Thơ',
	 '0293 3871 466', NULL, false,
	 '196 days 3 hours'),
	(32, '6302507527', 'Công ty CP Đường mía Búng Tàu',
	 'xa_tan_phuoc_hung', 'rice_food_processing',
	 'Ấp Tân Hòa, Xã Tân Phước Hưng, Thành phố Cần Thơ',
	 '0293 3967 318', 'https://duongmiabungtau.example.vn', true,
	 '209 days 2 hours'),
	(33, '6302170344', 'Công ty TNHH Giấy Công nghiệp Mái Dầm',
	 'xa_chau_thanh', 'paper_packaging',
	 'Lô C2 Khu công nghiệp Sông Hậu, Xã Châu Thành, Thành phố Cần Thơ',
	 '0293 3955 671', 'https://giaymaidam.example.vn', true,
	 '242 days 4 hours'),
	(34, '6300366711', 'Công ty TNHH Chế biến Khóm Hỏa Lựu',
	 'xa_hoa_luu', 'agriculture_processing',
	 'Ấp Thạnh Lợi, Xã Hỏa Lựu, Thành phố Cần Thơ',
	 '0293 3580 214', NULL, false,
	 '151 days 6 hours'),
	(35, '6300768428', 'Công ty TNHH Nước giải khát Cái Tắc',
	 'xa_dong_phuoc', 'beverages',
	 'Số 25 Quốc lộ 1A, Xã Đông Phước, Thành phố Cần Thơ',
	 '0293 3946 702', 'https://nuocgiaikhatcaitac.example.vn', true,
	 '183 days 1 hour'),
	(36, '6301846566', 'Công ty TNHH Lương thực Nàng Mau',
	 'xa_vi_thuy', 'rice_food_processing',
	 'Số 48 Quốc lộ 61, Xã Vị Thủy, Thành phố Cần Thơ',
	 '0293 3571 390', NULL, true,
	 '205 days 5 hours'),
	(37, '6300212239', 'Công ty TNHH Gạo sạch Lương Tâm',
	 'xa_luong_tam', 'rice_food_processing',
	 'Ấp 4, Xã Lương Tâm, Thành phố Cần Thơ',
	 '0293 3875 128', NULL, false,
	 '97 days 3 hours')
) AS v(n, tax_code, name, commune, sector, address, phone, website,
    verified, age)
WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.tax_code = v.tax_code
    AND o.id <> ('de000002-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid)
ON CONFLICT (id) DO NOTHING;

-- One account per new organization, as in 001.
INSERT INTO accounts (id, email, password_hash, display_name, role, org_id,
    status, version, created_at, updated_at)
SELECT ('de000003-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid,
    v.email, '!', v.display_name, o.kind, o.id, 'active', 1,
    o.created_at, o.created_at
FROM (VALUES
	(116, 16, 'demo.moitruongphuloi@example.vn', 'Thạch Văn Sang'),
	(117, 17, 'demo.lanhnamsonghau@example.vn', 'Lâm Thị Thanh Vân'),
	(118, 18, 'demo.chitinvinhchau@example.vn', 'Sơn Thị Sa Ry'),
	(119, 19, 'demo.sinhkhoingabay@example.vn', 'Huỳnh Tấn Lực'),
	(120, 20, 'demo.nuocthaivithanh@example.vn', 'Nguyễn Thị Bảo Trân'),
	(121, 21, 'demo.losayngaman@example.vn', 'Kim Minh Thuận'),
	(122, 22, 'demo.tuanhoannuoctpt@example.vn', 'Phan Thị Mỹ Duyên'),
	(222, 22, 'demo.vinhchauxanh@example.vn', 'Triệu Quốc Khởi'),
	(223, 23, 'demo.tomvinhphuoc@example.vn', 'Thạch Thị Sô Phi'),
	(224, 24, 'demo.thuysanannghiep@example.vn', 'Đoàn Minh Khôi'),
	(225, 25, 'demo.nhuakesach@example.vn', 'Võ Thanh Tùng'),
	(226, 26, 'demo.thuysantrande@example.vn', 'Lâm Văn Tươi'),
	(227, 27, 'demo.xayxatphuloc@example.vn', 'Trần Thị Bích Liên'),
	(228, 28, 'demo.banhpiamyxuyen@example.vn', 'Quan Thị Mỹ Lệ'),
	(229, 29, 'demo.vlxddaingai@example.vn', 'Kha Văn Hòa'),
	(230, 30, 'demo.miaduongcayduong@example.vn', 'Nguyễn Văn Thắng'),
	(231, 31, 'demo.conlongmy@example.vn', 'Lê Thị Hoa'),
	(232, 32, 'demo.duongbungtau@example.vn', 'Trần Minh Quang'),
	(233, 33, 'demo.giaymaidam@example.vn', 'Phạm Thị Thu Trang'),
	(234, 34, 'demo.khomhoaluu@example.vn', 'Dương Thị Kim Loan'),
	(235, 35, 'demo.nuocgiaikhatcaitac@example.vn', 'Huỳnh Minh Nhựt'),
	(236, 36, 'demo.luongthucnangmau@example.vn', 'Võ Thị Thúy Hằng'),
	(237, 37, 'demo.gaosachluongtam@example.vn', 'Hứa Văn Lợi')
) AS v(n, org, email, display_name)
JOIN organizations o ON o.id = (CASE WHEN v.n < 200
    THEN 'de000001-0000-4000-8000-' ELSE 'de000002-0000-4000-8000-' END
    || lpad(v.org::text, 12, '0'))::uuid
WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.email = v.email
    AND a.id <> ('de000003-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid)
ON CONFLICT (id) DO NOTHING;

-- 3. Needs 29-52 of the new enterprises; one already closed. A need's
-- commune, district and sector are its enterprise's (the trigger would
-- derive the same district from the commune).
INSERT INTO needs (id, enterprise_id, title, description, category, sector,
    commune, district, budget_max_vnd, deadline, status, version,
    created_at, updated_at)
SELECT ('de000005-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid,
    o.id, v.title, v.description, v.category, o.sector, o.commune,
    o.district, v.budget::bigint, v.deadline::date, v.status, 1,
    now() - v.age::interval, now() - v.age::interval
FROM (VALUES
	-- Sóc Trăng: shrimp at Vĩnh Châu, KCN An Nghiệp and KCN Trần Đề
	(29, 22, 'Cần hệ thống xử lý nước thải chế biến tôm 800 m³/ngày đạt cột A',
	 'Nhà máy chế biến tôm sú và tôm thẻ đông lạnh 40 tấn nguyên liệu/ngày tại Vĩnh Châu. Nước thải giàu đạm và amoni, độ mặn thay đổi theo mùa vì dùng nước giếng nhiễm mặn. Trạm hiện có 400 m³/ngày thường quá tải vào mùa thu hoạch tôm. Cần nâng công suất lên 800 m³/ngày, khử nitơ đạt cột A, chịu được độ mặn và tải dao động.',
	 'wastewater_treatment', 9500000000, '2027-06-30', 'open', '148 days 3 hours'),
	(30, 22, 'Giảm điện năng cấp đông tôm: máy nén biến tần, thu hồi nhiệt, điện mặt trời',
	 'Hai băng chuyền cấp đông IQF và ba tủ đông tiếp xúc chiếm khoảng 60% tiền điện của nhà máy, giờ cao điểm rất tốn kém. Cần kiểm toán năng lượng hệ thống lạnh và phương án máy nén trục vít có biến tần, thu hồi nhiệt ngưng tụ, điện mặt trời áp mái tự dùng.',
	 'energy_efficiency', 8000000000, '2027-09-30', 'open', '61 days 5 hours'),
	(31, 23, 'Tìm công nghệ chế biến đầu vỏ tôm thành chitin và dịch đạm',
	 'Xưởng sơ chế, lột vỏ tôm thải 5–7 tấn đầu và vỏ tôm mỗi ngày, hiện bán cho cơ sở làm bột tôm thủ công gây mùi cho khu dân cư. Tìm công nghệ thủy phân bằng enzyme để thu dịch đạm làm thức ăn thủy sản và tách chitin từ vỏ, hoặc đối tác bao tiêu có xe lạnh thu gom trong ngày.',
	 'solid_waste', 3500000000, '2027-05-31', 'open', '97 days 2 hours'),
	(32, 23, 'Cần hệ thống tuần hoàn nước rửa tôm nguyên liệu',
	 'Công đoạn rửa tôm nguyên liệu và bán thành phẩm dùng khoảng 150 m³ nước giếng mỗi ngày; nước ngầm ở Vĩnh Châu ngày càng mặn và bị hạn chế khai thác. Cần giải pháp lọc, khử trùng và rửa ngược dòng để tuần hoàn nước, đáp ứng yêu cầu an toàn thực phẩm.',
	 'water_saving', 1300000000, '2027-03-31', 'open', '40 days 6 hours'),
	(33, 24, 'Cải tạo hệ thống lạnh NH3 và kho lạnh 3.000 tấn cho nhà máy tôm',
	 'Nhà máy tôm xuất khẩu tại Khu công nghiệp An Nghiệp có kho lạnh 3.000 tấn, sáu tủ đông tiếp xúc và hai băng chuyền IQF chạy máy nén piston NH3 đã cũ. Cần kiểm toán năng lượng, thay máy nén trục vít có biến tần, dàn ngưng bay hơi, xả băng theo nhu cầu và cửa kho tốc độ cao.',
	 'energy_efficiency', 14000000000, '2027-10-31', 'open', '173 days 4 hours'),
	(34, 24, 'Lắp điện mặt trời áp mái 1 MWp cho nhà máy tôm tại Khu công nghiệp An Nghiệp',
	 'Mái nhà xưởng và kho lạnh khoảng 9.000 m², phụ tải lạnh chạy suốt ngày đêm. Cần tư vấn, thiết kế, lắp đặt điện mặt trời áp mái tự dùng khoảng 1 MWp, không phát lên lưới, kèm giám sát sản lượng.',
	 'renewable_energy', 15000000000, '2027-12-31', 'open', '35 days 1 hour'),
	(35, 25, 'Cần dây chuyền tái chế màng PE bao bì thủy sản đã qua sử dụng',
	 'Xưởng thổi màng và túi PE cho các nhà máy thủy sản muốn thu hồi màng bọc thùng, túi đựng đá từ khách hàng, rửa, sấy và tạo hạt để dùng lại cho sản phẩm không tiếp xúc thực phẩm. Cần dây chuyền rửa màng 500 kg/giờ có tuần hoàn nước rửa.',
	 'solid_waste', 4200000000, '2027-07-31', 'open', '88 days 3 hours'),
	(36, 26, 'Nâng cấp trạm xử lý nước thải chế biến tôm, cá tại Khu công nghiệp Trần Đề',
	 'Nhà máy chế biến tôm và cá biển đông lạnh thải khoảng 600 m³ nước/ngày nhiều đạm, mỡ và muối. Cần bổ sung tuyển nổi DAF thu hồi đạm, mỡ đầu vào và nâng cấp công đoạn sinh học để khử nitơ đạt cột A, tận dụng các bể hiện có.',
	 'wastewater_treatment', 6500000000, '2027-04-30', 'open', '126 days 5 hours'),
	(37, 26, 'Thu hồi nhiệt ngưng tụ hệ thống lạnh để cấp nước nóng vệ sinh',
	 'Nhà máy cần nước nóng 55 °C để vệ sinh dây chuyền, đang đun bằng điện trở. Đã lắp bộ thu hồi nhiệt quá nhiệt trên đường đẩy máy nén và bồn chứa nước nóng.',
	 'energy_efficiency', 900000000, '2027-01-31', 'closed', '199 days 2 hours'),
	-- Sóc Trăng: rice husk, a pastry workshop, bricks
	(38, 27, 'Cần dây chuyền ép trấu viên và lò đốt trấu viên cho máy sấy lúa',
	 'Nhà máy xay xát 200 tấn lúa/ngày thải khoảng 40 tấn trấu/ngày; trấu rời đốt trực tiếp trong lò sấy gây bụi, phần dư phải chở đi. Muốn ép trấu thành viên để đốt sạch hơn và bán phần dư, kèm cyclone và lọc bụi cho lò.',
	 'renewable_energy', 3200000000, '2027-08-31', 'open', '109 days 6 hours'),
	(39, 28, 'Thay lò hơi đốt củi bằng lò hơi đốt trấu viên cho xưởng bánh pía, lạp xưởng',
	 'Xưởng hấp, nướng bánh pía và sấy lạp xưởng dùng lò hơi 500 kg hơi/giờ đốt củi, khói ám sang khu dân cư. Cần lò hơi đốt trấu viên hoặc viên nén mùn cưa nạp liệu tự động, có lọc bụi, vừa khuôn viên nhỏ.',
	 'material_substitution', 850000000, '2027-03-15', 'open', '54 days 2 hours'),
	(40, 29, 'Tận dụng tro trấu làm phụ gia gạch không nung',
	 'Xưởng gạch không nung xi măng cốt liệu muốn thay một phần xi măng bằng tro trấu mua từ các nhà máy xay xát ven sông Hậu. Cần công thức phối trộn, thử nghiệm cường độ theo tiêu chuẩn và cải tạo máy trộn, máy ép cho phù hợp.',
	 'material_substitution', 1200000000, '2027-06-30', 'open', '71 days 4 hours'),
	-- Hậu Giang: sugar at Phụng Hiệp, molasses alcohol at Long Mỹ
	(41, 30, 'Nâng cấp lò hơi đốt bã mía và tua bin đồng phát điện cho nhà máy đường',
	 'Nhà máy đường 2.500 tấn mía/ngày ở Phụng Hiệp dùng hai lò hơi áp suất thấp đốt bã mía và phải mua điện lưới suốt vụ ép. Cần lò hơi áp suất cao 45 bar và tua bin đối áp đồng phát khoảng 12 MW để tự cấp điện, hơi cho nhà máy và bán điện dư.',
	 'renewable_energy', 180000000000, '2027-11-30', 'open', '167 days 3 hours'),
	(42, 30, 'Xử lý nước thải mùa ép mía và tuần hoàn nước làm mát',
	 'Nước rửa mía, nước vệ sinh thiết bị bốc hơi và nước xả lò hơi có COD cao, đường sót và nhiệt độ cao trong năm tháng vụ ép. Cần trạm xử lý nước thải 1.200 m³/ngày có công đoạn kỵ khí thu biogas, và tháp giải nhiệt để tuần hoàn nước làm mát, nước ngưng.',
	 'wastewater_treatment', 12000000000, '2027-07-31', 'open', '83 days 5 hours'),
	(43, 31, 'Cần công nghệ xử lý dịch hèm (vinasse) từ chưng cất cồn mật rỉ mía',
	 'Xưởng chưng cất cồn thực phẩm 10.000 lít/ngày từ mật rỉ mua của các nhà máy đường trong vùng. Mỗi lít cồn thải 12–13 lít dịch hèm nâu sẫm, COD trên 80.000 mg/l, hiện chứa trong hồ hở. Cần hệ thống kỵ khí cao tải thu biogas, khử màu và tận dụng bùn, cặn làm phân bón.',
	 'wastewater_treatment', 16000000000, '2027-09-30', 'open', '141 days 2 hours'),
	(44, 31, 'Dùng biogas từ dịch hèm thay dầu FO cho lò hơi chưng cất',
	 'Lò hơi 4 tấn hơi/giờ của tháp chưng cất đang đốt dầu FO. Khi có bể kỵ khí xử lý dịch hèm, muốn cải tạo đầu đốt để đốt biogas, kèm làm sạch H2S và túi chứa khí.',
	 'material_substitution', 2500000000, '2027-12-31', 'open', '22 days 4 hours'),
	(45, 32, 'Tận dụng bùn lọc và tro lò hơi bã mía làm phân hữu cơ',
	 'Mỗi vụ ép nhà máy đường thải khoảng 9.000 tấn bùn lọc và 1.500 tấn tro lò hơi. Cần dây chuyền ủ hiếu khí có đảo trộn, bổ sung vi sinh để làm phân hữu cơ bán lại cho nông dân trồng mía trong vùng nguyên liệu.',
	 'solid_waste', 3000000000, '2027-05-31', 'open', '114 days 1 hour'),
	(46, 32, 'Giảm tiêu hao hơi khâu bốc hơi và nấu đường mía',
	 'Dãy bốc hơi bốn hiệu và các nồi nấu đường tiêu thụ nhiều hơi, cuối vụ bã mía không đủ đốt phải mua thêm trấu. Cần đánh giá cân bằng nhiệt, cải tạo thành dãy bốc hơi năm hiệu và tận dụng hơi thứ để gia nhiệt nước mía.',
	 'process_optimisation', 7500000000, '2027-10-31', 'open', '66 days 6 hours'),
	-- Hậu Giang: paper at KCN Sông Hậu, pineapple, drinks, rice
	(47, 33, 'Thu hồi xơ sợi và tuần hoàn nước trắng cho máy xeo giấy',
	 'Nhà máy giấy bao bì từ giấy thu hồi tại Khu công nghiệp Sông Hậu có hai máy xeo 300 tấn/ngày. Nước trắng dư xả về trạm xử lý còn nhiều xơ sợi ngắn và bột độn. Cần lọc đĩa hoặc tuyển nổi thu hồi xơ sợi về bể bột và tuần hoàn nước trắng, giảm nước cấp xuống dưới 8 m³/tấn giấy.',
	 'water_saving', 9000000000, '2027-08-31', 'open', '152 days 3 hours'),
	(48, 33, 'Nâng cấp trạm xử lý nước thải nhà máy giấy 4.000 m³/ngày',
	 'Trạm hiện có gồm lắng sơ cấp và bùn hoạt tính; COD đầu ra dao động, bùn khó lắng. Cần bổ sung bể kỵ khí tuần hoàn nội IC thu biogas cho lò hơi, nâng cấp sinh học hiếu khí và ép bùn, đạt quy chuẩn nước thải công nghiệp giấy.',
	 'wastewater_treatment', 28000000000, '2027-12-31', 'open', '77 days 2 hours'),
	(49, 34, 'Tận dụng vỏ và lõi khóm làm thức ăn chăn nuôi hoặc chiết enzyme',
	 'Xưởng chế biến khóm đóng hộp và nước ép thải khoảng 15 tấn vỏ, lõi, chồi khóm mỗi ngày vào mùa vụ, hiện đổ ra vườn gây mùi. Tìm công nghệ ủ chua làm thức ăn cho bò, sấy làm bột xơ hoặc chiết bromelain, hoặc đối tác bao tiêu.',
	 'solid_waste', 1600000000, '2027-04-30', 'open', '93 days 5 hours'),
	(50, 35, 'Tái sử dụng nước rửa chai và nước CIP cho dây chuyền nước giải khát',
	 'Dây chuyền chiết chai PET và lon dùng 250 m³ nước/ngày, phần lớn để súc rửa chai và vệ sinh CIP. Cần hệ thống thu hồi nước súc chai cuối, lọc màng để dùng lại cho rửa sơ bộ và tháp giải nhiệt, và tối ưu chương trình CIP.',
	 'water_saving', 2600000000, '2027-06-30', 'open', '118 days 4 hours'),
	(51, 36, 'Cần lò khí hóa trấu cấp khí nóng cho máy sấy lúa 150 tấn/ngày',
	 'Máy sấy tháp 150 tấn/ngày đang đốt trấu trong lò ghi tĩnh, nhiệt độ khí sấy dao động và tro bụi bám vào hạt. Cần lò khí hóa trấu hoặc lò đốt tầng sôi có điều khiển nhiệt độ, kèm thu tro trấu để bán.',
	 'renewable_energy', 2400000000, '2027-05-15', 'open', '101 days 1 hour'),
	(52, 37, 'Cần đo đếm điện năng từng công đoạn xay xát, lau bóng gạo',
	 'Nhà máy xay xát, lau bóng gạo 100 tấn/ngày chưa có đồng hồ điện riêng cho từng công đoạn. Muốn lắp đồng hồ đo điện và phần mềm theo dõi suất tiêu hao kWh/tấn gạo để biết nên đầu tư biến tần ở đâu trước.',
	 'monitoring_control', 450000000, '2027-02-28', 'open', '18 days 3 hours')
) AS v(n, enterprise, title, description, category, budget, deadline,
    status, age)
JOIN organizations o
    ON o.id = ('de000002-0000-4000-8000-' || lpad(v.enterprise::text, 12, '0'))::uuid
    AND o.kind = 'enterprise'
ON CONFLICT (id) DO NOTHING;

-- 4. Technologies 71-78 of the new vendors, in 001's form; one draft.
INSERT INTO technologies (id, vendor_id, title, summary, description,
    category, sectors, trl, price_min_vnd, price_max_vnd,
    energy_saving_pct, water_saving_pct, waste_reduction_pct,
    co2_reduction_tonnes_per_year, certifications, status, version,
    created_at, updated_at, published_at)
SELECT ('de000004-0000-4000-8000-' || lpad(v.n::text, 12, '0'))::uuid,
    o.id, v.title, v.summary, v.description, v.category, v.sectors,
    v.trl, v.pmin::bigint, v.pmax::bigint, v.energy::int, v.water::int,
    v.waste::int, v.co2::bigint, v.certs, v.status, 1,
    now() - v.age::interval, now() - v.age::interval,
    CASE WHEN v.status <> 'draft' THEN now() - v.age::interval END
FROM (VALUES
	(71, 16, 'Xử lý nước thải chế biến tôm bằng SBR khử nitơ, chịu mặn',
	 'Bể phản ứng theo mẻ SBR với pha thiếu khí và hiếu khí xen kẽ, khử amoni và nitơ tổng trong nước thải chế biến tôm; vi sinh được thuần hóa để chịu độ mặn đến 10‰. — EN: Sequencing batch reactor with alternating anoxic and aerobic phases that removes ammonium and total nitrogen from shrimp processing wastewater, with biomass acclimatised to salinity up to 10‰.',
	 'Tiền xử lý bằng lưới lọc tinh và tuyển nổi thu đạm, mỡ. Chu kỳ SBR chạy tự động theo mực nước và oxy hòa tan; một bể vừa phản ứng vừa lắng nên tiết kiệm diện tích. Phù hợp nhà máy 200–1.500 m³/ngày dùng nước giếng nhiễm mặn ở vùng ven biển.',
	 'wastewater_treatment', ARRAY['seafood_processing'], 8,
	 1500000000, 7000000000, NULL, NULL, 20, NULL,
	 ARRAY['QCVN 11-MT:2015/BTNMT cột A'], 'published', '201 days 4 hours'),
	(72, 17, 'Máy nén trục vít biến tần và xả băng theo nhu cầu cho kho lạnh, tủ đông',
	 'Thay máy nén piston bằng máy nén trục vít NH3 có biến tần, kèm điều khiển xả băng dàn lạnh theo nhu cầu, thường giảm 20–30% điện của hệ thống cấp đông và kho lạnh thủy sản. — EN: Variable-speed NH3 screw compressors with demand defrost, typically cutting 20–30% of the electricity of seafood freezing and cold stores.',
	 'Khảo sát tải lạnh theo ca, chọn máy nén và bình trung gian phù hợp, giữ lại dàn lạnh còn tốt. Tủ PLC điều phối nhiều máy nén theo áp suất hút và ghi điện năng từng máy. Thi công cuốn chiếu để nhà máy không phải dừng cấp đông.',
	 'energy_efficiency', ARRAY['seafood_processing', 'beverages'], 9,
	 2500000000, 12000000000, 25, NULL, NULL, 600,
	 ARRAY['ISO 9001:2015'], 'published', '190 days 2 hours'),
	(73, 18, 'Thủy phân đầu vỏ tôm bằng enzyme thu dịch đạm và chitin',
	 'Thủy phân đầu, vỏ tôm tươi bằng enzyme protease để thu dịch đạm làm thức ăn thủy sản và phân bón lá; phần vỏ còn lại được khử khoáng để làm chitin. — EN: Enzymatic hydrolysis of fresh shrimp heads and shells into protein hydrolysate for aquafeed and foliar fertiliser, the remaining shells demineralised into chitin.',
	 'Đầu vỏ tôm phải vào bồn thủy phân trong vòng 6 giờ sau khi thải, nên dây chuyền đặt cạnh nhà máy hoặc cụm nhà máy. Dịch đạm được cô đặc chân không; chitin là nguyên liệu làm chitosan. Đã chạy thử ở quy mô 2 tấn/ngày.',
	 'solid_waste', ARRAY['seafood_processing'], 6,
	 3000000000, 9000000000, NULL, NULL, 70, NULL,
	 '{}'::text[], 'published', '120 days 5 hours'),
	(74, 19, 'Lò hơi ghi xích đốt bã mía áp suất cao cho đồng phát nhiệt điện',
	 'Lò hơi ghi xích đốt bã mía, trấu hoặc sinh khối hỗn hợp, áp suất đến 65 bar, cấp hơi cho tua bin đồng phát điện và hơi công nghệ của nhà máy đường. — EN: Travelling-grate boilers fired with bagasse, rice husk or mixed biomass at up to 65 bar, feeding cogeneration turbines and process steam in sugar mills.',
	 'Bộ sấy không khí và bộ hâm nước tận dụng nhiệt khói; lọc bụi tĩnh điện đạt quy chuẩn khí thải. Bã mía được cấp tự động từ băng tải dây chuyền ép, có kho bã đệm cho lúc ngừng ép. Hỗ trợ thủ tục bán điện dư lên lưới.',
	 'renewable_energy', ARRAY['rice_food_processing', 'paper_packaging'], 9,
	 40000000000, 220000000000, 20, NULL, NULL, 25000,
	 ARRAY['ASME Section I', 'QCVN 19:2009/BTNMT'], 'published',
	 '207 days 6 hours'),
	(75, 20, 'Bể kỵ khí cao tải xử lý dịch hèm cồn và nước thải mía đường, thu biogas',
	 'Bể kỵ khí EGSB xử lý dịch hèm chưng cất cồn và nước thải mía đường có COD rất cao, thu biogas để đốt lò hơi; công đoạn sau khử màu bằng keo tụ và oxy hóa. — EN: High-rate EGSB anaerobic reactors for distillery vinasse and sugar mill wastewater with very high COD, recovering biogas for the boiler, followed by coagulation and oxidation to remove colour.',
	 'Dịch hèm được làm nguội, trung hòa và pha loãng bằng nước tuần hoàn trước khi vào bể. Công đoạn kỵ khí khử 80–90% COD. Bùn dư và cặn được ủ làm phân hữu cơ. Đơn vị cấp bùn hạt khởi động bể và vận hành thử trọn một vụ.',
	 'wastewater_treatment', ARRAY['beverages', 'rice_food_processing'], 7,
	 8000000000, 30000000000, 10, NULL, 40, 3500,
	 '{}'::text[], 'published', '176 days 3 hours'),
	(76, 21, 'Máy ép trấu viên và lò đốt trấu viên cho máy sấy lúa',
	 'Máy ép trấu thành viên nén 8–10 mm và lò đốt trấu viên có quạt điều khiển, cấp khí nóng sạch cho máy sấy lúa, ít bụi tro hơn đốt trấu rời. — EN: Rice-husk pellet presses and pellet burners with controlled fans that give paddy dryers clean hot air with far less ash than loose husk.',
	 'Máy ép 1–2 tấn/giờ, khuôn thép hợp kim chịu mài mòn do silic trong trấu. Lò đốt có buồng lắng tro và cyclone, nhiệt độ khí sấy giữ ổn định theo cảm biến. Viên trấu dư bán được cho lò hơi công nghiệp.',
	 'renewable_energy', ARRAY['rice_food_processing', 'agriculture_processing'], 9,
	 600000000, 2800000000, 15, NULL, 30, 450,
	 '{}'::text[], 'published', '131 days 1 hour'),
	(77, 22, 'Lọc đĩa và tuyển nổi thu hồi xơ sợi, tuần hoàn nước trắng máy xeo giấy',
	 'Thu hồi xơ sợi và bột độn trong nước trắng dư của máy xeo giấy bằng lọc đĩa chân không và tuyển nổi khí hòa tan; xơ sợi về bể bột, nước trong quay lại vòi phun rửa lưới, chăn. — EN: Vacuum disc filters and dissolved-air flotation that recover fibre and fillers from paper machine white water, returning fibre to the stock chest and clear filtrate to wire and felt showers.',
	 'Phù hợp máy xeo giấy bao bì từ giấy thu hồi 100–500 tấn/ngày. Nước lọc trong dùng cho vòi phun áp lực cao, nước lọc đục về pha loãng bột. Kèm đồng hồ nước cấp theo tấn giấy để theo dõi kết quả.',
	 'water_saving', ARRAY['paper_packaging'], 8,
	 3500000000, 14000000000, 5, 45, 15, NULL,
	 ARRAY['ISO 9001:2015'], 'published', '112 days 4 hours'),
	(78, 16, 'Trạm xử lý nước thải hợp khối cho cơ sở sơ chế tôm nhỏ',
	 'Trạm xử lý nước thải đóng sẵn 20–100 m³/ngày cho cơ sở sơ chế, lột vỏ tôm nhỏ và hộ gia đình. — EN: Prefabricated 20–100 m³/day treatment units for small shrimp peeling workshops.',
	 'Đang hoàn thiện thiết kế bồn composite chịu mặn và bộ điều khiển đơn giản.',
	 'wastewater_treatment', ARRAY['seafood_processing'], 6,
	 250000000, 900000000, NULL, NULL, NULL, NULL,
	 '{}'::text[], 'draft', '30 days 2 hours')
) AS v(n, vendor, title, summary, description, category, sectors, trl,
    pmin, pmax, energy, water, waste, co2, certs, status, age)
JOIN organizations o
    ON o.id = ('de000001-0000-4000-8000-' || lpad(v.vendor::text, 12, '0'))::uuid
    AND o.kind = 'vendor'
ON CONFLICT (id) DO NOTHING;
