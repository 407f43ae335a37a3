/*
 * cors.c -- which web origins may call the API from a browser, from
 * TM_CORS_ORIGINS: exact origins ("https://dost.cantho.gov.vn"), comma
 * separated; none by default. Never a wildcard: an agency's page may
 * read answers only if it is named. Tokens travel in Authorization,
 * never in cookies, so credentials are never allowed either.
 */

#include <string.h>

#include "app.h"

static int	origin_ok(const char *, size_t);

/*
 * The origins of spec into c; 0 when one is not scheme://host[:port]
 * of http or https, or there are more than CORS_MAX.
 */
int
cors_parse(const char *spec, struct cors *c)
{
	const char	*p, *end;
	size_t		 n;

	c->n = 0;
	for (p = spec; p != NULL && *p != '\0'; p = *end ? end + 1 : NULL) {
		p += strspn(p, " ");
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		n = end - p;
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0)
			continue;
		if (c->n == CORS_MAX || n >= sizeof(c->origin[0]) ||
		    !origin_ok(p, n))
			return (0);
		memcpy(c->origin[c->n], p, n);
		c->origin[c->n++][n] = '\0';
	}
	return (1);
}

/* An origin as browsers send it: a scheme, "://", a host, no path. */
static int
origin_ok(const char *s, size_t n)
{
	size_t		skip;

	if (n > 8 && !strncmp(s, "https://", 8))
		skip = 8;
	else if (n > 7 && !strncmp(s, "http://", 7))
		skip = 7;
	else
		return (0);
	return (strspn(s + skip, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]")
	    == n - skip);
}

/* Whether origin is one c names, exactly. */
int
cors_match(const struct cors *c, const char *origin)
{
	size_t		i;

	for (i = 0; origin != NULL && i < c->n; i++) {
		if (!strcmp(c->origin[i], origin))
			return (1);
	}
	return (0);
}
