/*
 * matches.c -- ranked matches between needs and technologies, for the
 * need's enterprise and the technology's vendor. The scoring is SQL
 * (tm_match() in sql/004_market.sql); this is the paging around it.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static int	matches(struct rq *, int, int, const char *);

/* First that the caller owns the object (else 404), then the page. */
static int
matches(struct rq *r, int owned, int query, const char *ctx)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };

	switch (r->step) {
	case 0:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, "Không tìm thấy",
			    "Not found"));
		if (!query_check(r, allowed) || !query_page(r, ctx))
			return (RQ_DONE);
		r->step = 1;
		return (db_one(r, owned, 2, r->pathid, r->who.org_id));
	case 1:
		if (!db_ok(r))
			return (reply_db_error(r));
		if (db_rows(r) != 1)
			return (reply_problem(r, 404, "Không tìm thấy",
			    "Not found"));
		r->step = 2;
		return (db_one(r, query, 5, r->pathid, r->who.org_id,
		    r->page.key, r->page.id, r->page.fetch));
	default:
		return (reply_list(r, ctx, r->limit));
	}
}

int
need_matches(struct rq *r)
{
	return (matches(r, Q_NEED_OWNED, Q_NEED_MATCHES, "need:matches"));
}

int
tech_matches(struct rq *r)
{
	return (matches(r, Q_TECH_OWNED, Q_TECH_MATCHES, "tech:matches"));
}
