-- 009_database_settings.sql -- 003 and 005 stored settings on the
-- database (DateStyle ISO, YMD; JIT off; no parallel plans). They belong
-- to the cluster (conf/tm.sh writes them for its private clusters) or to
-- the server's connections, which set them when they connect: a
-- migration has no business changing a database it may not own. Only
-- a role with the owner's rights resets them; any other leaves them.

DO $$
BEGIN
	IF pg_has_role((SELECT datdba FROM pg_database
	    WHERE datname = current_database()), 'USAGE') THEN
		EXECUTE format('ALTER DATABASE %I RESET datestyle',
		    current_database());
		EXECUTE format('ALTER DATABASE %I RESET jit',
		    current_database());
		EXECUTE format('ALTER DATABASE %I RESET'
		    ' max_parallel_workers_per_gather', current_database());
	END IF;
END $$;
