/*
 * test_standby.c -- standby.c: which reads a hot standby may answer, by
 * route, method and caller, and when it is too far behind or silent.
 */

#include <sys/queue.h>

#include <string.h>
#include <time.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"
#include "test.h"

extern u_int64_t	shim_now_ms;

static const struct route	lag_route = { "GET", "/x", NULL, 0, NULL, 0,
				    1 };
static const struct route	own_route = { "GET", "/y", NULL, 0, NULL, 0,
				    0 };

static int64_t
now_us(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static void
reset(struct rq *r, struct http_request *req, const struct route *route)
{
	memset(r, 0, sizeof(*r));
	memset(req, 0, sizeof(*req));
	req->method = HTTP_METHOD_GET;
	r->req = req;
	r->route = route;
}

/* Who may read there, with a standby that answered just now. */
static void
callers(void)
{
	struct http_request	req;
	struct rq		r;
	int64_t			replayed;

	replayed = now_us();
	standby_polled(replayed, 300);
	CHECK(standby_current() && standby_lag_ms() == 300);
	reset(&r, &req, &lag_route);
	CHECK(standby_may(&r));
	/* Not a GET, or a route of the caller's own: the primary. */
	req.method = HTTP_METHOD_POST;
	CHECK(!standby_may(&r));
	reset(&r, &req, &own_route);
	CHECK(!standby_may(&r));
	/* A token a public route did not look up: its writes unknown. */
	reset(&r, &req, &lag_route);
	r.no_store = 1;
	CHECK(!standby_may(&r));
	/* Signed in: no write, one long replayed, one not yet. */
	r.who.authed = 1;
	CHECK(standby_may(&r));
	r.who.wrote_us = replayed - 2000000;
	CHECK(standby_may(&r));
	r.who.wrote_us = replayed - 100000;
	CHECK(!standby_may(&r));
	r.who.wrote_us = replayed + 1000000;
	CHECK(!standby_may(&r));
	/* Stamps only for a signed-in caller's credential. */
	CHECK(!standby_stamps(&r));
	kore_strlcpy(r.who.cred_id, "c", sizeof(r.who.cred_id));
	CHECK(standby_stamps(&r));
}

/* Too far behind, or silent for too long: nobody reads there. */
static void
behind(void)
{
	struct http_request	req;
	struct rq		r;

	reset(&r, &req, &lag_route);
	standby_polled(now_us(), 5001);
	CHECK(!standby_current() && !standby_may(&r));
	standby_polled(now_us(), 5000);
	CHECK(standby_current() && standby_may(&r));
	shim_now_ms += 5001;
	CHECK(!standby_current() && !standby_may(&r));
	standby_polled(now_us(), 0);
	CHECK(standby_current());
}

/* The page cache keeps a standby's page once it replayed past a change. */
static void
freshness(void)
{
	standby_polled(now_us() - 2000000, 0);
	standby_changed();
	CHECK(!standby_fresh());
	standby_polled(now_us() + 1000000, 0);
	CHECK(standby_fresh());
}

void
test_standby(void)
{
	struct http_request	req;
	struct rq		r;

	/* Without DATABASE_READ_URL: never. */
	reset(&r, &req, &lag_route);
	CHECK(!standby_current() && !standby_may(&r) && !standby_stamps(&r));
	CHECK(standby_lag_ms() == -1);
	standby_init(NULL);
	/* Configured but not yet answered: not yet. */
	CHECK(!standby_current() && standby_lag_ms() == -1);
	callers();
	behind();
	freshness();
}
