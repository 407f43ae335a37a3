/*
 * test_etag.c -- etag.c: tags of answers and If-None-Match.
 */

#include <string.h>

#include "app.h"
#include "test.h"

static void
tags(void)
{
	char	a[ETAG_LEN], b[ETAG_LEN], small[4];

	etag_of("{\"items\":[]}", 12, a, sizeof(a));
	etag_of("{\"items\":[]}", 12, b, sizeof(b));
	CHECK(strlen(a) == ETAG_LEN - 1 && a[0] == '"' &&
	    a[ETAG_LEN - 2] == '"');
	CHECK(strspn(a + 1, "0123456789abcdef") == ETAG_LEN - 3);
	CHECK(strcmp(a, b) == 0);
	etag_of("{\"items\":[1]}", 13, b, sizeof(b));
	CHECK(strcmp(a, b) != 0);
	memset(small, 'x', sizeof(small));
	etag_of("x", 1, small, sizeof(small));
	CHECK(small[0] == '\0');
}

static void
listed(void)
{
	const char	*t = "\"0123456789abcdef\"";

	CHECK(etag_listed(t, t));
	CHECK(etag_listed("*", t));
	CHECK(etag_listed(" W/\"0123456789abcdef\" ", t));
	CHECK(etag_listed("\"x\", \"0123456789abcdef\"", t));
	CHECK(etag_listed("\"x\",W/\"0123456789abcdef\",\"y\"", t));
	CHECK(!etag_listed("", t));
	CHECK(!etag_listed("\"0123456789abcde\"", t));
	CHECK(!etag_listed("\"0123456789abcdef0\"", t));
	CHECK(!etag_listed("0123456789abcdef", t));
	CHECK(!etag_listed("W/", t));
	CHECK(!etag_listed(",,, ,", t));
	CHECK(!etag_listed("\"x\", **", t));
}

void
test_etag(void)
{
	tags();
	listed();
}
