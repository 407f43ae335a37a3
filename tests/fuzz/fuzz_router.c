/*
 * fuzz_router.c -- route_match() and route_allow() over the server's
 * own table (routes.c, its handlers stubbed), with the input's first
 * line as the method and the rest as the path: a route found serves
 * that method, its {id} is one whole non-empty segment, and the Allow
 * list of a 405 fits app.c's buffer.
 */

#include <string.h>

#include <kore/kore.h>

#include "app.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route	*rt;
	char			*s, *method, *path, *id, allow[64];
	int			 wrong;

	s = fuzz_str(data, size);
	if ((path = strchr(s, '\n')) != NULL) {
		*path++ = '\0';
		method = s;
	} else {
		method = "GET";
		path = s;
	}
	rt = route_match(routes, routes_count, method, path, &id, &wrong);
	if (rt != NULL) {
		FUZZ_ASSERT(!strcmp(rt->method, method) ||
		    (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET")));
		FUZZ_ASSERT(id == NULL || (*id != '\0' &&
		    strchr(id, '/') == NULL));
		FUZZ_ASSERT(id == NULL || strstr(path, id) != NULL);
		FUZZ_ASSERT(id != NULL || strchr(rt->path, '{') == NULL);
	} else
		FUZZ_ASSERT(id == NULL);
	memset(allow, 'x', sizeof(allow));
	route_allow(routes, routes_count, path, allow, sizeof(allow));
	FUZZ_ASSERT(memchr(allow, '\0', sizeof(allow)) != NULL);
	FUZZ_ASSERT(!wrong || allow[0] != '\0');
	kore_free(id);
	kore_free(s);
	return (0);
}
