/*
 * test_problem.c -- the error mapping: each outcome of the database, by
 * SQLSTATE and constraint, becomes the status and words the contract
 * gives, and a fault becomes a 500 that says nothing more.
 */

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "test.h"

static yajl_val	answer(const char *, const char *, const char *,
		    const char *, int);
static yajl_val	answer_to(const char *, const char *, const char *,
		    const char *, const char *, int);

/* reply_db_error for a step that failed so, in English; the body. */
static yajl_val
answer(const char *state, const char *constraint, const char *detail,
    const char *hint, int status)
{
	return (answer_to(NULL, state, constraint, detail, hint, status));
}

/* The same for a request that sent body (JSON text; NULL: none). */
static yajl_val
answer_to(const char *body, const char *state, const char *constraint,
    const char *detail, const char *hint, int status)
{
	struct rq	r;
	char		err[128];
	yajl_val	v;

	memset(&r, 0, sizeof(r));
	if (body != NULL)
		r.body = json_parse(body, strlen(body), err, sizeof(err));
	r.lang = LANG_EN;
	strcpy(r.reqid, "req-1");
	stub_db.state = state;
	stub_db.constraint = constraint;
	stub_db.detail = detail;
	stub_db.hint = hint;
	memset(&stub_reply, 0, sizeof(stub_reply));
	CHECK(reply_db_error(&r, MSG_NO_SUCH_NEED) == RQ_DONE);
	if (!CHECK(stub_reply.status == status))
		fprintf(stderr, "\t%s: %d, not %d\n", state, stub_reply.status,
		    status);
	CHECK(r.status == status);
	yajl_tree_free(r.body);
	CHECK(strcmp(stub_reply.content_type,
	    "application/problem+json") == 0);
	v = json_parse(stub_reply.body, stub_reply.len, err, sizeof(err));
	CHECK(v != NULL && strcmp(json_str(v, "request_id"), "req-1") == 0);
	return (v);
}

static int
detail_is(yajl_val v, const char *want)
{
	const char	*d;
	int		 ok;

	d = json_str(v, "detail");
	ok = d != NULL && strcmp(d, want) == 0;
	if (!ok)
		fprintf(stderr, "\tdetail '%s', not '%s'\n", d ? d : "", want);
	yajl_tree_free(v);
	return (ok);
}

/* A 422 whose one error names field with message. */
static int
field_is(yajl_val v, const char *field, const char *message)
{
	yajl_val	errs, e;
	int		ok;

	errs = json_at(v, "errors");
	ok = YAJL_IS_ARRAY(errs) && errs->u.array.len == 1;
	if (ok) {
		e = errs->u.array.values[0];
		ok = !strcmp(json_str(e, "field"), field) &&
		    !strcmp(json_str(e, "message"), message);
	}
	yajl_tree_free(v);
	return (ok);
}

static void
project_states(void)
{
	CHECK(detail_is(answer("TM404", "", "", "", 404), "No such need"));
	CHECK(detail_is(answer("TM403", "", "", "", 403),
	    "This is the other party's to do"));
	CHECK(detail_is(answer("TM412", "", "", "", 412),
	    "It has changed since; fetch it again"));
	CHECK(detail_is(answer("TM409", "", "accepted", "withdraw", 409),
	    "Cannot withdraw: it is accepted now"));
	CHECK(detail_is(answer("TM490", "", "draft", "archived", 409),
	    "The status cannot change from draft to archived"));
	CHECK(field_is(answer("TM427", "", "amount_approved_vnd", "5000", 422),
	    "amount_approved_vnd", "must be at most 5000"));
	CHECK(field_is(answer("TM428", "", "budget_vnd", "7000", 422),
	    "budget_vnd", "must be at least 7000"));
	CHECK(field_is(answer("TM422", "", "technology_id", "", 422),
	    "technology_id", "refers to nothing you may use"));
	CHECK(field_is(answer("TM423", "", "valid_until", "", 422),
	    "valid_until", "must not be a past date"));
	CHECK(field_is(answer("TM424", "", "amount_requested_vnd", "1500",
	    422), "amount_requested_vnd", "is more than the 1500 VND the "
	    "program and the flag allow for this quote"));
	CHECK(field_is(answer("TM431", "", "organization.commune", "", 422),
	    "organization.commune", "is not a ward or commune of Can Tho city "
	    "(see GET /communes)"));
	CHECK(field_is(answer("TM432", "", "district", "", 422),
	    "district", "is not a former district of Can Tho city (see GET "
	    "/districts)"));
	CHECK(field_is(answer("TM433", "", "commune", "cai_rang", 422),
	    "commune", "lies in cai_rang, not in the district sent"));
	CHECK(detail_is(answer("TM434", "", "", "", 409),
	    "The organization was verified under this tax code, which cannot "
	    "change now; ask an administrator"));
	CHECK(detail_is(answer("TM491", "", "quoted", "", 409),
	    "The quote is quoted, not accepted"));
	CHECK(detail_is(answer("TM494", "", "250000", "", 409),
	    "Over budget: the program has 250000 VND left"));
	CHECK(detail_is(answer("TM495", "", "", "", 409),
	    "The application changed meanwhile; try again"));
}

static void
postgres_states(void)
{
	CHECK(detail_is(answer("23505", "accounts_email", "", "", 409),
	    "This email is already registered"));
	CHECK(detail_is(answer("23505", "organizations_tax_code", "", "",
	    409), "This tax code is already registered"));
	CHECK(detail_is(answer("23505", "some_other_key", "", "", 409),
	    "A record with these values already exists"));
	CHECK(detail_is(answer("23503", "quote_requests_technology_id_fkey",
	    "", "", 409), "Quote requests refer to this technology; archive "
	    "it instead"));
	CHECK(field_is(answer("23503", "technologies_category_fkey", "", "",
	    422), "category", "is not one of the allowed values"));
	CHECK(field_is(answer_to("{\"organization\": {}}", "23514",
	    "organizations_address_check", "", "", 422),
	    "organization.address", "breaks a rule of this field"));
	CHECK(field_is(answer("23503", "organizations_sector_fkey", "", "",
	    422), "sector", "is not one of the allowed values"));
	CHECK(field_is(answer("23514",
	    "technologies_price_max_vnd__order_check", "", "", 422),
	    "price_max_vnd", "breaks a rule of this field"));
	CHECK(field_is(answer("23502", "needs_title_check", "", "", 422),
	    "title", "is required"));
	CHECK(detail_is(answer("23514", "", "", "", 422),
	    "The data violates a rule of this resource"));
	CHECK(detail_is(answer("22P02", "", "", "", 422),
	    "The data violates a rule of this resource"));
	CHECK(detail_is(answer("40001", "", "", "", 409),
	    "Concurrent change; please retry"));
	CHECK(detail_is(answer("40P01", "", "", "", 409),
	    "Concurrent change; please retry"));
	CHECK(detail_is(answer("08006", "", "", "", 503),
	    "The database is temporarily unavailable"));
	CHECK(detail_is(answer("57P01", "", "", "", 503),
	    "The database is temporarily unavailable"));
	/* Faults say nothing of what they were. */
	CHECK(detail_is(answer("42P01", "", "relation x", "", 500),
	    "Something went wrong on our side"));
	CHECK(detail_is(answer("XX000", "", "", "", 500),
	    "Something went wrong on our side"));
	CHECK(detail_is(answer("TM999", "", "", "", 500),
	    "Something went wrong on our side"));
}

void
test_problem(void)
{
	project_states();
	postgres_states();
	/* A class answers for its codes the table does not name. */
	CHECK(detail_is(answer("53300", "", "", "", 503),
	    "The database is temporarily unavailable"));
	CHECK(detail_is(answer("P0001", "", "", "", 500),
	    "Something went wrong on our side"));
}
