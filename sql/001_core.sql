-- 001_core.sql -- reference data tables, organizations, accounts, credentials
-- and login throttling: the platform every later migration builds on.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE districts (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
	name_vi		text NOT NULL,
	name_en		text NOT NULL,
	sort_order	int NOT NULL DEFAULT 0
);

CREATE TABLE categories (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
	name_vi		text NOT NULL,
	name_en		text NOT NULL,
	sort_order	int NOT NULL DEFAULT 0
);

CREATE TABLE sectors (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
	name_vi		text NOT NULL,
	name_en		text NOT NULL,
	sort_order	int NOT NULL DEFAULT 0
);

CREATE TABLE funding_programs (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
	name_vi		text NOT NULL,
	name_en		text NOT NULL,
	agency		text NOT NULL CHECK (agency IN ('dost', 'doit', 'donre')),
	year		int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	budget_vnd	bigint NOT NULL CHECK (budget_vnd >= 0),
	committed_vnd	bigint NOT NULL DEFAULT 0
			CHECK (committed_vnd >= 0 AND committed_vnd <= budget_vnd),
	max_support_pct	int NOT NULL CHECK (max_support_pct BETWEEN 0 AND 100),
	sort_order	int NOT NULL DEFAULT 0
);

CREATE TABLE organizations (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	kind		text NOT NULL CHECK (kind IN ('vendor', 'enterprise', 'agency')),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	tax_code	text CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
	district	text REFERENCES districts(code),
	sector		text REFERENCES sectors(code),
	address		text CHECK (length(address) <= 300),
	phone		text CHECK (length(phone) <= 30),
	website		text CHECK (length(website) <= 300),
	verified	boolean NOT NULL DEFAULT false,
	verified_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_tax_code ON organizations (tax_code);

CREATE TABLE accounts (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	email		text NOT NULL CHECK (email = lower(email)
			    AND length(email) BETWEEN 3 AND 254),
	password_hash	text NOT NULL,
	display_name	text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
	role		text NOT NULL
			CHECK (role IN ('vendor', 'enterprise', 'agency', 'admin')),
	agency		text CHECK (agency IN ('dost', 'doit', 'donre')),
	org_id		uuid REFERENCES organizations(id),
	status		text NOT NULL DEFAULT 'active'
			CHECK (status IN ('active', 'suspended')),
	version		int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CHECK ((role = 'agency') = (agency IS NOT NULL)),
	CHECK ((role IN ('vendor', 'enterprise')) = (org_id IS NOT NULL))
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);
CREATE INDEX accounts_created ON accounts (created_at, id);

-- Session tokens and API keys. The secret a client holds is
-- selector || secret; only the selector (for the lookup) and the
-- BLAKE2b hash of the secret (compared in constant time) are stored.
CREATE TABLE credentials (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	account_id	uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	kind		text NOT NULL CHECK (kind IN ('session', 'api_key')),
	selector	bytea NOT NULL CHECK (length(selector) = 16),
	verifier	bytea NOT NULL CHECK (length(verifier) = 32),
	name		text CHECK (length(name) <= 100),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz,
	revoked_at	timestamptz,
	CHECK ((kind = 'session') = (expires_at IS NOT NULL)),
	CHECK ((kind = 'api_key') = (name IS NOT NULL))
);
CREATE UNIQUE INDEX credentials_selector ON credentials (selector);
CREATE INDEX credentials_account ON credentials (account_id, kind)
	WHERE revoked_at IS NULL;

-- Login attempts, shared by every worker and every server node. A row
-- is written before the password is checked and removed when it was
-- right, so concurrent guesses cannot slip past the limit.
CREATE TABLE login_attempts (
	id		bigserial PRIMARY KEY,
	email		text NOT NULL,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
