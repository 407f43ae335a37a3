/*
 * needs.c -- enterprises' needs: create, read, change, close and open
 * again, delete, and the public list of open needs with search and
 * facets.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

/* The filters, the statement, and the steps after the page (list.c). */
struct need_list {
	const char	*p[5];
	int		 query;
	struct search	 s;
};

static int	need_list_parse(struct rq *, struct need_list *);
static int	need_list_facets(struct rq *);
static void	need_list_free(void *);

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

static void
need_list_free(void *arg)
{
	struct need_list	*l = arg;

	if (l->s.out != NULL)
		kore_buf_free(l->s.out);
	kore_free(l);
}

/* The filters, facets= and the statement for sort=. */
static int
need_list_parse(struct rq *r, struct need_list *l)
{
	static const char *const allowed[] = { "q", "category", "sector",
	    "district", "commune", "sort", "facets", "limit", "cursor",
	    NULL };
	const char	*s, *facets;

	if (!query_check(r, allowed) || !query_q(r, &l->p[0]) ||
	    !query_flag(r, "facets", &facets))
		return (KORE_RESULT_ERROR);
	l->p[1] = query_arg(r, "category");
	l->p[2] = query_arg(r, "sector");
	l->p[3] = query_arg(r, "district");
	l->p[4] = query_arg(r, "commune");
	l->s.facets = facets != NULL && !strcmp(facets, "true");
	if ((s = query_arg(r, "sort")) == NULL)
		s = l->p[0] != NULL ? "relevance" : "newest";
	l->query = Q_NEED_NEWEST;
	if (!strcmp(s, "relevance") && l->p[0] != NULL) {
		l->query = Q_NEED_RELEVANCE;
		return (query_page(r, "need:relevance"));
	}
	if (!strcmp(s, "newest") || !strcmp(s, "relevance"))
		return (query_page(r, "need:newest"));
	reply_bad_param(r, "sort");
	return (KORE_RESULT_ERROR);
}

/* The counts over the same filters, and late's q (list.c). */
static int
need_list_facets(struct rq *r)
{
	struct need_list	*l = r->ctx;

	return (db_one(r, Q_NEED_FACETS, l->p[0], l->p[1], l->p[2], l->p[3],
	    l->p[4], l->s.late));
}

/* The page, then as technologies' list: the suggestion, the facets. */
int
need_list(struct rq *r)
{
	struct need_list	*l = r->ctx;

	if (r->step != STEP_ASK)
		return (search_answer(r, &l->s));
	l = kore_calloc(1, sizeof(*l));
	r->ctx = l;
	r->ctx_free = need_list_free;
	if (!need_list_parse(r, l))
		return (RQ_DONE);
	l->s.q = l->p[0];
	l->s.suggest = l->p[0] != NULL && r->page.key == NULL;
	l->s.needs = "true";
	l->s.ask_facets = need_list_facets;
	r->step = SEARCH_ITEMS;
	return (db_one(r, l->query, l->p[0], l->p[1], l->p[2], l->p[3],
	    l->p[4], r->page.key, r->page.id, r->page.fetch));
}
