/*
 * technologies.c -- vendors' listings: create, read, change along the
 * lifecycle, delete, and the public list with search, filters, sorts
 * and facets. Drafts and archived listings exist only for their vendor.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

/* The filters of tech_filtered() and friends, in their order. */
#define FILTERS		11

/* The filters, the statement, and the steps after the page (list.c). */
struct list {
	const char	*p[FILTERS];
	int		 query;
	struct search	 s;
};

static int	list_parse(struct rq *, struct list *);
static int	list_sort(struct rq *, struct list *);
static int	list_ask(struct rq *, struct list *);
static int	list_facets(struct rq *);
static int	int_arg(struct rq *, const char *, long long, long long,
		    const char **);
static void	list_free(void *);

static const char *const statuses[] = { "draft", "published", "archived",
    NULL };

#define TECH_FIELDS(req)						\
	{ .name = "title", .type = JT_STRING, .required = (req),	\
	    .min = 3, .max = 200 },					\
	{ .name = "summary", .type = JT_STRING, .required = (req),	\
	    .min = 1, .max = 1000 },					\
	{ .name = "description", .type = JT_STRING, .max = 20000 },	\
	{ .name = "category", .type = JT_STRING, .required = (req),	\
	    .min = 2, .max = 40, .format = JF_CODE },			\
	{ .name = "sectors", .type = JT_STRARRAY, .min = 2, .max = 40,	\
	    .format = JF_CODE },					\
	{ .name = "trl", .type = JT_INT, .required = (req), .min = 1,	\
	    .max = 9 },							\
	{ .name = "price_min_vnd", .type = JT_INT, .max = PRICE_MAX },	\
	{ .name = "price_max_vnd", .type = JT_INT, .max = PRICE_MAX },	\
	{ .name = "benefits", .type = JT_OBJECT, .sub = benefits_body }, \
	{ .name = "certifications", .type = JT_STRARRAY, .min = 1,	\
	    .max = 200 },						\
	FIELD_READONLY("id"),						\
	FIELD_READONLY("vendor"),					\
	FIELD_READONLY("funding"),					\
	FIELD_READONLY("version"),					\
	FIELD_READONLY("created_at"),					\
	FIELD_READONLY("updated_at")

static const struct field benefits_body[] = {
	{ .name = "energy_saving_pct", .type = JT_INT, .max = 100 },
	{ .name = "water_saving_pct", .type = JT_INT, .max = 100 },
	{ .name = "waste_reduction_pct", .type = JT_INT, .max = 100 },
	{ .name = "co2_reduction_tonnes_per_year", .type = JT_INT,
	    .max = 1000000000 },
	FIELD_END
};

/* A new listing is always a draft: status is not the vendor's to send. */
const struct field tech_create_body[] = {
	TECH_FIELDS(1),
	FIELD_READONLY("status"),
	FIELD_END
};

const struct field tech_patch_body[] = {
	TECH_FIELDS(0),
	{ .name = "status", .type = JT_STRING, .min = 1, .max = 20,
	    .oneof = statuses },
	FIELD_END
};

int
tech_create(struct rq *r)
{
	int64_t		lo, hi;

	switch (r->step) {
	case STEP_ASK:
		if (json_int(r->body, "price_min_vnd", &lo) &&
		    json_int(r->body, "price_max_vnd", &hi) && lo > hi)
			return (reply_field(r, "price_max_vnd",
			    VERR_PRICE_ORDER, NULL));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_TECH_CREATE, r->who.org_id,
		    body_text(r), r->who.id));
	default:
		return (reply_doc(r, 201, MSG_NO_SUCH_TECHNOLOGY));
	}
}

/* Published for everyone; anything else only for its own vendor. */
int
tech_get(struct rq *r)
{
	if (r->step == STEP_ASK && reply_kept(r))
		return (RQ_DONE);
	return (doc_get(r, Q_TECH_GET, JF_UUID, MSG_NO_SUCH_TECHNOLOGY));
}

int
tech_patch(struct rq *r)
{
	return (doc_patch(r, Q_TECH_PATCH, MSG_NO_SUCH_TECHNOLOGY));
}

/* 409 once quote requests refer to it (problem.c's outcomes). */
int
tech_delete(struct rq *r)
{
	return (doc_delete(r, Q_TECH_DELETE, r->who.org_id,
	    MSG_NO_SUCH_TECHNOLOGY));
}

static void
list_free(void *arg)
{
	struct list	*l = arg;

	if (l->s.out != NULL)
		kore_buf_free(l->s.out);
	kore_free(l);
}

/* An integer query parameter in [lo, hi] into *out (NULL: absent). */
static int
int_arg(struct rq *r, const char *name, long long lo, long long hi,
    const char **out)
{
	const char	*v;
	char		*end;
	long long	 n;

	*out = NULL;
	if ((v = query_arg(r, name)) == NULL)
		return (KORE_RESULT_OK);
	n = strtoll(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || n < lo || n > hi) {
		reply_bad_param(r, name);
		return (KORE_RESULT_ERROR);
	}
	*out = v;
	return (KORE_RESULT_OK);
}

static int
list_parse(struct rq *r, struct list *l)
{
	static const char *const allowed[] = { "q", "category", "sector",
	    "district", "commune", "trl_min", "trl_max", "price_max_vnd",
	    "funding_eligible", "vendor_id", "verified", "sort", "facets",
	    "limit", "cursor", NULL };
	const char	*facets;

	if (!query_check(r, allowed) || !query_q(r, &l->p[0]))
		return (KORE_RESULT_ERROR);
	l->p[1] = query_arg(r, "category");
	l->p[2] = query_arg(r, "sector");
	l->p[3] = query_arg(r, "district");
	l->p[4] = query_arg(r, "commune");
	if (!int_arg(r, "trl_min", 1, 9, &l->p[5]) ||
	    !int_arg(r, "trl_max", 1, 9, &l->p[6]) ||
	    !int_arg(r, "price_max_vnd", 0, PRICE_MAX, &l->p[7]))
		return (KORE_RESULT_ERROR);
	l->p[8] = query_arg(r, "vendor_id");
	if (l->p[8] != NULL && !format_ok(JF_UUID, l->p[8])) {
		reply_bad_param(r, "vendor_id");
		return (KORE_RESULT_ERROR);
	}
	if (!query_flag(r, "funding_eligible", &l->p[9]) ||
	    !query_flag(r, "verified", &l->p[10]) ||
	    !query_flag(r, "facets", &facets))
		return (KORE_RESULT_ERROR);
	l->s.facets = facets != NULL && !strcmp(facets, "true");
	return (list_sort(r, l));
}

/* The statement and cursor list for sort=; relevance needs a q. */
static int
list_sort(struct rq *r, struct list *l)
{
	const char	*s, *ctx;

	if ((s = query_arg(r, "sort")) == NULL)
		s = l->p[0] != NULL ? "relevance" : "newest";
	if (!strcmp(s, "relevance") && l->p[0] != NULL) {
		l->query = Q_TECH_RELEVANCE;
		ctx = "tech:tiers";
	} else if (!strcmp(s, "newest") || !strcmp(s, "relevance")) {
		l->query = l->p[0] != NULL ? Q_TECH_NEWEST : Q_TECH_BROWSE;
		ctx = "tech:newest";
	} else if (!strcmp(s, "price_asc")) {
		l->query = Q_TECH_PRICE_ASC;
		ctx = "tech:price_asc";
	} else if (!strcmp(s, "price_desc")) {
		l->query = Q_TECH_PRICE_DESC;
		ctx = "tech:price_desc";
	} else {
		reply_bad_param(r, "sort");
		return (KORE_RESULT_ERROR);
	}
	return (query_page(r, ctx));
}

/* The page: the filters, then the cursor and the page size + 1. */
static int
list_ask(struct rq *r, struct list *l)
{
	struct db_stmt	st[2];
	int		i;

	memset(st, 0, sizeof(st));
	st[0].id = Q_PLAN_GENERIC;
	st[1].id = l->query;
	st[1].nparams = FILTERS + 3;
	for (i = 0; i < FILTERS; i++)
		st[1].params[i] = l->p[i];
	st[1].params[FILTERS] = r->page.key;
	st[1].params[FILTERS + 1] = r->page.id;
	st[1].params[FILTERS + 2] = r->page.fetch;
	r->step = SEARCH_ITEMS;
	/*
	 * Relevance and newest (PL/pgSQL behind one call) plan alike for
	 * every q; the sorts by price, over every row of q, gain by q's
	 * own plan.
	 */
	if (l->query == Q_TECH_RELEVANCE || l->query == Q_TECH_NEWEST)
		return (db_run(r, st, 2));
	return (db_run(r, &st[1], 1));
}

/* Facets are a second step over the same filters, and late's q. */
static int
list_facets(struct rq *r)
{
	struct list	*l = r->ctx;
	struct db_stmt	 st;
	int		 i;

	memset(&st, 0, sizeof(st));
	st.id = Q_TECH_FACETS;
	st.nparams = FILTERS + 1;
	for (i = 0; i < FILTERS; i++)
		st.params[i] = l->p[i];
	st.params[FILTERS] = l->s.late;
	return (db_run(r, &st, 1));
}

int
tech_list(struct rq *r)
{
	struct list	*l = r->ctx;

	if (r->step != STEP_ASK)
		return (search_answer(r, &l->s));
	if (reply_kept(r))
		return (RQ_DONE);
	l = kore_calloc(1, sizeof(*l));
	r->ctx = l;
	r->ctx_free = list_free;
	if (!list_parse(r, l))
		return (RQ_DONE);
	l->s.q = l->p[0];
	l->s.suggest = l->p[0] != NULL && r->page.key == NULL;
	l->s.needs = "false";
	l->s.ask_facets = list_facets;
	return (list_ask(r, l));
}

/*
 * The vendor's own listings in every status, or the one asked for,
 * newest first.
 */
int
tech_mine(struct rq *r)
{
	static const char *const allowed[] = { "status", "limit", "cursor",
	    NULL };
	const char	*status;

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		status = query_arg(r, "status");
		if (status != NULL && !str_oneof(status, statuses))
			return (reply_bad_param(r, "status"));
		if (!query_page(r, "tech:mine"))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_TECH_MINE, r->who.org_id, status,
		    r->page.key, r->page.id, r->page.fetch));
	default:
		return (reply_list(r));
	}
}
