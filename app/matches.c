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
/* A drain's bound: need jobs cost ~20 ms, technology jobs ~1 ms. */
#define DRAIN_NEEDS	"20"
#define DRAIN_TECHS	"500"

static void	match_tick(void *, u_int64_t);
static void	match_drain(void);
static void	match_drain_done(struct db_op *, void *);

static int	drain_busy;

int
need_matches(struct rq *r)
{
	return (owned_list(r, Q_NEED_OWNED, Q_NEED_MATCHES, "need:matches",
	    MSG_NO_SUCH_NEED));
}

int
tech_matches(struct rq *r)
{
	return (owned_list(r, Q_TECH_OWNED, Q_TECH_MATCHES, "tech:matches",
	    MSG_NO_SUCH_TECHNOLOGY));
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
	st.params[1] = DRAIN_TECHS;
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
