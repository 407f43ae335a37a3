-- 80_audit.sql -- the audit log: appending an entry to the hash chain
-- (tm_audit, called by every write of the other files in the writer's
-- transaction), its canonical bytes, and what GET /audit reads.
--
-- The files before this one call tm_audit from PL/pgSQL, which resolves
-- it when it runs, so it may be defined last.

-- Canonical JSON: object keys sorted bytewise (COLLATE "C" compares the
-- UTF-8 bytes), no white space; strings escaped as PostgreSQL writes JSON
-- (only '"', '\' and control characters); numbers as PostgreSQL writes
-- them. app/auditchain.c writes the same bytes from the JSON text.
CREATE OR REPLACE FUNCTION tm_canon_json(j jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
	CASE jsonb_typeof(j)
	WHEN 'object' THEN
		RETURN '{' || coalesce((SELECT string_agg(to_json(e.k)::text ||
		    ':' || CASE WHEN jsonb_typeof(e.v) IN ('object', 'array')
		    THEN tm_canon_json(e.v) ELSE e.v::text END, ','
		    ORDER BY e.k COLLATE "C")
		    FROM jsonb_each(j) e(k, v)), '') || '}';
	WHEN 'array' THEN
		RETURN '[' || coalesce((SELECT string_agg(CASE WHEN
		    jsonb_typeof(a.v) IN ('object', 'array')
		    THEN tm_canon_json(a.v) ELSE a.v::text END, ','
		    ORDER BY a.n) FROM jsonb_array_elements(j)
		    WITH ORDINALITY a(v, n)), '') || ']';
	ELSE
		RETURN j::text;
	END CASE;
END $$;

-- An entry's time as its canonical bytes and the API write it: UTC, to
-- the microsecond, always six digits.
CREATE OR REPLACE FUNCTION audit_at(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');

-- The bytes an entry's hash covers after the previous hash: canonical
-- JSON of {action, actor {id, role}, at, changes, entity {id, type}, seq},
-- its keys written in their bytewise order (the same bytes as
-- tm_canon_json of that object, for a third of the time).
CREATE OR REPLACE FUNCTION audit_canonical(p_seq bigint, p_at timestamptz,
    p_actor uuid, p_role text, p_action text, p_entity_type text,
    p_entity_id text, p_changes jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN '{"action":' || to_json(p_action)::text
    || ',"actor":{"id":' || coalesce(to_json(p_actor::text)::text, 'null')
    || ',"role":' || to_json(p_role)::text
    || '},"at":"' || audit_at(p_at)
    || '","changes":' || tm_canon_json(p_changes)
    || ',"entity":{"id":' || to_json(p_entity_id)::text
    || ',"type":' || to_json(p_entity_type)::text
    || '},"seq":' || p_seq || '}';

-- A value as the log keeps it: long text cut to 200 characters (the log
-- says that it changed and how it begins, not a copy of every document).
CREATE OR REPLACE FUNCTION audit_small(v jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN jsonb_typeof(v) = 'string' AND length(v #>> '{}') > 200
    THEN to_jsonb(left(v #>> '{}', 200) || '…') ELSE v END;

-- What changed between two versions of a row (to_jsonb of each), among
-- keys: {key: new value}. A creation is the change from '{}'.
CREATE OR REPLACE FUNCTION audit_diff(a jsonb, b jsonb, keys text[])
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT coalesce(jsonb_object_agg(k, audit_small(b -> k)), '{}')
    FROM unnest(keys) k WHERE (a -> k) IS DISTINCT FROM (b -> k));

-- Appends one entry in the caller's transaction: p_actor the account
-- that acted (its role is read from it), NULL for the system. The head
-- row's lock queues concurrent appends, so seq has no gap and each
-- entry chains to the one before; it is held to the commit, so callers
-- append last, after every other lock they take (no deadlock: nobody
-- waits for anything while holding the head). Returns the seq.
CREATE OR REPLACE FUNCTION tm_audit(p_actor uuid, p_action text,
    p_entity_type text, p_entity_id text, p_changes jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_role	text := 'system';
	h	audit_chain;
	v_at	timestamptz;
	v_ch	jsonb := coalesce(p_changes, '{}');
	v_hash	bytea;
BEGIN
	IF p_actor IS NOT NULL THEN
		SELECT a.role INTO v_role FROM accounts a WHERE a.id = p_actor;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'audit: no account %', p_actor
			    USING ERRCODE = 'TM461';
		END IF;
	END IF;
	-- Waiters queue on an advisory lock, which hands over to one at a
	-- time, rather than on the head row, where every commit woke all 64
	-- of pgbench's waiters to re-read it (623 appends a second against
	-- 2,200 at 4 clients). FOR UPDATE then never waits; it is there for
	-- a caller in REPEATABLE READ, whose older snapshot would fork the
	-- chain: it fails instead.
	PERFORM pg_advisory_xact_lock(hashtextextended('audit_chain', 0));
	SELECT * INTO h FROM audit_chain WHERE id FOR UPDATE;
	-- After the lock: the previous entry has committed, so at never
	-- goes back along seq.
	v_at := clock_timestamp();
	v_hash := sha256(h.hash || convert_to(audit_canonical(h.seq + 1, v_at,
	    p_actor, v_role, p_action, p_entity_type, p_entity_id, v_ch),
	    'UTF8'));
	INSERT INTO audit_log (seq, at, actor_id, actor_role, action,
	    entity_type, entity_id, changes, prev_hash, hash)
	VALUES (h.seq + 1, v_at, p_actor, v_role, p_action, p_entity_type,
	    p_entity_id, v_ch, h.hash, v_hash);
	UPDATE audit_chain SET seq = h.seq + 1, hash = v_hash WHERE id;
	RETURN h.seq + 1;
END $$;

-- An entry as GET /audit lists it.
CREATE OR REPLACE FUNCTION audit_doc(e audit_log) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object('seq', e.seq, 'at', audit_at(e.at),
    'actor', json_build_object('id', e.actor_id, 'role', e.actor_role),
    'action', e.action,
    'entity', json_build_object('type', e.entity_type, 'id', e.entity_id),
    'changes', e.changes,
    'prev_hash', encode(e.prev_hash, 'hex'),
    'hash', encode(e.hash, 'hex'))::text;

-- The entries matching the filters, newest first after the cursor's seq.
CREATE OR REPLACE FUNCTION audit_list(p_entity text, p_actor uuid,
    p_action text, p_from timestamptz, p_to timestamptz, c_seq bigint,
    p_n int) RETURNS SETOF audit_log LANGUAGE sql STABLE AS $$
	SELECT * FROM audit_log e
	WHERE (p_entity IS NULL OR e.entity_id = p_entity)
	    AND (p_actor IS NULL OR e.actor_id = p_actor)
	    AND (p_action IS NULL OR e.action = p_action)
	    AND (p_from IS NULL OR e.at >= p_from)
	    AND (p_to IS NULL OR e.at < p_to)
	    AND (c_seq IS NULL OR e.seq < c_seq)
	ORDER BY e.seq DESC LIMIT p_n
$$;

CREATE OR REPLACE FUNCTION audit_checkpoint_doc(c audit_checkpoints)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object('seq', c.seq, 'hash', encode(c.hash, 'hex'),
    'at', audit_at(c.at), 'signed', c.signed, 'signature', c.signature,
    'key_id', c.key_id)::text;

-- What the next checkpoint signs, if one is due: the entry at the first
-- multiple of p_every past the last checkpoint, else the head when the
-- last checkpoint is older than p_secs (or there is none). No row: none
-- due. The time the checkpoint will carry comes with it.
CREATE OR REPLACE FUNCTION audit_checkpoint_due(p_every int, p_secs int,
    OUT seq bigint, OUT hash text, OUT at text)
RETURNS SETOF record LANGUAGE sql STABLE AS $$
	WITH last AS (SELECT coalesce(max(c.seq), 0) AS seq,
		max(c.at) AS at FROM audit_checkpoints c),
	head AS (SELECT h.seq, h.hash FROM audit_chain h WHERE h.id),
	pick AS (
	    SELECT (l.seq / p_every + 1) * p_every AS seq FROM last l, head h
	    WHERE (l.seq / p_every + 1) * p_every <= h.seq
	    UNION ALL
	    SELECT h.seq FROM last l, head h
	    WHERE h.seq > l.seq AND (l.at IS NULL
		OR l.at < now() - make_interval(secs => p_secs)))
	SELECT e.seq, encode(e.hash, 'hex'), audit_at(now())
	FROM pick p JOIN audit_log e ON e.seq = p.seq
	ORDER BY p.seq LIMIT 1
$$;

-- The server's signed checkpoint; racing workers sign the same seq and
-- the first one stays. The signed text must say what the row says.
CREATE OR REPLACE FUNCTION audit_checkpoint_put(p_seq bigint, p_hash text,
    p_at text, p_signed text, p_signature text, p_key_id text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s jsonb := p_signed::jsonb;
BEGIN
	IF (s ->> 'seq')::bigint IS DISTINCT FROM p_seq
	    OR s ->> 'hash' IS DISTINCT FROM p_hash
	    OR s ->> 'at' IS DISTINCT FROM p_at THEN
		RAISE EXCEPTION 'signed text and checkpoint differ';
	END IF;
	INSERT INTO audit_checkpoints (seq, hash, at, signed, signature, key_id)
	VALUES (p_seq, decode(p_hash, 'hex'), p_at::timestamptz, p_signed,
	    p_signature, p_key_id)
	ON CONFLICT DO NOTHING;
END $$;

-- The server's connections run as the application's role when the
-- database has it (015_audit.sql) and the connecting role may take it.
CREATE OR REPLACE FUNCTION tm_app_role() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'techmarket_app')
	    AND pg_has_role(session_user, 'techmarket_app', 'MEMBER') THEN
		PERFORM set_config('role', 'techmarket_app', false);
	END IF;
	RETURN current_user;
END $$;
