/*
 * main.c -- runs every unit suite; the exit status is non-zero when any
 * check failed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore.h>
#include <sodium.h>

#include "test.h"

static void	test_kore(void);

static int	checks;
static int	failures;

int
test_check(int ok, const char *file, int line, const char *expr)
{
	checks++;
	if (!ok) {
		failures++;
		fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, expr);
	}
	return (ok);
}

int
test_summary(void)
{
	printf("unit: %d checks, %d failed\n", checks, failures);
	return (failures != 0);
}

/* The shim's pool under Kore's own allocator and buffers. */
static void
test_kore(void)
{
	struct kore_buf		*b;
	char			*p, *s;

	p = kore_malloc(100);
	CHECK(p != NULL);
	memset(p, 'x', 100);
	p = kore_realloc(p, 20000);
	CHECK(p != NULL && p[0] == 'x' && p[99] == 'x');
	kore_free(p);

	s = kore_strdup("Nguyễn");
	CHECK(s != NULL && strcmp(s, "Nguyễn") == 0);
	kore_free(s);

	b = kore_buf_alloc(4);
	kore_buf_appendf(b, "%s=%d;", "a", 1);
	kore_buf_appendf(b, "%s=%d;", "b", 2);
	kore_buf_replace_string(b, "=", ":", 1);
	s = kore_buf_stringify(b, NULL);
	CHECK(strcmp(s, "a:1;b:2;") == 0);
	kore_buf_free(b);
}

int
main(void)
{
	kore_mem_init();
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return (1);
	}

	test_kore();
	test_json();
	test_validate();
	test_cursor();
	test_crypto();
	test_messages();
	test_query();
	test_etag();
	test_cors();
	test_client();
	test_encoding();
	test_routes();
	test_problem();
	test_csv();
	test_audit();
	test_html();
	test_pagecache();
	test_standby();

	return (test_summary());
}
