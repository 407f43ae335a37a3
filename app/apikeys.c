/*
 * apikeys.c -- long-lived keys for agencies' and vendors' integrations.
 * The key is shown once, in the answer that creates it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

const struct field apikey_body[] = {
	{ "name", JT_STRING, 1, 1, 100, JF_NONE, NULL, NULL, 0 },
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "key", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "created_at", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

static void
key_free(void *arg)
{
	token_wipe(arg);
	kore_free(arg);
}

static int
apikey_reply(struct rq *r)
{
	struct token	*t = r->ctx;
	yajl_gen	 g;
	char		*body;
	size_t		 len;

	if (!db_ok(r))
		return (reply_db_error(r));
	if (db_rows(r) != 1)
		return (reply_problem(r, 409, "Đã đạt giới hạn 50 khóa API",
		    "You already have the maximum of 50 API keys"));
	g = yajl_gen_alloc(NULL);
	yajl_gen_map_open(g);
	json_gen_kv(g, "id", db_get(r, 0, 0));
	json_gen_kv(g, "name", db_get(r, 0, 1));
	json_gen_kv(g, "key", t->text);
	json_gen_kv(g, "created_at", db_get(r, 0, 2));
	yajl_gen_map_close(g);
	if ((body = json_gen_take(g, &len)) == NULL)
		return (reply_internal(r));
	http_response_header(r->req, "cache-control", "no-store");
	reply_json(r, 201, body, len);
	explicit_bzero(body, len);
	free(body);
	return (RQ_DONE);
}

int
apikeys_create(struct rq *r)
{
	struct token	*t;
	struct db_stmt	 st;

	if (r->step == 1)
		return (apikey_reply(r));
	t = kore_calloc(1, sizeof(*t));
	r->ctx = t;
	r->ctx_free = key_free;
	if (!token_new(t, "tmk_"))
		return (reply_internal(r));
	memset(&st, 0, sizeof(st));
	st.id = Q_APIKEY_CREATE;
	st.nparams = 4;
	st.params[0] = r->who.id;
	st.params[1] = (const char *)t->selector;
	st.lengths[1] = TOKEN_SELECTOR_LEN;
	st.params[2] = (const char *)t->verifier;
	st.lengths[2] = TOKEN_VERIFIER_LEN;
	st.params[3] = json_str(r->body, "name");
	r->step = 1;
	return (db_run(r, &st, 1));
}

int
apikeys_list(struct rq *r)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };

	if (r->step == 1)
		return (reply_list(r, "api_keys", r->limit));
	if (!query_check(r, allowed) || !query_page(r, "api_keys"))
		return (RQ_DONE);
	r->step = 1;
	return (db_one(r, Q_APIKEY_LIST, 4, r->who.id, r->page.key,
	    r->page.id, r->page.fetch));
}

/* Someone else's key, or no key at all: the same 404. */
int
apikeys_delete(struct rq *r)
{
	if (r->step == 0) {
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, "Không tìm thấy khóa API",
			    "No such API key"));
		r->step = 1;
		return (db_one(r, Q_APIKEY_REVOKE, 2, r->pathid, r->who.id));
	}
	if (!db_ok(r))
		return (reply_db_error(r));
	if (db_rows(r) != 1)
		return (reply_problem(r, 404, "Không tìm thấy khóa API",
		    "No such API key"));
	return (reply_empty(r, 204));
}
