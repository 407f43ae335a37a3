-- 60_quotes.sql -- quote requests: an enterprise asks a vendor for a
-- price on a technology, the vendor quotes, the enterprise decides. The
-- moves themselves are data (quote_moves, 006).

-- When a quote valid through valid_until expires: the next day in Can
-- Tho.
CREATE OR REPLACE FUNCTION quote_expires_at(valid_until date)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN (valid_until + 1)::timestamp AT TIME ZONE INTERVAL '07:00';

-- The status a reader sees: a quote past its date is expired even before
-- the sweep has written it down.
CREATE OR REPLACE FUNCTION quote_status(q quote_requests) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN q.status = 'quoted' AND q.valid_until < tm_cantho_today()
    THEN 'expired' ELSE q.status END;

-- Who moved or wrote: the account and its organization.
CREATE OR REPLACE FUNCTION quote_party(p_account uuid) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT json_build_object('id', a.id, 'name', a.display_name,
    'organization', json_build_object('id', o.id, 'name', o.name))
    FROM accounts a LEFT JOIN organizations o ON o.id = a.org_id
    WHERE a.id = p_account);

-- The moves so far, oldest first, with an expiry the sweep has yet to
-- write down as it will write it.
CREATE OR REPLACE FUNCTION quote_history_doc(q quote_requests) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT coalesce(json_agg(json_build_object('action', h.action,
	'from', h.from_state, 'to', h.to_state,
	'by', CASE WHEN h.by_account IS NOT NULL
	    THEN quote_party(h.by_account) END,
	'note', h.note, 'at', rfc3339(h.at)) ORDER BY h.k, h.id), '[]')
    FROM (SELECT 0 AS k, x.id, x.action, x.from_state, x.to_state,
	    x.by_account, x.note, x.at
	FROM quote_history x WHERE x.quote_request_id = q.id
	UNION ALL
	SELECT 1, NULL, 'expire', 'quoted', 'expired', NULL, NULL,
	    quote_expires_at(q.valid_until)
	WHERE quote_status(q) <> q.status) h);

-- The document; history only where one request is shown.
CREATE OR REPLACE FUNCTION quote_doc(q quote_requests, with_history boolean)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT json_build_object(
	'id', q.id,
	'technology', json_build_object('id', t.id, 'title', t.title,
	    'vendor', json_build_object('id', v.id, 'name', v.name,
		'verified', v.verified)),
	'enterprise', json_build_object('id', e.id, 'name', e.name,
	    'verified', e.verified),
	'need_id', q.need_id,
	'message', q.message,
	'quantity', q.quantity,
	'status', quote_status(q),
	'quote', CASE WHEN q.quoted_at IS NOT NULL THEN json_build_object(
	    'price_vnd', q.price_vnd, 'valid_until', q.valid_until,
	    'delivery_days', q.delivery_days, 'terms', q.terms,
	    'quoted_at', rfc3339(q.quoted_at)) END,
	'version', q.version,
	'created_at', rfc3339(q.created_at),
	'updated_at', rfc3339(q.updated_at),
	'history', CASE WHEN with_history THEN quote_history_doc(q) END)::text
    FROM technologies t, organizations v, organizations e
    WHERE t.id = q.technology_id AND v.id = q.vendor_id
	AND e.id = q.enterprise_id);

-- Writes down every expiry that is due, each once: a second sweep
-- racing this one finds the rows no longer quoted. Returns how many.
-- Each expiry is the system's entry in the audit log.
CREATE OR REPLACE FUNCTION quote_sweep() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	v_ids	uuid[];
	v_id	uuid;
BEGIN
	WITH e AS (
	    UPDATE quote_requests q SET status = 'expired',
		version = q.version + 1, updated_at = now()
	    WHERE q.status = 'quoted' AND q.valid_until < tm_cantho_today()
	    RETURNING q.id, q.valid_until),
	h AS (
	    INSERT INTO quote_history (quote_request_id, action, from_state,
		to_state, at)
	    SELECT e.id, 'expire', 'quoted', 'expired',
		quote_expires_at(e.valid_until) FROM e)
	SELECT coalesce(array_agg(e.id ORDER BY e.id), '{}') INTO v_ids
	FROM e;
	FOREACH v_id IN ARRAY v_ids LOOP
		PERFORM tm_audit(NULL, 'quote.expire', 'quote_request',
		    v_id::text, '{"from": "quoted", "to": "expired"}');
	END LOOP;
	RETURN cardinality(v_ids);
END $$;

-- A creation: doc, version and qid of the response, a first one or the
-- one an earlier request with this Idempotency-Key got. Refusals: TM426
-- the key came with another body, TM422 a field (DETAIL) that refers to
-- nothing the enterprise may ask about.
CREATE OR REPLACE FUNCTION quote_create(p_account uuid, p_org uuid,
    p_key text, b jsonb, OUT doc text, OUT version int, OUT qid uuid)
LANGUAGE plpgsql AS $$
DECLARE
	k	idempotency_keys;
	t	technologies;
	q	quote_requests;
BEGIN
	IF p_key IS NOT NULL THEN
		SELECT * INTO k FROM idempotency_keys
		WHERE account_id = p_account AND key = p_key;
		IF FOUND THEN
			SELECT * INTO doc, version, qid
			FROM quote_replay(k, b);
			RETURN;
		END IF;
	END IF;
	SELECT * INTO t FROM technologies x
	WHERE x.id = (b ->> 'technology_id')::uuid AND x.status = 'published';
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such technology' USING ERRCODE = 'TM422',
		    DETAIL = 'technology_id';
	END IF;
	IF b ->> 'need_id' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM needs n
	    WHERE n.id = (b ->> 'need_id')::uuid
	    AND n.enterprise_id = p_org) THEN
		RAISE EXCEPTION 'no such need' USING ERRCODE = 'TM422',
		    DETAIL = 'need_id';
	END IF;
	IF p_key IS NOT NULL THEN
		-- A request with the same key in flight: this waits for it,
		-- then answers as it did.
		INSERT INTO idempotency_keys (account_id, key, body)
		VALUES (p_account, p_key, b) ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			SELECT * INTO k FROM idempotency_keys
			WHERE account_id = p_account AND key = p_key;
			SELECT * INTO doc, version, qid
			FROM quote_replay(k, b);
			RETURN;
		END IF;
	END IF;
	INSERT INTO quote_requests (technology_id, vendor_id, enterprise_id,
	    need_id, message, quantity)
	VALUES (t.id, t.vendor_id, p_org, (b ->> 'need_id')::uuid,
	    normalize(b ->> 'message', NFC), (b ->> 'quantity')::int)
	RETURNING * INTO q;
	INSERT INTO quote_history (quote_request_id, action, to_state,
	    by_account)
	VALUES (q.id, 'request', 'requested', p_account);
	doc := quote_doc(q, true);
	version := q.version;
	qid := q.id;
	IF p_key IS NOT NULL THEN
		UPDATE idempotency_keys SET response = doc,
		    version = q.version
		WHERE account_id = p_account AND key = p_key;
	END IF;
	PERFORM tm_audit(p_account, 'quote.create', 'quote_request',
	    q.id::text, jsonb_build_object('technology_id', q.technology_id,
	    'vendor_id', q.vendor_id, 'enterprise_id', q.enterprise_id,
	    'need_id', q.need_id, 'quantity', q.quantity));
END $$;

-- The response an Idempotency-Key got; TM426 for another body.
CREATE OR REPLACE FUNCTION quote_replay(k idempotency_keys, b jsonb,
    OUT doc text, OUT version int, OUT qid uuid)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF k.body <> b THEN
		RAISE EXCEPTION 'Idempotency-Key reused with another body' USING ERRCODE = 'TM426';
	END IF;
	doc := k.response;
	version := k.version;
	qid := (k.response::json ->> 'id')::uuid;
END $$;

-- A move by the caller's organization p_org. Refusals: TM404 not a
-- party, TM403 the other party's move, TM412 If-Match stale, TM409 no
-- such move from the status (DETAIL) for the action (HINT), TM423 a
-- quote valid until a past day.
CREATE OR REPLACE FUNCTION quote_act(p_id uuid, p_account uuid, p_org uuid,
    p_action text, p_version int, b jsonb, OUT doc text, OUT version int)
LANGUAGE plpgsql AS $$
DECLARE
	q	quote_requests;
	m	quote_moves;
	party	text;
BEGIN
	SELECT * INTO q FROM quote_requests x
	WHERE x.id = p_id AND (x.enterprise_id = p_org OR x.vendor_id = p_org)
	FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such quote request' USING ERRCODE = 'TM404';
	END IF;
	party := CASE WHEN q.enterprise_id = p_org THEN 'enterprise'
	    ELSE 'vendor' END;
	IF NOT EXISTS (SELECT 1 FROM quote_moves x
	    WHERE x.action = p_action AND x.actor = party) THEN
		RAISE EXCEPTION 'the other party''s move' USING ERRCODE = 'TM403';
	END IF;
	IF p_version IS NOT NULL AND p_version <> q.version THEN
		RAISE EXCEPTION 'stale version' USING ERRCODE = 'TM412';
	END IF;
	IF quote_status(q) <> q.status THEN
		PERFORM quote_sweep();
		SELECT * INTO q FROM quote_requests x WHERE x.id = p_id;
	END IF;
	SELECT * INTO m FROM quote_moves x
	WHERE x.from_state = q.status AND x.action = p_action;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such move' USING ERRCODE = 'TM409',
		    DETAIL = q.status,
		    HINT = p_action;
	END IF;
	IF p_action = 'quote'
	    AND (b ->> 'valid_until')::date < tm_cantho_today() THEN
		RAISE EXCEPTION 'valid_until is past' USING ERRCODE = 'TM423',
		    DETAIL = 'valid_until';
	END IF;
	UPDATE quote_requests x SET status = m.to_state,
	    price_vnd = CASE WHEN p_action = 'quote'
		THEN (b ->> 'price_vnd')::bigint ELSE x.price_vnd END,
	    valid_until = CASE WHEN p_action = 'quote'
		THEN (b ->> 'valid_until')::date ELSE x.valid_until END,
	    delivery_days = CASE WHEN p_action = 'quote'
		THEN (b ->> 'delivery_days')::int ELSE x.delivery_days END,
	    terms = CASE WHEN p_action = 'quote'
		THEN normalize(b ->> 'terms', NFC) ELSE x.terms END,
	    quoted_at = CASE WHEN p_action = 'quote' THEN now()
		ELSE x.quoted_at END,
	    version = x.version + 1, updated_at = now()
	WHERE x.id = p_id RETURNING * INTO q;
	INSERT INTO quote_history (quote_request_id, action, from_state,
	    to_state, by_account, note)
	VALUES (q.id, p_action, m.from_state, m.to_state, p_account,
	    normalize(b ->> 'note', NFC));
	doc := quote_doc(q, true);
	version := q.version;
	PERFORM tm_audit(p_account, 'quote.' || p_action, 'quote_request',
	    p_id::text, jsonb_strip_nulls(jsonb_build_object('from',
	    m.from_state, 'to', m.to_state,
	    'note', audit_small(to_jsonb(normalize(b ->> 'note', NFC))))
	    || CASE WHEN p_action = 'quote' THEN jsonb_build_object(
	    'price_vnd', q.price_vnd, 'valid_until', q.valid_until,
	    'delivery_days', q.delivery_days) ELSE '{}' END));
END $$;

CREATE OR REPLACE FUNCTION quote_message_doc(m quote_messages) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object('id', m.id, 'author', quote_party(m.author),
    'body', m.body, 'created_at', rfc3339(m.created_at))::text;

-- A message from p_account of p_org; NULL when it is not a party.
CREATE OR REPLACE FUNCTION quote_message_post(p_id uuid, p_account uuid,
    p_org uuid, p_body text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	m	quote_messages;
BEGIN
	INSERT INTO quote_messages (quote_request_id, author, body)
	SELECT q.id, p_account, normalize(p_body, NFC) FROM quote_requests q
	WHERE q.id = p_id AND (q.enterprise_id = p_org OR q.vendor_id = p_org)
	RETURNING * INTO m;
	IF m.seq IS NULL THEN
		RETURN NULL;
	END IF;
	-- That a message was written, not what it says: the thread is the
	-- two parties' own.
	PERFORM tm_audit(p_account, 'quote.message', 'quote_request',
	    p_id::text, jsonb_build_object('message_id', m.id));
	RETURN quote_message_doc(m);
END $$;

-- An organization's requests on one side (sent: as the enterprise,
-- received: as the vendor, NULL: either) by status as readers see it,
-- newest first after the cursor, at most p_n. An organization is one
-- kind, so one branch finds them all, from its own index.
CREATE OR REPLACE FUNCTION quote_list(p_org uuid, p_role text, p_status text,
    c_ts timestamptz, c_id uuid, p_n int) RETURNS SETOF quote_requests
LANGUAGE sql STABLE AS $$
	(SELECT * FROM quote_requests q
	WHERE q.enterprise_id = p_org AND coalesce(p_role, 'sent') = 'sent'
	    AND (p_status IS NULL OR quote_status(q) = p_status)
	    AND (c_ts IS NULL OR (q.created_at, q.id) < (c_ts, c_id))
	ORDER BY q.created_at DESC, q.id DESC LIMIT p_n)
	UNION ALL
	(SELECT * FROM quote_requests q
	WHERE q.vendor_id = p_org AND coalesce(p_role, 'received') = 'received'
	    AND (p_status IS NULL OR quote_status(q) = p_status)
	    AND (c_ts IS NULL OR (q.created_at, q.id) < (c_ts, c_id))
	ORDER BY q.created_at DESC, q.id DESC LIMIT p_n)
	ORDER BY created_at DESC, id DESC LIMIT p_n
$$;

-- {"requested": n, ...} for every status, zeros included.
CREATE OR REPLACE FUNCTION quote_counts(p_org uuid, p_role text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT json_object_agg(s.status, coalesce(c.n, 0) ORDER BY s.k)::text
	FROM unnest(ARRAY['requested', 'quoted', 'accepted', 'declined',
	    'withdrawn', 'expired']) WITH ORDINALITY s(status, k)
	LEFT JOIN (SELECT quote_status(q) AS status, count(*) AS n
	    FROM quote_requests q
	    WHERE (q.enterprise_id = p_org
		AND coalesce(p_role, 'sent') = 'sent')
	    OR (q.vendor_id = p_org
		AND coalesce(p_role, 'received') = 'received')
	    GROUP BY 1) c ON c.status = s.status
$$;
