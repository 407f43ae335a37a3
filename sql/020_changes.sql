-- 020_changes.sql -- a commit that changes what public reads show
-- notifies tm_changes, which every worker listens for to empty its page
-- cache (app/pagecache.c). Statement triggers: one notification a
-- statement, and PostgreSQL folds the repeats of a transaction into one,
-- sent at commit. Technologies hold their documents, search words and
-- funding; organizations their vendor's name, place and verification.
CREATE FUNCTION tm_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('tm_changes', TG_TABLE_NAME);
	RETURN NULL;
END $$;
CREATE TRIGGER technologies_notify
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON technologies
	FOR EACH STATEMENT EXECUTE FUNCTION tm_notify_change();
CREATE TRIGGER organizations_notify
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organizations
	FOR EACH STATEMENT EXECUTE FUNCTION tm_notify_change();
