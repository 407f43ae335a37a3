/*
 * test_etag.c -- etag.c: tags of answers and documents, the version
 * If-Match names, and If-None-Match.
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
documents(void)
{
	char	a[ETAG_DOC_LEN], b[ETAG_DOC_LEN], hash[ETAG_LEN], tiny[8];

	etag_doc("7", "{}", 2, a, sizeof(a));
	etag_of("{}", 2, hash, sizeof(hash));
	CHECK(strncmp(a, "\"7-", 3) == 0 && strlen(a) == 3 + ETAG_LEN - 2);
	CHECK(strcmp(a + 2, hash) != 0 && strncmp(a + 3, hash + 1,
	    ETAG_LEN - 2) == 0);
	/* A change of the bytes alone, or of the version alone, shows. */
	etag_doc("7", "{ }", 3, b, sizeof(b));
	CHECK(strcmp(a, b) != 0);
	etag_doc("8", "{}", 2, b, sizeof(b));
	CHECK(strcmp(a, b) != 0);
	etag_doc("2147483647", "{}", 2, b, sizeof(b));
	CHECK(strlen(b) == ETAG_DOC_LEN - 1);
	memset(tiny, 'x', sizeof(tiny));
	etag_doc("7", "{}", 2, tiny, sizeof(tiny));
	CHECK(tiny[0] == '\0');
}

static void
versions(void)
{
	char	v[16], doc[ETAG_DOC_LEN];

	CHECK(etag_version("\"12\"", v, sizeof(v)) && !strcmp(v, "12"));
	etag_doc("12", "{}", 2, doc, sizeof(doc));
	memset(v, 0, sizeof(v));
	CHECK(etag_version(doc, v, sizeof(v)) && !strcmp(v, "12"));
	CHECK(etag_version("\"123456789\"", v, sizeof(v)));
	CHECK(!etag_version("\"1234567890\"", v, sizeof(v)));
	CHECK(!etag_version("\"12\"", v, 2));
	CHECK(!etag_version("W/\"12\"", v, sizeof(v)));
	CHECK(!etag_version("12", v, sizeof(v)));
	CHECK(!etag_version("\"\"", v, sizeof(v)));
	CHECK(!etag_version("\"", v, sizeof(v)));
	CHECK(!etag_version("\"-0123456789abcdef\"", v, sizeof(v)));
	CHECK(!etag_version("\"12-0123456789abcde\"", v, sizeof(v)));
	CHECK(!etag_version("\"12-0123456789abcdef0\"", v, sizeof(v)));
	CHECK(!etag_version("\"12-0123456789ABCDEF\"", v, sizeof(v)));
	CHECK(!etag_version("\"12+0123456789abcdef\"", v, sizeof(v)));
	CHECK(!etag_version("\"1 2\"", v, sizeof(v)));
	CHECK(etag_version("\"12-0123456789abcdef\"", v, sizeof(v)) &&
	    !strcmp(v, "12"));
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
	documents();
	versions();
	listed();
}
