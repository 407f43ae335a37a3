/*
 * test_routes.c -- the router over a table of its own: literal and {id}
 * segments, the method, and the Allow list of a 405.
 */

#include <string.h>

#include <kore.h>

#include "app.h"
#include "test.h"

static int	handler(struct rq *);
static void	table_head(void);

static const struct route table[] = {
	{ "GET", "/a", handler, AUTH_NONE, NULL, 0, 0 },
	{ "POST", "/a", handler, AUTH_NONE, NULL, 0, 0 },
	{ "GET", "/a/{id}", handler, AUTH_NONE, NULL, 0, 0 },
	{ "DELETE", "/a/{id}", handler, AUTH_NONE, NULL, 0, 0 },
	{ "GET", "/a/{id}/b", handler, AUTH_NONE, NULL, 0, 0 },
	{ "GET", "/a/current", handler, AUTH_NONE, NULL, 0, 0 },
	{ "PUT", "/y/{year}", handler, AUTH_NONE, NULL, 0, 0 },
};
#define N	(sizeof(table) / sizeof(table[0]))

static const struct route only_post[] = {
	{ "POST", "/p", handler, AUTH_NONE, NULL, 0, 0 },
};

/* A path with no GET has no HEAD either: 405. */
static void
table_head(void)
{
	const struct route	*rt;
	char			*id;
	int			 wrong;

	rt = route_match(only_post, 1, "HEAD", "/p", &id, &wrong);
	CHECK(rt == NULL && wrong == 1 && id == NULL);
}

static int
handler(struct rq *r)
{
	(void)r;
	return (RQ_DONE);
}

/* Which entry method and path find, and the {id} they carry. */
static int
finds(const char *method, const char *path, int want, const char *id,
    int wrong)
{
	const struct route	*rt;
	char			*got;
	int			 w, ok;

	rt = route_match(table, N, method, path, &got, &w);
	/* *wrong counts only when nothing matched. */
	ok = (want < 0 ? rt == NULL && w == wrong : rt == &table[want]) &&
	    (id == NULL ? got == NULL : got != NULL && !strcmp(got, id));
	kore_free(got);
	return (ok);
}

void
test_routes(void)
{
	char		allow[64];

	CHECK(finds("GET", "/a", 0, NULL, 0));
	CHECK(finds("POST", "/a", 1, NULL, 0));
	CHECK(finds("GET", "/a/x1", 2, "x1", 0));
	CHECK(finds("DELETE", "/a/x1", 3, "x1", 0));
	CHECK(finds("GET", "/a/x1/b", 4, "x1", 0));
	/* The first entry that matches wins: {id} before "current". */
	CHECK(finds("GET", "/a/current", 2, "current", 0));
	CHECK(finds("PUT", "/a", -1, NULL, 1));
	CHECK(finds("POST", "/a/x1/b", -1, NULL, 1));
	CHECK(finds("GET", "/a/", -1, NULL, 0));	/* empty {id} */
	CHECK(finds("GET", "/a/x1/c", -1, NULL, 0));
	CHECK(finds("GET", "/ab", -1, NULL, 0));
	CHECK(finds("GET", "//a", -1, NULL, 0));
	CHECK(finds("GET", "/a/x1/b/", -1, NULL, 0));
	/* Any {name} is a parameter. */
	CHECK(finds("PUT", "/y/2025", 6, "2025", 0));
	CHECK(finds("GET", "/y/2025", -1, NULL, 1));
	CHECK(finds("GET", "", -1, NULL, 0));
	CHECK(finds("get", "/a", -1, NULL, 1));
	/* HEAD is served by the GET of the path; no GET, no HEAD. */
	CHECK(finds("HEAD", "/a", 0, NULL, 0));
	CHECK(finds("HEAD", "/a/x1", 2, "x1", 0));
	table_head();

	route_allow(table, N, "/a/x1", allow, sizeof(allow));
	CHECK(strcmp(allow, "GET, HEAD, DELETE") == 0);
	route_allow(table, N, "/a", allow, sizeof(allow));
	CHECK(strcmp(allow, "GET, HEAD, POST") == 0);
	route_allow(only_post, 1, "/p", allow, sizeof(allow));
	CHECK(strcmp(allow, "POST") == 0);
	route_allow(table, N, "/nowhere", allow, sizeof(allow));
	CHECK(allow[0] == '\0');
}
