/*
 * test_validate.c -- validate.c: field tables, formats, strict UTF-8.
 *
 * Bodies are written with ' for " to stay readable; run() swaps them.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "test.h"

static int	run(const struct field *, const char *, struct verrors *);
static int	has(const struct verrors *, const char *, enum verr);
static int	pass(const struct field *, const char *);
static int	one(const struct field *, const char *, const char *,
		    enum verr);
static void	dump(const char *, const struct verrors *);
static void	account_bodies(void);
static void	types(void);
static void	lengths(void);
static void	controls(void);
static void	choices(void);
static void	arrays(void);
static void	limits(void);
static void	cost(void);
static void	formats(void);
static void	utf8(void);
static void	lists_and_keys(void);
static const char	*long_key(size_t);
static void	numbers(void);

static const char *const roles[] = { "vendor", "enterprise", "agency", NULL };

static const struct field org_fields[] = {
	{ .name = "name", .type = JT_STRING, .required = 1, .min = 2,
	    .max = 200 },
	{ .name = "tax_code", .type = JT_STRING, .required = 1,
	    .format = JF_TAXCODE, .max = 14 },
	{ .name = "website", .type = JT_STRING, .format = JF_URL,
	    .max = 200 },
	{ .name = "id", .type = JT_STRING, .readonly = 1 },
	{ .name = NULL }
};

static const struct field account[] = {
	{ .name = "id", .type = JT_STRING, .readonly = 1 },
	{ .name = "created_at", .type = JT_STRING, .readonly = 1 },
	{ .name = "email", .type = JT_STRING, .required = 1, .min = 3,
	    .max = 254, .format = JF_EMAIL },
	{ .name = "full_name", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 100 },
	{ .name = "role", .type = JT_STRING, .required = 1, .oneof = roles },
	{ .name = "employees", .type = JT_INT, .min = 1, .max = 100000 },
	{ .name = "accept_terms", .type = JT_BOOL, .required = 1 },
	{ .name = "phone", .type = JT_STRING, .format = JF_PHONE,
	    .max = 30 },
	{ .name = "organization", .type = JT_OBJECT, .required = 1,
	    .sub = org_fields },
	{ .name = NULL }
};

#define BASE	"'email':'lan@example.vn','full_name':'Trần Thị Lan'," \
		"'role':'vendor','accept_terms':true," \
		"'organization':{'name':'Công ty ABC','tax_code':'0123456789'}"

static const struct field sub_fields[] = {
	{ .name = "x", .type = JT_STRING, .max = 10 },
	{ .name = NULL }
};

/* Everything optional: one member per body, one error to look for. */
static const struct field opt[] = {
	{ .name = "s", .type = JT_STRING, .min = 1, .max = 6 },
	{ .name = "long", .type = JT_STRING, .min = 6, .max = 20 },
	{ .name = "note", .type = JT_STRING },
	{ .name = "i", .type = JT_INT, .min = 1, .max = 100000 },
	{ .name = "neg", .type = JT_INT, .min = INT64_MIN, .max = -1 },
	{ .name = "b", .type = JT_BOOL },
	{ .name = "o", .type = JT_OBJECT, .sub = sub_fields },
	{ .name = "tags", .type = JT_STRARRAY, .min = 1, .max = 10 },
	{ .name = "role", .type = JT_STRING, .oneof = roles },
	{ .name = "email", .type = JT_STRING, .max = 254,
	    .format = JF_EMAIL },
	{ .name = "day", .type = JT_STRING, .format = JF_DATE },
	{ .name = "code", .type = JT_STRING, .format = JF_CODE },
	{ .name = "id", .type = JT_STRING, .min = 36, .max = 36,
	    .format = JF_UUID },
	{ .name = NULL }
};

static int
run(const struct field *spec, const char *text, struct verrors *ve)
{
	char		*s, *p, err[256];
	yajl_val	 v;
	int		 rc;

	if ((s = strdup(text)) == NULL)
		abort();
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			*p = '"';
	}
	v = json_parse(s, strlen(s), err, sizeof(err));
	free(s);
	if (v == NULL) {
		fprintf(stderr, "\tbad test body %s: %s\n", text, err);
		ve->n = -1;
		return (-1);
	}
	rc = validate(v, spec, ve);
	yajl_tree_free(v);
	return (rc);
}

static int
has(const struct verrors *ve, const char *field, enum verr code)
{
	int		i;

	for (i = 0; i < ve->n; i++) {
		if (strcmp(ve->e[i].field, field) == 0 && ve->e[i].code == code)
			return (1);
	}
	return (0);
}

static void
dump(const char *body, const struct verrors *ve)
{
	int		i;

	fprintf(stderr, "\tbody %s: %d error(s)\n", body, ve->n);
	for (i = 0; i < ve->n && i < FIELD_ERRORS_MAX; i++)
		fprintf(stderr, "\t  '%s' %s\n", ve->e[i].field,
		    verr_text(ve->e[i].code, LANG_EN));
}

static int
pass(const struct field *spec, const char *body)
{
	struct verrors	ve;

	if (run(spec, body, &ve) == 1 && ve.n == 0)
		return (1);
	dump(body, &ve);
	return (0);
}

/* Refused with exactly one error: field, code. */
static int
one(const struct field *spec, const char *body, const char *field,
    enum verr code)
{
	struct verrors	ve;

	if (run(spec, body, &ve) == 0 && ve.n == 1 &&
	    strcmp(ve.e[0].field, field) == 0 && ve.e[0].code == code &&
	    ve.e[0].arg[0] == '\0')
		return (1);
	fprintf(stderr, "\twanted '%s' %s\n", field, verr_text(code, LANG_EN));
	dump(body, &ve);
	return (0);
}

static void
account_bodies(void)
{
	struct verrors	ve;

	CHECK(pass(account, "{" BASE "}"));
	CHECK(pass(account, "{" BASE ",'employees':1,'phone':'0912345678'}"));
	CHECK(pass(account, "{" BASE ",'employees':null,'phone':null}"));
	CHECK(pass(account, "{'organization':{'tax_code':'0123456789-001',"
	    "'name':'Co','website':'https://abc.vn'},'accept_terms':false,"
	    "'role':'agency','full_name':'X','email':'a@b.co'}"));

	/* Not an object at all. */
	CHECK(run(account, "[]", &ve) == 0 && ve.n == 1 &&
	    ve.e[0].field[0] == '\0' && ve.e[0].code == VERR_TYPE_OBJECT);
	CHECK(run(account, "'x'", &ve) == 0 && ve.n == 1 &&
	    ve.e[0].code == VERR_TYPE_OBJECT);

	CHECK(one(account, "{" BASE ",'nickname':'x'}", "nickname",
	    VERR_UNKNOWN));
	CHECK(one(account, "{" BASE ",'Email':'a@b.co'}", "Email",
	    VERR_UNKNOWN));
	CHECK(one(account, "{" BASE ",'id':'x'}", "id", VERR_READONLY));
	CHECK(one(account, "{" BASE ",'id':null}", "id", VERR_READONLY));
	CHECK(one(account, "{" BASE ",'created_at':'2026-01-01'}",
	    "created_at", VERR_READONLY));
	CHECK(one(account, "{" BASE ",'email':'b@example.vn'}", "email",
	    VERR_DUPLICATE));
	CHECK(one(account, "{" BASE ",'accept_terms':true}", "accept_terms",
	    VERR_DUPLICATE));

	/* Required: missing, or null. */
	CHECK(one(account, "{'full_name':'Lan','role':'vendor',"
	    "'accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'0123456789'}}", "email", VERR_REQUIRED));
	CHECK(one(account, "{'email':null,'full_name':'Lan','role':'vendor',"
	    "'accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'0123456789'}}", "email", VERR_REQUIRED));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':null,'organization':{'name':'Co',"
	    "'tax_code':'0123456789'}}", "accept_terms", VERR_REQUIRED));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':false}", "organization",
	    VERR_REQUIRED));

	/* Nested members are named by their path. */
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'123456789'}}", "organization.tax_code",
	    VERR_NOT_TAXCODE));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'Co'}}",
	    "organization.tax_code", VERR_REQUIRED));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'0123456789','fax':'1'}}", "organization.fax",
	    VERR_UNKNOWN));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'0123456789','id':'1'}}", "organization.id",
	    VERR_READONLY));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'0123456789','name':'Co'}}", "organization.name",
	    VERR_DUPLICATE));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'C',"
	    "'tax_code':'0123456789'}}", "organization.name",
	    VERR_TOO_SHORT));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'0123456789','website':'ftp://abc.vn'}}",
	    "organization.website", VERR_NOT_URL));
	/* Tab and newline are fine in text, not inside a URL. */
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':{'name':'Co',"
	    "'tax_code':'0123456789','website':'https://abc.vn/\\r\\nX:y'}}",
	    "organization.website", VERR_NOT_URL));
	CHECK(one(account, "{'email':'a@b.co','full_name':'Lan',"
	    "'role':'vendor','accept_terms':true,'organization':'Co'}",
	    "organization", VERR_TYPE_OBJECT));

	/* Every problem at once, so a client fixes the body in one go. */
	CHECK(run(account, "{'id':'1','x':1,'email':'not-an-email',"
	    "'role':'admin','employees':0,'accept_terms':'yes',"
	    "'phone':'12','organization':{'tax_code':'0123456789-01',"
	    "'extra':true}}", &ve) == 0);
	if (!CHECK(ve.n == 11))
		dump("(all at once)", &ve);
	CHECK(has(&ve, "id", VERR_READONLY));
	CHECK(has(&ve, "x", VERR_UNKNOWN));
	CHECK(has(&ve, "email", VERR_NOT_EMAIL));
	CHECK(has(&ve, "full_name", VERR_REQUIRED));
	CHECK(has(&ve, "role", VERR_ONEOF));
	CHECK(has(&ve, "employees", VERR_RANGE));
	CHECK(has(&ve, "accept_terms", VERR_TYPE_BOOL));
	CHECK(has(&ve, "phone", VERR_NOT_PHONE));
	CHECK(has(&ve, "organization.extra", VERR_UNKNOWN));
	CHECK(has(&ve, "organization.name", VERR_REQUIRED));
	CHECK(has(&ve, "organization.tax_code", VERR_NOT_TAXCODE));

	/* The count starts again with each call. */
	CHECK(pass(account, "{" BASE "}"));
}

static void
types(void)
{
	CHECK(pass(opt, "{}"));
	CHECK(pass(opt, "{'s':null,'i':null,'b':null,'o':null,'tags':null}"));
	CHECK(pass(opt, "{'s':'a','i':5,'b':false,'o':{'x':'y'},"
	    "'tags':['a','b'],'neg':-1}"));

	CHECK(one(opt, "{'s':5}", "s", VERR_TYPE_STRING));
	CHECK(one(opt, "{'s':true}", "s", VERR_TYPE_STRING));
	CHECK(one(opt, "{'s':{}}", "s", VERR_TYPE_STRING));
	CHECK(one(opt, "{'s':['a']}", "s", VERR_TYPE_STRING));
	CHECK(one(opt, "{'i':'5'}", "i", VERR_TYPE_INT));
	CHECK(one(opt, "{'i':1.5}", "i", VERR_TYPE_INT));
	CHECK(one(opt, "{'i':5.0}", "i", VERR_TYPE_INT));
	CHECK(one(opt, "{'i':1e2}", "i", VERR_TYPE_INT));
	CHECK(one(opt, "{'i':true}", "i", VERR_TYPE_INT));
	CHECK(one(opt, "{'i':99999999999999999999}", "i", VERR_TYPE_INT));
	CHECK(one(opt, "{'neg':-99999999999999999999}", "neg",
	    VERR_TYPE_INT));
	CHECK(one(opt, "{'b':1}", "b", VERR_TYPE_BOOL));
	CHECK(one(opt, "{'b':'true'}", "b", VERR_TYPE_BOOL));
	CHECK(one(opt, "{'o':'x'}", "o", VERR_TYPE_OBJECT));
	CHECK(one(opt, "{'o':[]}", "o", VERR_TYPE_OBJECT));
	CHECK(one(opt, "{'o':{'x':1}}", "o.x", VERR_TYPE_STRING));
	CHECK(one(opt, "{'tags':'a'}", "tags", VERR_TYPE_ARRAY));
	CHECK(one(opt, "{'tags':{}}", "tags", VERR_TYPE_ARRAY));
	CHECK(one(opt, "{'tags':['a',1]}", "tags", VERR_TYPE_ARRAY));

	/* Integer ranges are inclusive. */
	CHECK(pass(opt, "{'i':1}"));
	CHECK(pass(opt, "{'i':100000}"));
	CHECK(one(opt, "{'i':0}", "i", VERR_RANGE));
	CHECK(one(opt, "{'i':100001}", "i", VERR_RANGE));
	CHECK(one(opt, "{'i':-5}", "i", VERR_RANGE));
	CHECK(one(opt, "{'i':9223372036854775807}", "i", VERR_RANGE));
	CHECK(pass(opt, "{'neg':-9223372036854775807}"));
	CHECK(one(opt, "{'neg':0}", "neg", VERR_RANGE));
}

static void
lengths(void)
{
	char		body[512];
	int		i;

	/* Code points, not bytes: "Nguyễn" is 6 of them in 8 bytes. */
	CHECK(pass(opt, "{'s':'Nguyễn'}"));
	CHECK(one(opt, "{'s':'Nguyễnn'}", "s", VERR_TOO_LONG));
	CHECK(pass(opt, "{'s':'ễễễễễễ'}"));
	CHECK(one(opt, "{'s':'ễễễễễễễ'}", "s", VERR_TOO_LONG));
	CHECK(pass(opt, "{'s':'😀😀😀😀😀😀'}"));
	CHECK(one(opt, "{'s':'😀😀😀😀😀😀😀'}", "s", VERR_TOO_LONG));
	CHECK(pass(opt, "{'s':'\\u1ec5\\u1ec5\\u1ec5\\u1ec5\\u1ec5\\u1ec5'}"));
	/*
	 * Counted after NFC, as the database stores and checks them: three
	 * U+FB2C are nine code points in NFC; six NFD "ễ" (18) are six.
	 */
	CHECK(one(opt, "{'s':'\\ufb2c\\ufb2c\\ufb2c'}", "s", VERR_TOO_LONG));
	CHECK(pass(opt, "{'s':'\\ufb2c\\ufb2c'}"));
	CHECK(pass(opt, "{'s':'e\\u0302\\u0303e\\u0302\\u0303e\\u0302\\u0303"
	    "e\\u0302\\u0303e\\u0302\\u0303e\\u0302\\u0303'}"));
	CHECK(utf8_nfc_chars("\xef\xac\xac") == 3);
	CHECK(utf8_nfc_chars("abc") == 3);
	CHECK(utf8_nfc_chars("\xff") == -1);
	/* 7 bytes but 5 code points is shorter than 6. */
	CHECK(one(opt, "{'long':'Nguyễ'}", "long", VERR_TOO_SHORT));
	CHECK(pass(opt, "{'long':'Nguyễn'}"));
	CHECK(pass(opt, "{'long':'Đường Trần Hưng Đạo'}"));

	CHECK(one(opt, "{'s':''}", "s", VERR_TOO_SHORT));
	CHECK(one(opt, "{'s':' '}", "s", VERR_TOO_SHORT));
	CHECK(one(opt, "{'s':'   '}", "s", VERR_TOO_SHORT));
	CHECK(one(opt, "{'s':'\\t\\n \\r'}", "s", VERR_TOO_SHORT));
	CHECK(one(opt, "{'long':'      '}", "long", VERR_TOO_SHORT));
	CHECK(pass(opt, "{'s':' a '}"));
	CHECK(pass(opt, "{'note':''}"));
	CHECK(pass(opt, "{'note':'   '}"));

	/* No max given: strings still stop at 200. */
	memcpy(body, "{'note':'", 9);
	for (i = 0; i < 200; i++)
		body[9 + i] = 'a';
	memcpy(body + 209, "'}", 3);
	CHECK(pass(opt, body));
	memcpy(body + 209, "a'}", 4);
	CHECK(one(opt, body, "note", VERR_TOO_LONG));
}

static void
controls(void)
{
	CHECK(one(opt, "{'s':'a\\u0001b'}", "s", VERR_CONTROL));
	CHECK(one(opt, "{'s':'\\u001f'}", "s", VERR_CONTROL));
	CHECK(one(opt, "{'s':'a\\u007f'}", "s", VERR_CONTROL));
	CHECK(one(opt, "{'s':'\\u001b[0m'}", "s", VERR_CONTROL));
	CHECK(one(opt, "{'s':'\\b'}", "s", VERR_CONTROL));
	CHECK(one(opt, "{'note':'x\\fy'}", "note", VERR_CONTROL));
	/* Reported once, even when too long as well. */
	CHECK(one(opt, "{'s':'abcdefghi\\u0002'}", "s", VERR_CONTROL));
	CHECK(one(opt, "{'o':{'x':'\\u0003'}}", "o.x", VERR_CONTROL));

	CHECK(pass(opt, "{'s':'a\\tb'}"));
	CHECK(pass(opt, "{'s':'a\\nb'}"));
	CHECK(pass(opt, "{'note':'line 1\\r\\nline 2\\n\\tend'}"));
}

/* A place: a commune, or a district alone, but one of them. */
static const struct field place[] = {
	{ .name = "commune", .type = JT_STRING, .required = 1,
	    .either = "district", .format = JF_CODE, .max = 40 },
	{ .name = "district", .type = JT_STRING, .format = JF_CODE,
	    .max = 40 },
	{ .name = NULL }
};

static void
either(void)
{
	CHECK(pass(place, "{'commune':'xa_phong_dien'}"));
	CHECK(pass(place, "{'district':'phong_dien'}"));
	CHECK(pass(place, "{'commune':'xa_phong_dien','district':'x_y'}"));
	CHECK(pass(place, "{'commune':null,'district':'phong_dien'}"));
	CHECK(one(place, "{}", "commune", VERR_REQUIRED));
	CHECK(one(place, "{'commune':null}", "commune", VERR_REQUIRED));
	CHECK(one(place, "{'district':null}", "commune", VERR_REQUIRED));
	CHECK(one(place, "{'district':'Bad'}", "district", VERR_NOT_CODE));
}

static void
choices(void)
{
	CHECK(pass(opt, "{'role':'vendor'}"));
	CHECK(pass(opt, "{'role':'agency'}"));
	CHECK(one(opt, "{'role':'admin'}", "role", VERR_ONEOF));
	CHECK(one(opt, "{'role':'Vendor'}", "role", VERR_ONEOF));
	CHECK(one(opt, "{'role':'vendor '}", "role", VERR_ONEOF));
	CHECK(one(opt, "{'role':'vend'}", "role", VERR_ONEOF));
	CHECK(one(opt, "{'role':''}", "role", VERR_ONEOF));

	CHECK(pass(opt, "{'email':'lan@example.vn'}"));
	CHECK(one(opt, "{'email':'lan@'}", "email", VERR_NOT_EMAIL));
	CHECK(pass(opt, "{'day':'2024-02-29'}"));
	CHECK(one(opt, "{'day':'2023-02-29'}", "day", VERR_NOT_DATE));
	CHECK(one(opt, "{'code':'Bad'}", "code", VERR_NOT_CODE));
	/* A value of a format says what it is not, even when too short. */
	CHECK(one(opt, "{'code':'x'}", "code", VERR_NOT_CODE));
	CHECK(one(opt, "{'id':'1234'}", "id", VERR_NOT_UUID));
	CHECK(one(opt, "{'id':'0123456789abcdef0123456789abcdef0123'}", "id",
	    VERR_NOT_UUID));
	CHECK(pass(opt, "{'id':'01234567-89ab-cdef-0123-456789abcdef'}"));
}

static void
arrays(void)
{
	char		body[1024];
	size_t		len;
	int		i;

	CHECK(pass(opt, "{'tags':[]}"));
	CHECK(pass(opt, "{'tags':['ai','iot','Nguyễn']}"));
	CHECK(one(opt, "{'tags':['ok','']}", "tags", VERR_TOO_SHORT));
	CHECK(one(opt, "{'tags':['12345678901']}", "tags", VERR_TOO_LONG));
	CHECK(one(opt, "{'tags':['a\\u0001']}", "tags", VERR_CONTROL));
	CHECK(one(opt, "{'tags':[null]}", "tags", VERR_TYPE_ARRAY));
	CHECK(one(opt, "{'tags':[['a']]}", "tags", VERR_TYPE_ARRAY));

	/* At most 50 items. */
	len = (size_t)snprintf(body, sizeof(body), "{'tags':[");
	for (i = 0; i < 50; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "%s't%d'", i ? "," : "", i);
	(void)snprintf(body + len, sizeof(body) - len, "]}");
	CHECK(pass(opt, body));
	(void)snprintf(body + len, sizeof(body) - len, ",'x']}");
	CHECK(one(opt, body, "tags", VERR_TYPE_ARRAY));
}

static const struct field quantity[] = {
	{ .name = "q", .type = JT_NUMBER, .max = 1000 },
	{ .name = "pos", .type = JT_NUMBER, .min = 1, .max = 1000 },
	{ .name = "list", .type = JT_STRARRAY, .required = 1, .min = 1,
	    .max = 10 },
	FIELD_END
};

/* Quantities: integers or decimals, never negative; a required list. */
static void
numbers(void)
{
	static const struct field qty[] = {
		{ .name = "q", .type = JT_NUMBER, .required = 1, .min = 0,
		    .max = 1000000 },
		{ .name = NULL }
	};

	CHECK(pass(quantity, "{'q':0,'list':['a']}"));
	CHECK(pass(quantity, "{'q':12.125,'pos':0.001,'list':['a']}"));
	CHECK(pass(quantity, "{'q':1e3,'pos':1000,'list':['a']}"));
	CHECK(one(quantity, "{'q':-0.5,'list':['a']}", "q", VERR_RANGE));
	CHECK(one(quantity, "{'q':1000.01,'list':['a']}", "q", VERR_RANGE));
	CHECK(one(quantity, "{'q':1e999,'list':['a']}", "q", VERR_RANGE));
	CHECK(one(quantity, "{'q':'5','list':['a']}", "q",
	    VERR_TYPE_NUMBER));
	CHECK(one(quantity, "{'q':true,'list':['a']}", "q",
	    VERR_TYPE_NUMBER));
	CHECK(one(quantity, "{'pos':0,'list':['a']}", "pos", VERR_RANGE));
	CHECK(one(quantity, "{'pos':0.0,'list':['a']}", "pos", VERR_RANGE));
	CHECK(one(quantity, "{'list':[]}", "list", VERR_REQUIRED));
	CHECK(one(quantity, "{}", "list", VERR_REQUIRED));
	/* A required number: absent and null alike; what is no number. */
	CHECK(pass(qty, "{'q':120.5}"));
	CHECK(pass(qty, "{'q':3}"));
	CHECK(pass(qty, "{'q':0.001}"));
	CHECK(pass(qty, "{'q':1e6}"));
	CHECK(pass(qty, "{'q':1000000}"));
	CHECK(pass(qty, "{'q':0}"));
	CHECK(one(qty, "{'q':-0.5}", "q", VERR_RANGE));
	CHECK(one(qty, "{'q':1000000.5}", "q", VERR_RANGE));
	CHECK(one(qty, "{'q':1e400}", "q", VERR_RANGE));
	CHECK(one(qty, "{'q':'12'}", "q", VERR_TYPE_NUMBER));
	CHECK(one(qty, "{'q':true}", "q", VERR_TYPE_NUMBER));
	CHECK(one(qty, "{'q':[1]}", "q", VERR_TYPE_NUMBER));
	CHECK(one(qty, "{'q':{}}", "q", VERR_TYPE_NUMBER));
	CHECK(one(qty, "{}", "q", VERR_REQUIRED));
	CHECK(one(qty, "{'q':null}", "q", VERR_REQUIRED));
}

static void
limits(void)
{
	struct {
		struct verrors	ve;
		uint8_t		canary[256];
	} g;
	char		body[4096], name[200];
	size_t		len, i;
	int		k;

	/* 40 unknown fields: 32 reported, nothing written past the end. */
	memset(g.canary, 0xa5, sizeof(g.canary));
	len = (size_t)snprintf(body, sizeof(body), "{");
	for (k = 0; k < 40; k++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "%s'unknown_%02d':%d", k ? "," : "", k, k);
	(void)snprintf(body + len, sizeof(body) - len, "}");
	CHECK(run(opt, body, &g.ve) == 0);
	CHECK(g.ve.n == FIELD_ERRORS_MAX);
	CHECK(strcmp(g.ve.e[0].field, "unknown_00") == 0);
	CHECK(strcmp(g.ve.e[FIELD_ERRORS_MAX - 1].field, "unknown_31") == 0);
	for (i = 0; i < sizeof(g.canary) && g.canary[i] == 0xa5; i++)
		;
	CHECK(i == sizeof(g.canary));

	/* Also when more errors are added to a full list. */
	g.ve.n = 0;
	for (k = 0; k < 100; k++)
		verr_add(&g.ve, "f", VERR_OVER_CAP, "1000");
	CHECK(g.ve.n == FIELD_ERRORS_MAX);
	CHECK(strcmp(g.ve.e[0].arg, "1000") == 0);
	for (i = 0; i < sizeof(g.canary) && g.canary[i] == 0xa5; i++)
		;
	CHECK(i == sizeof(g.canary));

	/* A field name longer than the slot is cut and still terminated. */
	memset(name, 'k', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	g.ve.n = 0;
	verr_add(&g.ve, name, VERR_UNKNOWN, NULL);
	CHECK(g.ve.n == 1);
	CHECK(strlen(g.ve.e[0].field) == sizeof(g.ve.e[0].field) - 1);
	(void)snprintf(body, sizeof(body), "{'%s':1}", name);
	CHECK(run(opt, body, &g.ve) == 0 && g.ve.n == 1 &&
	    g.ve.e[0].code == VERR_UNKNOWN &&
	    strlen(g.ve.e[0].field) == sizeof(g.ve.e[0].field) - 1);
}

/*
 * Cost grows with the body, not its square: 30000 unknown keys then 15000
 * copies of a known one (440 KB, under BODY_MAX) should take milliseconds.
 */
static void
cost(void)
{
	static const struct field	 spec[] = {
		{ .name = "email", .type = JT_STRING },
		{ .name = NULL }
	};
	struct verrors			 ve;
	char				*body, err[128];
	size_t				 len, i;
	yajl_val			 v;
	clock_t				 t0;
	double				 secs;

	if ((body = malloc(30000 * 6 + 15000 * 10 + 2)) == NULL)
		abort();
	len = 0;
	body[len++] = '{';
	for (i = 0; i < 30000; i++, len += 6)
		memcpy(body + len, "\"x\":0,", 6);
	for (i = 0; i < 15000; i++, len += 10)
		memcpy(body + len, "\"email\":0,", 10);
	body[len - 1] = '}';
	v = json_parse(body, len, err, sizeof(err));
	free(body);
	if (!CHECK(v != NULL))
		return;
	t0 = clock();
	/* Too many members is one error, found without comparing them all. */
	CHECK(validate(v, spec, &ve) == 0 && ve.n == 1 &&
	    ve.e[0].code == VERR_TOO_LONG);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	yajl_tree_free(v);
	if (!CHECK(secs < 0.25))
		fprintf(stderr, "	validate() took %.2f s of CPU\n", secs);
}

static void
formats(void)
{
	static const char *const emails_ok[] = {
		"a@b.co", "lan@example.vn",
		"nguyen.van.a+tag@mail.example.com.vn",
		"x_y-z@sub-domain.example.org", "UPPER@EXAMPLE.COM", NULL
	};
	static const char *const emails_bad[] = {
		"", "plain", "@example.com", "a@", "a@b", "a@b.", "a@.com",
		"a@b..com", "a@@b.com", "a@b@c.com", "a b@c.com", "a@b c.com",
		"a@b,c.com", "<a@b.com>", "a\"b@c.com", "a\\b@c.com",
		"a;b@c.com", "a@b.com ", " a@b.com", "a\t@b.com",
		"a@.example.com", NULL
	};
	static const char *const tax_ok[] = {
		"0123456789", "0123456789-001", "9999999999-999", NULL
	};
	static const char *const tax_bad[] = {
		"", "123456789", "01234567890", "0123456789-01",
		"0123456789-0012", "0123456789_001", "0123456789 001",
		"012345678a", "0123456789-00a", "0123456789-", "-123456789",
		" 0123456789", "0123456789\n", NULL
	};
	static const char *const codes_ok[] = {
		"ab", "software_dev", "a1", "iot_2026", "a_",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmn", NULL
	};
	static const char *const codes_bad[] = {
		"", "a", "Ab", "aB", "1ab", "_ab", "ab-c", "ab c", "ab.c",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmno", "ễa", "aễ", NULL
	};
	static const char *const uuids_ok[] = {
		"123e4567-e89b-12d3-a456-426614174000",
		"00000000-0000-0000-0000-000000000000",
		"ABCDEF01-2345-6789-ABCD-EF0123456789", NULL
	};
	static const char *const uuids_bad[] = {
		"", "123e4567e89b12d3a456426614174000",
		"123e4567-e89b-12d3-a456-42661417400",
		"123e4567-e89b-12d3-a456-4266141740000",
		"123e4567-e89b-12d3-a456_426614174000",
		"123e4567-e89b-12d3a-456-426614174000",
		"123e4567-e89b-12d3-a456-42661417400g",
		"{123e4567-e89b-12d3-a456-426614174000}",
		" 23e4567-e89b-12d3-a456-426614174000", NULL
	};
	static const char *const dates_ok[] = {
		"2024-02-29", "2000-02-29", "2026-02-28", "2026-01-31",
		"2026-04-30", "2026-12-31", "1970-01-01", NULL
	};
	static const char *const dates_bad[] = {
		"", "2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10",
		"2026-01-00", "2026-01-32", "2026-04-31", "2026-02-30",
		"2026-1-01", "2026-01-1", "2026/01/01", "20260101",
		"2026-01-01T00:00:00Z", "26-01-01", "2026-01-01 ", "2026-+1-01",
		"2026- 1-01", "abcd-ef-gh", NULL
	};
	static const char *const urls_ok[] = {
		"https://example.com", "http://example.vn/path?q=1&r=2#x",
		"https://sub.example.com:8443/a/b", NULL
	};
	static const char *const urls_bad[] = {
		"", "example.com", "ftp://example.com", "https://exa mple.com",
		"https://localhost", "javascript:alert(1)", "https//x.com",
		"//example.com", " https://example.com",
		"https://exa\tmple.com",
		"https://example.com/\r\nX-Evil:1", NULL
	};
	static const char *const phones_ok[] = {
		"0912345678", "+84 912 345 678", "(028) 3822-1234",
		"024.3825.1234", "12345678", "123456789012345", NULL
	};
	static const char *const phones_bad[] = {
		"", "1234567", "1234567890123456", "84+912345678",
		"++84912345678", "0912abc678", "0912/345/678", "0912_345_678",
		"+", "(((((((())))))))", NULL
	};
	static const struct {
		int			 format;
		const char		*name;
		const char *const	*good;
		const char *const	*bad;
	} t[] = {
		{ JF_EMAIL, "email", emails_ok, emails_bad },
		{ JF_TAXCODE, "taxcode", tax_ok, tax_bad },
		{ JF_CODE, "code", codes_ok, codes_bad },
		{ JF_UUID, "uuid", uuids_ok, uuids_bad },
		{ JF_DATE, "date", dates_ok, dates_bad },
		{ JF_URL, "url", urls_ok, urls_bad },
		{ JF_PHONE, "phone", phones_ok, phones_bad },
	};
	size_t		i, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (k = 0; t[i].good[k] != NULL; k++) {
			if (!CHECK(format_ok(t[i].format, t[i].good[k])))
				fprintf(stderr, "\t%s refused: '%s'\n",
				    t[i].name, t[i].good[k]);
		}
		for (k = 0; t[i].bad[k] != NULL; k++) {
			if (!CHECK(!format_ok(t[i].format, t[i].bad[k])))
				fprintf(stderr, "\t%s accepted: '%s'\n",
				    t[i].name, t[i].bad[k]);
		}
	}
	CHECK(format_ok(JF_NONE, ""));
	CHECK(format_ok(JF_NONE, "anything at all"));
}

static void
utf8(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		size_t		 chars;
	} good[] = {
		{ "", 0, 0 },
		{ "abc", 3, 3 },
		{ "Nguyễn", 8, 6 },
		{ "Hà Nội", 9, 6 },
		{ "日本", 6, 2 },
		{ "\xc2\x80", 2, 1 },		/* U+0080 */
		{ "\xdf\xbf", 2, 1 },		/* U+07FF */
		{ "\xe0\xa0\x80", 3, 1 },	/* U+0800 */
		{ "\xed\x9f\xbf", 3, 1 },	/* U+D7FF */
		{ "\xee\x80\x80", 3, 1 },	/* U+E000 */
		{ "\xef\xbf\xbf", 3, 1 },	/* U+FFFF */
		{ "\xf0\x90\x80\x80", 4, 1 },	/* U+10000 */
		{ "\xf0\x9f\x98\x80", 4, 1 },	/* U+1F600 */
		{ "\xf4\x8f\xbf\xbf", 4, 1 },	/* U+10FFFF */
		{ "a\0b", 3, 3 },		/* only len counts */
		{ "Nguyễn", 4, 4 },		/* stop before the ễ */
	};
	static const struct {
		const char	*s;
		size_t		 len;
	} bad[] = {
		{ "\xc0\x80", 2 },		/* overlong NUL */
		{ "\xc1\xbf", 2 },		/* overlong U+007F */
		{ "\xe0\x80\x80", 3 },		/* overlong NUL */
		{ "\xe0\x9f\xbf", 3 },		/* overlong U+07FF */
		{ "\xf0\x80\x80\x80", 4 },	/* overlong NUL */
		{ "\xf0\x8f\xbf\xbf", 4 },	/* overlong U+FFFF */
		{ "\xed\xa0\x80", 3 },		/* U+D800 */
		{ "\xed\xbf\xbf", 3 },		/* U+DFFF */
		{ "\xed\xa0\xbd\xed\xb8\x80", 6 },	/* CESU-8 pair */
		{ "\xf4\x90\x80\x80", 4 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 4 },
		{ "\xf8\x88\x80\x80\x80", 5 },
		{ "\xff", 1 },
		{ "\xfe", 1 },
		{ "\x80", 1 },
		{ "\xbf", 1 },
		{ "a\x80" "b", 3 },
		{ "\xc3", 1 },			/* truncated */
		{ "\xe1\xbb", 2 },
		{ "\xf0\x9f\x98", 3 },
		{ "Nguy\xe1\xbb", 6 },		/* cut inside the ễ */
		{ "Nguyễn", 5 },
		{ "Nguyễn", 6 },
		{ "\xe1\x41\x80", 3 },		/* not a continuation */
		{ "\xc3\xc3\xa9", 3 },
		{ "\xf0\x9f\x98\x41", 4 },
	};
	size_t		i, n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = 999;
		if (!CHECK(utf8_valid(good[i].s, good[i].len, &n) == 1 &&
		    n == good[i].chars))
			fprintf(stderr, "\tgood[%zu]: %zu chars\n", i, n);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!CHECK(utf8_valid(bad[i].s, bad[i].len, &n) == 0))
			fprintf(stderr, "\tbad[%zu] accepted\n", i);
	}
}

void
test_validate(void)
{
	account_bodies();
	types();
	lengths();
	controls();
	choices();
	either();
	arrays();
	numbers();
	limits();
#if !defined(__SANITIZE_ADDRESS__)
	/*
	 * A timing, and under ASan, where every realloc copies, yajl's
	 * growing the object one member at a time takes over a minute.
	 */
	cost();
#endif
	formats();
	utf8();
	lists_and_keys();
}

/* str_oneof() for query values, ascii_printable() for Idempotency-Key. */
static void
lists_and_keys(void)
{
	static const char *const states[] = { "requested", "quoted", NULL };
	static const char *const none[] = { NULL };
	static const char *const keys_ok[] = { "a", "k-6f1c2d",
	    "!\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~", NULL };
	static const char *const keys_bad[] = { " ", "a b", "a\tb", "a\nb",
	    "kh\xc3\xb3" "a", "\x7f", "a\x01", NULL };
	size_t		i;

	CHECK(str_oneof("requested", states));
	CHECK(str_oneof("quoted", states));
	CHECK(!str_oneof("Quoted", states));
	CHECK(!str_oneof("quote", states));
	CHECK(!str_oneof("quotedx", states));
	CHECK(!str_oneof("", states));
	CHECK(!str_oneof("requested", none));
	for (i = 0; keys_ok[i] != NULL; i++)
		CHECK(ascii_printable(keys_ok[i]));
	for (i = 0; keys_bad[i] != NULL; i++)
		CHECK(!ascii_printable(keys_bad[i]));
	/* The empty key is refused by its length, not here. */
	CHECK(ascii_printable(""));
	for (i = 0; keys_ok[i] != NULL; i++)
		CHECK(idempotency_key_ok(keys_ok[i]));
	for (i = 0; keys_bad[i] != NULL; i++)
		CHECK(!idempotency_key_ok(keys_bad[i]));
	CHECK(!idempotency_key_ok(""));
	CHECK(idempotency_key_ok(long_key(255)));
	CHECK(!idempotency_key_ok(long_key(256)));
}

/* n bytes of 'k' (n < 300), in a buffer of its own. */
static const char *
long_key(size_t n)
{
	static char	buf[300];

	memset(buf, 'k', n);
	buf[n] = '\0';
	return (buf);
}
