/*
 * ops.c -- what operators and clients ask of the server itself:
 * /healthz, /readyz and the OpenAPI document.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

enum { READY_ASK, READY_ANSWER };

static char		*openapi;
static size_t		 openapi_len;

int
ops_healthz(struct rq *r)
{
	return (reply_json(r, 200, "{\"status\":\"ok\"}", 15));
}

/*
 * Ready when this worker has a live reading and writing connection and
 * the database answers; at once 503 otherwise, not after the wait a
 * request makes for a connection coming back.
 */
int
ops_readyz(struct rq *r)
{
	switch (r->step) {
	case READY_ASK:
		r->step = READY_ANSWER;
		if (db_ready())
			return (db_one(r, Q_PING));
		return (reply_problem(r, 503, MSG_DB_UNREACHABLE));
	default:
		if (!db_ok(r))
			return (reply_problem(r, 503, MSG_DB_UNREACHABLE));
		return (reply_json(r, 200, "{\"status\":\"ready\"}", 18));
	}
}

/* Read once at start; path from TM_OPENAPI or assets/openapi.json. */
void
openapi_load(const char *path)
{
	struct stat	 st;
	int		 fd;

	if (path == NULL)
		path = "assets/openapi.json";
	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1 ||
	    st.st_size <= 0)
		fatalx("cannot read the OpenAPI document %s", path);
	openapi = kore_malloc(st.st_size);
	if (read(fd, openapi, st.st_size) != st.st_size)
		fatalx("short read on %s", path);
	openapi_len = st.st_size;
	(void)close(fd);
}

int
ops_openapi(struct rq *r)
{
	return (reply_json(r, 200, openapi, openapi_len));
}
