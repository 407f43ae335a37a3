/*
 * shim.c -- what Kore would provide to the fuzzed files: an allocator of
 * exact sizes (Kore's own rounds up to its block sizes, where AddressSanitizer
 * would not see a byte written past the end), error exits and logging.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

#include "fuzz.h"

static void	vreport(const char *, const char *, va_list);

static void
vreport(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* A fatal() is a finding too: the server would lose the worker. */
void
fatal(const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	vreport("fatal", fmt, ap);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	vreport("fatalx", fmt, ap);
	va_end(ap);
	abort();
}

void
kore_log(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

void *
kore_malloc(size_t len)
{
	void		*p;

	/* kore_malloc(0) gives a pointer: so does this. */
	if ((p = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	return (p);
}

void *
kore_calloc(size_t memb, size_t len)
{
	void		*p;

	if ((p = calloc(memb > 0 ? memb : 1, len > 0 ? len : 1)) == NULL)
		abort();
	return (p);
}

void *
kore_realloc(void *ptr, size_t len)
{
	void		*p;

	if ((p = realloc(ptr, len > 0 ? len : 1)) == NULL)
		abort();
	return (p);
}

void
kore_free(void *ptr)
{
	free(ptr);
}

char *
kore_strdup(const char *s)
{
	char		*p;

	if ((p = strdup(s)) == NULL)
		abort();
	return (p);
}

size_t
kore_strlcpy(char *dst, const char *src, const size_t len)
{
	size_t		n;

	n = strlen(src);
	if (len > 0) {
		if (n < len) {
			memcpy(dst, src, n + 1);
		} else {
			memcpy(dst, src, len - 1);
			dst[len - 1] = '\0';
		}
	}
	return (n);
}

/* The input as a C string (free it), as a header or query string comes. */
char *
fuzz_str(const uint8_t *data, size_t size)
{
	char		*s;

	s = kore_malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

void
fuzz_assert(int ok, const char *file, int line, const char *expr)
{
	if (ok)
		return;
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, expr);
	abort();
}
