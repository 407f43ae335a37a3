/*
 * csv.c -- RFC 4180 text for spreadsheets: whether a client asks for it,
 * and one record made of a JSON array that PostgreSQL built. Pure
 * (kore_buf, yajl): the unit tests drive it.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include <kore/kore.h>

#include "app.h"

static double	accept_q(const char *, size_t);
static void	csv_value(struct kore_buf *, yajl_val);

/* The q of one media range of an Accept header ("text/csv;q=0.5"). */
static double
accept_q(const char *p, size_t len)
{
	const char	*q;

	for (q = p; q + 2 < p + len; q++) {
		if (*q == ';') {
			while (q + 1 < p + len && q[1] == ' ')
				q++;
			if (!strncasecmp(q + 1, "q=", 2))
				return (strtod(q + 3, NULL));
		}
	}
	return (1.0);
}

/*
 * Whether Accept asks for CSV: text/csv with a q above 0 and above that
 * of application/json, if the client names that too. Anything else,
 * including no Accept at all, gets JSON.
 */
int
csv_wanted(const char *accept)
{
	const char	*p;
	size_t		 len, n;
	double		 csv = 0, json = 0;

	if (accept == NULL)
		return (0);
	for (p = accept; *p != '\0'; p += len) {
		p += strspn(p, " ,");
		len = strcspn(p, ",");
		n = strcspn(p, " ;,");
		if (n == 8 && !strncasecmp(p, "text/csv", 8))
			csv = accept_q(p, len);
		else if (n == 16 && !strncasecmp(p, "application/json", 16))
			json = accept_q(p, len);
	}
	return (csv > 0 && csv >= json);
}

/*
 * One field: text (text != 0) in double quotes when it holds a comma, a
 * quote, a line break or edge spaces, quotes doubled; text a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first) starts with an
 * apostrophe, so that a company's "measure" never computes in DOIT's
 * Excel. Numbers and booleans go as they are.
 */
void
csv_field(struct kore_buf *b, const char *s, size_t len, int text)
{
	size_t		i;
	int		quote, formula;

	if (!text) {
		kore_buf_append(b, s, len);
		return;
	}
	formula = len > 0 && strchr("=+-@\t\r", s[0]) != NULL;
	quote = formula || (len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
	for (i = 0; i < len && !quote; i++)
		quote = (s[i] == ',' || s[i] == '"' || s[i] == '\n' ||
		    s[i] == '\r');
	if (quote)
		kore_buf_append(b, "\"", 1);
	if (formula)
		kore_buf_append(b, "'", 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			kore_buf_append(b, "\"", 1);
		kore_buf_append(b, &s[i], 1);
	}
	if (quote)
		kore_buf_append(b, "\"", 1);
}

static void
csv_value(struct kore_buf *b, yajl_val v)
{
	if (YAJL_IS_STRING(v))
		csv_field(b, v->u.string, strlen(v->u.string), 1);
	else if (YAJL_IS_NUMBER(v))
		csv_field(b, v->u.number.r, strlen(v->u.number.r), 0);
	else if (YAJL_IS_TRUE(v))
		kore_buf_append(b, "true", 4);
	else if (YAJL_IS_FALSE(v))
		kore_buf_append(b, "false", 5);
}

/*
 * The record of a JSON array of scalars (null: an empty field), ended
 * by CRLF; 0 for anything else, and nothing appended.
 */
int
csv_row(struct kore_buf *b, const char *json, size_t len)
{
	yajl_val	 row, v;
	char		 err[64];
	size_t		 i;

	if ((row = json_parse(json, len, err, sizeof(err))) == NULL)
		return (0);
	if (!YAJL_IS_ARRAY(row)) {
		yajl_tree_free(row);
		return (0);
	}
	for (i = 0; i < row->u.array.len; i++) {
		v = row->u.array.values[i];
		if (YAJL_IS_OBJECT(v) || YAJL_IS_ARRAY(v)) {
			yajl_tree_free(row);
			return (0);
		}
	}
	for (i = 0; i < row->u.array.len; i++) {
		if (i > 0)
			kore_buf_append(b, ",", 1);
		csv_value(b, row->u.array.values[i]);
	}
	kore_buf_append(b, "\r\n", 2);
	yajl_tree_free(row);
	return (1);
}
