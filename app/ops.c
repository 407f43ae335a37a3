/*
 * ops.c -- what operators and clients ask of the server itself:
 * /healthz, /readyz and the OpenAPI document.
 */

#include <stdio.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

enum { READY_ASK, READY_ANSWER };

static struct asset	 openapi;

static const char	*standby_state(void);

int
ops_healthz(struct rq *r)
{
	return (reply_json(r, 200, "{\"status\":\"ok\"}", 15));
}

/*
 * Ready when this worker has a live reading and writing connection and
 * the primary answers; at once 503 otherwise, not after the wait a
 * request makes for a connection coming back. A standby's state is
 * told, not required: without it reads go to the primary.
 */
int
ops_readyz(struct rq *r)
{
	char		body[96];
	int		len;

	switch (r->step) {
	case READY_ASK:
		r->step = READY_ANSWER;
		if (db_ready())
			return (db_one(r, Q_PING));
		return (reply_problem(r, 503, MSG_DB_UNREACHABLE));
	default:
		if (!db_ok(r))
			return (reply_problem(r, 503, MSG_DB_UNREACHABLE));
		len = snprintf(body, sizeof(body), "{\"status\":\"ready\","
		    "\"pools\":{\"primary\":\"up\",\"standby\":\"%s\"}}",
		    standby_state());
		return (reply_json(r, 200, body, (size_t)len));
	}
}

/* none (no DATABASE_READ_URL), down, behind (over the lag), or up. */
static const char *
standby_state(void)
{
	uint64_t	steps[POOL_COUNT];
	int		up, all;

	db_pool_stats(steps, &up, &all);
	if (all == 0)
		return ("none");
	if (up == 0)
		return ("down");
	return (standby_current() ? "up" : "behind");
}

/*
 * Read once at start: path from TM_OPENAPI or assets/openapi.json, and
 * its gzip from gz (TM_OPENAPI_GZ, made by the build) if there is one.
 */
void
openapi_load(const char *path, const char *gz)
{
	if (path == NULL)
		path = "assets/openapi.json";
	if (!asset_load(&openapi, path, gz, "application/json"))
		fatalx("cannot read the OpenAPI document %s", path);
	if (gz != NULL && openapi.gz == NULL)
		fatalx("cannot read the compressed OpenAPI document %s", gz);
}

/* The largest answer, a ninth of it gzipped, for clients that take it. */
int
ops_openapi(struct rq *r)
{
	return (asset_reply(r, &openapi, 200));
}
