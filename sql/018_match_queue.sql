-- 018_match_queue.sql -- matching off the request path: the scored
-- candidates of every open need in a table, kept up to date by a job
-- queue that the server's workers drain (sql/functions/55_match_queue.sql,
-- app/matches.c). The answers read the table by index.

-- A need's listed technologies with the score and reasons tm_match()
-- gave when the pair was last scored, and their distance. Open needs
-- only.
CREATE TABLE match_scores (
	need_id		uuid NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
	tech_id		uuid NOT NULL REFERENCES technologies(id)
			ON DELETE CASCADE,
	score		numeric NOT NULL,
	reasons		text[] NOT NULL,
	-- tm_km() of the vendor's and the need's districts: both places
	-- enqueue when they change.
	distance_km	numeric,
	PRIMARY KEY (need_id, tech_id)
);
-- Both answers read a page in score order from one of these.
CREATE INDEX match_scores_need ON match_scores
	(need_id, score DESC, tech_id DESC);
CREATE INDEX match_scores_tech ON match_scores
	(tech_id, score DESC, need_id DESC);

-- Per scored need: whether its candidates were
-- all scored (complete: a technology scored later enters whatever its
-- score) or only the best of them (it enters when it beats the lowest).
CREATE TABLE match_needs (
	need_id		uuid PRIMARY KEY REFERENCES needs(id) ON DELETE CASCADE,
	complete	boolean NOT NULL,
	scored_at	timestamptz NOT NULL DEFAULT now()
);

-- The queue: a need or a technology to score again. Duplicates are
-- coalesced when enqueued (a waiting job that nobody drains yet) and when
-- drained (one job per kind and id in a batch).
CREATE TABLE match_jobs (
	id		bigserial PRIMARY KEY,
	kind		text NOT NULL CHECK (kind IN ('need', 'technology')),
	ref		uuid NOT NULL,
	queued_at	timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX match_jobs_ref ON match_jobs (ref, kind);

-- The day (Can Tho's) the stored funding terms were true for: the first
-- drain of a later day scores again the technologies whose funding
-- ended since.
CREATE TABLE match_state (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	day		date NOT NULL
);
INSERT INTO match_state (day) VALUES (tm_cantho_today());

-- The triggers' functions: placeholders, replaced by the definitions in
-- sql/functions/55_match_queue.sql in this same transaction.
CREATE FUNCTION match_technologies_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE FUNCTION match_needs_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE FUNCTION match_organizations_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;

-- Statement triggers with transition tables: a bulk load enqueues in one
-- statement, not one per row.
CREATE TRIGGER technologies_match_insert AFTER INSERT ON technologies
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION match_technologies_changed();
CREATE TRIGGER technologies_match_update AFTER UPDATE ON technologies
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION match_technologies_changed();
CREATE TRIGGER technologies_match_delete AFTER DELETE ON technologies
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION match_technologies_changed();
CREATE TRIGGER needs_match_insert AFTER INSERT ON needs
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION match_needs_changed();
CREATE TRIGGER needs_match_update AFTER UPDATE ON needs
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION match_needs_changed();
CREATE TRIGGER organizations_match_update AFTER UPDATE ON organizations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION match_organizations_changed();

-- Every open need now: the first drains fill the table.
INSERT INTO match_jobs (kind, ref)
SELECT 'need', id FROM needs WHERE status = 'open' ORDER BY created_at, id;
