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
-- technology published (else TM404), the program known (else TM422).
-- The time the flag will carry, to the second as the signed text has it.
CREATE OR REPLACE FUNCTION funding_flag_facts(p_tech uuid, p_program text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM technologies t
	    WHERE t.id = p_tech AND t.status = 'published') THEN
		RAISE EXCEPTION 'no such technology' USING ERRCODE = 'TM404';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM funding_programs p
	    WHERE p.code = p_program) THEN
		RAISE EXCEPTION 'no such program' USING ERRCODE = 'TM422',
		    DETAIL = 'program_code';
	END IF;
	RETURN rfc3339(now());
END $$;

-- Appends the signed flag and brings the technology's eligible programs
-- up to date. The signed text is the server's; its fields are checked
-- against the columns so that the two cannot differ. Refusals: TM404,
-- TM440 eligible for a technology whose vendor is not verified.
CREATE OR REPLACE FUNCTION funding_flag_put(p_tech uuid, p_program text,
    p_eligible boolean, p_pct int, p_until date, p_note text, p_by uuid,
    p_at timestamptz, p_signed text, p_signature text, p_key_id text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	f	funding_flags;
	s	jsonb := p_signed::jsonb;
BEGIN
	PERFORM 1 FROM technologies t
	WHERE t.id = p_tech AND t.status = 'published' FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such technology' USING ERRCODE = 'TM404';
	END IF;
	-- Only a verified vendor's technology is flagged eligible; taking a
	-- flag back (eligible false) is always allowed, so that DOST can
	-- withdraw what it flagged before a vendor lost its verification.
	-- FOR SHARE: a withdrawal of the verification waits for this flag.
	IF p_eligible THEN
		PERFORM 1 FROM technologies t
		    JOIN organizations o ON o.id = t.vendor_id
		WHERE t.id = p_tech AND o.verified FOR SHARE OF o;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'vendor not verified'
			    USING ERRCODE = 'TM440';
		END IF;
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
	PERFORM tm_audit(p_by, 'funding.flag', 'technology', p_tech::text,
	    jsonb_build_object('flag_id', f.id, 'program_code', p_program,
	    'eligible', p_eligible, 'max_support_pct', p_pct,
	    'valid_until', p_until, 'note', audit_small(to_jsonb(p_note)),
	    'key_id', p_key_id));
	RETURN funding_flag_doc(f);
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

-- An application. Refusals: TM441 the enterprise is not verified;
-- TM422 a field (DETAIL) naming nothing the
-- enterprise may use; TM491 the quote is not accepted (DETAIL its
-- status); TM492 not eligible today; TM424 more than the cap (HINT) the
-- program and flag allow; TM493 the quote has an application already.
CREATE OR REPLACE FUNCTION funding_apply(p_account uuid, p_org uuid, b jsonb,
    OUT doc text, OUT version int, OUT aid uuid)
LANGUAGE plpgsql AS $$
DECLARE
	q	quote_requests;
	p	funding_programs;
	f	funding_flags;
	cap	bigint;
	a	funding_applications;
BEGIN
	-- Only a verified enterprise applies; FOR SHARE: a withdrawal of
	-- its verification waits for this application.
	PERFORM 1 FROM organizations o WHERE o.id = p_org AND o.verified
	    FOR SHARE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'enterprise not verified' USING ERRCODE = 'TM441';
	END IF;
	SELECT * INTO p FROM funding_programs x
	WHERE x.code = b ->> 'program_code';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such program' USING ERRCODE = 'TM422',
		    DETAIL = 'program_code';
	END IF;
	SELECT * INTO q FROM quote_requests x
	WHERE x.id = (b ->> 'quote_request_id')::uuid
	    AND x.enterprise_id = p_org;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such quote request' USING ERRCODE = 'TM422',
		    DETAIL = 'quote_request_id';
	END IF;
	IF quote_status(q) <> 'accepted' THEN
		RAISE EXCEPTION 'quote not accepted' USING ERRCODE = 'TM491',
		    DETAIL = quote_status(q);
	END IF;
	-- Eligible today: the current flag, as it stands at this moment.
	SELECT * INTO f FROM funding_flags x
	WHERE x.technology_id = q.technology_id AND x.program_code = p.code
	ORDER BY x.id DESC LIMIT 1;
	IF NOT FOUND OR NOT funding_flag_live(f) THEN
		RAISE EXCEPTION 'not eligible' USING ERRCODE = 'TM492';
	END IF;
	cap := q.price_vnd * least(p.max_support_pct, f.max_support_pct) / 100;
	IF (b ->> 'amount_requested_vnd')::bigint > cap THEN
		RAISE EXCEPTION 'over the cap' USING ERRCODE = 'TM424',
		    DETAIL = 'amount_requested_vnd',
		    HINT = cap::text;
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
		RAISE EXCEPTION 'applied already' USING ERRCODE = 'TM493';
	END IF;
	doc := funding_application_doc(a);
	version := a.version;
	aid := a.id;
	PERFORM tm_audit(p_account, 'funding.apply', 'funding_application',
	    a.id::text, jsonb_build_object('program_code', a.program_code,
	    'quote_request_id', a.quote_request_id,
	    'amount_requested_vnd', a.amount_requested_vnd));
END $$;

-- Whether the caller may see it: its enterprise, or the agency whose
-- program it is.
CREATE OR REPLACE FUNCTION funding_visible(a funding_applications, p_org uuid,
    p_agency text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(a.enterprise_id = p_org, false)
    OR EXISTS (SELECT 1 FROM funding_programs p
	WHERE p.code = a.program_code AND p.agency = p_agency);

-- What a decision needs before it is signed. Refusals: TM404 not the
-- agency's, TM403 the enterprise's own, TM409 decided already (DETAIL
-- the status).
CREATE OR REPLACE FUNCTION funding_decision_facts(p_id uuid, p_org uuid,
    p_agency text, OUT program_code text, OUT quote_request_id uuid,
    OUT technology_id uuid, OUT enterprise_id uuid,
    OUT amount_requested_vnd bigint, OUT version int, OUT decided_at text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a	funding_applications;
BEGIN
	SELECT * INTO a FROM funding_applications x WHERE x.id = p_id;
	IF NOT FOUND OR NOT funding_visible(a, p_org, p_agency) THEN
		RAISE EXCEPTION 'no such application' USING ERRCODE = 'TM404';
	ELSIF a.enterprise_id = p_org THEN
		RAISE EXCEPTION 'the agency''s decision' USING ERRCODE = 'TM403';
	ELSIF a.status NOT IN ('submitted', 'under_review') THEN
		RAISE EXCEPTION 'decided already' USING ERRCODE = 'TM409',
		    DETAIL = a.status,
		    HINT = 'decide';
	END IF;
	program_code := a.program_code;
	quote_request_id := a.quote_request_id;
	technology_id := a.technology_id;
	enterprise_id := a.enterprise_id;
	amount_requested_vnd := a.amount_requested_vnd;
	version := a.version;
	decided_at := rfc3339(now());
END $$;

-- A review or a decision by the program's agency. Approvals add to the
-- program's committed amount only while it stays within the budget: the
-- program row is locked by that UPDATE, so concurrent approvals queue on
-- it and each sees the others' amounts. Refusals: TM404, TM403, TM409
-- (DETAIL the status, HINT the move), TM495 changed since the facts were
-- read (retry), TM427 more than requested (HINT), TM494 over the budget
-- (DETAIL what is left).
CREATE OR REPLACE FUNCTION funding_decide(p_id uuid, p_org uuid,
    p_agency text, p_account uuid, p_action text, p_version int,
    p_amount bigint, p_note text, p_at timestamptz, p_signed text,
    p_signature text, p_key_id text, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	a	funding_applications;
	left_	bigint;
BEGIN
	SELECT * INTO a FROM funding_applications x WHERE x.id = p_id
	FOR UPDATE;
	IF NOT FOUND OR NOT funding_visible(a, p_org, p_agency) THEN
		RAISE EXCEPTION 'no such application' USING ERRCODE = 'TM404';
	ELSIF a.enterprise_id IS NOT DISTINCT FROM p_org THEN
		RAISE EXCEPTION 'the agency''s decision' USING ERRCODE = 'TM403';
	ELSIF p_version IS NOT NULL AND a.version <> p_version THEN
		RAISE EXCEPTION 'changed since the facts were read' USING ERRCODE = 'TM495';
	ELSIF a.status NOT IN ('submitted', 'under_review')
	    OR (p_action = 'review' AND a.status <> 'submitted') THEN
		RAISE EXCEPTION 'no such move' USING ERRCODE = 'TM409',
		    DETAIL = a.status,
		    HINT = CASE p_action WHEN 'approved' THEN 'approve'
			WHEN 'rejected' THEN 'reject' ELSE p_action END;
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
			RAISE EXCEPTION 'more than requested' USING ERRCODE = 'TM427',
			    DETAIL = 'amount_approved_vnd',
			    HINT = a.amount_requested_vnd::text;
		END IF;
		UPDATE funding_programs p
		SET committed_vnd = p.committed_vnd + p_amount,
		    version = p.version + 1
		WHERE p.code = a.program_code
		    AND p.committed_vnd + p_amount <= p.budget_vnd;
		IF NOT FOUND THEN
			SELECT p.budget_vnd - p.committed_vnd INTO left_
			FROM funding_programs p WHERE p.code = a.program_code;
			RAISE EXCEPTION 'over budget' USING ERRCODE = 'TM494',
			    DETAIL = left_::text;
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
	doc := funding_application_doc(a);
	version := a.version;
	PERFORM tm_audit(p_account, CASE p_action WHEN 'review'
	    THEN 'funding.review' ELSE 'funding.decide' END,
	    'funding_application', p_id::text, CASE p_action WHEN 'review'
	    THEN jsonb_build_object('status', a.status)
	    ELSE jsonb_build_object('decision', p_action,
		'amount_approved_vnd', p_amount,
		'note', audit_small(to_jsonb(p_note)), 'key_id', p_key_id) END);
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

-- An agency's change to its own program's figures. Refusals: TM404
-- another agency's, TM412 If-Match stale, TM428 a budget below what is
-- committed (HINT).
CREATE OR REPLACE FUNCTION funding_program_patch(p_code text, p_agency text,
    p_version int, b jsonb, p_account uuid, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	p	funding_programs;
	old	funding_programs;
BEGIN
	SELECT * INTO p FROM funding_programs x
	WHERE x.code = p_code AND x.agency = p_agency FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such program' USING ERRCODE = 'TM404';
	END IF;
	IF p_version IS NOT NULL AND p.version <> p_version THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	old := p;
	IF coalesce((b ->> 'budget_vnd')::bigint, p.budget_vnd)
	    < p.committed_vnd THEN
		RAISE EXCEPTION 'below what is committed' USING ERRCODE = 'TM428',
		    DETAIL = 'budget_vnd',
		    HINT = p.committed_vnd::text;
	END IF;
	UPDATE funding_programs x SET
	    budget_vnd = coalesce((b ->> 'budget_vnd')::bigint, x.budget_vnd),
	    max_support_pct = coalesce((b ->> 'max_support_pct')::int,
		x.max_support_pct),
	    version = x.version + 1
	WHERE x.code = p_code RETURNING * INTO p;
	doc := funding_program_doc(p);
	version := p.version;
	PERFORM tm_audit(p_account, 'funding_program.patch', 'funding_program',
	    p_code, audit_diff(to_jsonb(old), to_jsonb(p),
	    ARRAY['budget_vnd', 'max_support_pct']));
END $$;

-- An approved decision as the public register shows it: what was
-- granted to whom for what, and the very signature its decision carried.
-- Nothing else of the enterprise (no tax code, no contact) is public.
CREATE OR REPLACE FUNCTION funding_register_doc(a funding_applications)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT json_build_object('application_id', a.id,
	'program_code', a.program_code,
	'enterprise', json_build_object('name', e.name),
	'technology', json_build_object('id', t.id, 'title', t.title),
	'amount_approved_vnd', a.amount_approved_vnd,
	'decided_at', rfc3339(a.decided_at),
	'signature', funding_signature(a.signed, a.signature, a.key_id))::text
    FROM technologies t, organizations e
    WHERE t.id = a.technology_id AND e.id = a.enterprise_id);

-- The public register: approved decisions only, of a program and of a
-- program year when given, newest first after the cursor.
CREATE OR REPLACE FUNCTION funding_register(p_program text, p_year int,
    c_ts timestamptz, c_id uuid, p_n int)
RETURNS SETOF funding_applications LANGUAGE sql STABLE AS $$
	SELECT a.* FROM funding_applications a
	JOIN funding_programs p ON p.code = a.program_code
	WHERE a.status = 'approved'
	    AND (p_program IS NULL OR a.program_code = p_program)
	    AND (p_year IS NULL OR p.year = p_year)
	    AND (c_ts IS NULL OR (a.decided_at, a.id) < (c_ts, c_id))
	ORDER BY a.decided_at DESC, a.id DESC LIMIT p_n
$$;
