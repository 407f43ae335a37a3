/*
 * fuzz_query.c -- qs_parse() on any query string: at most QS_MAX
 * parameters, each name and value strict UTF-8 with no NUL inside; a
 * second parse answers as the first; lookups and the unknown/repeated
 * check hold; qs_free() leaves nothing behind (LeakSanitizer).
 */

#include <string.h>

#include <kore/kore.h>

#include "app.h"
#include "fuzz.h"

static const char *const allowed[] = { "q", "limit", "cursor", "status",
    "category", "sort", "facets", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qargs	 a;
	const char	*bad, *v;
	char		*s;
	size_t		 chars;
	int		 i, ok, repeated;

	s = fuzz_str(data, size);
	memset(&a, 0, sizeof(a));
	ok = qs_parse(&a, s);
	FUZZ_ASSERT(a.n >= 0 && a.n <= QS_MAX);
	FUZZ_ASSERT(qs_parse(&a, s) == ok);
	if (ok) {
		for (i = 0; i < a.n; i++) {
			FUZZ_ASSERT(utf8_valid(a.key[i], strlen(a.key[i]),
			    &chars));
			FUZZ_ASSERT(utf8_valid(a.val[i], strlen(a.val[i]),
			    &chars));
			FUZZ_ASSERT(qs_get(&a, a.key[i]) != NULL);
		}
		bad = qs_unknown(&a, allowed, &repeated);
		FUZZ_ASSERT(bad == NULL || !str_oneof(bad, allowed) ||
		    repeated);
		if ((v = qs_get(&a, "q")) != NULL)
			(void)utf8_valid(v, strlen(v), &chars);
	} else
		FUZZ_ASSERT(qs_get(&a, "q") == NULL);
	qs_free(&a);
	FUZZ_ASSERT(a.n == 0 && a.parsed == 0);
	kore_free(s);
	return (0);
}
