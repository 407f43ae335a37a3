/*
 * standby.c -- which reads a hot standby (DATABASE_READ_URL) may answer:
 * those of routes that tolerate a little lag, by GET, for callers with
 * no write of theirs the standby may not have replayed yet.
 *
 * Each worker commits a heartbeat on the primary every second and asks
 * the standby four times a second when the last commit it replayed was
 * made (db.c): everything committed before that time is on the standby.
 * A caller's writes are stamped on the primary's clock (caller_writes,
 * read with its token), and the caller reads the primary until the
 * standby has replayed past its last stamp. A standby further behind
 * than TM_STANDBY_MAX_LAG_MS, or not answering, answers nothing. The
 * clocks of the nodes and the databases are taken to agree (NTP).
 */

#include <sys/queue.h>

#include <time.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

/*
 * A stamp is the last statement of its write's step: the commit follows
 * within milliseconds, and this much is allowed for it (another commit
 * in between could otherwise be taken for it).
 */
#define STAMP_MARGIN_US		500000
#define MAX_LAG_DEFAULT_MS	5000

static int	 standby_on;
static uint64_t	 max_lag_ms = MAX_LAG_DEFAULT_MS;
/* The last answer: when (worker's clock), its replay time and lag. */
static uint64_t	 polled_ms;
static int64_t	 replayed_us;
static int64_t	 lag_ms = -1;
/* The last change notification (LISTEN) heard, wall clock. */
static int64_t	 changed_us;

static int64_t	 wall_us(void);

void
standby_init(const char *max_lag)
{
	int		err;

	standby_on = 1;
	if (max_lag != NULL && (max_lag_ms = kore_strtonum64(max_lag, 0,
	    &err), err != KORE_RESULT_OK || max_lag_ms < 100 ||
	    max_lag_ms > 600000))
		fatalx("TM_STANDBY_MAX_LAG_MS must be 100..600000");
}

/* Whether there is a standby (DATABASE_READ_URL) at all. */
int
standby_configured(void)
{
	return (standby_on);
}

/*
 * Whether the standby answers: configured, asked lately, and within the
 * lag allowed.
 */
int
standby_current(void)
{
	return (standby_on && polled_ms != 0 &&
	    kore_time_ms() - polled_ms <= max_lag_ms && lag_ms >= 0 &&
	    (uint64_t)lag_ms <= max_lag_ms);
}

/* Whether r's next read may go to the standby. */
int
standby_may(struct rq *r)
{
	if (!standby_current() || r->route == NULL || !r->route->lag_ok ||
	    r->req->method != HTTP_METHOD_GET)
		return (0);
	if (r->who.authed)
		return (r->who.wrote_us + STAMP_MARGIN_US < replayed_us);
	/* A token on a public route is not looked up: its writes unknown. */
	return (!r->no_store);
}

/* Whether a write step of r carries the caller's stamp. */
int
standby_stamps(struct rq *r)
{
	return (standby_configured() && r->who.authed &&
	    r->who.cred_id[0] != '\0');
}

/*
 * Whether what the standby answers now holds every change heard so far:
 * the page cache keeps a standby's page only then, since no later
 * notification would come to clear a stale one. A change is heard after
 * its commit, so a standby that has replayed a commit from later (the
 * heartbeats make one) has it.
 */
int
standby_fresh(void)
{
	return (replayed_us > changed_us + STAMP_MARGIN_US);
}

/* The standby's answer: its last replayed commit's time, and its lag. */
void
standby_polled(int64_t replayed, int64_t lag)
{
	polled_ms = kore_time_ms();
	replayed_us = replayed;
	lag_ms = lag;
}

void
standby_changed(void)
{
	changed_us = wall_us();
}

/* How far behind the standby is, in ms; -1: none, or no answer yet. */
int64_t
standby_lag_ms(void)
{
	if (!standby_on || polled_ms == 0)
		return (-1);
	return (lag_ms);
}

static int64_t
wall_us(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}
