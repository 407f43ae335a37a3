/*
 * test_query.c -- query strings: decoding, what is refused, lookups and
 * the unknown or repeated parameter a 400 names.
 */

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "test.h"

static int	parses(const char *);

static int
parses(const char *qs)
{
	struct qargs	a;
	int		ok;

	memset(&a, 0, sizeof(a));
	ok = qs_parse(&a, qs);
	qs_free(&a);
	return (ok);
}

static void
decoding(void)
{
	struct qargs	a;

	memset(&a, 0, sizeof(a));
	CHECK(qs_parse(&a, "q=xu+ly%20n%C6%B0%E1%BB%9Bc&limit=5&&flag&e="));
	CHECK(a.n == 4);
	CHECK(strcmp(qs_get(&a, "q"), "xu ly nước") == 0);
	CHECK(strcmp(qs_get(&a, "limit"), "5") == 0);
	CHECK(strcmp(qs_get(&a, "flag"), "") == 0);
	CHECK(strcmp(qs_get(&a, "e"), "") == 0);
	CHECK(qs_get(&a, "Q") == NULL);
	/* Parsing again answers as the first time, without adding. */
	CHECK(qs_parse(&a, "other=1") && a.n == 4);
	qs_free(&a);
	CHECK(a.n == 0 && a.parsed == 0);

	memset(&a, 0, sizeof(a));
	CHECK(qs_parse(&a, NULL) && a.n == 0 && qs_get(&a, "q") == NULL);
	qs_free(&a);
	memset(&a, 0, sizeof(a));
	CHECK(qs_parse(&a, "a=1&a=2") && strcmp(qs_get(&a, "a"), "1") == 0);
	qs_free(&a);
	memset(&a, 0, sizeof(a));
	CHECK(qs_parse(&a, "%61=%3D%26") && strcmp(qs_get(&a, "a"), "=&") == 0);
	qs_free(&a);
}

static void
refused(void)
{
	char		big[QS_MAX * 4 + 8];
	size_t		len;
	int		i;

	CHECK(!parses("q=%"));
	CHECK(!parses("q=%4"));
	CHECK(!parses("q=%zz"));
	CHECK(!parses("q=a%00b"));		/* NUL */
	CHECK(!parses("%00=1"));
	CHECK(!parses("q=%C3%28"));		/* bad UTF-8 */
	CHECK(!parses("q=%C0%AF"));		/* overlong */
	CHECK(!parses("q=%ED%A0%80"));		/* surrogate */
	CHECK(parses("q=%F0%9F%8C%BE"));	/* 🌾 */

	/* QS_MAX parameters, and one more. */
	for (i = 0, len = 0; i < QS_MAX; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
		    "%s%c=", i ? "&" : "", 'a' + i % 26);
	CHECK(parses(big));
	(void)snprintf(big + len, sizeof(big) - len, "&z=");
	CHECK(!parses(big));
}

static void
unknown(void)
{
	static const char *const allowed[] = { "q", "limit", NULL };
	struct qargs	a;
	const char	*bad;
	int		repeated;

	memset(&a, 0, sizeof(a));
	CHECK(qs_parse(&a, "q=1&limit=2"));
	CHECK(qs_unknown(&a, allowed, &repeated) == NULL && !repeated);
	qs_free(&a);

	memset(&a, 0, sizeof(a));
	CHECK(qs_parse(&a, "q=1&sort=x&lmit=2"));
	bad = qs_unknown(&a, allowed, &repeated);
	CHECK(bad != NULL && strcmp(bad, "sort") == 0 && !repeated);
	qs_free(&a);

	memset(&a, 0, sizeof(a));
	CHECK(qs_parse(&a, "limit=1&q=a&limit=2"));
	bad = qs_unknown(&a, allowed, &repeated);
	CHECK(bad != NULL && strcmp(bad, "limit") == 0 && repeated);
	qs_free(&a);
}

void
test_query(void)
{
	decoding();
	refused();
	unknown();
}
