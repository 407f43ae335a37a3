/*
 * test_pagecache.c -- pagecache.c: answers kept until a change, an age
 * or the size bound drops them, and never while the listener is down.
 */

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "test.h"

static void
keeping(void)
{
	struct kept	k;
	uint64_t	g;

	pagecache_init(1 << 20, 1000);
	/* Off until the listener says it is up. */
	pagecache_put("/a?q=x", pagecache_gen(), 0, "one", 3, NULL);
	CHECK(!pagecache_get("/a?q=x", 0, &k));
	pagecache_enable(1);
	CHECK(pagecache_on());
	g = pagecache_gen();
	pagecache_put("/a?q=x", g, 0, "one", 3, "\"1-ab\"");
	CHECK(pagecache_get("/a?q=x", 10, &k) && k.len == 3 &&
	    !memcmp(k.body, "one", 3) && !strcmp(k.etag, "\"1-ab\""));
	/* Keys are whole: a prefix or a longer key is another answer. */
	CHECK(!pagecache_get("/a?q=", 10, &k));
	CHECK(!pagecache_get("/a?q=xy", 10, &k));
	/* A second answer for the key replaces the first. */
	pagecache_put("/a?q=x", g, 20, "two!", 4, NULL);
	CHECK(pagecache_get("/a?q=x", 30, &k) && k.len == 4 &&
	    k.etag[0] == '\0');
	/* Too old: gone. */
	CHECK(!pagecache_get("/a?q=x", 1100, &k));
}

static void
changes(void)
{
	struct kept	k;
	uint64_t	g;

	pagecache_init(1 << 20, 1000);
	pagecache_enable(1);
	g = pagecache_gen();
	pagecache_put("/b", g, 0, "x", 1, NULL);
	pagecache_clear();
	CHECK(!pagecache_get("/b", 0, &k));
	/* Worked out before the change came in: not kept. */
	pagecache_put("/b", g, 0, "x", 1, NULL);
	CHECK(!pagecache_get("/b", 0, &k));
	pagecache_put("/b", pagecache_gen(), 0, "y", 1, NULL);
	CHECK(pagecache_get("/b", 0, &k) && k.body[0] == 'y');
	/* The listener lost: everything goes and nothing new is kept. */
	pagecache_enable(0);
	CHECK(!pagecache_on() && !pagecache_get("/b", 0, &k));
	pagecache_put("/b", pagecache_gen(), 0, "z", 1, NULL);
	CHECK(!pagecache_get("/b", 0, &k));
	pagecache_enable(1);
}

static void
bounds(void)
{
	struct kept	k;
	char		key[32], body[1000];
	size_t		n, used;
	int		i, kept;

	memset(body, 'b', sizeof(body));
	pagecache_init(64 * 1024, 1000);
	pagecache_enable(1);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/c?page=%d", i);
		pagecache_put(key, pagecache_gen(), 0, body, sizeof(body),
		    NULL);
	}
	pagecache_usage(&n, &used);
	CHECK(used <= 64 * 1024 && n > 10 && n < 100);
	/* The newest stay, the oldest went. */
	CHECK(pagecache_get("/c?page=999", 0, &k));
	CHECK(!pagecache_get("/c?page=0", 0, &k));
	for (kept = 0, i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/c?page=%d", i);
		kept += pagecache_get(key, 0, &k);
	}
	CHECK((size_t)kept == n);
	/* However small the answers, their number is bounded too. */
	pagecache_init(64 << 20, 1000);
	pagecache_enable(1);
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "/d?q=%d", i);
		pagecache_put(key, pagecache_gen(), 0, "[]", 2, NULL);
	}
	pagecache_usage(&n, &used);
	CHECK(n == 16384 && pagecache_get("/d?q=19999", 0, &k) &&
	    !pagecache_get("/d?q=3615", 0, &k) &&
	    pagecache_get("/d?q=3616", 0, &k));
	/* An answer of more than a sixteenth of the bound is not kept. */
	pagecache_init(8 * 1024, 1000);
	pagecache_enable(1);
	pagecache_put("/big", pagecache_gen(), 0, body, sizeof(body), NULL);
	CHECK(!pagecache_get("/big", 0, &k));
	pagecache_put("/small", pagecache_gen(), 0, body, 10, NULL);
	CHECK(pagecache_get("/small", 0, &k));
	/* Size 0: never kept. */
	pagecache_init(0, 1000);
	pagecache_enable(1);
	CHECK(!pagecache_on());
	pagecache_enable(0);
}

void
test_pagecache(void)
{
	keeping();
	changes();
	bounds();
}
