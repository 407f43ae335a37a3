/*
 * validate.c -- checks a parsed body against a table of fields: types,
 * required, lengths, ranges, formats, unknown and read-only fields.
 * Every problem is collected, so a client fixes its body in one go.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"

#define ARRAY_ITEMS_MAX		50
#define ARRAY_ITEM_MAX		200
/* No body of ours has more members; more is an attack on is_dup(). */
#define OBJECT_KEYS_MAX		64

/* What a value that is not of a field's format is not. */
static const enum verr format_verr[] = {
	[JF_EMAIL] = VERR_NOT_EMAIL,
	[JF_TAXCODE] = VERR_NOT_TAXCODE,
	[JF_CODE] = VERR_NOT_CODE,
	[JF_UUID] = VERR_NOT_UUID,
	[JF_DATE] = VERR_NOT_DATE,
	[JF_URL] = VERR_NOT_URL,
	[JF_PHONE] = VERR_NOT_PHONE,
};

static void	check_object(yajl_val, const struct field *, const char *,
		    struct verrors *);
static void	check_value(yajl_val, const struct field *, const char *,
		    struct verrors *);
static void	check_string(const char *, const struct field *, const char *,
		    struct verrors *);
static void	check_number(yajl_val, const struct field *, const char *,
		    struct verrors *);
static int	check_chars(const char *, int64_t *);
static int	present(yajl_val, const char *);
static int	is_dup(yajl_val, size_t);
static int	all_digits(const char *, size_t);
static int	uuid_ok(const char *);
static int	date_ok(const char *);
static int	phone_ok(const char *);

/* One error; arg (NULL: none) fills the message's %s. */
void
verr_add(struct verrors *ve, const char *field, enum verr code,
    const char *arg)
{
	struct field_error	*fe;

	if (ve->n >= FIELD_ERRORS_MAX)
		return;
	fe = &ve->e[ve->n++];
	(void)snprintf(fe->field, sizeof(fe->field), "%s", field);
	utf8_cut(fe->field);
	fe->code = code;
	(void)snprintf(fe->arg, sizeof(fe->arg), "%s", arg ? arg : "");
}

int
validate(yajl_val body, const struct field *spec, struct verrors *ve)
{
	ve->n = 0;
	if (!YAJL_IS_OBJECT(body)) {
		verr_add(ve, "", VERR_TYPE_OBJECT, NULL);
		return (0);
	}
	check_object(body, spec, "", ve);
	return (ve->n == 0);
}

/* A member with a value: null is as good as absent. */
static int
present(yajl_val obj, const char *name)
{
	yajl_val	v;

	v = json_at(obj, name);
	return (v != NULL && !YAJL_IS_NULL(v));
}

static int
is_dup(yajl_val obj, size_t idx)
{
	size_t		i;

	for (i = 0; i < idx; i++) {
		if (!strcmp(obj->u.object.keys[i], obj->u.object.keys[idx]))
			return (1);
	}
	return (0);
}

static void
check_object(yajl_val obj, const struct field *spec, const char *prefix,
    struct verrors *ve)
{
	const struct field	*f;
	char			 path[96];
	size_t			 i;
	yajl_val		 v;

	if (obj->u.object.len > OBJECT_KEYS_MAX) {
		verr_add(ve, *prefix ? prefix : "", VERR_TOO_LONG, NULL);
		return;
	}
	for (i = 0; i < obj->u.object.len; i++) {
		(void)snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix ? "." : "", obj->u.object.keys[i]);
		for (f = spec; f->name != NULL; f++) {
			if (!strcmp(f->name, obj->u.object.keys[i]))
				break;
		}
		if (f->name == NULL)
			verr_add(ve, path, VERR_UNKNOWN, NULL);
		else if (f->readonly)
			verr_add(ve, path, VERR_READONLY, NULL);
		else if (is_dup(obj, i))
			verr_add(ve, path, VERR_DUPLICATE, NULL);
	}
	for (f = spec; f->name != NULL; f++) {
		if (f->readonly)
			continue;
		(void)snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix ? "." : "", f->name);
		v = json_at(obj, f->name);
		if (v == NULL || YAJL_IS_NULL(v)) {
			if (f->required && (f->either == NULL ||
			    !present(obj, f->either)))
				verr_add(ve, path, VERR_REQUIRED, NULL);
			continue;
		}
		check_value(v, f, path, ve);
	}
}

static void
check_value(yajl_val v, const struct field *f, const char *path,
    struct verrors *ve)
{
	size_t		i;

	switch (f->type) {
	case JT_STRING:
		if (!YAJL_IS_STRING(v))
			verr_add(ve, path, VERR_TYPE_STRING, NULL);
		else
			check_string(v->u.string, f, path, ve);
		break;
	case JT_INT:
		if (!YAJL_IS_INTEGER(v))
			verr_add(ve, path, VERR_TYPE_INT, NULL);
		else if (YAJL_GET_INTEGER(v) < f->min ||
		    YAJL_GET_INTEGER(v) > f->max)
			verr_add(ve, path, VERR_RANGE, NULL);
		break;
	case JT_NUMBER:
		check_number(v, f, path, ve);
		break;
	case JT_BOOL:
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
			verr_add(ve, path, VERR_TYPE_BOOL, NULL);
		break;
	case JT_OBJECT:
		if (!YAJL_IS_OBJECT(v))
			verr_add(ve, path, VERR_TYPE_OBJECT, NULL);
		else
			check_object(v, f->sub, path, ve);
		break;
	case JT_STRARRAY:
		if (!YAJL_IS_ARRAY(v) || v->u.array.len > ARRAY_ITEMS_MAX) {
			verr_add(ve, path, VERR_TYPE_ARRAY, NULL);
			break;
		}
		/* A required list needs an item: [] is as good as absent. */
		if (f->required && v->u.array.len == 0)
			verr_add(ve, path, VERR_REQUIRED, NULL);
		for (i = 0; i < v->u.array.len; i++) {
			if (!YAJL_IS_STRING(v->u.array.values[i]))
				verr_add(ve, path, VERR_TYPE_ARRAY, NULL);
			else
				check_string(v->u.array.values[i]->u.string,
				    f, path, ve);
		}
		break;
	}
}

/*
 * A quantity: an integer or a decimal, never below 0 and at most max; a
 * min of 1 asks for more than 0. Decimals that yajl cannot hold in a
 * double (1e999) are out of range; the database keeps the exact digits.
 */
static void
check_number(yajl_val v, const struct field *f, const char *path,
    struct verrors *ve)
{
	double		d;

	if (!YAJL_IS_NUMBER(v)) {
		verr_add(ve, path, VERR_TYPE_NUMBER, NULL);
		return;
	}
	if (YAJL_IS_INTEGER(v))
		d = (double)YAJL_GET_INTEGER(v);
	else if (YAJL_IS_DOUBLE(v))
		d = YAJL_GET_DOUBLE(v);
	else {
		verr_add(ve, path, VERR_RANGE, NULL);
		return;
	}
	if (d < 0 || (f->min > 0 && d <= 0) || d > (double)f->max)
		verr_add(ve, path, VERR_RANGE, NULL);
}

/* Counts code points; 0 when a control character other than tab/newline. */
static int
check_chars(const char *s, int64_t *n)
{
	const unsigned char	*p;

	*n = 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    *p == 0x7f)
			return (0);
		if ((*p & 0xc0) != 0x80)
			(*n)++;
	}
	return (1);
}

static void
check_string(const char *s, const struct field *f, const char *path,
    struct verrors *ve)
{
	int64_t			 n, max;
	const char		*p;

	if (!check_chars(s, &n)) {
		verr_add(ve, path, VERR_CONTROL, NULL);
		return;
	}
	/* Counted as stored: a CHECK that fails prints its row. */
	if (n > 0 && (n = utf8_nfc_chars(s)) < 0) {
		verr_add(ve, path, VERR_CONTROL, NULL);
		return;
	}
	for (p = s; *p != '\0' && isspace((unsigned char)*p); p++)
		;
	max = f->max > 0 ? f->max : ARRAY_ITEM_MAX;
	/* A value of a format says what it is not, whatever its length. */
	if (f->format != JF_NONE && *s != '\0' && !format_ok(f->format, s))
		verr_add(ve, path, format_verr[f->format], NULL);
	else if (n < f->min || (f->min > 0 && *p == '\0'))
		verr_add(ve, path, VERR_TOO_SHORT, NULL);
	else if (n > max)
		verr_add(ve, path, VERR_TOO_LONG, NULL);
	else if (f->oneof != NULL && !str_oneof(s, f->oneof))
		verr_add(ve, path, VERR_ONEOF, NULL);
}

/* Whether s is one of the NULL-ended list. */
int
str_oneof(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (!strcmp(*list, s))
			return (1);
	}
	return (0);
}

/* Whether every byte of s is printable ASCII, space excluded. */
int
ascii_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x21 || *s > 0x7e)
			return (0);
	}
	return (1);
}

/* An Idempotency-Key: 1-255 bytes of printable ASCII, as RFC 8941 strings. */
int
idempotency_key_ok(const char *s)
{
	size_t		n;

	n = strlen(s);
	return (n > 0 && n <= IDEMPOTENCY_KEY_MAX && ascii_printable(s));
}

static int
all_digits(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (0);
	}
	return (1);
}

static int
uuid_ok(const char *s)
{
	size_t		i;

	if (strlen(s) != UUID_LEN)
		return (0);
	for (i = 0; i < UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return (0);
		} else if (!isxdigit((unsigned char)s[i]))
			return (0);
	}
	return (1);
}

static int
date_ok(const char *s)
{
	int		y, m, d, mdays;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !all_digits(s, 4) || !all_digits(s + 5, 2) ||
	    !all_digits(s + 8, 2))
		return (0);
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	/* No year 0 in PostgreSQL (nor in the calendar). */
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return (0);
	mdays = (m == 2) ? 28 + ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0) : 31 - ((m == 4 || m == 6 || m == 9 || m == 11));
	return (d <= mdays);
}

static int
phone_ok(const char *s)
{
	const char	*p;
	int		 digits;

	digits = 0;
	for (p = s; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("+ .-()", *p) || (*p == '+' && p != s))
			return (0);
	}
	return (digits >= 8 && digits <= 15);
}

int
format_ok(int format, const char *s)
{
	size_t		len;
	const char	*p;

	len = strlen(s);
	switch (format) {
	case JF_EMAIL:
		return (email_ok(s));
	case JF_TAXCODE:
		/* Vietnamese tax code: 10 digits, a branch adds -NNN. */
		return ((len == 10 && all_digits(s, 10)) || (len == 14 &&
		    all_digits(s, 10) && s[10] == '-' &&
		    all_digits(s + 11, 3)));
	case JF_CODE:
		if (len < 2 || len > 40 || !islower((unsigned char)*s))
			return (0);
		for (p = s; *p != '\0'; p++) {
			if (!islower((unsigned char)*p) &&
			    !isdigit((unsigned char)*p) && *p != '_')
				return (0);
		}
		return (1);
	case JF_UUID:
		return (uuid_ok(s));
	case JF_DATE:
		return (date_ok(s));
	case JF_URL:
		for (p = s; *p != '\0'; p++) {
			if ((unsigned char)*p <= 0x20 || *p == 0x7f)
				return (0);
		}
		return ((!strncmp(s, "https://", 8) ||
		    !strncmp(s, "http://", 7)) && strchr(s, '.') != NULL);
	case JF_PHONE:
		return (phone_ok(s));
	default:
		return (1);
	}
}

/* Emails compare without case: stored and looked up lower-cased (ASCII). */
char *
email_lower(const char *in)
{
	char		*out, *p;
	size_t		 len;

	len = strlen(in);
	out = kore_malloc(len + 1);
	memcpy(out, in, len + 1);
	for (p = out; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	}
	return (out);
}
