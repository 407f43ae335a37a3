-- 020_changes.sql -- a commit that changes what public reads show
-- notifies tm_changes, which every worker listens for to empty its page
-- cache (app/pagecache.c). Statement triggers: one notification a
-- statement, and PostgreSQL folds the repeats of a transaction into one,
-- sent at commit. Technologies hold their documents, search words and
-- funding.
CREATE FUNCTION tm_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('tm_changes', TG_TABLE_NAME);
	RETURN NULL;
END $$;
CREATE TRIGGER technologies_notify
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON technologies
	FOR EACH STATEMENT EXECUTE FUNCTION tm_notify_change();

-- Of organizations, only what a listing shows (its vendor's name and
-- verification) or a filter reads (the vendor's place), and only for a
-- vendor with a published listing: enterprises signing up or editing
-- their profiles empty no cache, and take no notification lock at
-- commit. (A new organization has no listing yet; one with listings
-- cannot be deleted.)
CREATE FUNCTION tm_notify_vendor_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
	    WHERE (o.name, o.verified, o.district, o.commune)
		IS DISTINCT FROM (n.name, n.verified, n.district, n.commune)
	    AND EXISTS (SELECT 1 FROM technologies t
		WHERE t.vendor_id = n.id AND t.status = 'published')) THEN
		PERFORM pg_notify('tm_changes', TG_TABLE_NAME);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER organizations_notify AFTER UPDATE ON organizations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION tm_notify_vendor_change();
