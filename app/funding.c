/*
 * funding.c -- funding programs' figures, DOST's eligibility flags, and
 * enterprises' applications with the agencies' reviews and decisions.
 * Flags and decisions are signed here (signing.c) between reading the
 * facts and writing the record; the rules are SQL (sql/007_funding.sql).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

#define AMOUNT_MAX	1000000000000000LL
#define SIG_LEN		128

/* What a signed step keeps between its two database steps. */
struct signed_step {
	char		*text;
	char		 sig[SIG_LEN];
	char		 key_id[SIGNKEY_ID_LEN + 1];
	char		 amount[24];
	char		 pct[8];
	char		 at[40];
	char		 program[48];
	int		 eligible;
};

static int	funding_reply(struct rq *, int);
static int	flag_sign(struct rq *, struct signed_step *);
static int	decision_sign(struct rq *, struct signed_step *);
static void	signed_free(void *);
static const char *org_of(struct rq *);
static const char *agency_of(struct rq *);

static const char *const decisions[] = { "approved", "rejected", NULL };
static const char *const app_states[] = { "submitted", "under_review",
    "approved", "rejected", NULL };

const struct field program_patch_body[] = {
	{ "budget_vnd", JT_INT, 0, 0, AMOUNT_MAX, 0, NULL, NULL, 0 },
	{ "max_support_pct", JT_INT, 0, 0, 100, 0, NULL, NULL, 0 },
	{ "code", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "name_vi", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "name_en", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "agency", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "year", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "committed_vnd", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "version", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field flag_body[] = {
	{ "program_code", JT_STRING, 1, 2, 40, JF_CODE, NULL, NULL, 0 },
	{ "eligible", JT_BOOL, 1, 0, 0, 0, NULL, NULL, 0 },
	{ "max_support_pct", JT_INT, 0, 1, 100, 0, NULL, NULL, 0 },
	{ "valid_until", JT_STRING, 0, 10, 10, JF_DATE, NULL, NULL, 0 },
	{ "note", JT_STRING, 0, 0, 1000, JF_NONE, NULL, NULL, 0 },
	{ "technology_id", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "flagged_by", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "flagged_at", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "signature", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field application_body[] = {
	{ "program_code", JT_STRING, 1, 2, 40, JF_CODE, NULL, NULL, 0 },
	{ "quote_request_id", JT_STRING, 1, 36, 36, JF_UUID, NULL, NULL, 0 },
	{ "amount_requested_vnd", JT_INT, 1, 1, AMOUNT_MAX, 0, NULL, NULL,
	    0 },
	{ "description", JT_STRING, 0, 0, 5000, JF_NONE, NULL, NULL, 0 },
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "status", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "decision", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "technology", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "enterprise", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "version", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field decision_body[] = {
	{ "decision", JT_STRING, 1, 1, 20, JF_NONE, decisions, NULL, 0 },
	{ "amount_approved_vnd", JT_INT, 0, 1, AMOUNT_MAX, 0, NULL, NULL, 0 },
	{ "note", JT_STRING, 0, 0, 1000, JF_NONE, NULL, NULL, 0 },
	{ "signature", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

static const char *
org_of(struct rq *r)
{
	return (r->who.org_id[0] ? r->who.org_id : NULL);
}

static const char *
agency_of(struct rq *r)
{
	return (r->who.agency[0] ? r->who.agency : NULL);
}

static void
signed_free(void *arg)
{
	struct signed_step	*s = arg;

	free(s->text);
	kore_free(s);
}

/*
 * The 409s of the funding functions: a result, or a prefix ending in ':'
 * whose value fills the message's %s.
 */
static const struct conflict {
	const char	*result;
	const char	*vi;
	const char	*en;
} conflicts[] = {
	{ "not_accepted:", "Báo giá đang ở trạng thái %s, chưa được chấp "
	    "nhận", "The quote is %s, not accepted" },
	{ "not_eligible", "Công nghệ hiện không đủ điều kiện cho chương trình "
	    "này", "The technology is not eligible for this program today" },
	{ "duplicate", "Báo giá này đã có hồ sơ cho chương trình này",
	    "This quote already has an application to this program" },
	{ "budget:", "Vượt ngân sách: chương trình chỉ còn %s đồng",
	    "Over budget: the program has %s VND left" },
};

/* A (result, doc, version[, id]) row of the funding functions. */
static int
funding_reply(struct rq *r, int status)
{
	struct verrors	 ve;
	const char	*res, *arg;
	char		 vi[160], en[160];
	size_t		 i, n;

	if (!db_ok(r))
		return (reply_constraint(r));
	if ((res = db_get(r, 0, 0)) == NULL)
		res = "not_found";
	if (!strcmp(res, "ok"))
		return (reply_doc(r, status, 1, "Không tìm thấy",
		    "Not found"));
	if (!strncmp(res, "over:", 5)) {
		(void)snprintf(vi, sizeof(vi), "vượt mức tối đa %s đồng mà "
		    "chương trình và cờ đủ điều kiện cho phép", res + 5);
		(void)snprintf(en, sizeof(en), "is more than the %s VND the "
		    "program and the flag allow for this quote", res + 5);
		ve.n = 0;
		verr_add(&ve, "amount_requested_vnd", VERR_RULE,
		    r->lang == LANG_EN ? en : vi);
		return (reply_invalid(r, &ve));
	}
	for (i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
		n = strlen(conflicts[i].result);
		if (strncmp(res, conflicts[i].result, n) ||
		    (conflicts[i].result[n - 1] != ':' && res[n] != '\0'))
			continue;
		arg = res + n;
		(void)snprintf(vi, sizeof(vi), conflicts[i].vi, arg);
		(void)snprintf(en, sizeof(en), conflicts[i].en, arg);
		return (reply_problem(r, 409, vi, en));
	}
	if (!strcmp(res, "stale") && r->route->body == decision_body)
		return (reply_problem(r, 409, "Hồ sơ vừa thay đổi; hãy thử "
		    "lại", "The application changed meanwhile; try again"));
	return (reply_patched(r, "Không tìm thấy", "Not found"));
}

/* PATCH /funding-programs/{code}: the owning agency's figures. */
int
program_patch(struct rq *r)
{
	char		ver[16];
	int		m;

	if (r->step == 1)
		return (funding_reply(r, 200));
	if (!format_ok(JF_CODE, r->pathid))
		return (reply_problem(r, 404, "Không tìm thấy chương trình",
		    "No such program"));
	if ((m = if_match(r, ver, sizeof(ver), 1)) < 0)
		return (RQ_DONE);
	r->step = 1;
	return (db_one(r, Q_PROGRAM_PATCH, 4, r->pathid, agency_of(r),
	    m ? ver : NULL, body_text(r)));
}

/* The record a flag signs: what it says, of what, by whom, when. */
static int
flag_sign(struct rq *r, struct signed_step *s)
{
	struct canon	f[8];
	int64_t		pct;
	const char	*note;

	kore_strlcpy(s->at, db_get(r, 0, 1), sizeof(s->at));
	note = json_str(r->body, "note");
	s->pct[0] = '\0';
	if (s->eligible && json_int(r->body, "max_support_pct", &pct))
		(void)snprintf(s->pct, sizeof(s->pct), "%lld",
		    (long long)pct);
	f[0] = (struct canon){ "technology_id", CANON_STR, r->pathid, 0 };
	f[1] = (struct canon){ "program_code", CANON_STR, s->program, 0 };
	f[2] = (struct canon){ "eligible", CANON_BOOL, NULL, s->eligible };
	f[3] = (struct canon){ "max_support_pct", s->pct[0] ? CANON_INT :
	    CANON_NULL, NULL, s->pct[0] ? atoll(s->pct) : 0 };
	f[4] = (struct canon){ "note", CANON_STR, note, 0 };
	f[5] = (struct canon){ "flagged_by", CANON_STR, r->who.id, 0 };
	f[6] = (struct canon){ "flagged_at", CANON_STR, s->at, 0 };
	f[7] = (struct canon){ "valid_until", CANON_STR,
	    json_str(r->body, "valid_until"), 0 };
	return (sign_record(f, 8, &s->text, s->sig, sizeof(s->sig),
	    s->key_id, sizeof(s->key_id)));
}

/* PUT /technologies/{id}/funding: DOST's flag, appended and signed. */
int
flag_put(struct rq *r)
{
	struct signed_step	*s = r->ctx;
	struct verrors		 ve;
	int64_t			 pct;

	switch (r->step) {
	case 0:
		if (strcmp(r->who.agency, "dost"))
			return (reply_problem(r, 403, "Chỉ Sở Khoa học và Công "
			    "nghệ gắn cờ đủ điều kiện", "Only DOST flags "
			    "eligibility"));
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, "Không tìm thấy công "
			    "nghệ", "No such technology"));
		s = kore_calloc(1, sizeof(*s));
		r->ctx = s;
		r->ctx_free = signed_free;
		(void)json_bool(r->body, "eligible", &s->eligible);
		kore_strlcpy(s->program, json_str(r->body, "program_code"),
		    sizeof(s->program));
		/* A percentage goes with eligible, and only with it. */
		if (s->eligible != json_int(r->body, "max_support_pct",
		    &pct)) {
			ve.n = 0;
			verr_add(&ve, "max_support_pct", s->eligible ?
			    VERR_REQUIRED : VERR_RULE, NULL);
			return (reply_invalid(r, &ve));
		}
		r->step = 1;
		return (db_one(r, Q_FLAG_FACTS, 2, r->pathid, s->program));
	case 1:
		if (!db_ok(r))
			return (reply_db_error(r));
		if (strcmp(db_get(r, 0, 0), "ok"))
			return (funding_reply(r, 200));
		if (!flag_sign(r, s))
			return (reply_internal(r));
		r->step = 2;
		return (db_one(r, Q_FLAG_PUT, 11, r->pathid, s->program,
		    s->eligible ? "true" : "false", s->pct[0] ? s->pct : NULL,
		    json_str(r->body, "valid_until"), json_str(r->body, "note"),
		    r->who.id, s->at, s->text, s->sig, s->key_id));
	default:
		return (funding_reply(r, 200));
	}
}

/* GET /technologies/{id}/funding: every flag, newest first, signed. */
int
flag_history(struct rq *r)
{
	return (owned_list(r, Q_FLAG_TECH, Q_FLAG_HISTORY, "flags"));
}

int
application_create(struct rq *r)
{
	const char	*id;
	char		 where[80];

	if (r->step == 0) {
		r->step = 1;
		return (db_one(r, Q_APPLY, 3, r->who.id, r->who.org_id,
		    body_text(r)));
	}
	if (db_ok(r) && (id = db_get(r, 0, 3)) != NULL) {
		(void)snprintf(where, sizeof(where),
		    "/api/v1/funding-applications/%s", id);
		http_response_header(r->req, "location", where);
	}
	return (funding_reply(r, 201));
}

/* The caller's applications: its own, or its agency's programs'. */
int
application_list(struct rq *r)
{
	static const char *const allowed[] = { "program_code", "status",
	    "limit", "cursor", NULL };
	const char	*program, *status;

	if (r->step == 1)
		return (reply_list(r, "applications", r->limit));
	if (!query_check(r, allowed))
		return (RQ_DONE);
	program = query_arg(r, "program_code");
	status = query_arg(r, "status");
	if ((program != NULL && !format_ok(JF_CODE, program)) ||
	    (status != NULL && !str_oneof(status, app_states)))
		return (reply_problem(r, 400, "program_code hoặc status không "
		    "hợp lệ", "Invalid program_code or status"));
	if (!query_page(r, "applications"))
		return (RQ_DONE);
	r->step = 1;
	return (db_one(r, Q_APPLICATION_LIST, 7, org_of(r), agency_of(r),
	    program, status, r->page.key, r->page.id, r->page.fetch));
}

int
application_get(struct rq *r)
{
	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_db_error(r));
		return (reply_doc(r, 200, 0, "Không tìm thấy hồ sơ",
		    "No such application"));
	}
	if (!format_ok(JF_UUID, r->pathid))
		return (reply_problem(r, 404, "Không tìm thấy hồ sơ",
		    "No such application"));
	r->step = 1;
	return (db_one(r, Q_APPLICATION_GET, 3, r->pathid, org_of(r),
	    agency_of(r)));
}

/* submitted -> under_review, by the program's agency; nothing signed. */
int
application_review(struct rq *r)
{
	if (r->step == 1)
		return (funding_reply(r, 200));
	if (!format_ok(JF_UUID, r->pathid))
		return (reply_problem(r, 404, "Không tìm thấy hồ sơ",
		    "No such application"));
	r->step = 1;
	return (db_one(r, Q_DECIDE, 12, r->pathid, org_of(r), agency_of(r),
	    r->who.id, "review", NULL, NULL, NULL, NULL, NULL, NULL, NULL));
}

/* The record a decision signs. */
static int
decision_sign(struct rq *r, struct signed_step *s)
{
	struct canon	f[10];
	const char	*decision;
	int64_t		amount;

	decision = json_str(r->body, "decision");
	kore_strlcpy(s->at, db_get(r, 0, 7), sizeof(s->at));
	s->amount[0] = '\0';
	if (json_int(r->body, "amount_approved_vnd", &amount))
		(void)snprintf(s->amount, sizeof(s->amount), "%lld",
		    (long long)amount);
	f[0] = (struct canon){ "application_id", CANON_STR, r->pathid, 0 };
	f[1] = (struct canon){ "program_code", CANON_STR, db_get(r, 0, 1),
	    0 };
	f[2] = (struct canon){ "quote_request_id", CANON_STR,
	    db_get(r, 0, 2), 0 };
	f[3] = (struct canon){ "technology_id", CANON_STR, db_get(r, 0, 3),
	    0 };
	f[4] = (struct canon){ "enterprise_id", CANON_STR, db_get(r, 0, 4),
	    0 };
	f[5] = (struct canon){ "decision", CANON_STR, decision, 0 };
	f[6] = (struct canon){ "amount_approved_vnd", s->amount[0] ?
	    CANON_INT : CANON_NULL, NULL, s->amount[0] ? amount : 0 };
	f[7] = (struct canon){ "note", CANON_STR,
	    json_str(r->body, "note"), 0 };
	f[8] = (struct canon){ "decided_by", CANON_STR, r->who.id, 0 };
	f[9] = (struct canon){ "decided_at", CANON_STR, s->at, 0 };
	return (sign_record(f, 10, &s->text, s->sig, sizeof(s->sig),
	    s->key_id, sizeof(s->key_id)));
}

/*
 * approved (with an amount) or rejected, by the program's agency: the
 * facts, then the signed record written only if nothing moved between.
 */
int
application_decide(struct rq *r)
{
	struct signed_step	*s = r->ctx;
	struct verrors		 ve;
	const char		*decision;
	int64_t			 amount;

	switch (r->step) {
	case 0:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, "Không tìm thấy hồ sơ",
			    "No such application"));
		decision = json_str(r->body, "decision");
		/* An amount goes with an approval, and only with it. */
		if ((strcmp(decision, "approved") == 0) != json_int(r->body,
		    "amount_approved_vnd", &amount)) {
			ve.n = 0;
			verr_add(&ve, "amount_approved_vnd",
			    !strcmp(decision, "approved") ? VERR_REQUIRED :
			    VERR_RULE, NULL);
			return (reply_invalid(r, &ve));
		}
		s = kore_calloc(1, sizeof(*s));
		r->ctx = s;
		r->ctx_free = signed_free;
		r->step = 1;
		return (db_one(r, Q_DECISION_FACTS, 3, r->pathid, org_of(r),
		    agency_of(r)));
	case 1:
		if (!db_ok(r))
			return (reply_db_error(r));
		if (strcmp(db_get(r, 0, 0), "ok"))
			return (funding_reply(r, 200));
		if (!decision_sign(r, s))
			return (reply_internal(r));
		r->step = 2;
		return (db_one(r, Q_DECIDE, 12, r->pathid, org_of(r),
		    agency_of(r), r->who.id, json_str(r->body, "decision"),
		    db_get(r, 0, 6), s->amount[0] ? s->amount : NULL,
		    json_str(r->body, "note"), s->at, s->text, s->sig,
		    s->key_id));
	default:
		return (funding_reply(r, 200));
	}
}

int
program_get(struct rq *r)
{
	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_db_error(r));
		return (reply_doc(r, 200, 0, "Không tìm thấy chương trình",
		    "No such program"));
	}
	if (!format_ok(JF_CODE, r->pathid))
		return (reply_problem(r, 404, "Không tìm thấy chương trình",
		    "No such program"));
	r->step = 1;
	return (db_one(r, Q_PROGRAM_GET, 1, r->pathid));
}
