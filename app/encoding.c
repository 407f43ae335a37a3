/*
 * encoding.c -- which content coding a client takes (Accept-Encoding,
 * RFC 9110 section 12.5.3). Only gzip matters here: the one answer big
 * enough to compress, the OpenAPI document, is compressed once at build
 * time, so the server never compresses anything per request.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"

static int	coding_is(const char *, size_t, const char *);

/* Whether header accepts gzip: named, or "*", without q=0. */
int
gzip_accepted(const char *header)
{
	const char	*p, *end, *semi, *q;
	size_t		 n;

	for (p = header; p != NULL && *p != '\0';
	    p = *end ? end + 1 : NULL) {
		p += strspn(p, " \t");
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		semi = memchr(p, ';', end - p);
		n = (semi ? semi : end) - p;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!coding_is(p, n, "gzip") && !coding_is(p, n, "x-gzip") &&
		    !coding_is(p, n, "*"))
			continue;
		/* A weight of 0 refuses; a weight that is not a number too. */
		if (semi == NULL || (q = strstr(semi, "q=")) == NULL ||
		    q >= end || strtod(q + 2, NULL) > 0)
			return (1);
	}
	return (0);
}

static int
coding_is(const char *p, size_t n, const char *name)
{
	return (n == strlen(name) && strncasecmp(p, name, n) == 0);
}
