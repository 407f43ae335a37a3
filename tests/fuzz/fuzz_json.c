/*
 * fuzz_json.c -- json_parse(): the pre-scan (NUL, \u0000, lone surrogates,
 * comments, depth) and yajl behind it. What it accepts must be strict
 * UTF-8 everywhere, no deeper than the pre-scan allows, and must come
 * out of yajl_gen as JSON that json_parse() accepts again.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"
#include "fuzz.h"

#define DEPTH_MAX	32	/* json.c's JSON_DEPTH_MAX */

static void	walk(yajl_val, yajl_gen, int);
static void	text_ok(const char *);
static void	accessors(yajl_val);

static void
text_ok(const char *s)
{
	size_t		chars;

	FUZZ_ASSERT(utf8_valid(s, strlen(s), &chars));
}

/* Checks every value and writes it again to g. */
static void
walk(yajl_val v, yajl_gen g, int depth)
{
	size_t		i;

	FUZZ_ASSERT(v != NULL);
	if (YAJL_IS_STRING(v)) {
		text_ok(v->u.string);
		json_gen_str(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		FUZZ_ASSERT(v->u.number.r != NULL);
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_OBJECT(v)) {
		FUZZ_ASSERT(++depth <= DEPTH_MAX);
		yajl_gen_map_open(g);
		for (i = 0; i < v->u.object.len; i++) {
			text_ok(v->u.object.keys[i]);
			json_gen_str(g, v->u.object.keys[i]);
			walk(v->u.object.values[i], g, depth);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		FUZZ_ASSERT(++depth <= DEPTH_MAX);
		yajl_gen_array_open(g);
		for (i = 0; i < v->u.array.len; i++)
			walk(v->u.array.values[i], g, depth);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	else {
		FUZZ_ASSERT(YAJL_IS_NULL(v));
		yajl_gen_null(g);
	}
}

/* The handlers' ways in: dotted paths, present or not, of any type. */
static void
accessors(yajl_val v)
{
	static const char *const paths[] = { "email", "password",
	    "organization.tax_code", "a.b.c", "", ".", "a..b", NULL };
	const char *const	*p;
	int64_t			 n;
	int			 b;

	for (p = paths; *p != NULL; p++) {
		(void)json_str(v, *p);
		(void)json_int(v, *p, &n);
		(void)json_bool(v, *p, &b);
		(void)json_has(v, *p);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yajl_val	 v, again;
	yajl_gen	 g;
	char		 err[128], *text;
	size_t		 len;

	memset(err, 'x', sizeof(err));
	if ((v = json_parse((const char *)data, size, err,
	    sizeof(err))) == NULL) {
		FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_ASSERT(err[0] != '\0');
		return (0);
	}
	accessors(v);
	if ((g = yajl_gen_alloc(NULL)) == NULL)
		abort();
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	walk(v, g, 0);
	text = json_gen_take(g, &len);
	FUZZ_ASSERT(text != NULL);
	again = json_parse(text, len, err, sizeof(err));
	if (again == NULL)
		fprintf(stderr, "not accepted again (%s): %s\n", err, text);
	FUZZ_ASSERT(again != NULL);
	yajl_tree_free(again);
	kore_free(text);
	yajl_tree_free(v);
	return (0);
}
