/*
 * cpreports.c -- enterprises' yearly cleaner-production reports: filing,
 * reading and amending them, DOIT closing and reopening a year, the
 * agencies' summary and list (JSON or CSV) and the public table.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

/* Quantities: kWh, m3, tonnes; a terawatt-hour is beyond any plant. */
#define CP_QUANTITY_MAX		1000000000000LL
#define CP_YEAR_FIRST		2016
#define CP_YEAR_LAST		2100	/* the database knows this year */

static int	year_of(const char *);
static int	list_parse(struct rq *, const char **);
static int	reply_csv(struct rq *, const char *);
static int	year_move(struct rq *, int);

static const char *const units[] = { "tonne", "m3", "hl", "mwh",
    "thousand_pieces", "m2", NULL };
static const char *const group_bys[] = { "district", "commune", "sector",
    "former_province", NULL };

static const struct field output_body[] = {
	{ .name = "quantity", .type = JT_NUMBER, .required = 1, .min = 1,
	    .max = CP_QUANTITY_MAX },
	{ .name = "unit", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 20, .oneof = units },
	FIELD_END
};

static const struct field baseline_body[] = {
	{ .name = "energy_kwh", .type = JT_NUMBER, .max = CP_QUANTITY_MAX },
	{ .name = "water_m3", .type = JT_NUMBER, .max = CP_QUANTITY_MAX },
	{ .name = "materials_tonnes", .type = JT_NUMBER,
	    .max = CP_QUANTITY_MAX },
	FIELD_END
};

/* The whole report; on PUT the year is the path's and may be left out. */
#define CP_FIELDS(yreq)							\
	{ .name = "year", .type = JT_INT, .required = (yreq),		\
	    .min = CP_YEAR_FIRST, .max = CP_YEAR_LAST },		\
	{ .name = "energy_saved_kwh", .type = JT_NUMBER, .required = 1,	\
	    .max = CP_QUANTITY_MAX },					\
	{ .name = "water_saved_m3", .type = JT_NUMBER, .required = 1,	\
	    .max = CP_QUANTITY_MAX },					\
	{ .name = "waste_reduced_tonnes", .type = JT_NUMBER,		\
	    .required = 1, .max = CP_QUANTITY_MAX },			\
	{ .name = "co2_reduced_tonnes", .type = JT_NUMBER, .required = 1, \
	    .max = CP_QUANTITY_MAX },					\
	{ .name = "investment_vnd", .type = JT_INT, .required = 1,	\
	    .max = PRICE_MAX },						\
	{ .name = "iso14001_certified", .type = JT_BOOL, .required = 1 }, \
	{ .name = "measures", .type = JT_STRARRAY, .required = 1,	\
	    .min = 1, .max = 300 },					\
	{ .name = "technology_ids", .type = JT_STRARRAY,		\
	    .min = UUID_LEN, .max = UUID_LEN, .format = JF_UUID },	\
	{ .name = "production_output", .type = JT_OBJECT,		\
	    .sub = output_body },					\
	{ .name = "baseline", .type = JT_OBJECT, .sub = baseline_body }, \
	FIELD_READONLY("id"),						\
	FIELD_READONLY("organization"),					\
	FIELD_READONLY("commune"),					\
	FIELD_READONLY("district"),					\
	FIELD_READONLY("sector"),					\
	FIELD_READONLY("intensity"),					\
	FIELD_READONLY("saving"),					\
	FIELD_READONLY("closed"),					\
	FIELD_READONLY("version"),					\
	FIELD_READONLY("created_at"),					\
	FIELD_READONLY("updated_at")

const struct field cp_report_create_body[] = {
	CP_FIELDS(1),
	FIELD_END
};

const struct field cp_report_put_body[] = {
	CP_FIELDS(0),
	FIELD_END
};

/* A year as a path segment or parameter: 4 digits, 2016-2100; else 0. */
static int
year_of(const char *s)
{
	int		y;

	if (s == NULL || strlen(s) != 4 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    !isdigit((unsigned char)s[3]))
		return (0);
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	return (y >= CP_YEAR_FIRST && y <= CP_YEAR_LAST ? y : 0);
}

int
cp_report_create(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		r->step = STEP_ANSWER;
		return (db_one(r, Q_CP_FILE, r->who.id, r->who.org_id,
		    body_text(r)));
	default:
		return (reply_doc(r, 201, MSG_NO_SUCH_CP_REPORT));
	}
}

/* Another organization's year does not exist for the caller: 404. */
int
cp_report_get(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		if (!year_of(r->pathid))
			return (reply_problem(r, 404, MSG_NO_SUCH_CP_REPORT));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_CP_GET, r->who.org_id, r->pathid));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_CP_REPORT));
	}
}

int
cp_report_put(struct rq *r)
{
	const char	*version;
	char		 buf[16];

	switch (r->step) {
	case STEP_ASK:
		if (!year_of(r->pathid))
			return (reply_problem(r, 404, MSG_NO_SUCH_CP_REPORT));
		if (!if_match(r, 1, buf, sizeof(buf), &version))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_CP_AMEND, r->who.id, r->who.org_id,
		    r->pathid, version, body_text(r)));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_CP_REPORT));
	}
}

/*
 * The list's parameters, checked; *org the organization whose reports
 * the caller sees (NULL: an agency sees all).
 */
static int
list_parse(struct rq *r, const char **org)
{
	static const char *const allowed[] = { "year", "commune", "district",
	    "sector", "organization_id", "limit", "cursor", NULL };
	const char	*v;

	*org = caller_org(r);
	if (!query_check(r, allowed))
		return (KORE_RESULT_ERROR);
	if ((v = query_arg(r, "year")) != NULL && !year_of(v)) {
		reply_bad_param(r, "year");
		return (KORE_RESULT_ERROR);
	}
	if ((v = query_arg(r, "organization_id")) != NULL &&
	    !format_ok(JF_UUID, v)) {
		reply_bad_param(r, "organization_id");
		return (KORE_RESULT_ERROR);
	}
	return (query_page(r, "cp:list"));
}

/*
 * GET /cp-reports: a page of JSON, or with Accept: text/csv every row
 * the filters keep (a spreadsheet wants the whole table; limit and
 * cursor do not apply to it).
 */
int
cp_report_list(struct rq *r)
{
	const char	*org;
	int		 csv;

	csv = csv_wanted(header_get(r, "accept"));
	switch (r->step) {
	case STEP_ASK:
		if (!list_parse(r, &org))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		if (csv)
			return (db_one(r, Q_CP_LIST_CSV, org,
			    query_arg(r, "year"), query_arg(r, "commune"),
			    query_arg(r, "district"), query_arg(r, "sector"),
			    query_arg(r, "organization_id")));
		return (db_one(r, Q_CP_LIST, org, query_arg(r, "year"),
		    query_arg(r, "commune"), query_arg(r, "district"),
		    query_arg(r, "sector"), query_arg(r, "organization_id"),
		    r->page.key, r->page.id, r->page.fetch));
	default:
		http_response_header(r->req, "vary", "accept");
		if (!csv)
			return (reply_list(r));
		if (query_arg(r, "year") != NULL)
			return (reply_csv(r, "cp-reports-%s.csv"));
		return (reply_csv(r, "cp-reports.csv"));
	}
}

/*
 * The step's rows, JSON arrays, as a CSV download: a UTF-8 byte-order
 * mark first (without it Excel reads Vietnamese as Windows-1258), CRLF
 * records. name is the file's name, a "%s" filled with the year.
 */
static int
reply_csv(struct rq *r, const char *name)
{
	struct kore_buf	*b;
	char		 disp[96], file[64];
	int		 i, n;

	if (!db_ok(r))
		return (reply_db_error(r, MSG_NOT_FOUND));
	(void)snprintf(file, sizeof(file), name, query_arg(r, "year"),
	    query_arg(r, "group_by"));
	(void)snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"",
	    file);
	b = kore_buf_alloc(8192);
	kore_buf_append(b, "\xef\xbb\xbf", 3);
	n = db_rows(r);
	for (i = 0; i < n; i++) {
		if (!csv_row(b, db_get(r, i, 0), db_getlen(r, i, 0))) {
			kore_buf_free(b);
			return (reply_internal(r));
		}
	}
	http_response_header(r->req, "content-type",
	    "text/csv; charset=utf-8");
	http_response_header(r->req, "content-disposition", disp);
	reply_cache(r, "private, no-cache");
	http_response(r->req, 200, b->data, b->offset);
	r->status = 200;
	kore_buf_free(b);
	return (RQ_DONE);
}

/* GET /cp-reports/summary: agencies; JSON or CSV. */
int
cp_summary(struct rq *r)
{
	static const char *const allowed[] = { "year", "group_by", NULL };
	const char	*group;
	int		 csv;

	csv = csv_wanted(header_get(r, "accept"));
	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		if (!year_of(query_arg(r, "year")))
			return (reply_bad_param(r, "year"));
		if ((group = query_arg(r, "group_by")) == NULL ||
		    !str_oneof(group, group_bys))
			return (reply_bad_param(r, "group_by"));
		r->step = STEP_ANSWER;
		return (db_one(r, csv ? Q_CP_SUMMARY_CSV : Q_CP_SUMMARY,
		    query_arg(r, "year"), group));
	default:
		http_response_header(r->req, "vary", "accept");
		if (csv)
			return (reply_csv(r, "cp-summary-%s-%s.csv"));
		return (reply_doc(r, 200, MSG_NOT_FOUND));
	}
}

/* GET /cp-reports/public: anyone; a closed year only. */
int
cp_public(struct rq *r)
{
	static const char *const allowed[] = { "year", NULL };

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		if (!year_of(query_arg(r, "year")))
			return (reply_bad_param(r, "year"));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_CP_PUBLIC, query_arg(r, "year")));
	default:
		return (reply_doc(r, 200, MSG_CP_NOT_PUBLISHED));
	}
}

/*
 * GET /cp-reports/public/years: anyone; which years cp_public() answers
 * for, so that a client asks for one rather than tries them all.
 */
int
cp_public_years(struct rq *r)
{
	static const char *const allowed[] = { NULL };

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_CP_PUBLIC_YEARS));
	default:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NOT_FOUND));
		return (reply_json(r, 200, db_get(r, 0, 0),
		    db_getlen(r, 0, 0)));
	}
}

/* DOIT closes (close != 0) or reopens the year in the path. */
static int
year_move(struct rq *r, int close)
{
	switch (r->step) {
	case STEP_ASK:
		if (!year_of(r->pathid))
			return (reply_problem(r, 404, MSG_NO_SUCH_CP_YEAR));
		r->step = STEP_ANSWER;
		return (db_one(r, close ? Q_CP_CLOSE : Q_CP_REOPEN, r->who.id,
		    r->pathid));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_CP_YEAR));
	}
}

int
cp_year_close(struct rq *r)
{
	return (year_move(r, 1));
}

int
cp_year_reopen(struct rq *r)
{
	return (year_move(r, 0));
}
