/*
 * refdata.c -- the public reference lists: categories, sectors, Can
 * Tho's communes and former districts, and the funding programs.
 * PostgreSQL builds each answer whole; each carries an ETag of its bytes
 * so a client that has it gets a 304, and the places can be searched.
 */

#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static int	ref_list(struct rq *, int, const char *);
static int	ref_reply(struct rq *, const char *);

/*
 * How long a client may keep a list without asking: places and the
 * market's codes change only with a migration, programs with every
 * funding decision.
 */
#define FOR_A_DAY	"public, max-age=86400"
#define FOR_A_MINUTE	"public, max-age=60"

static int
ref_list(struct rq *r, int query, const char *cache)
{
	static const char *const none[] = { NULL };
	static const char *const q[] = { "q", NULL };
	const char	*search = NULL;

	switch (r->step) {
	case STEP_ASK:
		/* A list that takes a parameter takes q. */
		if (!query_check(r, queries[query].nparams ? q : none) ||
		    !query_q(r, &search))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		if (queries[query].nparams)
			return (db_one(r, query, search));
		return (db_one(r, query));
	default:
		return (ref_reply(r, cache));
	}
}

/* The list, or 304 when If-None-Match names it already. */
static int
ref_reply(struct rq *r, const char *cache)
{
	const char	*doc, *inm;
	char		 etag[ETAG_LEN];
	size_t		 len;

	if (!db_ok(r) || (doc = db_get(r, 0, 0)) == NULL)
		return (reply_db_error(r, MSG_NOT_FOUND));
	len = db_getlen(r, 0, 0);
	etag_of(doc, len, etag, sizeof(etag));
	reply_cache(r, cache);
	http_response_header(r->req, "etag", etag);
	if ((inm = header_get(r, "if-none-match")) != NULL &&
	    etag_listed(inm, etag))
		return (reply_empty(r, 304));
	return (reply_json(r, 200, doc, len));
}

int
ref_categories(struct rq *r)
{
	return (ref_list(r, Q_CATEGORIES, FOR_A_DAY));
}

int
ref_sectors(struct rq *r)
{
	return (ref_list(r, Q_SECTORS, FOR_A_DAY));
}

int
ref_districts(struct rq *r)
{
	return (ref_list(r, Q_DISTRICTS, FOR_A_DAY));
}

int
ref_communes(struct rq *r)
{
	return (ref_list(r, Q_COMMUNES, FOR_A_DAY));
}

int
ref_funding_programs(struct rq *r)
{
	return (ref_list(r, Q_FUNDING_PROGRAMS, FOR_A_MINUTE));
}

/* The by-product exchange's materials: change only with a migration. */
int
ref_materials(struct rq *r)
{
	return (ref_list(r, Q_MATERIALS, FOR_A_DAY));
}
