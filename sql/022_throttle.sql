-- 022_throttle.sql -- password attempts in two tables of their own, one
-- per kind of check, in place of login_attempts: that table keyed sign-in
-- failures by the email a client sent and current-password failures by
-- 'password:<account id>', so five sign-ins as that "email" blocked the
-- account's password change. A key space is now a table, and a client's
-- text can only ever be a key of the sign-in table.
--
-- A row is an attempt in progress until its password was checked: then
-- it is a failure (failed) or is removed (right). One in progress counts
-- against the limits only while it is younger than the lease the caller
-- gives, so an attempt whose client left, or whose worker died, is never
-- taken for a failure (sql/functions/20_accounts.sql).

DROP FUNCTION login_begin(text, int, int);
DROP FUNCTION login_finish(uuid, bytea, bytea, int);
DROP FUNCTION password_check_begin(uuid, int, int);
DROP FUNCTION throttle_begin(text, int, int);
DROP TABLE login_attempts;

-- address: the client's, as the server takes it (TM_TRUSTED_PROXIES).
CREATE TABLE sign_in_attempts (
	id		bigserial PRIMARY KEY,
	email		text NOT NULL,
	address		inet NOT NULL,
	at		timestamptz NOT NULL DEFAULT now(),
	failed		boolean NOT NULL DEFAULT false
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address, at);

CREATE TABLE password_attempts (
	id		bigserial PRIMARY KEY,
	account_id	uuid NOT NULL REFERENCES accounts ON DELETE CASCADE,
	at		timestamptz NOT NULL DEFAULT now(),
	failed		boolean NOT NULL DEFAULT false
);
CREATE INDEX password_attempts_account ON password_attempts (account_id, at);
