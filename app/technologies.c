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

#define PRICE_MAX	1000000000000000LL
#define FILTERS		9

struct list {
	const char	*ctx;
	const char	*p[FILTERS];
	int		 query;
	int		 facets;
	struct kore_buf	*out;
};

static int	tech_not_found(struct rq *);
static int	tech_reply(struct rq *, int, int);
static int	list_parse(struct rq *, struct list *);
static int	list_sort(struct rq *, struct list *);
static int	list_facets(struct rq *, struct list *);
static int	int_arg(struct rq *, const char *, long long, long long,
		    const char **);
static void	list_free(void *);

static const char *const statuses[] = { "draft", "published", "archived",
    NULL };

#define TECH_FIELDS(req)						\
	{ "title", JT_STRING, req, 3, 200, JF_NONE, NULL, NULL, 0 },	\
	{ "summary", JT_STRING, req, 1, 1000, JF_NONE, NULL, NULL, 0 },	\
	{ "description", JT_STRING, 0, 0, 20000, JF_NONE, NULL, NULL, 0 }, \
	{ "category", JT_STRING, req, 2, 40, JF_CODE, NULL, NULL, 0 },	\
	{ "sectors", JT_STRARRAY, 0, 2, 40, JF_CODE, NULL, NULL, 0 },	\
	{ "trl", JT_INT, req, 1, 9, 0, NULL, NULL, 0 },			\
	{ "price_min_vnd", JT_INT, 0, 0, PRICE_MAX, 0, NULL, NULL, 0 },	\
	{ "price_max_vnd", JT_INT, 0, 0, PRICE_MAX, 0, NULL, NULL, 0 },	\
	{ "benefits", JT_OBJECT, 0, 0, 0, 0, NULL, benefits_body, 0 },	\
	{ "certifications", JT_STRARRAY, 0, 1, 200, JF_NONE, NULL, NULL, \
	    0 },							\
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },				\
	{ "vendor", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "funding", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "version", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "created_at", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "updated_at", 0, 0, 0, 0, 0, NULL, NULL, 1 }

static const struct field benefits_body[] = {
	{ "energy_saving_pct", JT_INT, 0, 0, 100, 0, NULL, NULL, 0 },
	{ "water_saving_pct", JT_INT, 0, 0, 100, 0, NULL, NULL, 0 },
	{ "waste_reduction_pct", JT_INT, 0, 0, 100, 0, NULL, NULL, 0 },
	{ "co2_reduction_tonnes_per_year", JT_INT, 0, 0, 1000000000, 0,
	    NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

/* A new listing is always a draft: status is not the vendor's to send. */
const struct field tech_create_body[] = {
	TECH_FIELDS(1),
	{ "status", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field tech_patch_body[] = {
	TECH_FIELDS(0),
	{ "status", JT_STRING, 0, 1, 20, JF_NONE, statuses, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

static int
tech_not_found(struct rq *r)
{
	return (reply_problem(r, 404, "Không tìm thấy công nghệ",
	    "No such technology"));
}

static int
tech_reply(struct rq *r, int status, int col)
{
	return (reply_doc(r, status, col, "Không tìm thấy công nghệ",
	    "No such technology"));
}

int
tech_create(struct rq *r)
{
	struct verrors	ve = { 0 };
	int64_t		lo, hi;

	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_constraint(r));
		return (tech_reply(r, 201, 0));
	}
	if (json_int(r->body, "price_min_vnd", &lo) &&
	    json_int(r->body, "price_max_vnd", &hi) && lo > hi) {
		verr_add(&ve, "price_max_vnd", VERR_RANGE, r->lang == LANG_EN ?
		    "must not be below price_min_vnd" :
		    "không được nhỏ hơn price_min_vnd");
		return (reply_invalid(r, &ve));
	}
	r->step = 1;
	return (db_one(r, Q_TECH_CREATE, 2, r->who.org_id, body_text(r)));
}

/* Published for everyone; anything else only for its own vendor. */
int
tech_get(struct rq *r)
{
	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_db_error(r));
		return (tech_reply(r, 200, 0));
	}
	if (!format_ok(JF_UUID, r->pathid))
		return (tech_not_found(r));
	r->step = 1;
	return (db_one(r, Q_TECH_GET, 2, r->pathid,
	    r->who.org_id[0] ? r->who.org_id : NULL));
}

int
tech_patch(struct rq *r)
{
	char		ver[16];
	int		m;

	if (r->step == 1)
		return (reply_patched(r, "Không tìm thấy công nghệ",
		    "No such technology"));
	if (!format_ok(JF_UUID, r->pathid))
		return (tech_not_found(r));
	/* "*": whatever the current version is. */
	if ((m = if_match(r, ver, sizeof(ver), 1)) < 0)
		return (RQ_DONE);
	r->step = 1;
	return (db_one(r, Q_TECH_PATCH, 4, r->pathid, r->who.org_id,
	    m ? ver : NULL, body_text(r)));
}

/* 409 once quote requests refer to it; they arrive with that work. */
int
tech_delete(struct rq *r)
{
	if (r->step == 0) {
		if (!format_ok(JF_UUID, r->pathid))
			return (tech_not_found(r));
		r->step = 1;
		return (db_one(r, Q_TECH_DELETE, 2, r->pathid,
		    r->who.org_id));
	}
	if (!db_ok(r) && !strcmp(db_sqlstate(r), "23503"))
		return (reply_problem(r, 409, "Công nghệ đã có yêu cầu báo "
		    "giá; hãy lưu trữ thay vì xóa", "Quote requests refer to "
		    "this technology; archive it instead"));
	if (!db_ok(r))
		return (reply_db_error(r));
	if (db_rows(r) != 1)
		return (tech_not_found(r));
	return (reply_empty(r, 204));
}

static void
list_free(void *arg)
{
	struct list	*l = arg;

	if (l->out != NULL)
		kore_buf_free(l->out);
	kore_free(l);
}

/* An integer query parameter in [lo, hi]; 0 after answering 400. */
static int
int_arg(struct rq *r, const char *name, long long lo, long long hi,
    const char **out)
{
	const char	*v;
	char		*end;
	long long	 n;

	*out = NULL;
	if ((v = query_arg(r, name)) == NULL)
		return (1);
	n = strtoll(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || n < lo || n > hi) {
		reply_problem(r, 400, "Tham số số nguyên nằm ngoài khoảng "
		    "cho phép", "An integer parameter is out of range");
		return (0);
	}
	*out = v;
	return (1);
}

static int
list_parse(struct rq *r, struct list *l)
{
	static const char *const allowed[] = { "q", "category", "sector",
	    "district", "trl_min", "trl_max", "price_max_vnd",
	    "funding_eligible", "vendor_id", "sort", "facets", "limit",
	    "cursor", NULL };
	const char	*v, *fe, *fa;
	size_t		 chars;

	if (!query_check(r, allowed))
		return (0);
	v = query_arg(r, "q");
	/* Free text: anything is searched for, but not a book. */
	if (v != NULL && (!utf8_valid(v, strlen(v), &chars) || chars > 200))
		return (reply_problem(r, 400, "q dài quá 200 ký tự",
		    "q is longer than 200 characters"), 0);
	l->p[0] = (v != NULL && *v != '\0') ? v : NULL;
	l->p[1] = query_arg(r, "category");
	l->p[2] = query_arg(r, "sector");
	l->p[3] = query_arg(r, "district");
	if (!int_arg(r, "trl_min", 1, 9, &l->p[4]) ||
	    !int_arg(r, "trl_max", 1, 9, &l->p[5]) ||
	    !int_arg(r, "price_max_vnd", 0, PRICE_MAX, &l->p[6]))
		return (0);
	l->p[7] = query_arg(r, "vendor_id");
	fe = query_arg(r, "funding_eligible");
	fa = query_arg(r, "facets");
	if ((l->p[7] != NULL && !format_ok(JF_UUID, l->p[7])) ||
	    (fe != NULL && strcmp(fe, "true") && strcmp(fe, "false")) ||
	    (fa != NULL && strcmp(fa, "true") && strcmp(fa, "false")))
		return (reply_problem(r, 400, "vendor_id, funding_eligible "
		    "hoặc facets không hợp lệ", "Invalid vendor_id, "
		    "funding_eligible or facets"), 0);
	l->p[8] = fe;
	l->facets = fa != NULL && !strcmp(fa, "true");
	return (list_sort(r, l));
}

/* The statement and cursor list for sort=; relevance needs a q. */
static int
list_sort(struct rq *r, struct list *l)
{
	const char	*s;

	s = query_arg(r, "sort");
	if (s == NULL)
		s = l->p[0] != NULL ? "relevance" : "newest";
	if (!strcmp(s, "relevance") && l->p[0] != NULL)
		l->query = Q_TECH_RELEVANCE, l->ctx = "tech:tiers";
	else if (!strcmp(s, "newest") || !strcmp(s, "relevance"))
		l->query = Q_TECH_NEWEST, l->ctx = "tech:newest";
	else if (!strcmp(s, "price_asc"))
		l->query = Q_TECH_PRICE_ASC, l->ctx = "tech:price_asc";
	else if (!strcmp(s, "price_desc"))
		l->query = Q_TECH_PRICE_DESC, l->ctx = "tech:price_desc";
	else
		return (reply_problem(r, 400, "sort không hợp lệ",
		    "Invalid sort"), 0);
	return (query_page(r, l->ctx));
}

/* Facets are a second step over the same filters. */
static int
list_facets(struct rq *r, struct list *l)
{
	struct db_stmt	st;
	int		i;

	memset(&st, 0, sizeof(st));
	st.id = Q_TECH_FACETS;
	st.nparams = FILTERS;
	for (i = 0; i < FILTERS; i++)
		st.params[i] = l->p[i];
	r->step = 2;
	return (db_run(r, &st, 1));
}

int
tech_list(struct rq *r)
{
	struct list	*l;
	struct db_stmt	 st[2];
	int		 i;

	l = r->ctx;
	switch (r->step) {
	case 0:
		l = kore_calloc(1, sizeof(*l));
		r->ctx = l;
		r->ctx_free = list_free;
		if (!list_parse(r, l))
			return (RQ_DONE);
		memset(st, 0, sizeof(st));
		st[0].id = Q_PLAN_GENERIC;
		st[1].id = l->query;
		st[1].nparams = FILTERS + 3;
		for (i = 0; i < FILTERS; i++)
			st[1].params[i] = l->p[i];
		st[1].params[FILTERS] = r->page.key;
		st[1].params[FILTERS + 1] = r->page.id;
		st[1].params[FILTERS + 2] = r->page.fetch;
		r->step = 1;
		/* Only relevance needs the generic plan forced. */
		if (l->query == Q_TECH_RELEVANCE)
			return (db_run(r, st, 2));
		return (db_run(r, &st[1], 1));
	case 1:
		if (!db_ok(r))
			return (reply_db_error(r));
		if (!l->facets)
			return (reply_list(r, l->ctx, r->limit));
		l->out = list_build(r, l->ctx, r->limit);
		return (list_facets(r, l));
	default:
		if (!db_ok(r))
			return (reply_db_error(r));
		kore_buf_appendf(l->out, ",\"facets\":%s}", db_get(r, 0, 0));
		reply_json(r, 200, (const char *)l->out->data,
		    l->out->offset);
		return (RQ_DONE);
	}
}
