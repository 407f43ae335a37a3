/*
 * byproducts.c -- the by-product exchange: enterprises' and vendors'
 * offers and wants of by-products, the list signed-in users search, the
 * owner's changes and closing, and ranked matches of the other kind.
 */

#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static int	byproduct_list_parse(struct rq *, const char **);

static const char *const kinds[] = { "offer", "want", NULL };

/* A million tonnes a month is more than any plant of the city. */
#define QUANTITY_MAX	1000000

#define BYPRODUCT_FIELDS(req)						\
	{ .name = "material", .type = JT_STRING, .required = (req),	\
	    .min = 1, .max = 200 },					\
	{ .name = "material_code", .type = JT_STRING, .min = 2,		\
	    .max = 40, .format = JF_CODE },				\
	{ .name = "quantity_tonnes_per_month", .type = JT_NUMBER,	\
	    .required = (req), .min = 1, .max = QUANTITY_MAX },	\
	PLACE_FIELDS(req),						\
	{ .name = "description", .type = JT_STRING, .max = 5000 },	\
	{ .name = "available_until", .type = JT_STRING, .min = 10,	\
	    .max = 10, .format = JF_DATE },				\
	FIELD_READONLY("id"),						\
	FIELD_READONLY("organization"),					\
	FIELD_READONLY("status"),					\
	FIELD_READONLY("version"),					\
	FIELD_READONLY("created_at"),					\
	FIELD_READONLY("updated_at"),					\
	FIELD_READONLY("closed_at")

const struct field byproduct_create_body[] = {
	{ .name = "kind", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 10, .oneof = kinds },
	BYPRODUCT_FIELDS(1),
	FIELD_END
};

/* An offer stays an offer: a want is another entry. */
const struct field byproduct_patch_body[] = {
	FIELD_READONLY("kind"),
	BYPRODUCT_FIELDS(0),
	FIELD_END
};

/* Closing takes no body; one that names any field is 422. */
const struct field byproduct_close_body[] = {
	FIELD_END
};

int
byproduct_create(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		r->step = STEP_ANSWER;
		return (db_one(r, Q_BYPRODUCT_CREATE, r->who.id,
		    r->who.org_id, body_text(r)));
	default:
		return (reply_doc(r, 201, MSG_NO_SUCH_BYPRODUCT));
	}
}

/* Open ones for every signed-in caller; closed ones for their owner. */
int
byproduct_get(struct rq *r)
{
	return (doc_get(r, Q_BYPRODUCT_GET, JF_UUID,
	    MSG_NO_SUCH_BYPRODUCT));
}

int
byproduct_patch(struct rq *r)
{
	const char	*version;
	char		 buf[16];

	switch (r->step) {
	case STEP_ASK:
		if (!change_target(r, JF_UUID, 1, MSG_NO_SUCH_BYPRODUCT, buf,
		    sizeof(buf), &version))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_BYPRODUCT_PATCH, r->who.id, r->pathid,
		    r->who.org_id, version, body_text(r)));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_BYPRODUCT));
	}
}

/* If-Match is honoured when sent: closing needs no body to send. */
int
byproduct_close(struct rq *r)
{
	const char	*version;
	char		 buf[16];

	switch (r->step) {
	case STEP_ASK:
		if (!change_target(r, JF_UUID, 0, MSG_NO_SUCH_BYPRODUCT, buf,
		    sizeof(buf), &version))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_BYPRODUCT_CLOSE, r->who.id, r->pathid,
		    r->who.org_id, version));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_BYPRODUCT));
	}
}

static int
byproduct_list_parse(struct rq *r, const char **q)
{
	static const char *const allowed[] = { "kind", "material_code",
	    "commune", "district", "q", "limit", "cursor", NULL };
	const char	*kind;

	if (!query_check(r, allowed) || !query_q(r, q))
		return (KORE_RESULT_ERROR);
	if ((kind = query_arg(r, "kind")) != NULL && !str_oneof(kind, kinds)) {
		reply_bad_param(r, "kind");
		return (KORE_RESULT_ERROR);
	}
	return (query_page(r, "byproduct:newest"));
}

int
byproduct_list(struct rq *r)
{
	const char	*q;

	switch (r->step) {
	case STEP_ASK:
		if (!byproduct_list_parse(r, &q))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_BYPRODUCT_LIST, query_arg(r, "kind"),
		    query_arg(r, "material_code"), query_arg(r, "commune"),
		    query_arg(r, "district"), q, r->page.key, r->page.id,
		    r->page.fetch));
	default:
		return (reply_list(r));
	}
}

/* The owner's: anyone else's by-product does not exist for them. */
int
byproduct_matches(struct rq *r)
{
	return (owned_list(r, Q_BYPRODUCT_OWNED, Q_BYPRODUCT_MATCHES,
	    "byproduct:matches", MSG_NO_SUCH_BYPRODUCT));
}
