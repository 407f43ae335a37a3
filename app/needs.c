/*
 * needs.c -- enterprises' needs: create, read, change, close and open
 * again, delete, and the public list of open needs with search.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

#define PRICE_MAX	1000000000000000LL
#define FILTERS		4

struct need_list {
	const char	*ctx;
	int		 query;
};

static int	need_not_found(struct rq *);
static int	need_list_parse(struct rq *, struct need_list *);

static const char *const statuses[] = { "open", "closed", NULL };

#define NEED_FIELDS(req)						\
	{ "title", JT_STRING, req, 3, 200, JF_NONE, NULL, NULL, 0 },	\
	{ "description", JT_STRING, 0, 0, 20000, JF_NONE, NULL, NULL, 0 }, \
	{ "category", JT_STRING, req, 2, 40, JF_CODE, NULL, NULL, 0 },	\
	{ "sector", JT_STRING, req, 2, 40, JF_CODE, NULL, NULL, 0 },	\
	{ "district", JT_STRING, req, 2, 40, JF_CODE, NULL, NULL, 0 },	\
	{ "budget_max_vnd", JT_INT, 0, 0, PRICE_MAX, 0, NULL, NULL, 0 }, \
	{ "deadline", JT_STRING, 0, 10, 10, JF_DATE, NULL, NULL, 0 },	\
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },				\
	{ "enterprise", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "version", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "created_at", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "updated_at", 0, 0, 0, 0, 0, NULL, NULL, 1 }

/* A new need is always open. */
const struct field need_create_body[] = {
	NEED_FIELDS(1),
	{ "status", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field need_patch_body[] = {
	NEED_FIELDS(0),
	{ "status", JT_STRING, 0, 1, 20, JF_NONE, statuses, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

static int
need_not_found(struct rq *r)
{
	return (reply_problem(r, 404, "Không tìm thấy nhu cầu",
	    "No such need"));
}

int
need_create(struct rq *r)
{
	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_constraint(r));
		return (reply_doc(r, 201, 0, "Không tìm thấy nhu cầu",
		    "No such need"));
	}
	r->step = 1;
	return (db_one(r, Q_NEED_CREATE, 2, r->who.org_id, body_text(r)));
}

/* Open for everyone; a closed need only for its own enterprise. */
int
need_get(struct rq *r)
{
	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_db_error(r));
		return (reply_doc(r, 200, 0, "Không tìm thấy nhu cầu",
		    "No such need"));
	}
	if (!format_ok(JF_UUID, r->pathid))
		return (need_not_found(r));
	r->step = 1;
	return (db_one(r, Q_NEED_GET, 2, r->pathid,
	    r->who.org_id[0] ? r->who.org_id : NULL));
}

int
need_patch(struct rq *r)
{
	char		ver[16];
	int		m;

	if (r->step == 1)
		return (reply_patched(r, "Không tìm thấy nhu cầu",
		    "No such need"));
	if (!format_ok(JF_UUID, r->pathid))
		return (need_not_found(r));
	/* "*": whatever the current version is. */
	if ((m = if_match(r, ver, sizeof(ver), 1)) < 0)
		return (RQ_DONE);
	r->step = 1;
	return (db_one(r, Q_NEED_PATCH, 4, r->pathid, r->who.org_id,
	    m ? ver : NULL, body_text(r)));
}

int
need_delete(struct rq *r)
{
	if (r->step == 0) {
		if (!format_ok(JF_UUID, r->pathid))
			return (need_not_found(r));
		r->step = 1;
		return (db_one(r, Q_NEED_DELETE, 2, r->pathid,
		    r->who.org_id));
	}
	if (!db_ok(r))
		return (reply_db_error(r));
	if (db_rows(r) != 1)
		return (need_not_found(r));
	return (reply_empty(r, 204));
}

static int
need_list_parse(struct rq *r, struct need_list *l)
{
	static const char *const allowed[] = { "q", "category", "sector",
	    "district", "sort", "limit", "cursor", NULL };
	const char	*q, *s;
	size_t		 chars;

	if (!query_check(r, allowed))
		return (0);
	q = query_arg(r, "q");
	if (q != NULL && (!utf8_valid(q, strlen(q), &chars) || chars > 200))
		return (reply_problem(r, 400, "q dài quá 200 ký tự",
		    "q is longer than 200 characters"), 0);
	if ((s = query_arg(r, "sort")) == NULL)
		s = (q != NULL && *q != '\0') ? "relevance" : "newest";
	if (!strcmp(s, "relevance") && q != NULL && *q != '\0')
		l->query = Q_NEED_RELEVANCE, l->ctx = "need:relevance";
	else if (!strcmp(s, "newest") || !strcmp(s, "relevance"))
		l->query = Q_NEED_NEWEST, l->ctx = "need:newest";
	else
		return (reply_problem(r, 400, "sort không hợp lệ",
		    "Invalid sort"), 0);
	return (query_page(r, l->ctx));
}

int
need_list(struct rq *r)
{
	struct need_list	*l;
	struct db_stmt		 st;
	const char		*q;

	if (r->step == 1)
		return (reply_list(r, ((struct need_list *)r->ctx)->ctx,
		    r->limit));
	l = kore_calloc(1, sizeof(*l));
	r->ctx = l;
	r->ctx_free = kore_free;
	if (!need_list_parse(r, l))
		return (RQ_DONE);
	q = query_arg(r, "q");
	memset(&st, 0, sizeof(st));
	st.id = l->query;
	st.nparams = FILTERS + 3;
	st.params[0] = (q != NULL && *q != '\0') ? q : NULL;
	st.params[1] = query_arg(r, "category");
	st.params[2] = query_arg(r, "sector");
	st.params[3] = query_arg(r, "district");
	st.params[4] = r->page.key;
	st.params[5] = r->page.id;
	st.params[6] = r->page.fetch;
	r->step = 1;
	return (db_run(r, &st, 1));
}
