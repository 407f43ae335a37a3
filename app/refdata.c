/*
 * refdata.c -- the public reference lists: categories, sectors, Can
 * Tho's districts and the funding programs. PostgreSQL builds each
 * answer whole.
 */

#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static int	ref_list(struct rq *, int);

static int
ref_list(struct rq *r, int query)
{
	static const char *const allowed[] = { NULL };
	const char	*doc;

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, query));
	default:
		if (!db_ok(r) || (doc = db_get(r, 0, 0)) == NULL)
			return (reply_db_error(r, MSG_NOT_FOUND));
		http_response_header(r->req, "cache-control",
		    "public, max-age=60");
		return (reply_json(r, 200, doc, db_getlen(r, 0, 0)));
	}
}

int
ref_categories(struct rq *r)
{
	return (ref_list(r, Q_CATEGORIES));
}

int
ref_sectors(struct rq *r)
{
	return (ref_list(r, Q_SECTORS));
}

int
ref_districts(struct rq *r)
{
	return (ref_list(r, Q_DISTRICTS));
}

int
ref_funding_programs(struct rq *r)
{
	return (ref_list(r, Q_FUNDING_PROGRAMS));
}
