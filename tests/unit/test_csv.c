/*
 * test_csv.c -- csv.c: RFC 4180 quoting, formulas kept from running,
 * records made of JSON arrays, and reading Accept.
 */

#include <string.h>

#include <kore.h>

#include "app.h"
#include "test.h"

static int	field_is(const char *, int, const char *);
static int	row_is(const char *, const char *);

static int
field_is(const char *in, int text, const char *want)
{
	struct kore_buf	*b;
	int		 ok;

	b = kore_buf_alloc(64);
	csv_field(b, in, strlen(in), text);
	ok = b->offset == strlen(want) && !memcmp(b->data, want, b->offset);
	kore_buf_free(b);
	return (ok);
}

/* want NULL: the row is refused and nothing written. */
static int
row_is(const char *json, const char *want)
{
	struct kore_buf	*b;
	int		 ok, rc;

	b = kore_buf_alloc(64);
	rc = csv_row(b, json, strlen(json));
	if (want == NULL)
		ok = !rc && b->offset == 0;
	else
		ok = rc && b->offset == strlen(want) &&
		    !memcmp(b->data, want, b->offset);
	kore_buf_free(b);
	return (ok);
}

void
test_csv(void)
{
	CHECK(field_is("Ninh Kiều", 1, "Ninh Kiều"));
	CHECK(field_is("", 1, ""));
	CHECK(field_is("a,b", 1, "\"a,b\""));
	CHECK(field_is("say \"hi\"", 1, "\"say \"\"hi\"\"\""));
	CHECK(field_is("two\nlines", 1, "\"two\nlines\""));
	CHECK(field_is("cr\rlf", 1, "\"cr\rlf\""));
	CHECK(field_is(" edge", 1, "\" edge\""));
	CHECK(field_is("=HYPERLINK(\"x\")", 1,
	    "\"'=HYPERLINK(\"\"x\"\")\""));
	CHECK(field_is("+1", 1, "\"'+1\""));
	CHECK(field_is("-1", 1, "\"'-1\""));
	CHECK(field_is("@SUM(A1)", 1, "\"'@SUM(A1)\""));
	/* Numbers are numbers: a negative one is no formula. */
	CHECK(field_is("-1.5", 0, "-1.5"));

	CHECK(row_is("[\"a\",1,2.50,null,true,false]",
	    "a,1,2.50,,true,false\r\n"));
	CHECK(row_is("[]", "\r\n"));
	CHECK(row_is("[\"Công ty \\\"Mê Kông\\\", Cần Thơ\"]",
	    "\"Công ty \"\"Mê Kông\"\", Cần Thơ\"\r\n"));
	CHECK(row_is("{\"a\":1}", NULL));
	CHECK(row_is("[[1]]", NULL));
	CHECK(row_is("[\"a\",{}]", NULL));
	CHECK(row_is("[", NULL));

	CHECK(csv_wanted("text/csv"));
	CHECK(csv_wanted("TEXT/CSV; charset=utf-8"));
	CHECK(csv_wanted("application/json;q=0.5, text/csv"));
	CHECK(csv_wanted("text/html, text/csv;q=0.8"));
	CHECK(!csv_wanted(NULL));
	CHECK(!csv_wanted("*/*"));
	CHECK(!csv_wanted("application/json"));
	CHECK(!csv_wanted("text/csv;q=0"));
	CHECK(!csv_wanted("text/csv;q=0.5, application/json"));
	CHECK(!csv_wanted("text/csvx"));
	CHECK(!csv_wanted(""));
	CHECK(!csv_wanted(" , ,"));
}
