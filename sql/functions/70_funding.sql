-- 70_funding.sql -- DOST's eligibility flags, enterprises' funding
-- applications and the agencies' decisions, each flag and decision
-- signed (Ed25519, by the server: the key never enters the database).

-- A signature as documents show it.
CREATE OR REPLACE FUNCTION funding_signature(signed text, signature text,
    key_id text) RETURNS json LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN json_build_object('alg', 'ed25519', 'key_id', key_id,
    'signed', signed, 'value', signature);

CREATE OR REPLACE FUNCTION funding_flag_doc(f funding_flags) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object('technology_id', f.technology_id,
    'program_code', f.program_code, 'eligible', f.eligible,
    'max_support_pct', f.max_support_pct, 'valid_until', f.valid_until,
    'note', f.note, 'flagged_by', f.flagged_by,
    'flagged_at', rfc3339(f.flagged_at),
    'signature', funding_signature(f.signed, f.signature, f.key_id))::text;

-- The current flag of each program, the latest first.
CREATE OR REPLACE FUNCTION funding_current(p_tech uuid)
RETURNS SETOF funding_flags LANGUAGE sql STABLE AS $$
	SELECT * FROM (SELECT DISTINCT ON (x.program_code) *
	    FROM funding_flags x WHERE x.technology_id = p_tech
	    ORDER BY x.program_code, x.id DESC) c
	ORDER BY c.id DESC
$$;

-- Whether a flag makes its technology eligible today.
CREATE OR REPLACE FUNCTION funding_flag_live(f funding_flags) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN f.eligible AND (f.valid_until IS NULL
    OR f.valid_until >= tm_cantho_today());

CREATE OR REPLACE FUNCTION funding_program_doc(p funding_programs) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object('code', p.code, 'name_vi', p.name_vi,
    'name_en', p.name_en, 'agency', p.agency, 'year', p.year,
    'budget_vnd', p.budget_vnd, 'committed_vnd', p.committed_vnd,
    'max_support_pct', p.max_support_pct, 'version', p.version)::text;

-- What a flag of (p_tech, p_program) needs before it is signed: the
-- technology published, the program known. 'no_program' or the time
-- the flag will carry, to the second as the signed text has it.
CREATE OR REPLACE FUNCTION funding_flag_facts(p_tech uuid, p_program text,
    OUT result text, OUT flagged_at text)
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM technologies t
		WHERE t.id = p_tech AND t.status = 'published')
		THEN 'not_found'
	    WHEN NOT EXISTS (SELECT 1 FROM funding_programs p
		WHERE p.code = p_program) THEN 'field:program_code'
	    ELSE 'ok' END,
	    rfc3339(now())
$$;

-- Appends the signed flag and brings the technology's eligible programs
-- up to date. The signed text is the server's; its fields are checked
-- against the columns so that the two cannot differ.
CREATE OR REPLACE FUNCTION funding_flag_put(p_tech uuid, p_program text,
    p_eligible boolean, p_pct int, p_until date, p_note text, p_by uuid,
    p_at timestamptz, p_signed text, p_signature text, p_key_id text,
    OUT result text, OUT doc text)
LANGUAGE plpgsql AS $$
DECLARE
	f	funding_flags;
	s	jsonb := p_signed::jsonb;
BEGIN
	PERFORM 1 FROM technologies t
	WHERE t.id = p_tech AND t.status = 'published' FOR UPDATE;
	IF NOT FOUND THEN
		result := 'not_found';
		RETURN;
	END IF;
	IF s ->> 'technology_id' IS DISTINCT FROM p_tech::text
	    OR s ->> 'program_code' IS DISTINCT FROM p_program
	    OR (s ->> 'eligible')::boolean IS DISTINCT FROM p_eligible
	    OR (s ->> 'max_support_pct')::int IS DISTINCT FROM p_pct
	    OR (s ->> 'valid_until')::date IS DISTINCT FROM p_until
	    OR (s ->> 'flagged_at')::timestamptz IS DISTINCT FROM p_at THEN
		RAISE EXCEPTION 'signed text and flag differ';
	END IF;
	INSERT INTO funding_flags (technology_id, program_code, eligible,
	    max_support_pct, valid_until, note, flagged_by, flagged_at, signed,
	    signature, key_id)
	VALUES (p_tech, p_program, p_eligible, p_pct, p_until, p_note, p_by,
	    p_at, p_signed, p_signature, p_key_id)
	RETURNING * INTO f;
	UPDATE technologies t SET (funding_until, funding_doc) = (
	    SELECT max(coalesce(c.valid_until, 'infinity')),
		funding_flag_doc(f)::jsonb || jsonb_build_object('programs',
		coalesce(jsonb_agg(jsonb_build_object(
		    'program_code', c.program_code,
		    'max_support_pct', c.max_support_pct,
		    'valid_until', c.valid_until) ORDER BY c.program_code),
		    '[]'))
	    FROM funding_current(p_tech) c WHERE c.eligible)
	WHERE t.id = p_tech;
	result := 'ok';
	doc := funding_flag_doc(f);
END $$;

CREATE OR REPLACE FUNCTION funding_application_doc(a funding_applications)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT json_build_object('id', a.id,
	'program_code', a.program_code,
	'quote_request_id', a.quote_request_id,
	'technology', json_build_object('id', t.id, 'title', t.title),
	'enterprise', json_build_object('id', e.id, 'name', e.name),
	'amount_requested_vnd', a.amount_requested_vnd,
	'description', a.description, 'status', a.status,
	'decision', CASE WHEN a.decided_at IS NOT NULL THEN json_build_object(
	    'decision', a.status, 'amount_approved_vnd', a.amount_approved_vnd,
	    'note', a.decision_note, 'decided_by', a.decided_by,
	    'decided_at', rfc3339(a.decided_at),
	    'signature', funding_signature(a.signed, a.signature, a.key_id))
	    END,
	'version', a.version, 'created_at', rfc3339(a.created_at),
	'updated_at', rfc3339(a.updated_at))::text
    FROM technologies t, organizations e
    WHERE t.id = a.technology_id AND e.id = a.enterprise_id);

-- An application. result: ok, field:<name> (nothing the enterprise may
-- use), or a reason for 409: not_accepted, not_eligible, over:<limit>
-- (the most it may ask, for 422), duplicate.
CREATE OR REPLACE FUNCTION funding_apply(p_account uuid, p_org uuid, b jsonb,
    OUT result text, OUT doc text, OUT version int, OUT aid uuid)
LANGUAGE plpgsql AS $$
DECLARE
	q	quote_requests;
	p	funding_programs;
	f	funding_flags;
	cap	bigint;
	a	funding_applications;
BEGIN
	SELECT * INTO p FROM funding_programs x
	WHERE x.code = b ->> 'program_code';
	IF NOT FOUND THEN
		result := 'field:program_code';
		RETURN;
	END IF;
	SELECT * INTO q FROM quote_requests x
	WHERE x.id = (b ->> 'quote_request_id')::uuid
	    AND x.enterprise_id = p_org;
	IF NOT FOUND THEN
		result := 'field:quote_request_id';
		RETURN;
	END IF;
	IF quote_status(q) <> 'accepted' THEN
		result := 'not_accepted:' || quote_status(q);
		RETURN;
	END IF;
	-- Eligible today: the current flag, as it stands at this moment.
	SELECT * INTO f FROM funding_flags x
	WHERE x.technology_id = q.technology_id AND x.program_code = p.code
	ORDER BY x.id DESC LIMIT 1;
	IF NOT FOUND OR NOT funding_flag_live(f) THEN
		result := 'not_eligible';
		RETURN;
	END IF;
	cap := q.price_vnd * least(p.max_support_pct, f.max_support_pct) / 100;
	IF (b ->> 'amount_requested_vnd')::bigint > cap THEN
		result := 'over:' || cap;
		RETURN;
	END IF;
	INSERT INTO funding_applications (program_code, quote_request_id,
	    enterprise_id, technology_id, applied_by, amount_requested_vnd,
	    description)
	VALUES (p.code, q.id, p_org, q.technology_id, p_account,
	    (b ->> 'amount_requested_vnd')::bigint,
	    coalesce(normalize(b ->> 'description', NFC), ''))
	ON CONFLICT DO NOTHING
	RETURNING * INTO a;
	IF NOT FOUND THEN
		result := 'duplicate';
		RETURN;
	END IF;
	result := 'ok';
	doc := funding_application_doc(a);
	version := a.version;
	aid := a.id;
END $$;

-- Whether the caller may see it: its enterprise, or the agency whose
-- program it is.
CREATE OR REPLACE FUNCTION funding_visible(a funding_applications, p_org uuid,
    p_agency text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(a.enterprise_id = p_org, false)
    OR EXISTS (SELECT 1 FROM funding_programs p
	WHERE p.code = a.program_code AND p.agency = p_agency);

-- What a decision needs before it is signed. result: ok, not_found (not
-- the agency's), forbidden (the enterprise's own), move:<status>.
CREATE OR REPLACE FUNCTION funding_decision_facts(p_id uuid, p_org uuid,
    p_agency text, OUT result text, OUT program_code text,
    OUT quote_request_id uuid, OUT technology_id uuid,
    OUT enterprise_id uuid, OUT amount_requested_vnd bigint,
    OUT version int, OUT decided_at text)
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN a.id IS NULL OR NOT funding_visible(a, p_org,
		p_agency) THEN 'not_found'
	    WHEN a.enterprise_id = p_org THEN 'forbidden'
	    WHEN a.status NOT IN ('submitted', 'under_review')
		THEN 'move:' || a.status
	    ELSE 'ok' END,
	    a.program_code, a.quote_request_id, a.technology_id,
	    a.enterprise_id, a.amount_requested_vnd, a.version,
	    rfc3339(now())
	FROM (SELECT 1) one LEFT JOIN funding_applications a ON a.id = p_id
$$;

-- A review or a decision by the program's agency. Approvals add to the
-- program's committed amount only while it stays within the budget: the
-- program row is locked by that UPDATE, so concurrent approvals queue on
-- it and each sees the others' amounts. result: ok, not_found,
-- forbidden, move:<status>, stale (changed since the facts were read:
-- retry), budget:<left>, field:<name>.
CREATE OR REPLACE FUNCTION funding_decide(p_id uuid, p_org uuid, p_agency text,
    p_account uuid, p_action text, p_version int, p_amount bigint,
    p_note text, p_at timestamptz, p_signed text, p_signature text,
    p_key_id text, OUT result text, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	a	funding_applications;
	left_	bigint;
BEGIN
	SELECT * INTO a FROM funding_applications x WHERE x.id = p_id
	FOR UPDATE;
	IF NOT FOUND OR NOT funding_visible(a, p_org, p_agency) THEN
		result := 'not_found';
		RETURN;
	ELSIF a.enterprise_id IS NOT DISTINCT FROM p_org THEN
		result := 'forbidden';
		RETURN;
	ELSIF p_version IS NOT NULL AND a.version <> p_version THEN
		result := 'stale';
		RETURN;
	ELSIF a.status NOT IN ('submitted', 'under_review')
	    OR (p_action = 'review' AND a.status <> 'submitted') THEN
		result := 'move:' || a.status;
		RETURN;
	END IF;
	IF p_action <> 'review' AND (
	    (p_signed::jsonb ->> 'application_id') IS DISTINCT FROM p_id::text
	    OR (p_signed::jsonb ->> 'decision') IS DISTINCT FROM p_action
	    OR (p_signed::jsonb ->> 'amount_approved_vnd')::bigint
		IS DISTINCT FROM p_amount
	    OR (p_signed::jsonb ->> 'decided_at')::timestamptz
		IS DISTINCT FROM p_at) THEN
		RAISE EXCEPTION 'signed text and decision differ';
	END IF;
	IF p_action = 'approved' THEN
		IF p_amount > a.amount_requested_vnd THEN
			result := 'field:amount_approved_vnd';
			RETURN;
		END IF;
		UPDATE funding_programs p
		SET committed_vnd = p.committed_vnd + p_amount,
		    version = p.version + 1
		WHERE p.code = a.program_code
		    AND p.committed_vnd + p_amount <= p.budget_vnd;
		IF NOT FOUND THEN
			SELECT p.budget_vnd - p.committed_vnd INTO left_
			FROM funding_programs p WHERE p.code = a.program_code;
			result := 'budget:' || left_;
			RETURN;
		END IF;
	END IF;
	UPDATE funding_applications x SET
	    status = CASE p_action WHEN 'review' THEN 'under_review'
		ELSE p_action END,
	    amount_approved_vnd = CASE WHEN p_action = 'approved'
		THEN p_amount END,
	    decision_note = CASE WHEN p_action = 'review' THEN NULL
		ELSE p_note END,
	    decided_by = CASE WHEN p_action = 'review' THEN NULL
		ELSE p_account END,
	    decided_at = CASE WHEN p_action = 'review' THEN NULL ELSE p_at END,
	    signed = p_signed, signature = p_signature, key_id = p_key_id,
	    version = x.version + 1, updated_at = now()
	WHERE x.id = p_id RETURNING * INTO a;
	result := 'ok';
	doc := funding_application_doc(a);
	version := a.version;
END $$;

-- Applications the caller may see, newest first after the cursor.
CREATE OR REPLACE FUNCTION funding_list(p_org uuid, p_agency text,
    p_program text, p_status text, c_ts timestamptz, c_id uuid, p_n int)
RETURNS SETOF funding_applications LANGUAGE sql STABLE AS $$
	(SELECT * FROM funding_applications a
	WHERE a.enterprise_id = p_org
	    AND (p_program IS NULL OR a.program_code = p_program)
	    AND (p_status IS NULL OR a.status = p_status)
	    AND (c_ts IS NULL OR (a.created_at, a.id) < (c_ts, c_id))
	ORDER BY a.created_at DESC, a.id DESC LIMIT p_n)
	UNION ALL
	(SELECT a.* FROM funding_applications a
	JOIN funding_programs p ON p.code = a.program_code
	WHERE p.agency = p_agency
	    AND (p_program IS NULL OR a.program_code = p_program)
	    AND (p_status IS NULL OR a.status = p_status)
	    AND (c_ts IS NULL OR (a.created_at, a.id) < (c_ts, c_id))
	ORDER BY a.created_at DESC, a.id DESC LIMIT p_n)
	ORDER BY created_at DESC, id DESC LIMIT p_n
$$;

-- An agency's change to its own program's figures. result: ok,
-- not_found (another agency's), stale, field:budget_vnd (below what is
-- committed).
CREATE OR REPLACE FUNCTION funding_program_patch(p_code text, p_agency text,
    p_version int, b jsonb, OUT result text, OUT doc text,
    OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	p	funding_programs;
BEGIN
	SELECT * INTO p FROM funding_programs x
	WHERE x.code = p_code AND x.agency = p_agency FOR UPDATE;
	IF NOT FOUND THEN
		result := 'not_found';
		RETURN;
	END IF;
	IF p_version IS NOT NULL AND p.version <> p_version THEN
		result := 'stale';
		RETURN;
	END IF;
	IF coalesce((b ->> 'budget_vnd')::bigint, p.budget_vnd)
	    < p.committed_vnd THEN
		result := 'field:budget_vnd';
		RETURN;
	END IF;
	UPDATE funding_programs x SET
	    budget_vnd = coalesce((b ->> 'budget_vnd')::bigint, x.budget_vnd),
	    max_support_pct = coalesce((b ->> 'max_support_pct')::int,
		x.max_support_pct),
	    version = x.version + 1
	WHERE x.code = p_code RETURNING * INTO p;
	result := 'ok';
	doc := funding_program_doc(p);
	version := p.version;
END $$;
