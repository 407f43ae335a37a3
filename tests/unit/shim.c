/*
 * shim.c -- what the Kore binary would provide to its own mem.c and buf.c
 * when they are linked into the unit tests on their own: error exits,
 * logging, two string helpers and a plain malloc-backed pool; and for
 * standby.c a clock the tests set and a number parser.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore.h>

static void	vreport(const char *, const char *, va_list);

static void
vreport(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
fatal(const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	vreport("fatal", fmt, ap);
	va_end(ap);
	exit(2);
}

void
fatalx(const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	vreport("fatalx", fmt, ap);
	va_end(ap);
	exit(2);
}

void
kore_log(int prio, const char *fmt, ...)
{
	va_list		ap;
	char		what[32];

	(void)snprintf(what, sizeof(what), "log(%d)", prio);
	va_start(ap, fmt);
	vreport(what, fmt, ap);
	va_end(ap);
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

void *
kore_mem_find(void *src, size_t slen, const void *needle, size_t len)
{
	return (memmem(src, slen, needle, len));
}

/* Each element is its own allocation: slower, but exact for tests. */
void
kore_pool_init(struct kore_pool *pool, const char *name, size_t len,
    size_t elm)
{
	memset(pool, 0, sizeof(*pool));
	if ((pool->name = strdup(name)) == NULL)
		fatal("kore_pool_init: strdup");
	pool->elen = len;
	pool->elms = elm;
}

void
kore_pool_cleanup(struct kore_pool *pool)
{
	free(pool->name);
	pool->name = NULL;
	pool->elen = 0;
	pool->inuse = 0;
}

void *
kore_pool_get(struct kore_pool *pool)
{
	void		*p;

	if ((p = calloc(1, pool->elen)) == NULL)
		fatal("kore_pool_get(%s): out of memory", pool->name);
	pool->inuse++;
	return (p);
}

void
kore_pool_put(struct kore_pool *pool, void *p)
{
	if (pool->inuse == 0)
		fatal("kore_pool_put(%s): nothing in use", pool->name);
	pool->inuse--;
	free(p);
}

/* A clock the tests move (standby.c reads it as Kore's). */
u_int64_t	shim_now_ms = 1;

u_int64_t
kore_time_ms(void)
{
	return (shim_now_ms);
}

/* Decimal and unsigned only, as the module's callers ask. */
u_int64_t
kore_strtonum64(const char *str, int sign, int *err)
{
	char		*end;
	u_int64_t	 v;

	(void)sign;
	v = strtoull(str, &end, 10);
	*err = (*str != '\0' && *end == '\0') ? KORE_RESULT_OK :
	    KORE_RESULT_ERROR;
	return (v);
}
