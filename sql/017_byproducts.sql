-- 017_byproducts.sql -- the by-product exchange (industrial symbiosis):
-- one plant's by-product is another's raw material. The reference list
-- of materials, and the offers and wants of enterprises and vendors.

CREATE TABLE materials (
	code		text PRIMARY KEY
			CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
	name_vi		text NOT NULL,
	name_en		text NOT NULL,
	sort_order	int NOT NULL
);

-- What Can Tho's mills, seafood plants, breweries, sugar and paper
-- factories and power plants put out and take in.
INSERT INTO materials (code, name_vi, name_en, sort_order) VALUES
	('rice_husk', 'Trấu', 'Rice husk', 1),
	('rice_straw', 'Rơm rạ', 'Rice straw', 2),
	('husk_ash', 'Tro trấu', 'Rice husk ash', 3),
	('rice_bran', 'Cám gạo', 'Rice bran', 4),
	('fish_scraps', 'Phụ phẩm cá (đầu, xương, da, vây)',
	    'Fish scraps and bones', 5),
	('fish_fat', 'Mỡ cá', 'Fish fat', 6),
	('shrimp_shells', 'Vỏ và đầu tôm', 'Shrimp shells and heads', 7),
	('spent_grain', 'Bã hèm bia', 'Brewers'' spent grain', 8),
	('brewery_yeast', 'Men bia thải', 'Spent brewery yeast', 9),
	('wastewater_sludge', 'Bùn thải từ xử lý nước thải',
	    'Wastewater treatment sludge', 10),
	('organic_sludge', 'Bùn hữu cơ', 'Organic sludge', 11),
	('bagasse', 'Bã mía', 'Sugarcane bagasse', 12),
	('molasses', 'Rỉ đường', 'Molasses', 13),
	('wood_chips', 'Dăm gỗ, mùn cưa', 'Wood chips and sawdust', 14),
	('fruit_peels', 'Vỏ và bã trái cây', 'Fruit peels and pulp', 15),
	('plastic_scraps', 'Phế liệu nhựa', 'Plastic scraps', 16),
	('paper_carton', 'Giấy và bìa carton', 'Paper and carton', 17),
	('scrap_metal', 'Phế liệu kim loại', 'Scrap metal', 18),
	('waste_heat', 'Nhiệt thải, hơi nước dư', 'Waste heat and steam', 19),
	('co2', 'Khí CO₂', 'Carbon dioxide (CO₂)', 20),
	('fly_ash', 'Tro bay, xỉ than', 'Fly ash and slag', 21),
	('used_oil', 'Dầu thải', 'Used oil', 22);

CREATE TABLE byproducts (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	org_id		uuid NOT NULL REFERENCES organizations(id),
	kind		text NOT NULL CHECK (kind IN ('offer', 'want')),
	material	text NOT NULL CHECK (length(material) BETWEEN 1 AND 200),
	material_code	text REFERENCES materials(code),
	-- Tonnes to the kilogram; the API's bound is a million a month.
	quantity_tonnes_per_month numeric(12, 3) NOT NULL
			CHECK (quantity_tonnes_per_month > 0),
	commune		text REFERENCES communes(code),
	district	text NOT NULL REFERENCES districts(code),
	description	text NOT NULL DEFAULT ''
			CHECK (length(description) <= 5000),
	available_until	date,
	status		text NOT NULL DEFAULT 'open'
			CHECK (status IN ('open', 'closed')),
	version		int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	closed_at	timestamptz,
	CONSTRAINT byproducts_commune__district_fkey
	    FOREIGN KEY (commune, district)
	    REFERENCES communes (code, district),
	material_folded	text GENERATED ALWAYS AS (tm_fold(material)) STORED,
	search		tsvector GENERATED ALWAYS AS (
	    setweight(to_tsvector('simple', tm_fold(material)), 'A') ||
	    setweight(to_tsvector('simple', tm_fold(description)), 'C'))
	    STORED
);

-- Only open entries are listed or matched: every index but the owner's
-- leaves the closed out.
CREATE INDEX byproducts_newest ON byproducts (created_at DESC, id DESC)
	WHERE status = 'open';
CREATE INDEX byproducts_search ON byproducts USING gin (search)
	WHERE status = 'open';
-- Matching's ways in: the same code of the other kind; a material text
-- like this one's among the entries without a code (for an entry with
-- one), or among all (for one without).
-- The first gives a code's newest entries of a kind in order, and
-- covers what scoring reads: they come from the index alone, not from
-- as many heap pages.
CREATE INDEX byproducts_code ON byproducts (material_code, kind,
    created_at DESC, id DESC)
	INCLUDE (org_id, quantity_tonnes_per_month, district,
	    available_until, material_folded)
	WHERE status = 'open';
CREATE INDEX byproducts_uncoded_trgm ON byproducts
	USING gin (material_folded gin_trgm_ops)
	WHERE status = 'open' AND material_code IS NULL;
CREATE INDEX byproducts_material_trgm ON byproducts
	USING gin (material_folded gin_trgm_ops) WHERE status = 'open';
CREATE INDEX byproducts_org ON byproducts (org_id, created_at);
-- The list's filters by place, when the newest rows hold too few.
CREATE INDEX byproducts_commune ON byproducts (commune) WHERE status = 'open';
CREATE INDEX byproducts_district ON byproducts (district)
	WHERE status = 'open';

-- The district is the commune's, as for organizations and needs.
CREATE TRIGGER byproducts_place BEFORE INSERT OR UPDATE OF commune,
    district ON byproducts
	FOR EACH ROW EXECUTE FUNCTION tm_place_district();
