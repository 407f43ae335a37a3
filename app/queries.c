/*
 * queries.c -- every SQL statement the server runs, by name. db.c
 * prepares them all on each new connection; handlers refer to them by
 * their Q_* index. Writes that take several statements are functions
 * in sql/, so each step here is one statement in one transaction.
 */

#include "app.h"

const struct query queries[Q_MAX] = {
	[Q_PING] = { "ping", 0, "SELECT 1" },

	/*
	 * $1 selector (bytea), $2 the kind the token's prefix claims. Only
	 * live credentials of active accounts.
	 */
	[Q_AUTH_LOOKUP] = { "auth_lookup", 0,
	    "SELECT encode(c.verifier, 'hex'), c.id, a.id, a.role,"
	    " coalesce(a.agency, ''), coalesce(a.org_id::text, '')"
	    " FROM credentials c JOIN accounts a ON a.id = c.account_id"
	    " WHERE c.selector = $1 AND c.kind = $2 AND c.revoked_at IS NULL"
	    " AND (c.expires_at IS NULL OR c.expires_at > now())"
	    " AND a.status = 'active'" },

	[Q_ACCOUNT_GET] = { "account_get", 0,
	    "SELECT doc, version FROM account_docs WHERE id = $1" },

	[Q_ACCOUNT_REGISTER] = { "account_register", 1,
	    "SELECT d, d::json->>'version' FROM account_register($1, $2, $3,"
	    " $4, $5, $6, $7, $8, $9, $10, $11) AS d" },

	/* $1 email, $2 max failures, $3 window in seconds. */
	[Q_LOGIN_BEGIN] = { "login_begin", 1,
	    "SELECT retry_after, attempt_id, account_id, password_hash,"
	    " status FROM login_begin($1, $2, $3)" },

	[Q_LOGIN_FINISH] = { "login_finish", 1,
	    "SELECT expires_at, account FROM login_finish($1, $2, $3, $4)" },

	[Q_SESSION_REVOKE] = { "session_revoke", 1,
	    "UPDATE credentials SET revoked_at = now()"
	    " WHERE id = $1 AND kind = 'session' AND revoked_at IS NULL" },

	/* $1 account, $2 max failures, $3 window in seconds. */
	[Q_PASSWORD_CHECK] = { "password_check", 1,
	    "SELECT retry_after, password_hash"
	    " FROM password_check_begin($1, $2, $3)" },

	[Q_PASSWORD_SET] = { "password_set", 1,
	    "SELECT password_set($1, $2, $3)" },

	/* $1 account, $2 selector, $3 verifier, $4 name. */
	[Q_APIKEY_CREATE] = { "apikey_create", 1,
	    "INSERT INTO credentials (account_id, kind, selector, verifier,"
	    " name) SELECT $1, 'api_key', $2, $3, normalize($4, NFC)"
	    " WHERE (SELECT count(*) FROM credentials WHERE account_id = $1"
	    " AND kind = 'api_key' AND revoked_at IS NULL) < 50"
	    " RETURNING id, name, rfc3339(created_at)" },

	/* Lists: $1.. filters, then cursor time, cursor id, limit + 1. */
	[Q_APIKEY_LIST] = { "apikey_list", 0,
	    "SELECT json_build_object('id', id, 'name', name,"
	    " 'created_at', rfc3339(created_at))::text,"
	    " cursor_ts(created_at) || '|' || id"
	    " FROM credentials WHERE account_id = $1 AND kind = 'api_key'"
	    " AND revoked_at IS NULL AND ($2::timestamptz IS NULL"
	    " OR (created_at, id) < ($2::timestamptz, $3::uuid))"
	    " ORDER BY created_at DESC, id DESC LIMIT $4" },

	[Q_APIKEY_REVOKE] = { "apikey_revoke", 1,
	    "UPDATE credentials SET revoked_at = now() WHERE id = $1"
	    " AND account_id = $2 AND kind = 'api_key'"
	    " AND revoked_at IS NULL RETURNING id" },

	[Q_ADMIN_CREATE] = { "admin_create", 1,
	    "SELECT d, d::json->>'version'"
	    " FROM account_create_staff($1, $2, $3, $4, $5) AS d" },

	/* $1 role or NULL, $2 status or NULL. */
	[Q_ADMIN_LIST] = { "admin_list", 0,
	    "SELECT doc, cursor_ts(created_at) || '|' || id FROM account_docs"
	    " WHERE ($1::text IS NULL OR role = $1)"
	    " AND ($2::text IS NULL OR status = $2)"
	    " AND ($3::timestamptz IS NULL"
	    " OR (created_at, id) < ($3::timestamptz, $4::uuid))"
	    " ORDER BY created_at DESC, id DESC LIMIT $5" },

	[Q_ADMIN_PATCH] = { "admin_patch", 1,
	    "SELECT result, doc, doc::json->>'version'"
	    " FROM account_patch($1, $2, $3, $4)" },

	/* $1 the vendor's organization, $2 the validated body. */
	[Q_TECH_CREATE] = { "tech_create", 1,
	    "SELECT doc, version FROM technology_create($1, $2::jsonb)" },

	/* $1 id, $2 the caller's organization or NULL: drafts are its own. */
	[Q_TECH_GET] = { "tech_get", 0,
	    "SELECT technology_doc(t, o), t.version FROM technologies t"
	    " JOIN organizations o ON o.id = t.vendor_id WHERE t.id = $1"
	    " AND (t.status = 'published' OR t.vendor_id = $2)" },

	/* $1 id, $2 organization, $3 If-Match version, $4 body. */
	[Q_TECH_PATCH] = { "tech_patch", 1,
	    "SELECT result, doc, version"
	    " FROM technology_patch($1, $2, $3, $4::jsonb)" },

	[Q_TECH_DELETE] = { "tech_delete", 1,
	    "DELETE FROM technologies WHERE id = $1 AND vendor_id = $2"
	    " RETURNING id" },

	/*
	 * Lists: $1-$9 the filters of tech_filtered(), $10 and $11 the
	 * cursor's key and id, $12 the page size + 1. Rows of an inlined
	 * set-returning function are records, not technologies, so the
	 * document comes from a join on the primary key.
	 */
	[Q_TECH_NEWEST] = { "tech_newest", 0,
	    "SELECT technology_doc(t, o), cursor_ts(f.created_at) || '|' || f.id"
	    " FROM tech_filtered($1, $2, $3, $4, $5, $6, $7, $8, $9) f"
	    " JOIN technologies t ON t.id = f.id"
	    " JOIN organizations o ON o.id = f.vendor_id"
	    " WHERE $10::timestamptz IS NULL"
	    " OR (f.created_at, f.id) < ($10::timestamptz, $11::uuid)"
	    " ORDER BY f.created_at DESC, f.id DESC LIMIT $12" },

	/* Listings without a price sort after every priced one. */
	[Q_TECH_PRICE_ASC] = { "tech_price_asc", 0,
	    "SELECT technology_doc(t, o),"
	    " coalesce(f.price_min_vnd, 9223372036854775807) || '|' || f.id"
	    " FROM tech_filtered($1, $2, $3, $4, $5, $6, $7, $8, $9) f"
	    " JOIN technologies t ON t.id = f.id"
	    " JOIN organizations o ON o.id = f.vendor_id"
	    " WHERE $10::bigint IS NULL"
	    " OR (coalesce(f.price_min_vnd, 9223372036854775807), f.id)"
	    " > ($10::bigint, $11::uuid)"
	    " ORDER BY coalesce(f.price_min_vnd, 9223372036854775807), f.id"
	    " LIMIT $12" },

	[Q_TECH_PRICE_DESC] = { "tech_price_desc", 0,
	    "SELECT technology_doc(t, o),"
	    " coalesce(f.price_min_vnd, -1) || '|' || f.id"
	    " FROM tech_filtered($1, $2, $3, $4, $5, $6, $7, $8, $9) f"
	    " JOIN technologies t ON t.id = f.id"
	    " JOIN organizations o ON o.id = f.vendor_id"
	    " WHERE $10::bigint IS NULL"
	    " OR (coalesce(f.price_min_vnd, -1), f.id) < ($10::bigint, $11::uuid)"
	    " ORDER BY coalesce(f.price_min_vnd, -1) DESC, f.id DESC"
	    " LIMIT $12" },

	/* $10 the cursor's "rank created_at", see tech_relevance(). */
	[Q_TECH_RELEVANCE] = { "tech_relevance", 0,
	    "SELECT technology_doc(t, o),"
	    " f.rank || ' ' || cursor_ts(f.created_at) || '|' || f.id"
	    " FROM tech_relevance($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
	    " $11, $12) f"
	    " JOIN technologies t ON t.id = f.id"
	    " JOIN organizations o ON o.id = f.vendor_id"
	    " ORDER BY f.rank DESC, f.created_at DESC, f.id DESC" },

	/*
	 * Sent in the step before Q_TECH_RELEVANCE (one transaction): that
	 * statement's plan is the same for every q, but PostgreSQL keeps
	 * planning it anew (3 ms, three times the run) because the custom
	 * plans look cheaper on paper.
	 */
	[Q_PLAN_GENERIC] = { "plan_generic", 0,
	    "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)" },

	/* Counts by category and by sector for the same filters. */
	[Q_TECH_FACETS] = { "tech_facets", 0,
	    "WITH f AS MATERIALIZED (SELECT category, sectors"
	    " FROM tech_filtered($1, $2, $3, $4, $5, $6, $7, $8, $9))"
	    " SELECT json_build_object("
	    "'category', (SELECT coalesce(json_object_agg(category, n), '{}')"
	    " FROM (SELECT category, count(*) AS n FROM f GROUP BY 1) c),"
	    " 'sector', (SELECT coalesce(json_object_agg(s, n), '{}')"
	    " FROM (SELECT s, count(*) AS n FROM f, unnest(f.sectors) s"
	    " GROUP BY 1) x))::text" },

	/* $1 the enterprise's organization, $2 the validated body. */
	[Q_NEED_CREATE] = { "need_create", 1,
	    "SELECT doc, version FROM need_create($1, $2::jsonb)" },

	/* $1 id, $2 the caller's organization or NULL: closed are its own. */
	[Q_NEED_GET] = { "need_get", 0,
	    "SELECT need_doc(n, o), n.version FROM needs n"
	    " JOIN organizations o ON o.id = n.enterprise_id WHERE n.id = $1"
	    " AND (n.status = 'open' OR n.enterprise_id = $2)" },

	[Q_NEED_PATCH] = { "need_patch", 1,
	    "SELECT result, doc, version"
	    " FROM need_patch($1, $2, $3, $4::jsonb)" },

	[Q_NEED_DELETE] = { "need_delete", 1,
	    "DELETE FROM needs WHERE id = $1 AND enterprise_id = $2"
	    " RETURNING id" },

	/* $1-$4 need_filtered(), $5 and $6 the cursor, $7 page size + 1. */
	[Q_NEED_NEWEST] = { "need_newest", 0,
	    "SELECT need_doc(n, o), cursor_ts(f.created_at) || '|' || f.id"
	    " FROM need_filtered($1, $2, $3, $4) f"
	    " JOIN needs n ON n.id = f.id"
	    " JOIN organizations o ON o.id = f.enterprise_id"
	    " WHERE $5::timestamptz IS NULL"
	    " OR (f.created_at, f.id) < ($5::timestamptz, $6::uuid)"
	    " ORDER BY f.created_at DESC, f.id DESC LIMIT $7" },

	[Q_NEED_RELEVANCE] = { "need_relevance", 0,
	    "SELECT need_doc(n, o), f.rank || '|' || f.id"
	    " FROM (SELECT x.id, x.enterprise_id,"
	    " tm_rank(x.search, x.title_folded, $1) AS rank"
	    " FROM need_filtered($1, $2, $3, $4) x) f"
	    " JOIN needs n ON n.id = f.id"
	    " JOIN organizations o ON o.id = f.enterprise_id"
	    " WHERE $5::real IS NULL OR (f.rank, f.id) < ($5::real, $6::uuid)"
	    " ORDER BY f.rank DESC, f.id DESC LIMIT $7" },

	/*
	 * $1 the need, $2 its enterprise (anyone else: no rows), $3 and $4
	 * the cursor (score, id), $5 page size + 1.
	 */
	[Q_NEED_MATCHES] = { "need_matches", 0,
	    "SELECT json_build_object('score', m.score, 'reasons', m.reasons,"
	    " 'technology', technology_doc(t, v)::json)::text,"
	    " m.score || '|' || t.id"
	    " FROM needs n CROSS JOIN LATERAL need_candidates(n) c"
	    " JOIN technologies t ON t.id = c"
	    " JOIN organizations v ON v.id = t.vendor_id,"
	    " LATERAL tm_match(t, n, v) m"
	    " WHERE n.id = $1 AND n.enterprise_id = $2"
	    " AND ($3::numeric IS NULL OR (m.score, t.id) < ($3::numeric,"
	    " $4::uuid)) ORDER BY m.score DESC, t.id DESC LIMIT $5" },

	/* The same from the technology's side: open needs, its vendor. */
	[Q_TECH_MATCHES] = { "tech_matches", 0,
	    "SELECT json_build_object('score', m.score, 'reasons', m.reasons,"
	    " 'need', need_doc(n, e)::json)::text, m.score || '|' || n.id"
	    " FROM technologies t JOIN needs n ON n.status = 'open'"
	    " AND (t.category = n.category OR n.sector = ANY (t.sectors))"
	    " JOIN organizations v ON v.id = t.vendor_id"
	    " JOIN organizations e ON e.id = n.enterprise_id,"
	    " LATERAL tm_match(t, n, v) m"
	    " WHERE t.id = $1 AND t.vendor_id = $2"
	    " AND ($3::numeric IS NULL OR (m.score, n.id) < ($3::numeric,"
	    " $4::uuid)) ORDER BY m.score DESC, n.id DESC LIMIT $5" },

	/* Whether id exists for the caller, to tell 404 from no matches. */
	[Q_NEED_OWNED] = { "need_owned", 0,
	    "SELECT 1 FROM needs WHERE id = $1 AND enterprise_id = $2" },

	[Q_TECH_OWNED] = { "tech_owned", 0,
	    "SELECT 1 FROM technologies WHERE id = $1 AND vendor_id = $2" },

	/* $1 account, $2 its organization, $3 Idempotency-Key, $4 body. */
	[Q_QUOTE_CREATE] = { "quote_create", 1,
	    "SELECT result, doc, version, qid FROM quote_create($1, $2, $3,"
	    " $4::jsonb)" },

	/*
	 * $1 the caller's organization, $2 role (sent, received, NULL:
	 * either), $3 status, $4 and $5 the cursor, $6 page size + 1.
	 */
	[Q_QUOTE_LIST] = { "quote_list", 0,
	    "SELECT quote_doc(x, false), cursor_ts(q.created_at) || '|' || q.id"
	    " FROM quote_list($1, $2, $3, $4, $5, $6) q"
	    " JOIN quote_requests x ON x.id = q.id"
	    " ORDER BY q.created_at DESC, q.id DESC" },

	/* Per status, every status, for the list's organization and role. */
	[Q_QUOTE_COUNTS] = { "quote_counts", 0,
	    "SELECT quote_counts($1, $2)" },

	/* $1 id, $2 the caller's organization: its two parties only. */
	[Q_QUOTE_GET] = { "quote_get", 0,
	    "SELECT quote_doc(q, true), q.version FROM quote_requests q"
	    " WHERE q.id = $1 AND (q.enterprise_id = $2 OR q.vendor_id = $2)" },

	/* $1 id, $2 account, $3 organization, $4 action, $5 If-Match. */
	[Q_QUOTE_ACT] = { "quote_act", 1,
	    "SELECT result, doc, version FROM quote_act($1, $2, $3, $4, $5,"
	    " $6::jsonb)" },

	[Q_QUOTE_PARTY] = { "quote_party", 0,
	    "SELECT 1 FROM quote_requests WHERE id = $1"
	    " AND (enterprise_id = $2 OR vendor_id = $2)" },

	/* Oldest first: $3 the cursor's sequence number, $4 its id. */
	[Q_QUOTE_MESSAGES] = { "quote_messages", 0,
	    "SELECT quote_message_doc(m), m.seq || '|' || m.id"
	    " FROM quote_messages m JOIN quote_requests q"
	    " ON q.id = m.quote_request_id"
	    " AND (q.enterprise_id = $2 OR q.vendor_id = $2)"
	    " WHERE m.quote_request_id = $1 AND ($3::bigint IS NULL"
	    " OR (m.seq, m.id) > ($3::bigint, $4::uuid))"
	    " ORDER BY m.seq LIMIT $5" },

	[Q_QUOTE_MESSAGE_POST] = { "quote_message_post", 1,
	    "SELECT quote_message_post($1, $2, $3, $4)" },

	[Q_QUOTE_SWEEP] = { "quote_sweep", 1, "SELECT quote_sweep()" },

	[Q_PROGRAM_GET] = { "program_get", 0,
	    "SELECT funding_program_doc(p), p.version FROM funding_programs p"
	    " WHERE p.code = $1" },

	/* $1 code, $2 the caller's agency, $3 If-Match, $4 body. */
	[Q_PROGRAM_PATCH] = { "program_patch", 1,
	    "SELECT result, doc, version"
	    " FROM funding_program_patch($1, $2, $3, $4::jsonb)" },

	/* $1 technology, $2 program: (result, the time to sign). */
	[Q_FLAG_FACTS] = { "flag_facts", 0,
	    "SELECT result, flagged_at FROM funding_flag_facts($1, $2)" },

	[Q_FLAG_PUT] = { "flag_put", 1,
	    "SELECT result, doc FROM funding_flag_put($1, $2, $3, $4, $5, $6,"
	    " $7, $8, $9, $10, $11)" },

	/* Published, or the caller's own: whose flags may be listed. */
	[Q_FLAG_TECH] = { "flag_tech", 0,
	    "SELECT 1 FROM technologies t WHERE t.id = $1"
	    " AND (t.status = 'published' OR t.vendor_id = $2)" },

	/* Newest first: $3 the cursor's flag id, $4 its technology. */
	[Q_FLAG_HISTORY] = { "flag_history", 0,
	    "SELECT funding_flag_doc(f), f.id || '|' || f.technology_id"
	    " FROM funding_flags f JOIN technologies t"
	    " ON t.id = f.technology_id"
	    " AND (t.status = 'published' OR t.vendor_id = $2)"
	    " WHERE f.technology_id = $1 AND ($3::bigint IS NULL"
	    " OR (f.id < $3::bigint AND f.technology_id = $4::uuid))"
	    " ORDER BY f.id DESC LIMIT $5" },

	/* $1 account, $2 its enterprise, $3 body. */
	[Q_APPLY] = { "apply", 1,
	    "SELECT result, doc, version, aid"
	    " FROM funding_apply($1, $2, $3::jsonb)" },

	/*
	 * $1 the caller's organization, $2 its agency, $3 program, $4
	 * status, $5 and $6 the cursor, $7 page size + 1.
	 */
	[Q_APPLICATION_LIST] = { "application_list", 0,
	    "SELECT funding_application_doc(x),"
	    " cursor_ts(a.created_at) || '|' || a.id"
	    " FROM funding_list($1, $2, $3, $4, $5, $6, $7) a"
	    " JOIN funding_applications x ON x.id = a.id"
	    " ORDER BY a.created_at DESC, a.id DESC" },

	[Q_APPLICATION_GET] = { "application_get", 0,
	    "SELECT funding_application_doc(a), a.version"
	    " FROM funding_applications a"
	    " WHERE a.id = $1 AND funding_visible(a, $2, $3)" },

	[Q_DECISION_FACTS] = { "decision_facts", 0,
	    "SELECT * FROM funding_decision_facts($1, $2, $3)" },

	/*
	 * $1 id, $2 organization, $3 agency, $4 account, $5 review,
	 * approved or rejected, $6 the version the facts had, $7 amount,
	 * $8 note, $9 decided_at, $10-$12 signed text, signature, key id.
	 */
	[Q_DECIDE] = { "decide", 1,
	    "SELECT result, doc, version FROM funding_decide($1, $2, $3, $4,"
	    " $5, $6, $7, $8, $9, $10, $11, $12)" },

	[Q_CATEGORIES] = { "categories", 0,
	    "SELECT json_build_object('items', coalesce(json_agg("
	    "json_build_object('code', code, 'name_vi', name_vi,"
	    " 'name_en', name_en) ORDER BY sort_order, code), '[]'))::text"
	    " FROM categories" },

	[Q_SECTORS] = { "sectors", 0,
	    "SELECT json_build_object('items', coalesce(json_agg("
	    "json_build_object('code', code, 'name_vi', name_vi,"
	    " 'name_en', name_en) ORDER BY sort_order, code), '[]'))::text"
	    " FROM sectors" },

	[Q_DISTRICTS] = { "districts", 0,
	    "SELECT json_build_object('items', coalesce(json_agg("
	    "json_build_object('code', code, 'name_vi', name_vi,"
	    " 'name_en', name_en) ORDER BY sort_order, code), '[]'))::text"
	    " FROM districts" },

	[Q_FUNDING_PROGRAMS] = { "funding_programs", 0,
	    "SELECT json_build_object('items', coalesce(json_agg("
	    "json_build_object('code', code, 'name_vi', name_vi,"
	    " 'name_en', name_en, 'agency', agency, 'year', year,"
	    " 'budget_vnd', budget_vnd, 'committed_vnd', committed_vnd,"
	    " 'max_support_pct', max_support_pct, 'version', version)"
	    " ORDER BY year DESC, sort_order, code), '[]'))::text"
	    " FROM funding_programs" },
};
