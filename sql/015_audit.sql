-- 015_audit.sql -- the tamper-evident audit log: every change of state
-- appended in its own transaction by tm_audit() (sql/functions/
-- 80_audit.sql), hash-chained, and signed at checkpoints by the server.
--
-- The functions that write now say who wrote: CREATE OR REPLACE cannot
-- add the parameter, so their old definitions go here.
DROP FUNCTION IF EXISTS organization_patch(uuid, int, jsonb);
DROP FUNCTION IF EXISTS account_create_staff(text, text, text, text, text);
DROP FUNCTION IF EXISTS technology_create(uuid, jsonb);
DROP FUNCTION IF EXISTS technology_patch(uuid, uuid, int, jsonb);
DROP FUNCTION IF EXISTS need_create(uuid, jsonb);
DROP FUNCTION IF EXISTS need_patch(uuid, uuid, int, jsonb);
DROP FUNCTION IF EXISTS funding_program_patch(text, text, int, jsonb);

-- The chain's head: the last entry's seq and hash. Appends lock this one
-- row, so concurrent writers queue for it and the chain stays one line
-- with no gap; the first entry's prev_hash is 32 zero bytes.
CREATE TABLE audit_chain (
	id		boolean PRIMARY KEY DEFAULT true CHECK (id),
	seq		bigint NOT NULL,
	hash		bytea NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO audit_chain (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- No foreign keys: an append takes no lock but the head's (see tm_audit).
CREATE TABLE audit_log (
	seq		bigint PRIMARY KEY CHECK (seq > 0),
	at		timestamptz NOT NULL,
	actor_id	uuid,
	actor_role	text NOT NULL,
	action		text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
	entity_type	text NOT NULL,
	entity_id	text NOT NULL,
	changes		jsonb NOT NULL DEFAULT '{}',
	prev_hash	bytea NOT NULL CHECK (length(prev_hash) = 32),
	hash		bytea NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_entity ON audit_log (entity_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain head at a seq, signed by the server's Ed25519 key: signed is
-- the exact text signed, {"at","hash","seq"} as canonical JSON.
CREATE TABLE audit_checkpoints (
	seq		bigint PRIMARY KEY,
	hash		bytea NOT NULL CHECK (length(hash) = 32),
	at		timestamptz NOT NULL,
	signed		text NOT NULL,
	signature	text NOT NULL,
	key_id		text NOT NULL
);

-- Nobody changes or removes what was appended, whatever their grants:
-- the owner's role too (only a superuser who switches triggers off can,
-- and that is what the chain and the checkpoints detect).
CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
	    USING ERRCODE = 'TM460';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE
	ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE
	ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
	FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
	FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();

-- The application's role, techmarket_app: what the server runs as (it
-- switches to it on each connection, app/db.c). It may read and write
-- the market's tables, but only read and append the audit log and its
-- checkpoints. Tables later migrations create get the same grants by
-- default. A migrating role that may not create roles skips this; the
-- triggers above still refuse.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'techmarket_app')
	    THEN
		IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles
		    WHERE rolname = current_user) THEN
			RAISE NOTICE 'no role techmarket_app: % may not create it',
			    current_user;
			RETURN;
		END IF;
		CREATE ROLE techmarket_app LOGIN;
	END IF;
	EXECUTE format('GRANT techmarket_app TO %I', current_user);
	GRANT USAGE ON SCHEMA public TO techmarket_app;
	GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public
	    TO techmarket_app;
	GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public
	    TO techmarket_app;
	ALTER DEFAULT PRIVILEGES IN SCHEMA public
	    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO techmarket_app;
	ALTER DEFAULT PRIVILEGES IN SCHEMA public
	    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO techmarket_app;
	REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints
	    FROM techmarket_app;
	REVOKE DELETE, TRUNCATE, INSERT ON audit_chain FROM techmarket_app;
END $$;
