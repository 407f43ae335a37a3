-- seed.sql -- bench data: :n extra accounts with organizations and two
-- live sessions each, so the token lookup does not run on a toy table,
-- and :storm_n accounts for the login storm that share the password of
-- the vendor registered over HTTP (:'vendor'): no Argon2id hashing here.
-- Tax codes: 8xxxxxxxxx seed, 7xxxxxxxxx storm (the HTTP vendor's is 6...).

WITH o AS (
	INSERT INTO organizations (kind, name, tax_code, district, sector)
	SELECT CASE WHEN i % 2 = 0 THEN 'vendor' ELSE 'enterprise' END,
	    'Bench org ' || i, '8' || lpad(i::text, 9, '0'),
	    'ninh_kieu', 'seafood_processing'
	FROM generate_series(1, :n) AS i
	RETURNING id, kind, tax_code
)
INSERT INTO accounts (email, password_hash, display_name, role, org_id)
SELECT 'seed-' || substr(tax_code, 2)::int || '@bench.example',
    (SELECT password_hash FROM accounts WHERE email = :'vendor'),
    'Bench ' || tax_code, kind, id
FROM o;

INSERT INTO credentials (account_id, kind, selector, verifier, expires_at)
SELECT a.id, 'session', gen_random_bytes(16), gen_random_bytes(32),
    now() + interval '1 day'
FROM accounts a, generate_series(1, 2)
WHERE a.email LIKE 'seed-%@bench.example';

WITH o AS (
	INSERT INTO organizations (kind, name, tax_code, district, sector)
	SELECT 'vendor', 'Storm org ' || i, '7' || lpad(i::text, 9, '0'),
	    'ninh_kieu', 'seafood_processing'
	FROM generate_series(0, :storm_n - 1) AS i
	RETURNING id, tax_code
)
INSERT INTO accounts (email, password_hash, display_name, role, org_id)
SELECT 'storm-' || lpad(substr(tax_code, 2)::int::text, 2, '0')
    || '@bench.example',
    (SELECT password_hash FROM accounts WHERE email = :'vendor'),
    'Storm ' || tax_code, 'vendor', id
FROM o;

ANALYZE organizations;
ANALYZE accounts;
ANALYZE credentials;
