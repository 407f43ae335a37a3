-- 002_reference.sql -- reference data: districts, categories, sectors, 2026 funding programs.

INSERT INTO districts (code, name_vi, name_en, sort_order) VALUES
	('ninh_kieu',	'Quận Ninh Kiều',	'Ninh Kieu District',	1),
	('binh_thuy',	'Quận Bình Thủy',	'Binh Thuy District',	2),
	('cai_rang',	'Quận Cái Răng',	'Cai Rang District',	3),
	('o_mon',	'Quận Ô Môn',		'O Mon District',	4),
	('thot_not',	'Quận Thốt Nốt',	'Thot Not District',	5),
	('phong_dien',	'Huyện Phong Điền',	'Phong Dien District',	6),
	('co_do',	'Huyện Cờ Đỏ',		'Co Do District',	7),
	('thoi_lai',	'Huyện Thới Lai',	'Thoi Lai District',	8),
	('vinh_thanh',	'Huyện Vĩnh Thạnh',	'Vinh Thanh District',	9);

INSERT INTO categories (code, name_vi, name_en, sort_order) VALUES
	('energy_efficiency',	'Sử dụng năng lượng hiệu quả',
				'Energy efficiency',			1),
	('water_saving',	'Tiết kiệm và tái sử dụng nước',
				'Water saving and reuse',		2),
	('wastewater_treatment', 'Xử lý nước thải',
				'Wastewater treatment',			3),
	('solid_waste',		'Quản lý chất thải rắn và tận dụng phụ phẩm',
				'Solid waste and by-product reuse',	4),
	('air_emissions',	'Kiểm soát và xử lý khí thải',
				'Air emissions control',		5),
	('renewable_energy',	'Năng lượng tái tạo',
				'Renewable energy',			6),
	('material_substitution', 'Thay thế nguyên liệu, nhiên liệu',
				'Material substitution',		7),
	('process_optimisation', 'Tối ưu hóa quy trình sản xuất',
				'Process optimisation',			8),
	('monitoring_control',	'Đo lường, giám sát và kiểm soát quá trình',
				'Monitoring and process control',	9);

INSERT INTO sectors (code, name_vi, name_en, sort_order) VALUES
	('seafood_processing',	'Chế biến thủy sản',
				'Seafood processing',			1),
	('rice_food_processing', 'Chế biến lúa gạo và thực phẩm',
				'Rice and food processing',		2),
	('beverages',		'Sản xuất đồ uống',
				'Beverages',				3),
	('textiles_garments',	'Dệt may',
				'Textiles and garments',		4),
	('chemicals_plastics',	'Hóa chất và nhựa',
				'Chemicals and plastics',		5),
	('mechanical_engineering', 'Cơ khí',
				'Mechanical engineering',		6),
	('construction_materials', 'Vật liệu xây dựng',
				'Construction materials',		7),
	('paper_packaging',	'Giấy và bao bì',
				'Paper and packaging',			8),
	('agriculture_processing', 'Chế biến nông sản, trái cây',
				'Agricultural and fruit processing',	9),
	('pharmaceuticals',	'Dược phẩm',
				'Pharmaceuticals',			10);

INSERT INTO funding_programs (code, name_vi, name_en, agency, year,
    budget_vnd, committed_vnd, max_support_pct, sort_order) VALUES
	('st_fund_2026',
	 'Quỹ Phát triển khoa học và công nghệ thành phố Cần Thơ',
	 'Can Tho City Science and Technology Development Fund',
	 'dost', 2026, 5000000000, 0, 50, 1),
	('khuyen_cong_2026',
	 'Chương trình khuyến công thành phố Cần Thơ',
	 'Can Tho City Industrial Extension Programme',
	 'doit', 2026, 3000000000, 0, 30, 2),
	('environment_2026',
	 'Ngân sách sự nghiệp bảo vệ môi trường thành phố Cần Thơ',
	 'Can Tho City Environmental Protection Budget',
	 'donre', 2026, 4000000000, 0, 40, 3);
