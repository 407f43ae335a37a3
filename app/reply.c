/*
 * reply.c -- answers with JSON that PostgreSQL built, and the two
 * handlers every resource shares: one document by id, and its deletion.
 */

#include <string.h>
#include <time.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static void	reply_hit(struct rq *, const struct kept *);

int
reply_json(struct rq *r, int status, const char *body, size_t len)
{
	http_response_header(r->req, "content-type", "application/json");
	http_response(r->req, status, body, len);
	r->status = status;
	return (RQ_DONE);
}

int
reply_buf(struct rq *r, int status, struct kore_buf *b)
{
	reply_json(r, status, (const char *)b->data, b->offset);
	kore_buf_free(b);
	return (RQ_DONE);
}

int
reply_empty(struct rq *r, int status)
{
	http_response(r->req, status, NULL, 0);
	r->status = status;
	return (RQ_DONE);
}

/*
 * An answer's Cache-Control. A request with credentials already has
 * no-store (rq_begin), whatever the answer: what a token read stays
 * out of every cache on the way and off the client's disk.
 */
void
reply_cache(struct rq *r, const char *value)
{
	if (!r->no_store)
		http_response_header(r->req, "cache-control", value);
}

/*
 * A public read answered from the worker's cache (pagecache.c), keyed by
 * path and query string: 1 when it was. Otherwise the request notes the
 * key and the cache's generation, so that reply_keep() keeps the answer
 * it works out unless the data changed meanwhile. A caller who signs
 * requests reads the database: what they just changed shows at once,
 * not a notification later.
 */
int
reply_kept(struct rq *r)
{
	struct kore_buf	*b;
	struct kept	 k;
	int		 hit;

	if (!pagecache_on() || header_get(r, "authorization") != NULL)
		return (0);
	/*
	 * The day in Can Tho (UTC+7) is part of the key: funding
	 * eligibility changes at its midnight, and yesterday's answers
	 * must not be found after it.
	 */
	b = kore_buf_alloc(256);
	kore_buf_appendf(b, "%lld %s?%s",
	    (long long)((time(NULL) + 7 * 3600) / 86400), r->req->path,
	    r->req->query_string ? r->req->query_string : "");
	kore_free(r->kept_key);
	r->kept_key = kore_strdup(kore_buf_stringify(b, NULL));
	kore_buf_free(b);
	r->kept_gen = pagecache_gen();
	if ((hit = pagecache_get(r->kept_key, kore_time_ms(), &k))) {
		kore_free(r->kept_key);
		r->kept_key = NULL;
		reply_hit(r, &k);
	}
	return (hit);
}

/* A kept answer: a document's tag, and 304 to a client holding it. */
static void
reply_hit(struct rq *r, const struct kept *k)
{
	const char	*inm;

	if (k->etag[0] != '\0') {
		http_response_header(r->req, "etag", k->etag);
		reply_cache(r, "private, no-cache");
		if ((inm = header_get(r, "if-none-match")) != NULL &&
		    etag_listed(inm, k->etag)) {
			reply_empty(r, 304);
			return;
		}
	}
	reply_json(r, 200, k->body, k->len);
}

/* The answer of a read reply_kept() did not find, for the next one. */
void
reply_keep(struct rq *r, const char *body, size_t len, const char *etag)
{
	if (r->kept_key == NULL)
		return;
	/* Not a standby's page from before a change heard. */
	if (!db_on_standby(r) || standby_fresh())
		pagecache_put(r->kept_key, r->kept_gen, kore_time_ms(), body,
		    len, etag);
	kore_free(r->kept_key);
	r->kept_key = NULL;
}

/*
 * The step's row 0: a document and its version; a failed step or no
 * row answer with not_found's words for a 404. The ETag is the
 * version and the bytes' hash, and a GET whose If-None-Match names it
 * already gets a 304: only after the query has decided the caller may
 * see the document, so a 304 tells nobody what a 404 would hide.
 */
int
reply_doc(struct rq *r, int status, enum msg not_found)
{
	const char	*doc, *ver, *inm;
	char		 etag[ETAG_DOC_LEN];
	size_t		 len;

	if (!db_ok(r))
		return (reply_db_error(r, not_found));
	if ((doc = db_get(r, 0, 0)) == NULL)
		return (reply_problem(r, 404, not_found));
	len = db_getlen(r, 0, 0);
	if ((ver = db_get(r, 0, 1)) == NULL)
		return (reply_json(r, status, doc, len));
	etag_doc(ver, doc, len, etag, sizeof(etag));
	http_response_header(r->req, "etag", etag);
	if (!reading(r))
		return (reply_json(r, status, doc, len));
	reply_keep(r, doc, len, etag);
	/* Who asks shapes the document: ask again, keep it to yourself. */
	reply_cache(r, "private, no-cache");
	if ((inm = header_get(r, "if-none-match")) != NULL &&
	    etag_listed(inm, etag))
		return (reply_empty(r, 304));
	return (reply_json(r, status, doc, len));
}

/*
 * GET of the {id} in the path (a format string, else 404): the query
 * takes the id, then as many of the caller's organization and agency
 * as it has parameters, and decides what the caller may see.
 */
int
doc_get(struct rq *r, int query, int format, enum msg not_found)
{
	const char	*p[3];

	switch (r->step) {
	case STEP_ASK:
		if (!format_ok(format, r->pathid))
			return (reply_problem(r, 404, not_found));
		p[0] = r->pathid;
		p[1] = caller_org(r);
		p[2] = caller_agency(r);
		r->step = STEP_ANSWER;
		return (db_call(r, query, p, MIN(queries[query].nparams,
		    (int)(sizeof(p) / sizeof(p[0])))));
	default:
		return (reply_doc(r, 200, not_found));
	}
}

/*
 * DELETE of the {id} in the path, owned by owner: 204 or 404. A query
 * with a third parameter gets the caller's account (the audit log's
 * actor).
 */
int
doc_delete(struct rq *r, int query, const char *owner, enum msg not_found)
{
	const char	*p[3];

	switch (r->step) {
	case STEP_ASK:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, not_found));
		p[0] = r->pathid;
		p[1] = owner;
		p[2] = r->who.id;
		r->step = STEP_ANSWER;
		return (db_call(r, query, p, MIN(queries[query].nparams,
		    (int)(sizeof(p) / sizeof(p[0])))));
	default:
		if (!db_ok(r))
			return (reply_db_error(r, not_found));
		if (db_rows(r) != 1)
			return (reply_problem(r, 404, not_found));
		return (reply_empty(r, 204));
	}
}

/*
 * PATCH of the {id} in the path, the caller's organization's, under a
 * required If-Match ("*": whatever the current version is): the query
 * takes the id, the organization, the version and the body, and the
 * caller's account (the audit log's actor) if it has a fifth parameter.
 */
int
doc_patch(struct rq *r, int query, enum msg not_found)
{
	const char	*p[5];
	char		 buf[16];

	switch (r->step) {
	case STEP_ASK:
		if (!change_target(r, JF_UUID, 1, not_found, buf, sizeof(buf),
		    &p[2]))
			return (RQ_DONE);
		p[0] = r->pathid;
		p[1] = r->who.org_id;
		p[3] = body_text(r);
		p[4] = r->who.id;
		r->step = STEP_ANSWER;
		return (db_call(r, query, p, MIN(queries[query].nparams,
		    (int)(sizeof(p) / sizeof(p[0])))));
	default:
		return (reply_doc(r, 200, not_found));
	}
}
