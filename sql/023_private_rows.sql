-- 023_private_rows.sql -- no CHECK of a table that holds a secret fails
-- on a row a client filled: PostgreSQL's error would quote the row
-- ("Failing row contains (... $argon2id$...)") to the server's log. The
-- validator counts lengths after NFC, as stored (app/utf8.c), so these
-- are the last line: they refuse with the constraint's name and nothing
-- of the row. password_set gains p_revoke_keys (PUT /me/password's
-- revoke_api_keys, sql/functions/20_accounts.sql); CREATE OR REPLACE
-- cannot add a parameter, so the old definition goes here.
DROP FUNCTION IF EXISTS password_set(uuid, text, uuid);

CREATE FUNCTION tm_refuse_row(p_constraint text, p_table text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'new row for relation "%" violates check constraint "%"',
	    p_table, p_constraint
	    USING ERRCODE = 'check_violation', CONSTRAINT = p_constraint,
	    TABLE = p_table;
END $$;

CREATE FUNCTION tm_accounts_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF coalesce(length(NEW.display_name), 0) NOT BETWEEN 1 AND 120 THEN
		PERFORM tm_refuse_row('accounts_display_name_check', 'accounts');
	END IF;
	IF NEW.email IS NULL OR NEW.email <> lower(NEW.email)
	    OR length(NEW.email) NOT BETWEEN 3 AND 254 THEN
		PERFORM tm_refuse_row('accounts_email_check', 'accounts');
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER accounts_guard BEFORE INSERT OR UPDATE ON accounts
FOR EACH ROW EXECUTE FUNCTION tm_accounts_guard();

CREATE FUNCTION tm_credentials_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF length(NEW.name) > 100 THEN
		PERFORM tm_refuse_row('credentials_name_check', 'credentials');
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER credentials_guard BEFORE INSERT OR UPDATE ON credentials
FOR EACH ROW EXECUTE FUNCTION tm_credentials_guard();
