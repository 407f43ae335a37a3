/*
 * json.c -- parsing request bodies with yajl, small accessors, building
 * output with yajl_gen. Pure: Kore's allocator, no Kore runtime.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

#include <sodium.h>

#include "app.h"

#define JSON_DEPTH_MAX	32

static int	prescan(const char *, size_t, char *, size_t);
static int	escape_ok(const char *, size_t, size_t);
static long	hex4(const char *);
static yajl_val	member(yajl_val, const char *, size_t);

static long
hex4(const char *s)
{
	char		buf[5], *end;
	long		v;

	memcpy(buf, s, 4);
	buf[4] = '\0';
	v = strtol(buf, &end, 16);
	return (*end == '\0' && buf[0] != '-' && buf[0] != '+' ? v : -1);
}

/*
 * The \uXXXX escape at s[i] (just past the backslash, at the 'u'): no
 * NUL, and surrogates only as a high-low pair; yajl would quietly turn
 * them into '?' or into bytes that are not UTF-8.
 */
static int
escape_ok(const char *s, size_t len, size_t i)
{
	long		v, lo;

	if (i + 4 >= len || (v = hex4(s + i + 1)) == -1)
		return (1);	/* malformed: yajl says so */
	if (v == 0 || (v >= 0xdc00 && v <= 0xdfff))
		return (0);
	if (v < 0xd800 || v > 0xdbff)
		return (1);
	if (i + 10 >= len || s[i + 5] != '\\' || s[i + 6] != 'u' ||
	    (lo = hex4(s + i + 7)) == -1)
		return (0);
	return (lo >= 0xdc00 && lo <= 0xdfff);
}

/*
 * Before yajl sees the text: refuse NUL bytes (yajl_tree stops at the
 * first), escaped \u0000 (it would silently cut strings, and PostgreSQL
 * text cannot hold it), lone surrogates, comments (yajl_tree allows them, and they would
 * hide brackets and quotes from this scan) and nesting deeper than any
 * body of ours needs (yajl_tree_free recurses).
 */
static int
prescan(const char *s, size_t len, char *err, size_t errlen)
{
	size_t		i;
	int		depth, instr;

	depth = 0;
	instr = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			(void)snprintf(err, errlen, "NUL byte in body");
			return (0);
		}
		if (instr) {
			if (s[i] == '"')
				instr = 0;
			else if (s[i] == '\\' && i + 1 < len) {
				i++;
				if (s[i] == 'u' && !escape_ok(s, len, i)) {
					(void)snprintf(err, errlen,
					    "\\u0000 or a lone surrogate");
					return (0);
				}
				/* The low half of a pair was checked. */
				if (s[i] == 'u' && i + 10 < len &&
				    hex4(s + i + 1) >= 0xd800 &&
				    hex4(s + i + 1) <= 0xdbff)
					i += 6;
			}
			continue;
		}
		if (s[i] == '"')
			instr = 1;
		else if (s[i] == '/') {
			(void)snprintf(err, errlen, "comments are not JSON");
			return (0);
		} else if ((s[i] == '{' || s[i] == '[') &&
		    ++depth > JSON_DEPTH_MAX) {
			(void)snprintf(err, errlen, "nested too deeply");
			return (0);
		} else if (s[i] == '}' || s[i] == ']')
			depth--;
	}
	return (1);
}

/* Parse len bytes of s (need not be terminated); NULL and err on failure. */
yajl_val
json_parse(const char *s, size_t len, char *err, size_t errlen)
{
	char		*copy;
	yajl_val	 v;
	size_t		 chars;

	err[0] = '\0';
	if (!prescan(s, len, err, errlen))
		return (NULL);
	/* yajl only checks the shape of UTF-8; overlongs and surrogates not. */
	if (!utf8_valid(s, len, &chars)) {
		(void)snprintf(err, errlen, "invalid UTF-8");
		return (NULL);
	}
	copy = kore_malloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	v = yajl_tree_parse(copy, err, errlen);
	sodium_memzero(copy, len);	/* it may hold a password */
	kore_free(copy);
	if (v == NULL && err[0] == '\0')
		(void)snprintf(err, errlen, "malformed JSON");
	return (v);
}

static yajl_val
member(yajl_val obj, const char *name, size_t len)
{
	size_t		i;

	if (!YAJL_IS_OBJECT(obj))
		return (NULL);
	for (i = 0; i < obj->u.object.len; i++) {
		if (strlen(obj->u.object.keys[i]) == len &&
		    !strncmp(obj->u.object.keys[i], name, len))
			return (obj->u.object.values[i]);
	}
	return (NULL);
}

/* Walk a dotted path ("organization.tax_code"); NULL when absent. */
yajl_val
json_at(yajl_val v, const char *path)
{
	const char	*dot;

	while (v != NULL && path != NULL) {
		dot = strchr(path, '.');
		v = member(v, path, dot ? (size_t)(dot - path) : strlen(path));
		path = dot ? dot + 1 : NULL;
	}
	return (v);
}

const char *
json_str(yajl_val v, const char *path)
{
	v = json_at(v, path);
	return (YAJL_IS_STRING(v) ? v->u.string : NULL);
}

int
json_int(yajl_val v, const char *path, int64_t *out)
{
	v = json_at(v, path);
	if (!YAJL_IS_INTEGER(v))
		return (0);
	*out = YAJL_GET_INTEGER(v);
	return (1);
}

int
json_bool(yajl_val v, const char *path, int *out)
{
	v = json_at(v, path);
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return (0);
	*out = YAJL_IS_TRUE(v);
	return (1);
}

/* Present, even as null (yajl keeps a null as a value of its own). */
int
json_has(yajl_val v, const char *path)
{
	return (json_at(v, path) != NULL);
}

void
json_gen_str(yajl_gen g, const char *s)
{
	if (s == NULL)
		yajl_gen_null(g);
	else
		yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void
json_gen_kv(yajl_gen g, const char *k, const char *v)
{
	json_gen_str(g, k);
	json_gen_str(g, v);
}

void
json_gen_kint(yajl_gen g, const char *k, long long v)
{
	json_gen_str(g, k);
	yajl_gen_integer(g, v);
}

/*
 * Copy the generated text out (the caller kore_frees it) and free the
 * generator.
 */
char *
json_gen_take(yajl_gen g, size_t *len)
{
	const unsigned char	*buf;
	char			*out;

	if (yajl_gen_get_buf(g, &buf, len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		*len = 0;
		return (NULL);
	}
	out = kore_malloc(*len + 1);
	/* Nothing generated: yajl has no buffer to copy from. */
	if (*len > 0)
		memcpy(out, buf, *len);
	out[*len] = '\0';
	yajl_gen_free(g);
	return (out);
}

static int
canon_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct canon *)a)->key,
	    ((const struct canon *)b)->key));
}

/*
 * The canonical text of a flat record, what a signature covers: one JSON
 * object, keys sorted bytewise, no white space, UTF-8 as it is. Sorts f
 * in place; the caller frees the text.
 */
char *
canon_json(struct canon *f, size_t n, size_t *len)
{
	yajl_gen	g;
	size_t		i;

	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return (NULL);
	qsort(f, n, sizeof(*f), canon_cmp);
	yajl_gen_map_open(g);
	for (i = 0; i < n; i++) {
		json_gen_str(g, f[i].key);
		switch (f[i].kind) {
		case CANON_STR:
			json_gen_str(g, f[i].str);
			break;
		case CANON_INT:
			yajl_gen_integer(g, f[i].num);
			break;
		case CANON_BOOL:
			yajl_gen_bool(g, f[i].num != 0);
			break;
		default:
			yajl_gen_null(g);
			break;
		}
	}
	yajl_gen_map_close(g);
	return (json_gen_take(g, len));
}
