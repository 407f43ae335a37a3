/*
 * query.c -- query strings: split on '&' and '=', percent- and
 * plus-decoded, checked for strict UTF-8 and NUL bytes. Pure (kore_malloc
 * only), so the unit tests drive it directly.
 */

#include <ctype.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"

static char	*url_decode(const char *, size_t);
static int	 hexval(char);

static int
hexval(char c)
{
	return (isdigit((unsigned char)c) ? c - '0' :
	    tolower((unsigned char)c) - 'a' + 10);
}

/* The decoded text, or NULL for a bad escape, a NUL or bad UTF-8. */
static char *
url_decode(const char *s, size_t len)
{
	char		*out;
	size_t		 i, o, chars;

	out = kore_malloc(len + 1);
	for (i = o = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] != '%')
			out[o++] = s[i];
		else if (i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else
			goto fail;
	}
	out[o] = '\0';
	if (strlen(out) != o || !utf8_valid(out, o, &chars))
		goto fail;
	return (out);
fail:
	kore_free(out);
	return (NULL);
}

/*
 * Parse qs (NULL: none) into a; 0 when it is malformed or holds more
 * than QS_MAX parameters. Parsing again answers as the first time.
 */
int
qs_parse(struct qargs *a, const char *qs)
{
	const char	*p, *amp, *eq, *end;

	if (a->parsed)
		return (a->parsed == 1);
	a->parsed = -1;
	for (p = qs; p != NULL && *p != '\0'; p = amp ? amp + 1 : NULL) {
		amp = strchr(p, '&');
		end = amp ? amp : p + strlen(p);
		if (end == p)
			continue;
		if (a->n >= QS_MAX)
			return (0);
		eq = memchr(p, '=', end - p);
		a->key[a->n] = url_decode(p, (eq ? eq : end) - p);
		a->val[a->n] = eq ? url_decode(eq + 1, end - eq - 1) :
		    kore_strdup("");
		a->n++;
		if (a->key[a->n - 1] == NULL || a->val[a->n - 1] == NULL)
			return (0);
	}
	a->parsed = 1;
	return (1);
}

/* The first value of name, NULL when absent (or not parsed). */
const char *
qs_get(const struct qargs *a, const char *name)
{
	int		i;

	for (i = 0; a->parsed == 1 && i < a->n; i++) {
		if (!strcmp(a->key[i], name))
			return (a->val[i]);
	}
	return (NULL);
}

/*
 * The first parameter that is not in the NULL-ended allowed list, or
 * that comes twice (*repeated set); NULL when every one is fine.
 */
const char *
qs_unknown(const struct qargs *a, const char *const *allowed, int *repeated)
{
	int		i, k;

	*repeated = 0;
	for (i = 0; i < a->n; i++) {
		if (!str_oneof(a->key[i], allowed))
			return (a->key[i]);
		for (k = 0; k < i; k++) {
			if (!strcmp(a->key[k], a->key[i])) {
				*repeated = 1;
				return (a->key[i]);
			}
		}
	}
	return (NULL);
}

void
qs_free(struct qargs *a)
{
	int		i;

	for (i = 0; i < a->n; i++) {
		kore_free(a->key[i]);
		kore_free(a->val[i]);
	}
	a->n = 0;
	a->parsed = 0;
}
