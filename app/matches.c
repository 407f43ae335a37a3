/*
 * matches.c -- ranked matches between needs and technologies, for the
 * need's enterprise and the technology's vendor. The answers read the
 * match table; every worker drains the queue that keeps it (scoring is
 * SQL: tm_match() and sql/functions/55_match_queue.sql).
 */

#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

/* How often a worker looks for jobs; TM_MATCH_MS shortens it (tests). */
#define DRAIN_MS	250
/*
 * A drain's bound, about a second at 100,000 technologies and 1,000
 * open needs: a need job costs ~25 ms, a technology job 5-15 ms.
 */
#define DRAIN_NEEDS	"20"
#define DRAIN_JOBS	"100"

enum { MATCH_ASK, MATCH_PAGE, MATCH_OWNED, MATCH_ANSWER };

static int	match_list(struct rq *, int, int, const char *, enum msg);
static int	match_page(struct rq *, int);
static void	match_tick(void *, u_int64_t);
static void	match_drain(void);
static void	match_drain_done(struct db_op *, void *);

static int	drain_busy;

int
need_matches(struct rq *r)
{
	return (match_list(r, Q_NEED_OWNED, Q_NEED_MATCHES, "need:matches",
	    MSG_NO_SUCH_NEED));
}

int
tech_matches(struct rq *r)
{
	return (match_list(r, Q_TECH_OWNED, Q_TECH_MATCHES, "tech:matches",
	    MSG_NO_SUCH_TECHNOLOGY));
}

/*
 * owned_list() with the page asked first: the page's query has the
 * caller's organization in its condition, so rows prove the caller may
 * see them, one round trip in all. No rows: whether the object is the
 * caller's (404 if not), then the page again (it may have filled
 * meanwhile).
 */
static int
match_list(struct rq *r, int owned, int query, const char *ctx,
    enum msg not_found)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };

	switch (r->step) {
	case MATCH_ASK:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, not_found));
		if (!query_check(r, allowed) || !query_page(r, ctx))
			return (RQ_DONE);
		r->step = MATCH_PAGE;
		return (match_page(r, query));
	case MATCH_PAGE:
		if (!db_ok(r))
			return (reply_db_error(r, not_found));
		if (db_rows(r) > 0)
			return (reply_list(r));
		r->step = MATCH_OWNED;
		return (db_one(r, owned, r->pathid, caller_org(r)));
	case MATCH_OWNED:
		if (!db_ok(r))
			return (reply_db_error(r, not_found));
		if (db_rows(r) != 1)
			return (reply_problem(r, 404, not_found));
		r->step = MATCH_ANSWER;
		return (match_page(r, query));
	default:
		return (reply_list(r));
	}
}

/*
 * Every worker drains on a timer; one drain runs at a time in the
 * database (the others return at once), so a worker that is busy or
 * gone leaves the work to the rest. A drain that left jobs waiting is
 * followed by another at once.
 */
void
match_drainer(void)
{
	const char	*v;
	long long	 ms;

	ms = DRAIN_MS;
	if ((v = getenv("TM_MATCH_MS")) != NULL && (ms = atoll(v)) < 20)
		ms = DRAIN_MS;
	kore_timer_add(match_tick, (u_int64_t)ms, NULL, 0);
}

/*
 * The page, its generic plan forced (Q_PLAN_GENERIC, one transaction):
 * the plan is the same for every need or technology, but PostgreSQL
 * kept planning it anew (custom plans look cheaper on paper), which
 * cost more than the run.
 */
static int
match_page(struct rq *r, int query)
{
	struct db_stmt	st[2];

	memset(st, 0, sizeof(st));
	st[0].id = Q_PLAN_GENERIC;
	st[1].id = query;
	st[1].nparams = 5;
	st[1].params[0] = r->pathid;
	st[1].params[1] = caller_org(r);
	st[1].params[2] = r->page.key;
	st[1].params[3] = r->page.id;
	st[1].params[4] = r->page.fetch;
	return (db_run(r, st, 2));
}

static void
match_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	if (drain_busy)
		return;
	drain_busy = 1;
	match_drain();
}

static void
match_drain(void)
{
	struct db_stmt	st;

	memset(&st, 0, sizeof(st));
	st.id = Q_MATCH_DRAIN;
	st.nparams = 2;
	st.params[0] = DRAIN_NEEDS;
	st.params[1] = DRAIN_JOBS;
	db_background(&st, 1, match_drain_done, NULL);
}

static void
match_drain_done(struct db_op *op, void *arg)
{
	const char	*done, *waiting, *oldest;

	(void)arg;
	done = db_op_get(op, 0, 0);
	waiting = db_op_get(op, 0, 1);
	oldest = db_op_get(op, 0, 2);
	if (done == NULL || waiting == NULL || oldest == NULL) {
		drain_busy = 0;
		return;
	}
	metrics_match_queue(atoll(waiting), atof(oldest));
	if (atoll(done) > 0 && atoll(waiting) > 0) {
		match_drain();
		return;
	}
	drain_busy = 0;
}
