-- 014_admin_tools.sql -- admin_upsert takes a third parameter, p_force
-- (sql/functions/20_accounts.sql): `make admin` no longer turns an
-- existing vendor into an admin unless told to. CREATE OR REPLACE cannot
-- add a parameter, so the old definition goes here.
DROP FUNCTION IF EXISTS admin_upsert(text, text);
