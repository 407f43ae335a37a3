/*
 * apikeys.c -- long-lived keys for agencies' and vendors' integrations.
 * The key is shown once, in the answer that creates it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

const struct field apikey_body[] = {
	{ .name = "name", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 100 },
	FIELD_READONLY("id"),
	FIELD_READONLY("key"),
	FIELD_READONLY("created_at"),
	FIELD_END
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
		return (reply_db_error(r, MSG_NOT_FOUND));
	if (db_rows(r) != 1)
		return (reply_problem(r, 409, MSG_API_KEY_LIMIT));
	g = yajl_gen_alloc(NULL);
	yajl_gen_map_open(g);
	json_gen_kv(g, "id", db_get(r, 0, 0));
	json_gen_kv(g, "name", db_get(r, 0, 1));
	json_gen_kv(g, "key", t->text);
	json_gen_kv(g, "created_at", db_get(r, 0, 2));
	yajl_gen_map_close(g);
	if ((body = json_gen_take(g, &len)) == NULL)
		return (reply_internal(r));
	reply_cache(r, "no-store");
	reply_json(r, 201, body, len);
	sodium_memzero(body, len);
	kore_free(body);
	return (RQ_DONE);
}

int
apikeys_create(struct rq *r)
{
	struct token	*t;
	struct db_stmt	 st;

	switch (r->step) {
	case STEP_ASK:
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
		r->step = STEP_ANSWER;
		return (db_run(r, &st, 1));
	default:
		return (apikey_reply(r));
	}
}

int
apikeys_list(struct rq *r)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed) || !query_page(r, "api_keys"))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_APIKEY_LIST, r->who.id, r->page.key,
		    r->page.id, r->page.fetch));
	default:
		return (reply_list(r));
	}
}

/* Someone else's key, or no key at all: the same 404. */
int
apikeys_delete(struct rq *r)
{
	return (doc_delete(r, Q_APIKEY_REVOKE, r->who.id,
	    MSG_NO_SUCH_API_KEY));
}
