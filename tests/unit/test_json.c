/*
 * test_json.c -- json.c: parsing with the pre-scan, accessors, output.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore.h>

#include "app.h"
#include "test.h"

static int	rejects(const char *, size_t, const char *);
static int	accepts(const char *, size_t);
static int	ok(const char *);
static int	bad(const char *, const char *);
static char	*nested(const char *, const char *, int);
static void	parse_valid(void);
static void	parse_malformed(void);
static void	parse_nul(void);
static void	parse_depth(void);
static void	parse_utf8(void);
static void	parse_unterminated(void);
static void	parse_comments(void);
static void	accessors(void);
static void	numbers(void);
static void	generate(void);
static void	texts(void);
static void	canonical(void);

/* 1 when json_parse refuses s[0..len) with an error containing want. */
static int
rejects(const char *s, size_t len, const char *want)
{
	char		err[256];
	yajl_val	v;

	memset(err, 'Z', sizeof(err));
	v = json_parse(s, len, err, sizeof(err));
	if (v != NULL) {
		yajl_tree_free(v);
		return (0);
	}
	if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
		return (0);
	return (want == NULL || strstr(err, want) != NULL);
}

static int
accepts(const char *s, size_t len)
{
	char		err[256];
	yajl_val	v;

	if ((v = json_parse(s, len, err, sizeof(err))) == NULL)
		return (0);
	yajl_tree_free(v);
	return (err[0] == '\0');
}

static int
ok(const char *s)
{
	return (accepts(s, strlen(s)));
}

static int
bad(const char *s, const char *want)
{
	return (rejects(s, strlen(s), want));
}

/* depth times open, then a value, then depth times close. */
static char *
nested(const char *open, const char *close, int depth)
{
	size_t		olen, clen;
	char		*s, *p;
	int		i;

	olen = strlen(open);
	clen = strlen(close);
	if ((s = malloc(depth * (olen + clen) + 2)) == NULL)
		abort();
	p = s;
	for (i = 0; i < depth; i++, p += olen)
		memcpy(p, open, olen);
	*p++ = '1';
	for (i = 0; i < depth; i++, p += clen)
		memcpy(p, close, clen);
	*p = '\0';
	return (s);
}

static void
parse_valid(void)
{
	const char	*doc;
	char		 err[128];
	yajl_val	 v;

	doc = "{\"name\":\"Nguyễn Văn A\",\"n\":42,\"ok\":true,\"no\":false,"
	    "\"z\":null,\"o\":{\"p\":{\"q\":\"deep\"}},\"arr\":[1,\"x\",{}],"
	    "\"d\":1.5}";
	v = json_parse(doc, strlen(doc), err, sizeof(err));
	CHECK(v != NULL);
	CHECK(err[0] == '\0');
	CHECK(YAJL_IS_OBJECT(v));
	CHECK(v != NULL && v->u.object.len == 8);
	yajl_tree_free(v);

	CHECK(ok("{}"));
	CHECK(ok(" \t\r\n{ \"a\" : [ ] }\n "));
	CHECK(ok("[1,2,3]"));
	CHECK(ok("{\"k\":\"\\\"quoted\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}"));
	CHECK(ok("{\"e\":\"\\u00e9\\u1ec5\\ud83d\\ude00\"}"));
	CHECK(ok("{\"c\":\"\\u0001\"}"));
}

static void
parse_malformed(void)
{
	static const char *const text[] = {
		"", " ", "{", "}", "{\"a\":}", "{\"a\":1,}", "{'a':1}",
		"{a:1}", "{\"a\" 1}", "{\"a\":1} x", "{} {}", "[1,2",
		"{\"a\":\"open}", "nul", "{\"a\":tru}", "{\"a\":\"\\x\"}",
		"{\"a\":-}", "{\"a\":\"\\u12\"}", "{\"a\":1}}",
		"{\"a\":\"x\ty\"}", "{\"a\":\"x\ny\"}", "{\"a\":\"x\x01y\"}",
		"{\"a\":01}", "{\"a\":NaN}", "{\"a\":+1}", "{\"a\":.5}", NULL
	};
	size_t		i;
	char		err[4];
	yajl_val	v;

	for (i = 0; text[i] != NULL; i++) {
		if (!CHECK(bad(text[i], NULL)))
			fprintf(stderr, "\taccepted: '%s'\n", text[i]);
	}

	/* A tiny error buffer is still terminated. */
	memset(err, 'Z', sizeof(err));
	v = json_parse("{", 1, err, sizeof(err));
	CHECK(v == NULL);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
}

static void
parse_nul(void)
{
	static const char	doc[] = "{\"a\":\"x\0y\"}";
	static const char	tail[] = "{\"a\":1}\0";
	static const char	key[] = "{\"a\0b\":1}";
	const char		*s;

	/* A raw NUL inside the length, in a value, a key or at the end. */
	CHECK(rejects(doc, sizeof(doc) - 1, "NUL"));
	CHECK(rejects(tail, sizeof(tail) - 1, "NUL"));
	CHECK(rejects(key, sizeof(key) - 1, "NUL"));
	/* Outside the length it is not looked at. */
	CHECK(accepts(tail, sizeof(tail) - 2));

	/* An escaped NUL would cut the string short: refused. */
	s = "{\"a\":\"x\\u0000y\"}";
	CHECK(bad(s, "\\u0000"));
	s = "{\"a\\u0000\":1}";
	CHECK(bad(s, "\\u0000"));
	s = "{\"a\":\"\\u00001\"}";
	CHECK(bad(s, "\\u0000"));
	/* An escaped backslash, then a real \u0000. */
	s = "{\"a\":\"\\\\\\u0000\"}";
	CHECK(bad(s, "\\u0000"));

	/* An escaped backslash followed by the text u0000 is harmless. */
	s = "{\"a\":\"\\\\u0000\"}";
	CHECK(ok(s));
	s = "{\"a\":\"x\\\\u0000\",\"b\":\"\\\\\\\\u0000\"}";
	CHECK(ok(s));
	/* \u0000 as text outside the string being scanned. */
	s = "{\"u0000\":\"\\\\\",\"b\":\"u0000\"}";
	CHECK(ok(s));
	/* Other escapes of control characters are for validate() to judge. */
	s = "{\"a\":\"\\u0001\\u001f\\u0100\"}";
	CHECK(ok(s));
}

static void
parse_depth(void)
{
	char		*s, err[128];
	yajl_val	 root, v;
	size_t		 i;

	s = nested("[", "]", 32);
	CHECK(ok(s));
	free(s);
	s = nested("[", "]", 33);
	CHECK(bad(s, "deep"));
	free(s);

	/* An object 32 levels down ({"a":...} nesting), then 33. */
	s = nested("{\"a\":", "}", 32);
	root = json_parse(s, strlen(s), err, sizeof(err));
	CHECK(root != NULL);
	for (v = root, i = 0; i < 32 && v != NULL; i++)
		v = json_at(v, "a");
	CHECK(YAJL_IS_INTEGER(v));
	if (root != NULL)
		yajl_tree_free(root);
	free(s);
	s = nested("{\"a\":", "}", 33);
	CHECK(bad(s, "deep"));
	free(s);
	s = nested("{\"a\":[", "]}", 16);
	CHECK(ok(s));
	free(s);
	s = nested("{\"a\":[", "]}", 17);
	CHECK(bad(s, "deep"));
	free(s);

	/* Brackets in strings do not count, siblings do not add up. */
	s = "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\","
	    "\"b\":\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\"}";
	CHECK(ok(s));
	s = "[[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],"
	    "[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[]]";
	CHECK(ok(s));
	/* An escaped quote does not end the string early. */
	s = "{\"a\":\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}";
	CHECK(ok(s));
}

static void
parse_utf8(void)
{
	/* What yajl itself catches. */
	CHECK(bad("{\"a\":\"\xff\"}", NULL));
	CHECK(bad("{\"a\":\"\xfe\"}", NULL));
	CHECK(bad("{\"a\":\"\x80\"}", NULL));
	CHECK(bad("{\"a\":\"\xe1\x80\"}", NULL));
	CHECK(bad("{\"a\":\"\xc3\"}", NULL));
	CHECK(bad("{\"\xff\":1}", NULL));

	/* Not UTF-8 either: overlong, surrogate, above U+10FFFF. */
	CHECK(bad("{\"a\":\"\xc0\x80\"}", NULL));
	CHECK(bad("{\"a\":\"\xe0\x80\x80\"}", NULL));
	CHECK(bad("{\"a\":\"\xed\xa0\x80\"}", NULL));
	CHECK(bad("{\"a\":\"\xf4\x90\x80\x80\"}", NULL));

	CHECK(ok("{\"a\":\"Nguyễn\"}"));
	CHECK(ok("{\"a\":\"\xf0\x9f\x98\x80\"}"));
}

static void
parse_unterminated(void)
{
	static const char	text[] = "{\"a\":123}{\"b\":\"\\u0000\"}";
	char			*s, err[128];
	yajl_val		 v;
	int64_t			 n;

	/* An exact-size heap copy: no terminator anywhere. */
	if ((s = malloc(sizeof(text) - 1)) == NULL)
		abort();
	memcpy(s, text, sizeof(text) - 1);

	v = json_parse(s, 9, err, sizeof(err));
	CHECK(v != NULL);
	CHECK(json_int(v, "a", &n) && n == 123);
	yajl_tree_free(v);

	/* Short of the end: the missing bytes are not read. */
	CHECK(rejects(s, 6, NULL));
	CHECK(rejects(s, 8, NULL));
	v = json_parse(s, 7, err, sizeof(err));
	CHECK(v == NULL);
	/* All of it: two documents. */
	CHECK(rejects(s, sizeof(text) - 1, NULL));
	/* The second document alone; then cut inside its escape. */
	CHECK(rejects(s + 9, 14, "\\u0000"));
	CHECK(rejects(s + 9, 12, "\\u0000"));
	CHECK(rejects(s + 9, 11, NULL));
	CHECK(rejects(s + 9, 10, NULL));
	CHECK(rejects(s + 9, 7, NULL));
	free(s);
}

/*
 * JSON has no comments. yajl_tree_parse() allows them; the pre-scan
 * does not know them, so a quote or bracket inside one shifts its idea
 * of what is a string and what is nesting.
 */
static void
parse_comments(void)
{
	const char	*s;
	char		 buf[256], *p;
	int		 i;

	s = "{\"a\":1 /* c */}";
	CHECK(bad(s, NULL));
	s = "{\"a\":1 // c\n}";
	CHECK(bad(s, NULL));

	/* A quote in a comment hides the \u0000 from the pre-scan. */
	s = "{\"a\":1 /* \" */,\"b\":\"x\\u0000y\"}";
	CHECK(bad(s, NULL));

	/* Closers in a comment lower the count: 40 levels get through. */
	p = buf;
	*p++ = '/';
	*p++ = '*';
	for (i = 0; i < 50; i++)
		*p++ = ']';
	*p++ = '*';
	*p++ = '/';
	for (i = 0; i < 40; i++)
		*p++ = '[';
	for (i = 0; i < 40; i++)
		*p++ = ']';
	*p = '\0';
	CHECK(bad(buf, NULL));
}

static void
accessors(void)
{
	const char	*doc;
	char		 err[128];
	yajl_val	 v, o;
	int64_t		 n;
	int		 b;

	doc = "{\"organization\":{\"tax_code\":\"0123456789\","
	    "\"addr\":{\"city\":\"Hà Nội\"}},"
	    "\"n\":-7,\"zero\":0,\"s\":\"5\",\"t\":true,\"f\":false,"
	    "\"z\":null,\"d\":1.5,\"e\":1.0,\"a\":[1],\"org\":\"short\"}";
	v = json_parse(doc, strlen(doc), err, sizeof(err));
	CHECK(v != NULL);
	if (v == NULL)
		return;

	/* json_at */
	o = json_at(v, "organization");
	CHECK(YAJL_IS_OBJECT(o));
	CHECK(json_at(v, "organization.tax_code") ==
	    json_at(o, "tax_code"));
	CHECK(json_at(v, "organization.addr.city") != NULL);
	CHECK(json_at(v, "organization.missing") == NULL);
	CHECK(json_at(v, "organization.addr.city.x") == NULL);
	CHECK(json_at(v, "missing.tax_code") == NULL);
	CHECK(json_at(v, "n.x") == NULL);
	CHECK(json_at(v, "a.0") == NULL);
	CHECK(json_at(v, "organ") == NULL);
	CHECK(json_at(v, "organizationX") == NULL);
	CHECK(json_at(v, "") == NULL);
	CHECK(json_at(v, "organization.") == NULL);
	CHECK(json_at(v, ".organization") == NULL);
	CHECK(json_at(NULL, "organization") == NULL);
	CHECK(YAJL_IS_STRING(json_at(v, "org")));

	/* json_str */
	CHECK(json_str(v, "organization.tax_code") != NULL &&
	    strcmp(json_str(v, "organization.tax_code"), "0123456789") == 0);
	CHECK(json_str(v, "organization.addr.city") != NULL &&
	    strcmp(json_str(v, "organization.addr.city"),
	    "Hà Nội") == 0);
	CHECK(json_str(v, "org") != NULL &&
	    strcmp(json_str(v, "org"), "short") == 0);
	CHECK(json_str(v, "missing") == NULL);
	CHECK(json_str(v, "n") == NULL);
	CHECK(json_str(v, "t") == NULL);
	CHECK(json_str(v, "z") == NULL);
	CHECK(json_str(v, "organization") == NULL);
	CHECK(json_str(v, "a") == NULL);

	/* json_int: the output is only written on success. */
	n = 99;
	CHECK(json_int(v, "n", &n) == 1 && n == -7);
	CHECK(json_int(v, "zero", &n) == 1 && n == 0);
	n = 99;
	CHECK(json_int(v, "s", &n) == 0 && n == 99);
	CHECK(json_int(v, "d", &n) == 0 && n == 99);
	CHECK(json_int(v, "e", &n) == 0 && n == 99);
	CHECK(json_int(v, "t", &n) == 0 && n == 99);
	CHECK(json_int(v, "z", &n) == 0 && n == 99);
	CHECK(json_int(v, "missing", &n) == 0 && n == 99);
	CHECK(json_int(v, "organization", &n) == 0 && n == 99);

	/* json_bool */
	b = 7;
	CHECK(json_bool(v, "t", &b) == 1 && b == 1);
	CHECK(json_bool(v, "f", &b) == 1 && b == 0);
	b = 7;
	CHECK(json_bool(v, "n", &b) == 0 && b == 7);
	CHECK(json_bool(v, "zero", &b) == 0 && b == 7);
	CHECK(json_bool(v, "s", &b) == 0 && b == 7);
	CHECK(json_bool(v, "z", &b) == 0 && b == 7);
	CHECK(json_bool(v, "missing", &b) == 0 && b == 7);

	/* json_has: present even as null; false for a path through one. */
	CHECK(json_has(v, "n") == 1);
	CHECK(json_has(v, "z") == 1);
	CHECK(json_has(v, "organization") == 1);
	CHECK(json_has(v, "organization.addr.city") == 1);
	CHECK(json_has(v, "organization.missing") == 0);
	CHECK(json_has(v, "missing") == 0);
	CHECK(json_has(v, "z.x") == 0);
	CHECK(json_has(v, "n.x") == 0);
	CHECK(json_has(v, "organ") == 0);
	CHECK(json_has(NULL, "n") == 0);

	yajl_tree_free(v);
}

static void
numbers(void)
{
	const char	*doc;
	char		 err[128];
	yajl_val	 v;
	int64_t		 n;

	doc = "{\"max\":9223372036854775807,\"over\":9223372036854775808,"
	    "\"huge\":123456789012345678901234567890,"
	    "\"minp\":-9223372036854775807,"
	    "\"under\":-9223372036854775809,\"exp\":1e3,\"neg0\":-0}";
	v = json_parse(doc, strlen(doc), err, sizeof(err));
	CHECK(v != NULL);
	if (v == NULL)
		return;
	CHECK(json_int(v, "max", &n) == 1 && n == INT64_MAX);
	CHECK(json_int(v, "minp", &n) == 1 && n == -INT64_MAX);
	n = 5;
	CHECK(json_int(v, "over", &n) == 0 && n == 5);
	CHECK(json_int(v, "huge", &n) == 0 && n == 5);
	CHECK(json_int(v, "under", &n) == 0 && n == 5);
	CHECK(json_int(v, "exp", &n) == 0 && n == 5);
	CHECK(json_int(v, "neg0", &n) == 1 && n == 0);
	yajl_tree_free(v);
}

static void
generate(void)
{
	yajl_gen	 g;
	char		*out, err[128];
	size_t		 len;
	yajl_val	 v;
	int64_t		 n;

	if ((g = yajl_gen_alloc(NULL)) == NULL)
		abort();
	yajl_gen_map_open(g);
	json_gen_kv(g, "name", "Nguyễn \"Bob\" back\\slash");
	json_gen_kv(g, "ctl", "a\nb\tc\rd\be\ff\x01g\x10h");
	json_gen_kv(g, "none", NULL);
	json_gen_kint(g, "n", -42);
	json_gen_kint(g, "max", 9223372036854775807LL);
	json_gen_kint(g, "min", -9223372036854775807LL - 1);
	json_gen_str(g, "list");
	yajl_gen_array_open(g);
	json_gen_str(g, "");
	json_gen_str(g, NULL);
	json_gen_str(g, "a/b");
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);

	len = 12345;
	out = json_gen_take(g, &len);
	CHECK(out != NULL);
	if (out == NULL)
		return;
	CHECK(len == strlen(out));
	CHECK(strcmp(out,
	    "{\"name\":\"Nguyễn \\\"Bob\\\" back\\\\slash\","
	    "\"ctl\":\"a\\nb\\tc\\rd\\be\\ff\\u0001g\\u0010h\","
	    "\"none\":null,\"n\":-42,"
	    "\"max\":9223372036854775807,\"min\":-9223372036854775808,"
	    "\"list\":[\"\",null,\"a/b\"]}") == 0);

	/* What we write, we read back the same. */
	v = json_parse(out, len, err, sizeof(err));
	CHECK(v != NULL);
	CHECK(json_str(v, "name") != NULL && strcmp(json_str(v, "name"),
	    "Nguyễn \"Bob\" back\\slash") == 0);
	CHECK(json_str(v, "ctl") != NULL && strcmp(json_str(v, "ctl"),
	    "a\nb\tc\rd\be\ff\x01g\x10h") == 0);
	CHECK(json_has(v, "none") && json_str(v, "none") == NULL);
	CHECK(json_int(v, "n", &n) && n == -42);
	CHECK(json_int(v, "max", &n) && n == INT64_MAX);
	yajl_tree_free(v);
	kore_free(out);

	/* Nothing generated yet: an empty, terminated string. */
	if ((g = yajl_gen_alloc(NULL)) == NULL)
		abort();
	len = 12345;
	out = json_gen_take(g, &len);
	CHECK(out != NULL && len == 0 && out[0] == '\0');
	kore_free(out);
}

static void
texts(void)
{
	int		i;

	CHECK(strcmp(verr_text(VERR_REQUIRED, LANG_EN), "is required") == 0);
	CHECK(strcmp(verr_text(VERR_REQUIRED, LANG_VI),
	    "bắt buộc phải có") == 0);
	CHECK(strcmp(verr_text(VERR_MAX, LANG_EN), "") == 0);
	for (i = 0; i < VERR_MAX; i++) {
		if (!CHECK(verr_text(i, LANG_EN) != NULL &&
		    verr_text(i, LANG_EN)[0] != '\0' &&
		    verr_text(i, LANG_VI) != NULL &&
		    verr_text(i, LANG_VI)[0] != '\0' &&
		    strcmp(verr_text(i, LANG_EN), verr_text(i, LANG_VI)) != 0))
			fprintf(stderr, "\tverr %d\n", i);
	}
}

/* The text a signature covers: sorted keys, no white space. */
static void
canonical(void)
{
	struct canon	 f[6];
	char		*out;
	size_t		 len;

	f[0] = (struct canon){ "zeta", CANON_INT, NULL, -42 };
	f[1] = (struct canon){ "alpha", CANON_STR, "Cần Thơ \"1\"\n", 0 };
	f[2] = (struct canon){ "mid", CANON_BOOL, NULL, 1 };
	f[3] = (struct canon){ "b", CANON_NULL, NULL, 0 };
	f[4] = (struct canon){ "a_b", CANON_STR, NULL, 0 };
	f[5] = (struct canon){ "Z", CANON_INT, NULL, 9007199254740993LL };
	out = canon_json(f, 6, &len);
	if (!CHECK(out != NULL))
		return;
	CHECK(strcmp(out, "{\"Z\":9007199254740993,\"a_b\":null,"
	    "\"alpha\":\"Cần Thơ \\\"1\\\"\\n\",\"b\":null,"
	    "\"mid\":true,\"zeta\":-42}") == 0);
	CHECK(len == strlen(out));
	kore_free(out);
	out = canon_json(f, 0, &len);
	CHECK(out != NULL && strcmp(out, "{}") == 0);
	kore_free(out);
}

void
test_json(void)
{
	parse_valid();
	parse_malformed();
	parse_nul();
	parse_depth();
	parse_utf8();
	parse_unterminated();
	parse_comments();
	accessors();
	numbers();
	generate();
	texts();
	canonical();
}
