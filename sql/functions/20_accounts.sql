-- 20_accounts.sql -- account documents and the multi-statement account
-- writes (registration, login, password, admin changes), so each runs
-- as one statement inside one transaction.

-- An organization as its own accounts see it (GET /me/organization).
CREATE OR REPLACE FUNCTION organization_doc(o organizations) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
	'id', o.id,
	'kind', o.kind,
	'name', o.name,
	'tax_code', o.tax_code,
	'commune', o.commune,
	'district', o.district,
	'sector', o.sector,
	'address', o.address,
	'phone', o.phone,
	'website', o.website,
	'verified', o.verified,
	'version', o.version,
	'created_at', rfc3339(o.created_at),
	'updated_at', rfc3339(o.updated_at))::text;

-- An organization in the admins' queue (GET /admin/organizations): the
-- organization's own document, and what an admin needs to decide: when
-- it was verified, its accounts, the last verification change and why.
CREATE OR REPLACE FUNCTION admin_organization_doc(o organizations)
RETURNS text LANGUAGE sql STABLE
RETURN (organization_doc(o)::jsonb || jsonb_build_object(
	'verified_at', rfc3339(o.verified_at),
	'accounts', (SELECT coalesce(json_agg(json_build_object('id', a.id,
	    'email', a.email, 'display_name', a.display_name)
	    ORDER BY a.created_at, a.id), '[]')
	    FROM accounts a WHERE a.org_id = o.id),
	'last_verification', (SELECT json_build_object('verified',
	    e.verified, 'note', e.note, 'at', rfc3339(e.at),
	    'by', e.by_account)
	    FROM verification_events e WHERE e.org_id = o.id
	    ORDER BY e.id DESC LIMIT 1)))::text;

CREATE OR REPLACE VIEW account_docs AS
SELECT a.id, a.version, a.created_at, a.role, a.status,
    json_build_object(
	'id', a.id,
	'email', a.email,
	'display_name', a.display_name,
	'role', a.role,
	'agency', a.agency,
	'status', a.status,
	'organization', CASE WHEN o.id IS NULL THEN NULL
	    ELSE organization_doc(o)::json END,
	'version', a.version,
	'created_at', rfc3339(a.created_at),
	'updated_at', rfc3339(a.updated_at))::text AS doc
FROM accounts a LEFT JOIN organizations o ON o.id = a.org_id;

CREATE OR REPLACE FUNCTION account_register(p_email text, p_hash text,
    p_name text, p_role text, p_org_name text, p_tax_code text,
    p_commune text, p_district text, p_sector text, p_address text,
    p_phone text, p_website text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v_org uuid;
	v_id uuid;
BEGIN
	IF p_role NOT IN ('vendor', 'enterprise') THEN
		RAISE check_violation USING CONSTRAINT = 'accounts_role_check';
	END IF;
	PERFORM tm_place_check('organizations', 'organization.commune',
	    p_commune, p_district, true);
	INSERT INTO organizations (kind, name, tax_code, commune, district,
	    sector, address, phone, website)
	VALUES (p_role, normalize(p_org_name, NFC), p_tax_code, p_commune,
	    p_district, p_sector, normalize(p_address, NFC), p_phone,
	    p_website)
	RETURNING id INTO v_org;
	INSERT INTO accounts (email, password_hash, display_name, role, org_id)
	VALUES (p_email, p_hash, normalize(p_name, NFC), p_role, v_org)
	RETURNING id INTO v_id;
	PERFORM tm_audit(v_id, 'account.register', 'account', v_id::text,
	    jsonb_build_object('email', p_email, 'role', p_role,
	    'organization', (SELECT audit_diff('{}', to_jsonb(o),
		ARRAY['id', 'name', 'tax_code', 'commune', 'district',
		'sector']) FROM organizations o WHERE o.id = v_org)));
	RETURN (SELECT doc FROM account_docs WHERE id = v_id);
END $$;

-- PATCH /me/organization: what its own accounts may correct. A verified
-- organization's tax code is what an admin checked: TM434. Sending a
-- district alone keeps the commune only if it lies there. Refusals
-- besides: TM404 no organization, TM412 If-Match stale, places as
-- tm_place_check says.
CREATE OR REPLACE FUNCTION organization_patch(p_org uuid, p_version int,
    b jsonb, p_account uuid, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	v organizations;
BEGIN
	-- Its accounts first, as account_patch() locks them before it
	-- verifies the organization: one order, no deadlock.
	PERFORM 1 FROM accounts a WHERE a.org_id = p_org ORDER BY a.id
	    FOR UPDATE;
	SELECT * INTO v FROM organizations o WHERE o.id = p_org FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such organization' USING ERRCODE = 'TM404';
	END IF;
	IF v.version <> p_version THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	PERFORM tm_no_nulls(b, 'organizations',
	    ARRAY['name', 'tax_code', 'district', 'sector']);
	IF v.verified AND b ? 'tax_code'
	    AND b ->> 'tax_code' IS DISTINCT FROM v.tax_code THEN
		RAISE EXCEPTION 'verified tax code' USING ERRCODE = 'TM434';
	END IF;
	PERFORM tm_place_check('organizations', 'commune', b ->> 'commune',
	    b ->> 'district', false);
	UPDATE organizations o SET
	    name = CASE WHEN b ? 'name' THEN normalize(b ->> 'name', NFC)
		ELSE o.name END,
	    tax_code = coalesce(b ->> 'tax_code', o.tax_code),
	    commune = tm_place_commune(b, o.commune, o.district),
	    district = CASE WHEN b ? 'district' THEN b ->> 'district'
		ELSE o.district END,
	    sector = coalesce(b ->> 'sector', o.sector),
	    address = CASE WHEN b ? 'address'
		THEN normalize(b ->> 'address', NFC) ELSE o.address END,
	    phone = CASE WHEN b ? 'phone' THEN b ->> 'phone' ELSE o.phone END,
	    website = CASE WHEN b ? 'website' THEN b ->> 'website'
		ELSE o.website END,
	    version = o.version + 1,
	    updated_at = now()
	WHERE o.id = p_org;
	-- An account's document holds its organization: a new version, so
	-- that an admin's If-Match names the organization they read.
	UPDATE accounts a SET version = a.version + 1 WHERE a.org_id = p_org;
	SELECT organization_doc(o), o.version INTO doc, version
	FROM organizations o WHERE o.id = p_org;
	PERFORM tm_audit(p_account, 'organization.patch', 'organization',
	    p_org::text, (SELECT audit_diff(to_jsonb(v), to_jsonb(o),
	    ARRAY['name', 'tax_code', 'commune', 'district', 'sector',
	    'address', 'phone', 'website']) FROM organizations o
	    WHERE o.id = p_org));
END $$;

CREATE OR REPLACE FUNCTION account_create_staff(p_email text, p_hash text,
    p_name text, p_role text, p_agency text, p_by uuid)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v_id uuid;
BEGIN
	INSERT INTO accounts (email, password_hash, display_name, role, agency)
	VALUES (p_email, p_hash, normalize(p_name, NFC), p_role,
	    CASE WHEN p_role = 'agency' THEN p_agency END)
	RETURNING id INTO v_id;
	PERFORM tm_audit(p_by, 'account.create', 'account', v_id::text,
	    jsonb_build_object('email', p_email, 'role', p_role, 'agency',
	    CASE WHEN p_role = 'agency' THEN p_agency END));
	RETURN (SELECT doc FROM account_docs WHERE id = v_id);
END $$;

-- The first admin, and resets, from `make admin`: never a default password.
-- An existing account that is not an admin stays what it is (TM409, its
-- role in DETAIL) unless p_force: a typo in EMAIL must not make a vendor
-- an admin. The row lock keeps the check and the change together.
CREATE OR REPLACE FUNCTION admin_upsert(p_email text, p_hash text,
    p_force boolean DEFAULT false)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
	v_id uuid;
	v_role text;
BEGIN
	SELECT role INTO v_role FROM accounts WHERE email = lower(p_email)
	FOR UPDATE;
	IF v_role <> 'admin' AND NOT p_force THEN
		RAISE EXCEPTION '% is an existing % account, not an admin',
		    lower(p_email), v_role
		    USING ERRCODE = 'TM409', DETAIL = v_role;
	END IF;
	INSERT INTO accounts (email, password_hash, display_name, role)
	VALUES (lower(p_email), p_hash, 'Quản trị viên', 'admin')
	ON CONFLICT (email) DO UPDATE
	    SET password_hash = excluded.password_hash, role = 'admin',
		agency = NULL, org_id = NULL, status = 'active',
		version = accounts.version + 1, updated_at = now()
	RETURNING id INTO v_id;
	UPDATE credentials SET revoked_at = now()
	WHERE account_id = v_id AND revoked_at IS NULL;
	-- The operator's command, not an account's request: the system.
	PERFORM tm_audit(NULL, 'account.make_admin', 'account', v_id::text,
	    jsonb_build_object('email', lower(p_email), 'previous_role',
	    v_role, 'forced', p_force));
	RETURN v_id;
END $$;

-- Sign-in attempts (sql/022_throttle.sql). A row counts against the
-- limits while it is a failure younger than the window, or an attempt in
-- progress younger than the lease; older ones go as the key is next
-- looked at. Concurrent attempts for one address or one email queue on
-- advisory locks, taken in that order, and all see each other.
CREATE OR REPLACE FUNCTION sign_in_prune(p_email text, p_address inet,
    p_window interval, p_lease interval) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(hashtextextended('sign-in address:' ||
	    host(p_address), 0));
	PERFORM pg_advisory_xact_lock(hashtextextended('sign-in email:' ||
	    p_email, 0));
	DELETE FROM sign_in_attempts s
	WHERE (s.email = p_email OR s.address = p_address)
	    AND (s.at < now() - p_window OR (NOT s.failed AND
	    s.at < now() - p_lease));
END $$;

-- Seconds until fewer than p_max of the rows of a key (an email, an
-- address, or both; NULL: any) still count: the k-th soonest to expire.
CREATE OR REPLACE FUNCTION sign_in_wait(p_email text, p_address inet,
    p_max int, p_window interval, p_lease interval) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT coalesce(greatest(1, ceil(extract(epoch FROM
	    min(x.until) - now())))::int, 1)
	FROM (SELECT s.at + CASE WHEN s.failed THEN p_window ELSE p_lease
		END AS until
	    FROM sign_in_attempts s
	    WHERE (p_email IS NULL OR s.email = p_email)
		AND (p_address IS NULL OR s.address = p_address)
	    ORDER BY 1
	    OFFSET greatest(0, (SELECT count(*) FROM sign_in_attempts t
		WHERE (p_email IS NULL OR t.email = p_email)
		    AND (p_address IS NULL OR t.address = p_address))
		- p_max)
	    LIMIT 1) x
$$;

-- An attempt from p_address for p_email is refused (retry_after > 0,
-- nothing recorded) when
--   that address has p_max attempts for that email (the guesser);
--   the email has p_max from anywhere and this address is one of those
--     that failed (five for one email whatever the addresses, while an
--     address that has not been failing still signs in);
--   the email has p_email_max from anywhere (a guesser of many
--     addresses);
--   the address has p_address_max, whichever the emails.
-- Otherwise the attempt is recorded as in progress: attempt_id.
CREATE OR REPLACE FUNCTION login_begin(p_email text, p_address inet,
    p_max int, p_window_secs int, p_email_max int, p_address_max int,
    p_lease_secs int, OUT retry_after int, OUT attempt_id bigint,
    OUT account_id uuid, OUT password_hash text, OUT status text)
LANGUAGE plpgsql AS $$
DECLARE
	v_window interval := make_interval(secs => p_window_secs);
	v_lease interval := make_interval(secs => p_lease_secs);
	v_pair int;
	v_pair_failed int;
	v_email int;
	v_address int;
BEGIN
	PERFORM sign_in_prune(p_email, p_address, v_window, v_lease);
	SELECT count(*) FILTER (WHERE s.address = p_address),
	    count(*) FILTER (WHERE s.address = p_address AND s.failed),
	    count(*)
	INTO v_pair, v_pair_failed, v_email
	FROM sign_in_attempts s WHERE s.email = p_email;
	SELECT count(*) INTO v_address
	FROM sign_in_attempts s WHERE s.address = p_address;
	retry_after := 0;
	IF v_pair >= p_max THEN
		retry_after := sign_in_wait(p_email, p_address, p_max,
		    v_window, v_lease);
	END IF;
	IF v_email >= p_max AND v_pair_failed > 0 THEN
		retry_after := greatest(retry_after, least(
		    sign_in_wait(p_email, NULL, p_max, v_window, v_lease),
		    sign_in_wait(p_email, p_address, 1, v_window, v_lease)));
	END IF;
	IF v_email >= p_email_max THEN
		retry_after := greatest(retry_after, sign_in_wait(p_email,
		    NULL, p_email_max, v_window, v_lease));
	END IF;
	IF v_address >= p_address_max THEN
		retry_after := greatest(retry_after, sign_in_wait(NULL,
		    p_address, p_address_max, v_window, v_lease));
	END IF;
	IF retry_after > 0 THEN
		RETURN;
	END IF;
	INSERT INTO sign_in_attempts (email, address)
	VALUES (p_email, p_address)
	RETURNING id INTO attempt_id;
	SELECT a.id, a.password_hash, a.status
	INTO account_id, password_hash, status
	FROM accounts a WHERE a.email = p_email;
END $$;

-- The password was checked and was wrong. The row may have gone if the
-- check outlasted the lease: the failure is recorded all the same.
CREATE OR REPLACE FUNCTION login_fail(p_attempt bigint, p_email text,
    p_address inet) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE sign_in_attempts SET failed = true, at = now()
	WHERE id = p_attempt;
	IF NOT FOUND THEN
		INSERT INTO sign_in_attempts (email, address, failed)
		VALUES (p_email, p_address, true);
	END IF;
END $$;

-- Nobody learnt the verdict (the client left) or it was no failure (a
-- suspended account's right password): the attempt leaves no trace.
CREATE OR REPLACE FUNCTION login_abandon(p_attempt bigint) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM sign_in_attempts WHERE id = p_attempt AND NOT failed
$$;

-- A right password clears its own attempt and the failures of its
-- address for that email, not other addresses' (a guesser elsewhere
-- keeps its count), and opens a session.
CREATE OR REPLACE FUNCTION login_finish(p_account uuid, p_attempt bigint,
    p_address inet, p_selector bytea, p_verifier bytea, p_ttl_secs int,
    OUT expires_at text, OUT account text)
LANGUAGE plpgsql AS $$
DECLARE
	v_exp timestamptz := now() + make_interval(secs => p_ttl_secs);
BEGIN
	DELETE FROM sign_in_attempts s
	WHERE s.id = p_attempt OR (s.address = p_address AND s.email =
	    (SELECT a.email FROM accounts a WHERE a.id = p_account));
	INSERT INTO credentials (account_id, kind, selector, verifier,
	    expires_at)
	VALUES (p_account, 'session', p_selector, p_verifier, v_exp);
	expires_at := rfc3339(v_exp);
	account := (SELECT doc FROM account_docs WHERE id = p_account);
END $$;

-- PUT /me/password checks the current password under the login limit,
-- so a stolen token cannot guess it faster than a login could; its
-- attempts are the account's own, in a table no client text keys.
CREATE OR REPLACE FUNCTION password_check_begin(p_account uuid, p_max int,
    p_window_secs int, p_lease_secs int, OUT retry_after int,
    OUT attempt_id bigint, OUT password_hash text)
LANGUAGE plpgsql AS $$
DECLARE
	v_window interval := make_interval(secs => p_window_secs);
	v_lease interval := make_interval(secs => p_lease_secs);
	v_n int;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtextextended('password check:' ||
	    p_account, 0));
	DELETE FROM password_attempts p
	WHERE p.account_id = p_account AND (p.at < now() - v_window OR
	    (NOT p.failed AND p.at < now() - v_lease));
	SELECT count(*) INTO v_n
	FROM password_attempts p WHERE p.account_id = p_account;
	IF v_n >= p_max THEN
		SELECT greatest(1, ceil(extract(epoch FROM x.until -
		    now())))::int
		INTO retry_after
		FROM (SELECT p.at + CASE WHEN p.failed THEN v_window
			ELSE v_lease END AS until
		    FROM password_attempts p WHERE p.account_id = p_account
		    ORDER BY 1 OFFSET v_n - p_max LIMIT 1) x;
		RETURN;
	END IF;
	retry_after := 0;
	INSERT INTO password_attempts (account_id) VALUES (p_account)
	RETURNING id INTO attempt_id;
	SELECT a.password_hash INTO password_hash
	FROM accounts a WHERE a.id = p_account;
END $$;

CREATE OR REPLACE FUNCTION password_check_fail(p_attempt bigint,
    p_account uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE password_attempts SET failed = true, at = now()
	WHERE id = p_attempt;
	IF NOT FOUND THEN
		INSERT INTO password_attempts (account_id, failed)
		VALUES (p_account, true);
	END IF;
END $$;

CREATE OR REPLACE FUNCTION password_check_abandon(p_attempt bigint)
RETURNS void LANGUAGE sql AS $$
	DELETE FROM password_attempts WHERE id = p_attempt AND NOT failed
$$;

-- New password; every session but the caller's ends, and the right
-- current password clears the failed checks. API keys live on unless
-- p_revoke_keys (revoke_api_keys: true): a key is a machine's, made to
-- outlast a person's password, and ending them all at once is the
-- caller's choice (README, "Passwords, suspension and API keys"). The
-- caller's own credential is kept either way.
CREATE OR REPLACE FUNCTION password_set(p_account uuid, p_hash text,
    p_keep uuid, p_revoke_keys boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM password_attempts WHERE account_id = p_account;
	UPDATE accounts SET password_hash = p_hash, version = version + 1,
	    updated_at = now()
	WHERE id = p_account;
	UPDATE credentials SET revoked_at = now()
	WHERE account_id = p_account
	    AND (kind = 'session' OR (p_revoke_keys AND kind = 'api_key'))
	    AND revoked_at IS NULL AND id IS DISTINCT FROM p_keep;
	-- That it changed, and nothing of the password or its hash.
	PERFORM tm_audit(p_account, 'account.password_change', 'account',
	    p_account::text, '{}');
END $$;

-- Admin changes: the account's document. Refusals raise the project's
-- SQLSTATEs (app/problem.c): TM404 no such account, TM412 If-Match
-- stale, TM425 verified for an account without an organization, TM442
-- a withdrawal without a note. Each change of the organization's
-- verified flag is recorded in verification_events by the admin p_by,
-- in this transaction; sending what it already is changes nothing and
-- records nothing.
CREATE OR REPLACE FUNCTION account_patch(p_id uuid, p_by uuid,
    p_status text, p_verified boolean, p_note text, p_version int)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_acc accounts;
	v_org uuid;
BEGIN
	SELECT * INTO v_acc FROM accounts WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such account' USING ERRCODE = 'TM404';
	END IF;
	IF p_version IS NOT NULL AND p_version <> v_acc.version THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	IF p_verified IS NOT NULL AND v_acc.org_id IS NULL THEN
		RAISE EXCEPTION 'no organization to verify' USING ERRCODE = 'TM425';
	END IF;
	IF p_verified IS FALSE AND p_note IS NULL THEN
		RAISE EXCEPTION 'a withdrawal needs a note' USING
		    ERRCODE = 'TM442', DETAIL = 'note';
	END IF;
	IF p_verified IS NOT NULL THEN
		-- A new version: an organization's ETag is its version. The
		-- account is locked first, then the organization, as
		-- organization_patch() takes them.
		UPDATE organizations SET verified = p_verified,
		    verified_at = CASE WHEN p_verified THEN now() END,
		    version = version + 1, updated_at = now()
		WHERE id = v_acc.org_id
		    AND verified IS DISTINCT FROM p_verified
		RETURNING id INTO v_org;
		IF v_org IS NOT NULL THEN
			INSERT INTO verification_events (org_id, verified,
			    note, by_account)
			VALUES (v_org, p_verified, p_note, p_by);
		END IF;
	END IF;
	IF p_status = 'suspended' AND v_acc.status <> 'suspended' THEN
		UPDATE credentials SET revoked_at = now()
		WHERE account_id = p_id AND revoked_at IS NULL;
	END IF;
	UPDATE accounts SET status = coalesce(p_status, status),
	    version = version + 1, updated_at = now()
	WHERE id = p_id;
	IF v_org IS NOT NULL THEN
		PERFORM tm_audit(p_by, CASE WHEN p_verified
		    THEN 'organization.verify' ELSE 'organization.unverify' END,
		    'organization', v_org::text, jsonb_build_object('verified',
		    p_verified, 'note', p_note, 'account', p_id));
	END IF;
	IF p_status IS DISTINCT FROM v_acc.status AND p_status IS NOT NULL THEN
		PERFORM tm_audit(p_by, CASE p_status WHEN 'suspended'
		    THEN 'account.suspend' ELSE 'account.activate' END,
		    'account', p_id::text, jsonb_build_object('status',
		    p_status));
	END IF;
	RETURN (SELECT d.doc FROM account_docs d WHERE d.id = p_id);
END $$;

-- A write's stamp (app/standby.c): the last statement of the caller's
-- write, so its clock is within milliseconds of the commit. PL/pgSQL, not
-- SQL, whose body is checked against the tables as it is created: these
-- files also run against a database one migration behind (a restore of
-- an older dump, test_backup.py) before that migration makes the table.
CREATE OR REPLACE FUNCTION tm_caller_wrote(p_cred uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO caller_writes (cred_id, backend, at)
	VALUES (p_cred, pg_backend_pid(), clock_timestamp())
	ON CONFLICT (cred_id, backend) DO UPDATE SET at = EXCLUDED.at;
END $$;


-- The caller's last write in microseconds since the epoch (0: none), for
-- the token lookup. A function, not a subquery in Q_AUTH_LOOKUP: a generic
-- plan's cost counts a CASE's subquery even when $3 leaves it unread, so
-- the plan cache judged the generic plan dearer than a fresh one and
-- planned every lookup again (pgbench of GET /me's SQL: 6,400 tps against
-- 10,900 without it). PL/pgSQL is never inlined, so the plan costs a call.
CREATE OR REPLACE FUNCTION tm_caller_last_write(p_cred uuid) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce((SELECT (extract(epoch FROM max(w.at)) *
	    1000000)::bigint FROM caller_writes w WHERE w.cred_id = p_cred), 0);
END $$;
