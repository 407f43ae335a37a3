/*
 * router.c -- which route of a table a method and path name. Pure
 * (kore_malloc only): the unit tests drive it with a table of their own.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"

static int	segment_match(const char *, const char *, size_t, int *);
static int	path_match(const char *, const char *, const char **, size_t *);
static int	method_serves(const char *, const char *);

/*
 * Match one pattern segment against a path segment of len bytes; a
 * parameter, "{id}" or "{year}", takes any non-empty segment (handlers
 * check it is a UUID or a year).
 */
static int
segment_match(const char *pat, const char *seg, size_t len, int *param)
{
	size_t		plen;

	plen = strcspn(pat, "/");
	*param = (plen > 2 && pat[0] == '{' && pat[plen - 1] == '}');
	if (*param)
		return (len > 0);
	return (plen == len && !strncmp(pat, seg, len));
}

static int
path_match(const char *pat, const char *path, const char **idp, size_t *idl)
{
	size_t		len;
	int		param;

	*idp = NULL;
	while (*pat == '/' && *path == '/') {
		pat++;
		path++;
		len = strcspn(path, "/");
		if (!segment_match(pat, path, len, &param))
			return (0);
		if (param) {
			*idp = path;
			*idl = len;
		}
		pat += strcspn(pat, "/");
		path += len;
	}
	return (*pat == '\0' && *path == '\0');
}

/* A route of method serves request: HEAD is a GET without the body. */
static int
method_serves(const char *method, const char *request)
{
	return (!strcmp(method, request) ||
	    (!strcmp(request, "HEAD") && !strcmp(method, "GET")));
}

/*
 * The route of table t (n of them) for method and path, its {id} copied
 * to *id (kore_free it); NULL, with *wrong set when the path exists for
 * another method.
 */
const struct route *
route_match(const struct route *t, size_t n, const char *method,
    const char *path, char **id, int *wrong)
{
	const char	*idp;
	size_t		 i, idl = 0;

	*wrong = 0;
	*id = NULL;
	for (i = 0; i < n; i++) {
		if (!path_match(t[i].path, path, &idp, &idl))
			continue;
		if (!method_serves(t[i].method, method)) {
			*wrong = 1;
			continue;
		}
		if (idp != NULL) {
			*id = kore_malloc(idl + 1);
			memcpy(*id, idp, idl);
			(*id)[idl] = '\0';
		}
		return (&t[i]);
	}
	return (NULL);
}

/* The Allow header for a 405: every method the path answers. */
void
route_allow(const struct route *t, size_t n, const char *path, char *out,
    size_t len)
{
	const char	*idp;
	size_t		 i, idl, k;

	out[0] = '\0';
	for (i = 0, k = 0; i < n && k < len; i++) {
		if (path_match(t[i].path, path, &idp, &idl))
			k += snprintf(out + k, len - k, "%s%s%s", k ? ", " : "",
			    t[i].method, strcmp(t[i].method, "GET") ? "" :
			    ", HEAD");
	}
}
