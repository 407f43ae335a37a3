/*
 * needs.c -- enterprises' needs: create, read, change, close and open
 * again, delete, and the public list of open needs with search.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static int	need_list_parse(struct rq *, const char **, int *);

static const char *const statuses[] = { "open", "closed", NULL };

#define NEED_FIELDS(req)						\
	{ .name = "title", .type = JT_STRING, .required = (req),	\
	    .min = 3, .max = 200 },					\
	{ .name = "description", .type = JT_STRING, .max = 20000 },	\
	{ .name = "category", .type = JT_STRING, .required = (req),	\
	    .min = 2, .max = 40, .format = JF_CODE },			\
	{ .name = "sector", .type = JT_STRING, .required = (req),	\
	    .min = 2, .max = 40, .format = JF_CODE },			\
	PLACE_FIELDS(req),						\
	{ .name = "budget_max_vnd", .type = JT_INT, .max = PRICE_MAX },	\
	{ .name = "deadline", .type = JT_STRING, .min = 10, .max = 10,	\
	    .format = JF_DATE },					\
	FIELD_READONLY("id"),						\
	FIELD_READONLY("enterprise"),					\
	FIELD_READONLY("version"),					\
	FIELD_READONLY("created_at"),					\
	FIELD_READONLY("updated_at")

/* A new need is always open. */
const struct field need_create_body[] = {
	NEED_FIELDS(1),
	FIELD_READONLY("status"),
	FIELD_END
};

const struct field need_patch_body[] = {
	NEED_FIELDS(0),
	{ .name = "status", .type = JT_STRING, .min = 1, .max = 20,
	    .oneof = statuses },
	FIELD_END
};

int
need_create(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		r->step = STEP_ANSWER;
		return (db_one(r, Q_NEED_CREATE, r->who.org_id,
		    body_text(r), r->who.id));
	default:
		return (reply_doc(r, 201, MSG_NO_SUCH_NEED));
	}
}

/* Open for everyone; a closed need only for its own enterprise. */
int
need_get(struct rq *r)
{
	return (doc_get(r, Q_NEED_GET, JF_UUID, MSG_NO_SUCH_NEED));
}

int
need_patch(struct rq *r)
{
	return (doc_patch(r, Q_NEED_PATCH, MSG_NO_SUCH_NEED));
}

int
need_delete(struct rq *r)
{
	return (doc_delete(r, Q_NEED_DELETE, r->who.org_id,
	    MSG_NO_SUCH_NEED));
}

/* The statement for sort= into *query; relevance needs a q. */
static int
need_list_parse(struct rq *r, const char **q, int *query)
{
	static const char *const allowed[] = { "q", "category", "sector",
	    "district", "commune", "sort", "limit", "cursor", NULL };
	const char	*s;

	if (!query_check(r, allowed) || !query_q(r, q))
		return (KORE_RESULT_ERROR);
	if ((s = query_arg(r, "sort")) == NULL)
		s = *q != NULL ? "relevance" : "newest";
	*query = Q_NEED_NEWEST;
	if (!strcmp(s, "relevance") && *q != NULL) {
		*query = Q_NEED_RELEVANCE;
		return (query_page(r, "need:relevance"));
	}
	if (!strcmp(s, "newest") || !strcmp(s, "relevance"))
		return (query_page(r, "need:newest"));
	reply_bad_param(r, "sort");
	return (KORE_RESULT_ERROR);
}

int
need_list(struct rq *r)
{
	const char	*q;
	int		 query;

	switch (r->step) {
	case STEP_ASK:
		if (!need_list_parse(r, &q, &query))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, query, q,
		    query_arg(r, "category"), query_arg(r, "sector"),
		    query_arg(r, "district"), query_arg(r, "commune"),
		    r->page.key, r->page.id,
		    r->page.fetch));
	default:
		return (reply_list(r));
	}
}
