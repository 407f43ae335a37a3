/*
 * fuzz_validate.c -- validate() over a table with every type, format
 * and rule a body of ours uses (the handlers' own tables live with
 * their handlers, which need Kore), and format_ok() and the NFC length
 * (ICU) over the raw text.
 * Whatever the body, the errors stay within their bounds, each names
 * its field in UTF-8, and a body passes exactly when no error is left.
 */

#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"
#include "fuzz.h"

static void	formats(const char *);
static void	errors_ok(const struct verrors *, int);

static const char *const kinds[] = { "solar", "biogas", "water", NULL };

static const struct field inner[] = {
	{ .name = "quantity", .type = JT_NUMBER, .required = 1, .min = 1,
	    .max = 1000000000 },
	{ .name = "unit", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 20, .oneof = kinds },
	{ .name = "pct", .type = JT_INT, .max = 100 },
	FIELD_READONLY("computed"),
	FIELD_END
};

static const struct field spec[] = {
	{ .name = "email", .type = JT_STRING, .required = 1, .min = 3,
	    .max = EMAIL_MAX, .format = JF_EMAIL },
	{ .name = "name", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 200 },
	{ .name = "tax_code", .type = JT_STRING, .format = JF_TAXCODE },
	{ .name = "commune", .type = JT_STRING, .required = 1,
	    .either = "district", .min = 2, .max = 40, .format = JF_CODE },
	{ .name = "district", .type = JT_STRING, .min = 2, .max = 40,
	    .format = JF_CODE },
	{ .name = "id", .type = JT_STRING, .format = JF_UUID },
	{ .name = "date", .type = JT_STRING, .format = JF_DATE },
	{ .name = "url", .type = JT_STRING, .max = 500, .format = JF_URL },
	{ .name = "phone", .type = JT_STRING, .max = 30,
	    .format = JF_PHONE },
	{ .name = "kind", .type = JT_STRING, .oneof = kinds },
	{ .name = "price", .type = JT_INT, .max = PRICE_MAX },
	{ .name = "trl", .type = JT_INT, .required = 1, .min = 1, .max = 9 },
	{ .name = "energy", .type = JT_NUMBER, .max = 1000000000 },
	{ .name = "ok", .type = JT_BOOL },
	{ .name = "tags", .type = JT_STRARRAY, .min = 2, .max = 40,
	    .format = JF_CODE },
	{ .name = "measures", .type = JT_STRARRAY, .required = 1, .min = 1,
	    .max = 300 },
	{ .name = "output", .type = JT_OBJECT, .sub = inner },
	FIELD_READONLY("version"),
	FIELD_END
};

/*
 * Every format on any text: an answer, never a read past its end; and
 * the NFC length the database will count, for text that is UTF-8.
 */
static void
formats(const char *s)
{
	char		*low;
	size_t		 chars;
	int		 f;

	for (f = JF_NONE; f <= JF_PHONE; f++)
		(void)format_ok(f, s);
	(void)email_ok(s);
	(void)ascii_printable(s);
	(void)str_oneof(s, kinds);
	if (utf8_valid(s, strlen(s), &chars))
		FUZZ_ASSERT(utf8_nfc_chars(s) >= (*s != '\0'));
	low = email_lower(s);
	FUZZ_ASSERT(strlen(low) == strlen(s));
	kore_free(low);
}

static void
errors_ok(const struct verrors *ve, int valid)
{
	size_t		chars;
	int		i;

	FUZZ_ASSERT(ve->n >= 0 && ve->n <= FIELD_ERRORS_MAX);
	FUZZ_ASSERT(valid == (ve->n == 0));
	for (i = 0; i < ve->n; i++) {
		FUZZ_ASSERT(ve->e[i].code >= 0 && ve->e[i].code < VERR_MAX);
		FUZZ_ASSERT(memchr(ve->e[i].field, '\0',
		    sizeof(ve->e[i].field)) != NULL);
		FUZZ_ASSERT(utf8_valid(ve->e[i].field,
		    strlen(ve->e[i].field), &chars));
		FUZZ_ASSERT(memchr(ve->e[i].arg, '\0',
		    sizeof(ve->e[i].arg)) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verrors	 ve;
	yajl_val	 v;
	char		 err[128], *s;

	s = fuzz_str(data, size);
	formats(s);
	kore_free(s);
	if ((v = json_parse((const char *)data, size, err,
	    sizeof(err))) == NULL)
		return (0);
	memset(&ve, 0xa5, sizeof(ve));
	errors_ok(&ve, validate(v, spec, &ve));
	yajl_tree_free(v);
	return (0);
}
