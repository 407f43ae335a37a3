-- 016_cp_reports.sql -- enterprises' yearly cleaner-production (CP)
-- reports to the Department of Industry and Trade (DOIT), and the years
-- DOIT closes once it has compiled the city's report.
--
-- A report keeps the place and sector its organization had when it was
-- filed or last amended: a year's statistics do not move when a company
-- does. Quantities are numeric(18,3): kWh, m3 and tonnes to the
-- thousandth; money is whole VND.

-- What production_output.unit may be: a short list, a CHECK rather than
-- a table because app/cpreports.c and assets/openapi.json name the same
-- values and nothing else refers to them.
CREATE TABLE cp_reports (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	organization_id	uuid NOT NULL REFERENCES organizations(id),
	year		int NOT NULL CHECK (year BETWEEN 2016 AND 2100),
	district	text REFERENCES districts(code),
	commune		text REFERENCES communes(code),
	sector		text REFERENCES sectors(code),
	-- The district's, kept by the trigger below: the summary groups by
	-- it as by any other column, off an index of its own.
	former_province	text,
	energy_saved_kwh numeric(18, 3) NOT NULL
			CHECK (energy_saved_kwh >= 0),
	water_saved_m3	numeric(18, 3) NOT NULL CHECK (water_saved_m3 >= 0),
	waste_reduced_tonnes numeric(18, 3) NOT NULL
			CHECK (waste_reduced_tonnes >= 0),
	co2_reduced_tonnes numeric(18, 3) NOT NULL
			CHECK (co2_reduced_tonnes >= 0),
	investment_vnd	bigint NOT NULL CHECK (investment_vnd >= 0),
	iso14001_certified boolean NOT NULL,
	measures	text[] NOT NULL
			CHECK (cardinality(measures) BETWEEN 1 AND 50),
	technology_ids	uuid[] NOT NULL DEFAULT '{}'
			CHECK (cardinality(technology_ids) <= 50),
	output_quantity	numeric(18, 3) CHECK (output_quantity > 0),
	output_unit	text CHECK (output_unit IN ('tonne', 'm3', 'hl',
			    'mwh', 'thousand_pieces', 'm2')),
	baseline_energy_kwh numeric(18, 3) CHECK (baseline_energy_kwh >= 0),
	baseline_water_m3 numeric(18, 3) CHECK (baseline_water_m3 >= 0),
	baseline_materials_tonnes numeric(18, 3)
			CHECK (baseline_materials_tonnes >= 0),
	-- The report's saving rate against the national strategy's 8-13 %
	-- target: the larger of energy saved over the baseline's energy and
	-- waste reduced at source over the baseline's materials, in percent;
	-- NULL without a baseline for either. Stored, so that the summary's
	-- median and 8 % count read it off the index.
	saving_pct	numeric GENERATED ALWAYS AS (round(greatest(
			    CASE WHEN baseline_energy_kwh > 0 THEN
				100 * energy_saved_kwh / baseline_energy_kwh
			    END,
			    CASE WHEN baseline_materials_tonnes > 0 THEN
				100 * waste_reduced_tonnes /
				baseline_materials_tonnes
			    END), 2)) STORED,
	filed_by	uuid NOT NULL REFERENCES accounts(id),
	amended_by	uuid REFERENCES accounts(id),
	version		int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CHECK ((output_quantity IS NULL) = (output_unit IS NULL)),
	CONSTRAINT cp_reports_commune__district_fkey FOREIGN KEY (commune,
	    district) REFERENCES communes (code, district)
);
CREATE UNIQUE INDEX cp_reports_organization_year
	ON cp_reports (organization_id, year);
-- The summary's one aggregate reads a year's rows in the order of the
-- group it asks for, every figure it sums in the index: an index-only
-- scan with no sort, however many years pile up. One index per way of
-- grouping; reports are written once a year, read far more often.
CREATE INDEX cp_reports_by_district ON cp_reports (year, district)
    INCLUDE (energy_saved_kwh, water_saved_m3, waste_reduced_tonnes,
    co2_reduced_tonnes, investment_vnd, iso14001_certified, saving_pct);
CREATE INDEX cp_reports_by_commune ON cp_reports (year, commune)
    INCLUDE (energy_saved_kwh, water_saved_m3, waste_reduced_tonnes,
    co2_reduced_tonnes, investment_vnd, iso14001_certified, saving_pct);
CREATE INDEX cp_reports_by_sector ON cp_reports (year, sector)
    INCLUDE (energy_saved_kwh, water_saved_m3, waste_reduced_tonnes,
    co2_reduced_tonnes, investment_vnd, iso14001_certified, saving_pct);
CREATE INDEX cp_reports_by_former_province ON cp_reports (year,
    former_province) INCLUDE (energy_saved_kwh, water_saved_m3,
    waste_reduced_tonnes, co2_reduced_tonnes, investment_vnd,
    iso14001_certified, saving_pct);
CREATE INDEX cp_reports_year_id ON cp_reports (year DESC, id DESC);

-- A report's former province is its district's, for every writer.
-- Schema, not sql/functions/: the stored value is computed by it.
CREATE FUNCTION cp_reports_province() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.former_province := (SELECT d.former_province FROM districts d
	    WHERE d.code = NEW.district);
	RETURN NEW;
END $$;

CREATE TRIGGER cp_reports_province BEFORE INSERT OR UPDATE OF district
    ON cp_reports
	FOR EACH ROW EXECUTE FUNCTION cp_reports_province();

-- A year is open until DOIT closes it; a row exists once anything
-- happened to the year (the first filing or a close), so that filing
-- and closing lock the same row and never pass each other.
CREATE TABLE cp_years (
	year		int PRIMARY KEY CHECK (year BETWEEN 2016 AND 2100),
	closed		boolean NOT NULL DEFAULT false,
	closed_at	timestamptz,
	closed_by	uuid REFERENCES accounts(id),
	reopened_at	timestamptz,
	reopened_by	uuid REFERENCES accounts(id),
	version		int NOT NULL DEFAULT 1,
	CHECK (NOT closed OR closed_at IS NOT NULL)
);

-- Every close and reopen, who and when: the year's history.
CREATE TABLE cp_year_events (
	id		bigserial PRIMARY KEY,
	year		int NOT NULL REFERENCES cp_years(year),
	action		text NOT NULL CHECK (action IN ('close', 'reopen')),
	account_id	uuid NOT NULL REFERENCES accounts(id),
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cp_year_events_year ON cp_year_events (year, id);
