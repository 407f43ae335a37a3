/*
 * organizations.c -- an organization as its own accounts keep it: the
 * fields registration takes, and reading and correcting it later; and
 * the admins' queue of organizations to verify.
 */

#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

#define ORGANIZATION_FIELDS(req)					\
	{ .name = "name", .type = JT_STRING, .required = (req),	\
	    .min = 1, .max = 200 },					\
	{ .name = "tax_code", .type = JT_STRING, .required = (req),	\
	    .min = 10, .max = 14, .format = JF_TAXCODE },		\
	PLACE_FIELDS(req),						\
	{ .name = "sector", .type = JT_STRING, .required = (req),	\
	    .min = 2, .max = 40, .format = JF_CODE },			\
	{ .name = "address", .type = JT_STRING, .max = 300 },		\
	{ .name = "phone", .type = JT_STRING, .max = 30,		\
	    .format = JF_PHONE },					\
	{ .name = "website", .type = JT_STRING, .max = 300,		\
	    .format = JF_URL },						\
	FIELD_READONLY("id"),						\
	FIELD_READONLY("kind"),						\
	FIELD_READONLY("verified"),					\
	FIELD_READONLY("version"),					\
	FIELD_READONLY("created_at"),					\
	FIELD_READONLY("updated_at")

const struct field organization_register_body[] = {
	ORGANIZATION_FIELDS(1),
	FIELD_END
};

const struct field organization_patch_body[] = {
	ORGANIZATION_FIELDS(0),
	FIELD_END
};

int
organization_get(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		r->step = STEP_ANSWER;
		return (db_one(r, Q_ORGANIZATION_GET, r->who.org_id));
	default:
		return (reply_doc(r, 200, MSG_NOT_FOUND));
	}
}

/* Its own accounts correct it, with If-Match. */
int
organization_patch(struct rq *r)
{
	const char	*version;
	char		 buf[16];

	switch (r->step) {
	case STEP_ASK:
		if (!if_match(r, 1, buf, sizeof(buf), &version))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_ORGANIZATION_PATCH, r->who.org_id,
		    version, body_text(r), r->who.id));
	default:
		return (reply_doc(r, 200, MSG_NOT_FOUND));
	}
}

/* The admins' queue, oldest first; ?verified= keeps one side. */
int
admin_organizations_list(struct rq *r)
{
	static const char *const allowed[] = { "verified", "limit", "cursor",
	    NULL };
	const char	*verified;

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed) ||
		    !query_page(r, "admin_organizations"))
			return (RQ_DONE);
		verified = query_arg(r, "verified");
		if (verified != NULL && strcmp(verified, "true") &&
		    strcmp(verified, "false"))
			return (reply_bad_param(r, "verified"));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_ADMIN_ORGS, verified, r->page.key,
		    r->page.id, r->page.fetch));
	default:
		return (reply_list(r));
	}
}
