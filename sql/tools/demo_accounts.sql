-- sql/tools/demo_accounts.sql -- `make demo-accounts` (conf/tm.sh): one
-- account that can sign in for every role, on the private demo cluster
-- only, after sql/demo/ is loaded. The vendor and the enterprise are the
-- demo accounts of two verified demo organizations (vendor 1 owns demo
-- listings); the DOST officer, the DOIT officer and the admin are made
-- here. Run again, it resets their passwords and ends their sessions.
--
-- psql variables: vendor_hash, enterprise_hash, dost_hash, doit_hash,
-- admin_hash, each an Argon2id string from `tmctl hash` (the server's
-- own hashing), so the passwords themselves never reach the database.
-- Prints key|email|role|organization, one line per account.

BEGIN;

CREATE TEMP TABLE demo_logins (n int, key text, email text, display_name text,
    role text, agency text, org_id uuid, hash text) ON COMMIT DROP;

INSERT INTO demo_logins VALUES
	(1, 'vendor', 'demo.songhau@example.vn', 'Nguyễn Văn Hùng', 'vendor',
	 NULL, 'de000001-0000-4000-8000-000000000001', :'vendor_hash'),
	(2, 'enterprise', 'demo.tranocxanh@example.vn', 'Nguyễn Thị Lan Anh',
	 'enterprise', NULL, 'de000002-0000-4000-8000-000000000001',
	 :'enterprise_hash'),
	(3, 'dost', 'demo.dost@example.vn', 'Cán bộ Sở Khoa học và Công nghệ',
	 'agency', 'dost', NULL, :'dost_hash'),
	(4, 'doit', 'demo.doit@example.vn', 'Cán bộ Sở Công Thương', 'agency',
	 'doit', NULL, :'doit_hash'),
	(5, 'admin', 'demo.admin@example.vn', 'Quản trị viên (demo)', 'admin',
	 NULL, NULL, :'admin_hash');

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM demo_logins d WHERE d.org_id IS NOT NULL
	    AND NOT EXISTS (SELECT 1 FROM organizations o
	    WHERE o.id = d.org_id)) THEN
		RAISE EXCEPTION 'the demo organizations are missing: load the demo data (make run, without DEMO=0)';
	END IF;
END $$;

-- Whatever an address became since (a demo vendor's role changed by
-- hand, say), it is the demo account again.
INSERT INTO accounts (email, password_hash, display_name, role, agency,
    org_id)
SELECT email, hash, display_name, role, agency, org_id FROM demo_logins
ON CONFLICT (email) DO UPDATE
    SET password_hash = excluded.password_hash, role = excluded.role,
	agency = excluded.agency, org_id = excluded.org_id, status = 'active',
	version = accounts.version + 1, updated_at = now();

UPDATE credentials SET revoked_at = now()
WHERE revoked_at IS NULL
    AND account_id IN (SELECT a.id FROM accounts a
	JOIN demo_logins d USING (email));

SELECT d.key, d.email,
    CASE WHEN d.agency IS NULL THEN d.role
	ELSE d.role || ' (' || d.agency || ')' END,
    coalesce(o.name || CASE WHEN o.verified THEN ', verified'
	ELSE ', not verified' END, '')
FROM demo_logins d LEFT JOIN organizations o ON o.id = d.org_id
ORDER BY d.n;

COMMIT;
