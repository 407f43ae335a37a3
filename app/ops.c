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

static char		*file_read(const char *, size_t *);
static char		*openapi, *openapi_gz;
static size_t		 openapi_len, openapi_gz_len;

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

/* The whole file at path, or NULL when it cannot be read. */
static char *
file_read(const char *path, size_t *len)
{
	struct stat	 st;
	char		*buf;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return (NULL);
	buf = NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		buf = kore_malloc(st.st_size);
		if (read(fd, buf, st.st_size) != st.st_size) {
			kore_free(buf);
			buf = NULL;
		}
		*len = st.st_size;
	}
	(void)close(fd);
	return (buf);
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
	if ((openapi = file_read(path, &openapi_len)) == NULL)
		fatalx("cannot read the OpenAPI document %s", path);
	if (gz != NULL && (openapi_gz = file_read(gz, &openapi_gz_len)) ==
	    NULL)
		fatalx("cannot read the compressed OpenAPI document %s", gz);
}

/* The largest answer, a ninth of it gzipped, for clients that take it. */
int
ops_openapi(struct rq *r)
{
	http_response_header(r->req, "vary", "accept-encoding");
	if (openapi_gz == NULL ||
	    !gzip_accepted(header_get(r, "accept-encoding")))
		return (reply_json(r, 200, openapi, openapi_len));
	http_response_header(r->req, "content-encoding", "gzip");
	return (reply_json(r, 200, openapi_gz, openapi_gz_len));
}
