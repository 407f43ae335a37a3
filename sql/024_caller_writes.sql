-- 024_caller_writes.sql -- reads from a hot standby (DATABASE_READ_URL,
-- app/standby.c): when each caller last wrote, since a caller reads the
-- primary until the standby has replayed past its last write; and a
-- heartbeat the servers commit every second, so that how far behind the
-- standby is can be told however quiet the market.
--
-- One row per credential and primary backend: a backend runs one
-- transaction at a time, so two writes of one API key on two connections
-- never wait for each other's row. Unlogged: read on the primary only,
-- and what a crash loses is at most a few seconds of stickiness. Rows
-- older than ten minutes are pruned by the server.
CREATE UNLOGGED TABLE caller_writes (
	cred_id		uuid NOT NULL,
	backend		int NOT NULL,
	at		timestamptz NOT NULL,
	PRIMARY KEY (cred_id, backend)
);

CREATE TABLE standby_heartbeat (
	at		timestamptz NOT NULL
);
INSERT INTO standby_heartbeat VALUES (now());
