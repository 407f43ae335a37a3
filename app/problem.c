/*
 * problem.c -- answers that say what went wrong (RFC 9457 problem+json,
 * in the caller's language), and the one table that turns the
 * database's outcomes, by SQLSTATE, into them.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

#define MSG_HANDLER	-1	/* the handler's own message (its 404) */

struct title {
	int		 status;
	const char	*slug;
	const char	*vi;
	const char	*en;
};

/*
 * The outcomes of the database, most specific first: a SQLSTATE or its
 * class, and for some the constraint that was hit. The project's own
 * class TM is raised by the functions in sql/functions/: DETAIL and
 * HINT carry what fills the message (a field, a status, an amount).
 */
struct outcome {
	const char	*state;
	const char	*constraint;	/* NULL: any */
	int		 status;
	int		 msg;		/* MSG_*, or MSG_HANDLER */
	int		 verr;		/* >= 0: a 422 on the field in DETAIL */
};

static const struct title *title_of(int);
static yajl_gen		 problem_begin(struct rq *, int, const char *);
static int		 problem_end(struct rq *, int, yajl_gen);
static const struct outcome *outcome_of(const char *, const char *);
static int		 reply_constraint(struct rq *, const struct outcome *);
static void		 constraint_field(const char *, int, char *, size_t);

static const struct title titles[] = {
	{ 400, "bad-request", "Yêu cầu không hợp lệ", "Bad request" },
	{ 401, "unauthorized", "Chưa xác thực", "Unauthorized" },
	{ 403, "forbidden", "Không có quyền", "Forbidden" },
	{ 404, "not-found", "Không tìm thấy", "Not found" },
	{ 405, "method-not-allowed", "Phương thức không được phép",
	    "Method not allowed" },
	{ 409, "conflict", "Xung đột trạng thái", "Conflict" },
	{ 412, "precondition-failed", "Phiên bản đã thay đổi",
	    "Precondition failed" },
	{ 413, "payload-too-large", "Nội dung quá lớn",
	    "Payload too large" },
	{ 415, "unsupported-media-type", "Kiểu nội dung không được hỗ trợ",
	    "Unsupported media type" },
	{ 422, "validation-error", "Dữ liệu không hợp lệ",
	    "Validation failed" },
	{ 428, "precondition-required", "Thiếu If-Match",
	    "Precondition required" },
	{ 429, "too-many-requests", "Quá nhiều lần thử",
	    "Too many requests" },
	{ 500, "internal-error", "Lỗi máy chủ", "Internal server error" },
	{ 503, "unavailable", "Dịch vụ tạm thời không sẵn sàng",
	    "Service unavailable" },
};

static const struct outcome outcomes[] = {
	{ "TM404", NULL, 404, MSG_HANDLER, -1 },
	{ "TM403", NULL, 403, MSG_OTHER_PARTY, -1 },
	{ "TM412", NULL, 412, MSG_STALE, -1 },
	{ "TM409", NULL, 409, MSG_MOVE, -1 },
	{ "TM490", NULL, 409, MSG_STATUS_MOVE, -1 },
	{ "TM422", NULL, 422, 0, VERR_NO_SUCH },
	{ "TM423", NULL, 422, 0, VERR_PAST },
	{ "TM424", NULL, 422, 0, VERR_OVER_CAP },
	{ "TM425", NULL, 422, MSG_NO_ORGANIZATION, -1 },
	{ "TM426", NULL, 422, MSG_KEY_REUSED, -1 },
	{ "TM427", NULL, 422, 0, VERR_ABOVE },
	{ "TM428", NULL, 422, 0, VERR_BELOW },
	{ "TM431", NULL, 422, 0, VERR_NOT_COMMUNE },
	{ "TM432", NULL, 422, 0, VERR_NOT_DISTRICT },
	{ "TM433", NULL, 422, 0, VERR_PLACE_DISAGREES },
	{ "TM434", NULL, 409, MSG_TAX_CODE_VERIFIED, -1 },
	{ "TM440", NULL, 409, MSG_VENDOR_UNVERIFIED, -1 },
	{ "TM441", NULL, 409, MSG_ENTERPRISE_UNVERIFIED, -1 },
	{ "TM442", NULL, 422, 0, VERR_REQUIRED },
	{ "TM491", NULL, 409, MSG_NOT_ACCEPTED, -1 },
	{ "TM492", NULL, 409, MSG_NOT_ELIGIBLE, -1 },
	{ "TM493", NULL, 409, MSG_APPLIED_ALREADY, -1 },
	{ "TM494", NULL, 409, MSG_OVER_BUDGET, -1 },
	{ "TM495", NULL, 409, MSG_APPLICATION_CHANGED, -1 },
	{ "TM480", NULL, 409, MSG_BYPRODUCT_CLOSED, -1 },
	{ "23514", "byproducts_quantity_tonnes_per_month_check", 422,
	    MSG_CONSTRAINT, VERR_RANGE },
	{ "TM470", NULL, 409, MSG_CP_YEAR_CLOSED, -1 },
	{ "TM471", NULL, 409, MSG_CP_FILED, -1 },
	{ "TM472", NULL, 422, 0, VERR_DECIMALS },
	{ "TM473", NULL, 403, MSG_ONLY_DOIT, -1 },
	{ "TM475", NULL, 422, 0, VERR_NOT_PATH_YEAR },
	{ "23505", "organizations_tax_code", 409, MSG_TAX_CODE_TAKEN, -1 },
	{ "23505", "accounts_email", 409, MSG_EMAIL_TAKEN, -1 },
	{ "23505", NULL, 409, MSG_DUPLICATE, -1 },
	{ "23503", "quote_requests_technology_id_fkey", 409,
	    MSG_TECH_HAS_QUOTES, -1 },
	{ "23503", "funding_applications_technology_id_fkey", 409,
	    MSG_TECH_HAS_QUOTES, -1 },
	{ "23503", "", 422, MSG_CONSTRAINT, VERR_ONEOF },
	{ "23514", "", 422, MSG_CONSTRAINT, VERR_RULE },
	{ "23502", "", 422, MSG_CONSTRAINT, VERR_REQUIRED },
	{ "23", NULL, 422, MSG_CONSTRAINT, -1 },
	{ "22", NULL, 422, MSG_CONSTRAINT, -1 },
	{ "40001", NULL, 409, MSG_CONCURRENT, -1 },
	{ "40P01", NULL, 409, MSG_CONCURRENT, -1 },
	{ "55P03", NULL, 409, MSG_CONCURRENT, -1 },
	{ "08", NULL, 503, MSG_DB_UNAVAILABLE, -1 },
	{ "53", NULL, 503, MSG_DB_UNAVAILABLE, -1 },
	{ "57", NULL, 503, MSG_DB_UNAVAILABLE, -1 },
};

static const struct title *
title_of(int status)
{
	size_t		i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		if (titles[i].status == status)
			return (&titles[i]);
	}
	return (status >= 500 ? title_of(500) : title_of(400));
}

static yajl_gen
problem_begin(struct rq *r, int status, const char *detail)
{
	const struct title	*t;
	yajl_gen		 g;
	char			 type[96];

	t = title_of(status);
	g = yajl_gen_alloc(NULL);
	(void)snprintf(type, sizeof(type), "urn:techmarket:problem:%s",
	    t->slug);
	yajl_gen_map_open(g);
	json_gen_kv(g, "type", type);
	json_gen_kv(g, "title", r->lang == LANG_EN ? t->en : t->vi);
	json_gen_kint(g, "status", status);
	json_gen_kv(g, "detail", detail);
	json_gen_kv(g, "request_id", r->reqid);
	return (g);
}

static int
problem_end(struct rq *r, int status, yajl_gen g)
{
	char		*body;
	size_t		 len;

	yajl_gen_map_close(g);
	body = json_gen_take(g, &len);
	if (status == 401)
		http_response_header(r->req, "www-authenticate",
		    "Bearer realm=\"techmarket\"");
	if (status == 503)
		http_response_header(r->req, "retry-after", "1");
	http_response_header(r->req, "content-type",
	    "application/problem+json");
	http_response_header(r->req, "content-language",
	    r->lang == LANG_EN ? "en" : "vi");
	http_response(r->req, status, body, body ? len : 0);
	kore_free(body);
	r->status = status;
	return (RQ_DONE);
}

int
reply_problem(struct rq *r, int status, enum msg id)
{
	return (problem_end(r, status,
	    problem_begin(r, status, msg_text(id, r->lang))));
}

/* A message with up to two "%s", filled with a and b. */
int
reply_problemf(struct rq *r, int status, enum msg id, const char *a,
    const char *b)
{
	char		detail[512];

	(void)snprintf(detail, sizeof(detail), msg_text(id, r->lang),
	    a ? a : "", b ? b : "");
	return (problem_end(r, status, problem_begin(r, status, detail)));
}

int
reply_invalid(struct rq *r, const struct verrors *ve)
{
	yajl_gen	g;
	char		msg[512];
	int		i;

	g = problem_begin(r, 422, msg_text(MSG_FIELDS, r->lang));
	json_gen_str(g, "errors");
	yajl_gen_array_open(g);
	for (i = 0; i < ve->n; i++) {
		yajl_gen_map_open(g);
		json_gen_kv(g, "field", ve->e[i].field);
		(void)snprintf(msg, sizeof(msg),
		    verr_text(ve->e[i].code, r->lang), ve->e[i].arg);
		json_gen_kv(g, "message", msg);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	return (problem_end(r, 422, g));
}

/* A 422 on one field; arg fills the message's %s, if it has one. */
int
reply_field(struct rq *r, const char *field, enum verr code, const char *arg)
{
	struct verrors	ve;

	ve.n = 0;
	verr_add(&ve, field, code, arg);
	return (reply_invalid(r, &ve));
}

int
reply_internal(struct rq *r)
{
	return (reply_problem(r, 500, MSG_INTERNAL));
}

/* Too many failed password checks: come back after retry seconds. */
int
reply_throttled(struct rq *r, const char *retry)
{
	http_response_header(r->req, "retry-after", retry);
	return (reply_problem(r, 429, MSG_THROTTLED));
}

static const struct outcome *
outcome_of(const char *state, const char *constraint)
{
	const struct outcome	*o;
	size_t			 i;

	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		o = &outcomes[i];
		if (strncmp(state, o->state, strlen(o->state)))
			continue;
		/* "": a constraint the database named, whichever. */
		if (o->constraint == NULL || (*o->constraint == '\0' ?
		    *constraint != '\0' : !strcmp(o->constraint, constraint)))
			return (o);
	}
	return (NULL);
}

/*
 * The failed step of r as its answer: the outcome's status and words,
 * not_found for the handler's own 404. A 5xx never says more than that
 * something failed; the log says which SQLSTATE.
 */
int
reply_db_error(struct rq *r, enum msg not_found)
{
	const struct outcome	*o;

	if ((o = outcome_of(db_sqlstate(r), db_constraint(r))) == NULL) {
		kore_log(LOG_ERR, "request %s: database error %s", r->reqid,
		    db_sqlstate(r));
		return (reply_internal(r));
	}
	if (o->verr >= 0 && o->constraint != NULL)
		return (reply_constraint(r, o));
	if (o->verr >= 0)
		return (reply_field(r, db_detail(r), o->verr, db_hint(r)));
	if (o->msg == MSG_HANDLER)
		return (reply_problem(r, o->status, not_found));
	return (reply_problemf(r, o->status, o->msg, db_detail(r),
	    db_hint(r)));
}

/*
 * A rule of the database that the validator could not see (a code that
 * is not in the reference data, text that NFC normalisation made longer,
 * a value a PATCH may not clear): a 422 naming the field.
 */
static int
reply_constraint(struct rq *r, const struct outcome *o)
{
	char		field[64];

	constraint_field(db_constraint(r),
	    json_at(r->body, "organization") != NULL, field, sizeof(field));
	return (reply_field(r, field, o->verr, NULL));
}

/*
 * The body field a constraint guards: "technologies_category_fkey" ->
 * "category", "organizations_address_check" -> "address", or
 * "organization.address" in a body that nests the organization (nested);
 * anything after "__" only makes a name unique.
 */
static void
constraint_field(const char *c, int nested, char *out, size_t len)
{
	const char	*col, *end;
	size_t		 n;

	col = strchr(c, '_') ? strchr(c, '_') + 1 : c;
	n = strlen(col);
	if ((end = strstr(col, "__")) != NULL)
		n = end - col;
	else if (n > 6 && !strcmp(col + n - 6, "_check"))
		n -= 6;
	else if (n > 5 && !strcmp(col + n - 5, "_fkey"))
		n -= 5;
	(void)snprintf(out, len, "%s%.*s", nested &&
	    !strncmp(c, "organizations_", 14) ? "organization." : "",
	    (int)n, col);
}
