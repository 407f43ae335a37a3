/*
 * list.c -- keyset-paged lists: the limit and cursor of a request, and
 * the {"items": [...], "next_cursor": ...} answer built from the rows
 * PostgreSQL made.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static void	list_suggestion(struct kore_buf *, const char *);

enum { OWNED_ASK, OWNED_PAGE, OWNED_ANSWER };

static int	query_limit(struct rq *, int *);

static int
query_limit(struct rq *r, int *limit)
{
	const char	*v;
	char		*end;
	long		 n;

	*limit = LIST_LIMIT_DEFAULT;
	if ((v = query_arg(r, "limit")) == NULL)
		return (KORE_RESULT_OK);
	n = strtol(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end != '\0' || n < 1 ||
	    n > LIST_LIMIT_MAX) {
		reply_problem(r, 400, MSG_LIMIT);
		return (KORE_RESULT_ERROR);
	}
	*limit = (int)n;
	return (KORE_RESULT_OK);
}

/*
 * Every list's paging, kept in r->page: the list ctx (bound into its
 * cursors), the limit, the "limit + 1" rows the statement fetches, and
 * the cursor split into its sort key and id (both NULL on the first
 * page).
 */
int
query_page(struct rq *r, const char *ctx)
{
	struct page	*p = &r->page;
	const char	*v;
	char		*bar;

	p->ctx = ctx;
	if (!query_limit(r, &p->limit))
		return (KORE_RESULT_ERROR);
	(void)snprintf(p->fetch, sizeof(p->fetch), "%d", p->limit + 1);
	if ((v = query_arg(r, "cursor")) == NULL)
		return (KORE_RESULT_OK);
	if (!cursor_decode(ctx, v, p->buf, sizeof(p->buf)) ||
	    (bar = strchr(p->buf, '|')) == NULL ||
	    !format_ok(JF_UUID, bar + 1)) {
		reply_problem(r, 400, MSG_CURSOR);
		return (KORE_RESULT_ERROR);
	}
	*bar = '\0';
	p->key = p->buf;
	p->id = bar + 1;
	return (KORE_RESULT_OK);
}

/*
 * {"items":[...],"next_cursor":... without the closing brace. Rows are
 * (doc, cursor key); the statement fetched limit + 1 of them so the
 * extra row says whether another page exists.
 */
struct kore_buf *
list_build(struct rq *r)
{
	struct kore_buf	*b;
	char		*cur;
	int		 i, n, limit;

	n = db_rows(r);
	limit = r->page.limit;
	b = kore_buf_alloc(4096);
	kore_buf_append(b, "{\"items\":[", 10);
	for (i = 0; i < n && i < limit; i++) {
		if (i > 0)
			kore_buf_append(b, ",", 1);
		kore_buf_append(b, db_get(r, i, 0), db_getlen(r, i, 0));
	}
	kore_buf_append(b, "],\"next_cursor\":", 16);
	if (n > limit && (cur = cursor_encode(r->page.ctx,
	    db_str(r, limit - 1, 1, ""))) != NULL) {
		kore_buf_appendf(b, "\"%s\"", cur);
		kore_free(cur);
	} else
		kore_buf_append(b, "null", 4);
	return (b);
}

int
reply_list(struct rq *r)
{
	struct kore_buf	*b;

	if (!db_ok(r))
		return (reply_db_error(r, MSG_NOT_FOUND));
	b = list_build(r);
	kore_buf_append(b, "}", 1);
	return (reply_buf(r, 200, b));
}

/*
 * A list under an object of the caller's, {id} in the path: first
 * whether the caller may see the object (owned: $1 id, $2 the caller's
 * organization, one row or 404), then the page (query: $1 and $2 the
 * same, $3 and $4 the cursor, $5 the page size + 1).
 */
int
owned_list(struct rq *r, int owned, int query, const char *ctx,
    enum msg not_found)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };

	switch (r->step) {
	case OWNED_ASK:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, not_found));
		if (!query_check(r, allowed) || !query_page(r, ctx))
			return (RQ_DONE);
		r->step = OWNED_PAGE;
		return (db_one(r, owned, r->pathid, caller_org(r)));
	case OWNED_PAGE:
		if (!db_ok(r))
			return (reply_db_error(r, not_found));
		if (db_rows(r) != 1)
			return (reply_problem(r, 404, not_found));
		r->step = OWNED_ANSWER;
		return (db_one(r, query, r->pathid, caller_org(r),
		    r->page.key, r->page.id, r->page.fetch));
	default:
		return (reply_list(r));
	}
}

/* A "true" or "false" query parameter into *out (NULL: absent). */
int
query_flag(struct rq *r, const char *name, const char **out)
{
	*out = query_arg(r, name);
	if (*out != NULL && strcmp(*out, "true") && strcmp(*out, "false")) {
		reply_bad_param(r, name);
		return (KORE_RESULT_ERROR);
	}
	return (KORE_RESULT_OK);
}

/*
 * A search's "did you mean" (first pages with q only): json is the
 * suggestion as the database wrote it, a JSON string, or NULL for none.
 */
static void
list_suggestion(struct kore_buf *b, const char *json)
{
	kore_buf_appendf(b, ",\"suggestion\":%s", json != NULL ? json : "null");
}

/*
 * The page, then the facets and the suggestion of a first page with q:
 * the page's rows carry it (a third column); a page without rows leaves
 * it to the facets' answer (a second column) or to a step of its own.
 */
int
search_answer(struct rq *r, struct search *s)
{
	switch (r->step) {
	case SEARCH_ITEMS:
		if (!db_ok(r))
			return (reply_list(r));
		s->out = list_build(r);
		if (s->suggest && db_rows(r) > 0)
			list_suggestion(s->out, db_get(r, 0, 2));
		else if (s->suggest)
			s->late = s->q;
		if (s->facets) {
			r->step = SEARCH_FACETS;
			return (s->ask_facets(r));
		}
		if (s->late == NULL)
			break;
		r->step = SEARCH_SUGGEST;
		return (db_one(r, Q_SUGGEST, s->late, s->needs));
	case SEARCH_FACETS:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NOT_FOUND));
		if (s->late != NULL)
			list_suggestion(s->out, db_get(r, 0, 1));
		kore_buf_appendf(s->out, ",\"facets\":%s",
		    db_str(r, 0, 0, "{}"));
		break;
	default:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NOT_FOUND));
		list_suggestion(s->out, db_get(r, 0, 0));
		break;
	}
	kore_buf_append(s->out, "}", 1);
	reply_keep(r, (const char *)s->out->data, s->out->offset, NULL);
	return (reply_json(r, 200, (const char *)s->out->data,
	    s->out->offset));
}
