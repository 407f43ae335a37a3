-- funding_seed.sql -- for the decisions row of `make bench`: an agency
-- account (the HTTP vendor's password, so it can sign in), a program
-- of its own with room for every approval, the bench technology flagged
-- eligible, and :n accepted quotes each with a submitted application
-- (numbered in bench_apps, which wrk and pgbench split between them).
-- Variables: vendor (email), enterprise (its organization), tech, n.

INSERT INTO accounts (email, password_hash, display_name, role, agency)
SELECT 'bench-agency@bench.example', password_hash, 'Bench Agency',
    'agency', 'doit'
FROM accounts WHERE email = :'vendor';

INSERT INTO funding_programs (code, name_vi, name_en, agency, year,
    budget_vnd, max_support_pct, sort_order)
VALUES ('bench_fund', 'Quỹ thử tải', 'Bench fund', 'doit', 2026,
    1000000000000000, 50, 99);

INSERT INTO funding_flags (technology_id, program_code, eligible,
    max_support_pct, flagged_by, flagged_at, signed, signature, key_id)
SELECT :'tech', 'bench_fund', true, 50, id, now(), '{}', 'bench', 'bench'
FROM accounts WHERE email = 'bench-agency@bench.example';
UPDATE technologies SET funding_until = 'infinity' WHERE id = :'tech';

CREATE TABLE bench_apps (n int PRIMARY KEY, id uuid NOT NULL);
CREATE SEQUENCE bench_apps_next;

WITH q AS (
	INSERT INTO quote_requests (technology_id, vendor_id, enterprise_id,
	    message, status, price_vnd, valid_until, quoted_at)
	SELECT t.id, t.vendor_id, :'enterprise', 'bench', 'accepted',
	    1000000000, current_date + 30, now()
	FROM technologies t, generate_series(1, :n)
	WHERE t.id = :'tech'
	RETURNING id, technology_id),
a AS (
	INSERT INTO funding_applications (program_code, quote_request_id,
	    enterprise_id, technology_id, applied_by, amount_requested_vnd)
	SELECT 'bench_fund', q.id, :'enterprise', q.technology_id,
	    (SELECT id FROM accounts WHERE email = 'bench-agency@bench.example'),
	    1000
	FROM q
	RETURNING id)
INSERT INTO bench_apps SELECT row_number() OVER (), id FROM a;
ANALYZE bench_apps;
ANALYZE funding_applications;
