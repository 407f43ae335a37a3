/*
 * funding.c -- funding programs' figures, DOST's eligibility flags, and
 * enterprises' applications with the agencies' reviews and decisions.
 * Flags and decisions are signed here (signing.c) between reading the
 * facts and writing the record; the rules are SQL (sql/functions/).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

/* What a signed step keeps between its two database steps. */
struct signed_step {
	struct signature sig;
	char		 amount[24];
	char		 pct[8];
	char		 at[40];
	char		 program[48];
	int		 eligible;
};

enum { SIGN_ASK, SIGN_FACTS, SIGN_WRITTEN };

static int	flag_sign(struct rq *, struct signed_step *);
static int	decision_sign(struct rq *, struct signed_step *);
static struct signed_step *signed_new(struct rq *);
static void	signed_free(void *);
static int	year_ok(const char *);

static const char *const decisions[] = { "approved", "rejected", NULL };
static const char *const app_states[] = { "submitted", "under_review",
    "approved", "rejected", NULL };

const struct field program_patch_body[] = {
	{ .name = "budget_vnd", .type = JT_INT, .max = PRICE_MAX },
	{ .name = "max_support_pct", .type = JT_INT, .max = 100 },
	FIELD_READONLY("code"),
	FIELD_READONLY("name_vi"),
	FIELD_READONLY("name_en"),
	FIELD_READONLY("agency"),
	FIELD_READONLY("year"),
	FIELD_READONLY("committed_vnd"),
	FIELD_READONLY("version"),
	FIELD_END
};

const struct field flag_body[] = {
	{ .name = "program_code", .type = JT_STRING, .required = 1,
	    .min = 2, .max = 40, .format = JF_CODE },
	{ .name = "eligible", .type = JT_BOOL, .required = 1 },
	{ .name = "max_support_pct", .type = JT_INT, .min = 1, .max = 100 },
	{ .name = "valid_until", .type = JT_STRING, .min = 10, .max = 10,
	    .format = JF_DATE },
	{ .name = "note", .type = JT_STRING, .max = 1000 },
	FIELD_READONLY("technology_id"),
	FIELD_READONLY("flagged_by"),
	FIELD_READONLY("flagged_at"),
	FIELD_READONLY("signature"),
	FIELD_END
};

const struct field application_body[] = {
	{ .name = "program_code", .type = JT_STRING, .required = 1,
	    .min = 2, .max = 40, .format = JF_CODE },
	{ .name = "quote_request_id", .type = JT_STRING, .required = 1,
	    .min = 36, .max = 36, .format = JF_UUID },
	{ .name = "amount_requested_vnd", .type = JT_INT, .required = 1,
	    .min = 1, .max = PRICE_MAX },
	{ .name = "description", .type = JT_STRING, .max = 5000 },
	FIELD_READONLY("id"),
	FIELD_READONLY("status"),
	FIELD_READONLY("decision"),
	FIELD_READONLY("technology"),
	FIELD_READONLY("enterprise"),
	FIELD_READONLY("version"),
	FIELD_END
};

const struct field decision_body[] = {
	{ .name = "decision", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 20, .oneof = decisions },
	{ .name = "amount_approved_vnd", .type = JT_INT, .min = 1,
	    .max = PRICE_MAX },
	{ .name = "note", .type = JT_STRING, .max = 1000 },
	FIELD_READONLY("signature"),
	FIELD_END
};

static struct signed_step *
signed_new(struct rq *r)
{
	r->ctx = kore_calloc(1, sizeof(struct signed_step));
	r->ctx_free = signed_free;
	return (r->ctx);
}

static void
signed_free(void *arg)
{
	struct signed_step	*s = arg;

	sign_free(&s->sig);
	kore_free(s);
}

/* A program year: four digits, as funding_programs.year holds them. */
static int
year_ok(const char *v)
{
	return (strlen(v) == 4 && strspn(v, "0123456789") == 4 &&
	    v[0] != '0');
}

/* PATCH /funding-programs/{code}: the owning agency's figures. */
int
program_patch(struct rq *r)
{
	const char	*version;
	char		 buf[16];

	switch (r->step) {
	case STEP_ASK:
		if (!change_target(r, JF_CODE, 1, MSG_NO_SUCH_PROGRAM, buf,
		    sizeof(buf), &version))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_PROGRAM_PATCH, r->pathid, caller_agency(r),
		    version, body_text(r), r->who.id));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_PROGRAM));
	}
}

/* The record a flag signs: what it says, of what, by whom, when. */
static int
flag_sign(struct rq *r, struct signed_step *s)
{
	struct canon	f[8];
	int64_t		pct;

	kore_strlcpy(s->at, db_str(r, 0, 0, ""), sizeof(s->at));
	s->pct[0] = '\0';
	if (s->eligible && json_int(r->body, "max_support_pct", &pct))
		(void)snprintf(s->pct, sizeof(s->pct), "%lld",
		    (long long)pct);
	f[0] = (struct canon){ "technology_id", CANON_STR, r->pathid, 0 };
	f[1] = (struct canon){ "program_code", CANON_STR, s->program, 0 };
	f[2] = (struct canon){ "eligible", CANON_BOOL, NULL, s->eligible };
	f[3] = (struct canon){ "max_support_pct", s->pct[0] ? CANON_INT :
	    CANON_NULL, NULL, s->pct[0] ? atoll(s->pct) : 0 };
	f[4] = (struct canon){ "note", CANON_STR,
	    json_str(r->body, "note"), 0 };
	f[5] = (struct canon){ "flagged_by", CANON_STR, r->who.id, 0 };
	f[6] = (struct canon){ "flagged_at", CANON_STR, s->at, 0 };
	f[7] = (struct canon){ "valid_until", CANON_STR,
	    json_str(r->body, "valid_until"), 0 };
	return (sign_record(f, 8, &s->sig));
}

/* PUT /technologies/{id}/funding: DOST's flag, appended and signed. */
int
flag_put(struct rq *r)
{
	struct signed_step	*s = r->ctx;
	int64_t			 pct;

	switch (r->step) {
	case SIGN_ASK:
		if (strcmp(r->who.agency, "dost"))
			return (reply_problem(r, 403, MSG_ONLY_DOST));
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, MSG_NO_SUCH_TECHNOLOGY));
		s = signed_new(r);
		(void)json_bool(r->body, "eligible", &s->eligible);
		kore_strlcpy(s->program, json_str(r->body, "program_code"),
		    sizeof(s->program));
		/* A percentage goes with eligible, and only with it. */
		if (s->eligible != json_int(r->body, "max_support_pct", &pct))
			return (reply_field(r, "max_support_pct", s->eligible ?
			    VERR_REQUIRED : VERR_RULE, NULL));
		r->step = SIGN_FACTS;
		return (db_one(r, Q_FLAG_FACTS, r->pathid, s->program));
	case SIGN_FACTS:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NO_SUCH_TECHNOLOGY));
		if (!flag_sign(r, s))
			return (reply_internal(r));
		r->step = SIGN_WRITTEN;
		return (db_one(r, Q_FLAG_PUT, r->pathid, s->program,
		    s->eligible ? "true" : "false", s->pct[0] ? s->pct : NULL,
		    json_str(r->body, "valid_until"), json_str(r->body, "note"),
		    r->who.id, s->at, s->sig.text, s->sig.value,
		    s->sig.key_id));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_TECHNOLOGY));
	}
}

/* GET /technologies/{id}/funding: every flag, newest first, signed. */
int
flag_history(struct rq *r)
{
	return (owned_list(r, Q_FLAG_TECH, Q_FLAG_HISTORY, "flags",
	    MSG_NO_SUCH_TECHNOLOGY));
}

int
application_create(struct rq *r)
{
	const char	*id;
	char		 where[80];

	switch (r->step) {
	case STEP_ASK:
		r->step = STEP_ANSWER;
		return (db_one(r, Q_APPLY, r->who.id, r->who.org_id,
		    body_text(r)));
	default:
		if (db_ok(r) && (id = db_get(r, 0, 2)) != NULL) {
			(void)snprintf(where, sizeof(where),
			    "/api/v1/funding-applications/%s", id);
			http_response_header(r->req, "location", where);
		}
		return (reply_doc(r, 201, MSG_NO_SUCH_APPLICATION));
	}
}

/* The caller's applications: its own, or its agency's programs'. */
int
application_list(struct rq *r)
{
	static const char *const allowed[] = { "program_code", "status",
	    "limit", "cursor", NULL };
	const char	*program, *status;

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		program = query_arg(r, "program_code");
		status = query_arg(r, "status");
		if (program != NULL && !format_ok(JF_CODE, program))
			return (reply_bad_param(r, "program_code"));
		if (status != NULL && !str_oneof(status, app_states))
			return (reply_bad_param(r, "status"));
		if (!query_page(r, "applications"))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_APPLICATION_LIST, caller_org(r),
		    caller_agency(r), program, status, r->page.key,
		    r->page.id, r->page.fetch));
	default:
		return (reply_list(r));
	}
}

/*
 * GET /funding-decisions: the public register of approved decisions,
 * each with the signature its decision carried; anyone may read it.
 */
int
decision_register(struct rq *r)
{
	static const char *const allowed[] = { "program_code", "year",
	    "limit", "cursor", NULL };
	const char	*program, *year;

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		program = query_arg(r, "program_code");
		year = query_arg(r, "year");
		if (program != NULL && !format_ok(JF_CODE, program))
			return (reply_bad_param(r, "program_code"));
		if (year != NULL && !year_ok(year))
			return (reply_bad_param(r, "year"));
		if (!query_page(r, "register"))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_DECISION_REGISTER, program, year,
		    r->page.key, r->page.id, r->page.fetch));
	default:
		return (reply_list(r));
	}
}

int
application_get(struct rq *r)
{
	return (doc_get(r, Q_APPLICATION_GET, JF_UUID,
	    MSG_NO_SUCH_APPLICATION));
}

/* submitted -> under_review, by the program's agency; nothing signed. */
int
application_review(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404,
			    MSG_NO_SUCH_APPLICATION));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_DECIDE, r->pathid, caller_org(r),
		    caller_agency(r), r->who.id, "review", NULL, NULL, NULL,
		    NULL, NULL, NULL, NULL));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_APPLICATION));
	}
}

/* The record a decision signs, from the facts' row. */
static int
decision_sign(struct rq *r, struct signed_step *s)
{
	struct canon	f[10];
	int64_t		amount;

	kore_strlcpy(s->at, db_str(r, 0, 6, ""), sizeof(s->at));
	s->amount[0] = '\0';
	if (json_int(r->body, "amount_approved_vnd", &amount))
		(void)snprintf(s->amount, sizeof(s->amount), "%lld",
		    (long long)amount);
	f[0] = (struct canon){ "application_id", CANON_STR, r->pathid, 0 };
	f[1] = (struct canon){ "program_code", CANON_STR, db_get(r, 0, 0),
	    0 };
	f[2] = (struct canon){ "quote_request_id", CANON_STR,
	    db_get(r, 0, 1), 0 };
	f[3] = (struct canon){ "technology_id", CANON_STR, db_get(r, 0, 2),
	    0 };
	f[4] = (struct canon){ "enterprise_id", CANON_STR, db_get(r, 0, 3),
	    0 };
	f[5] = (struct canon){ "decision", CANON_STR,
	    json_str(r->body, "decision"), 0 };
	f[6] = (struct canon){ "amount_approved_vnd", s->amount[0] ?
	    CANON_INT : CANON_NULL, NULL, s->amount[0] ? amount : 0 };
	f[7] = (struct canon){ "note", CANON_STR,
	    json_str(r->body, "note"), 0 };
	f[8] = (struct canon){ "decided_by", CANON_STR, r->who.id, 0 };
	f[9] = (struct canon){ "decided_at", CANON_STR, s->at, 0 };
	return (sign_record(f, 10, &s->sig));
}

/*
 * approved (with an amount) or rejected, by the program's agency: the
 * facts, then the signed record written only if nothing moved between.
 */
int
application_decide(struct rq *r)
{
	struct signed_step	*s = r->ctx;
	int			 approved;
	int64_t			 amount;

	switch (r->step) {
	case SIGN_ASK:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404,
			    MSG_NO_SUCH_APPLICATION));
		approved = !strcmp(json_str(r->body, "decision"), "approved");
		/* An amount goes with an approval, and only with it. */
		if (approved != json_int(r->body, "amount_approved_vnd",
		    &amount))
			return (reply_field(r, "amount_approved_vnd",
			    approved ? VERR_REQUIRED : VERR_RULE, NULL));
		s = signed_new(r);
		r->step = SIGN_FACTS;
		return (db_one(r, Q_DECISION_FACTS, r->pathid, caller_org(r),
		    caller_agency(r)));
	case SIGN_FACTS:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NO_SUCH_APPLICATION));
		if (!decision_sign(r, s))
			return (reply_internal(r));
		r->step = SIGN_WRITTEN;
		return (db_one(r, Q_DECIDE, r->pathid, caller_org(r),
		    caller_agency(r), r->who.id,
		    json_str(r->body, "decision"), db_get(r, 0, 5),
		    s->amount[0] ? s->amount : NULL,
		    json_str(r->body, "note"), s->at, s->sig.text,
		    s->sig.value, s->sig.key_id));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_APPLICATION));
	}
}

int
program_get(struct rq *r)
{
	return (doc_get(r, Q_PROGRAM_GET, JF_CODE, MSG_NO_SUCH_PROGRAM));
}
