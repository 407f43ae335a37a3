/*
 * quotes.c -- quote requests between an enterprise and a vendor: create
 * (with Idempotency-Key), list with counts per status, read, the moves
 * of the state machine, and the message thread. The state machine and
 * who may move it are SQL (quote_moves, quote_act()); this is the HTTP
 * around them.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

/* Reads see an expiry at once; the sweep writes it into history. */
#define SWEEP_MS	60000

struct quote_list {
	struct kore_buf	*out;
	const char	*role;
};

enum { QLIST_ASK, QLIST_ITEMS, QLIST_COUNTS };

static int	quote_move(struct rq *, const char *);
static void	quote_list_free(void *);
static void	quote_sweep(void *, u_int64_t);

static const char *const roles[] = { "sent", "received", NULL };
static const char *const states[] = { "requested", "quoted", "accepted",
    "declined", "withdrawn", "expired", NULL };

#define QUOTE_READONLY							\
	FIELD_READONLY("id"),						\
	FIELD_READONLY("status"),					\
	FIELD_READONLY("version"),					\
	FIELD_READONLY("history"),					\
	FIELD_READONLY("created_at"),					\
	FIELD_READONLY("updated_at")

const struct field quote_create_body[] = {
	{ .name = "technology_id", .type = JT_STRING, .required = 1,
	    .min = 36, .max = 36, .format = JF_UUID },
	{ .name = "need_id", .type = JT_STRING, .min = 36, .max = 36,
	    .format = JF_UUID },
	{ .name = "message", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 5000 },
	{ .name = "quantity", .type = JT_INT, .min = 1, .max = 1000000 },
	FIELD_READONLY("technology"),
	FIELD_READONLY("enterprise"),
	FIELD_READONLY("quote"),
	QUOTE_READONLY,
	FIELD_END
};

const struct field quote_quote_body[] = {
	{ .name = "price_vnd", .type = JT_INT, .required = 1,
	    .max = PRICE_MAX },
	{ .name = "valid_until", .type = JT_STRING, .required = 1,
	    .min = 10, .max = 10, .format = JF_DATE },
	{ .name = "delivery_days", .type = JT_INT, .max = 3650 },
	{ .name = "terms", .type = JT_STRING, .max = 5000 },
	QUOTE_READONLY,
	FIELD_END
};

/* accept, decline, withdraw: no body, or a note for the history. */
const struct field quote_note_body[] = {
	{ .name = "note", .type = JT_STRING, .max = 1000 },
	QUOTE_READONLY,
	FIELD_END
};

const struct field quote_message_body[] = {
	{ .name = "body", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 5000 },
	FIELD_READONLY("id"),
	FIELD_READONLY("author"),
	FIELD_READONLY("created_at"),
	FIELD_END
};

int
quote_create(struct rq *r)
{
	const char	*key, *id;
	char		 where[80];

	switch (r->step) {
	case STEP_ASK:
		if ((key = header_get(r, "idempotency-key")) != NULL &&
		    !idempotency_key_ok(key))
			return (reply_problem(r, 400, MSG_KEY_FORMAT));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_QUOTE_CREATE, r->who.id, r->who.org_id,
		    key, body_text(r)));
	default:
		if (db_ok(r) && (id = db_get(r, 0, 2)) != NULL) {
			(void)snprintf(where, sizeof(where),
			    "/api/v1/quote-requests/%s", id);
			http_response_header(r->req, "location", where);
		}
		return (reply_doc(r, 201, MSG_NO_SUCH_QUOTE));
	}
}

static void
quote_list_free(void *arg)
{
	struct quote_list	*l = arg;

	if (l->out != NULL)
		kore_buf_free(l->out);
	kore_free(l);
}

/* The caller's requests, newest first, and counts per status. */
int
quote_list(struct rq *r)
{
	static const char *const allowed[] = { "role", "status", "limit",
	    "cursor", NULL };
	struct quote_list	*l = r->ctx;
	const char		*status;

	switch (r->step) {
	case QLIST_ASK:
		l = kore_calloc(1, sizeof(*l));
		r->ctx = l;
		r->ctx_free = quote_list_free;
		if (!query_check(r, allowed))
			return (RQ_DONE);
		l->role = query_arg(r, "role");
		status = query_arg(r, "status");
		if (l->role != NULL && !str_oneof(l->role, roles))
			return (reply_bad_param(r, "role"));
		if (status != NULL && !str_oneof(status, states))
			return (reply_bad_param(r, "status"));
		if (!query_page(r, "quotes"))
			return (RQ_DONE);
		r->step = QLIST_ITEMS;
		return (db_one(r, Q_QUOTE_LIST, r->who.org_id, l->role,
		    status, r->page.key, r->page.id, r->page.fetch));
	case QLIST_ITEMS:
		if (!db_ok(r))
			return (reply_list(r));
		l->out = list_build(r);
		r->step = QLIST_COUNTS;
		return (db_one(r, Q_QUOTE_COUNTS, r->who.org_id, l->role));
	default:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NOT_FOUND));
		kore_buf_appendf(l->out, ",\"counts\":%s}",
		    db_str(r, 0, 0, "{}"));
		return (reply_json(r, 200, (const char *)l->out->data,
		    l->out->offset));
	}
}

int
quote_get(struct rq *r)
{
	return (doc_get(r, Q_QUOTE_GET, JF_UUID, MSG_NO_SUCH_QUOTE));
}

/* One move of the state machine; If-Match is honoured when sent. */
static int
quote_move(struct rq *r, const char *action)
{
	const char	*version;
	char		 buf[16];

	switch (r->step) {
	case STEP_ASK:
		if (!change_target(r, JF_UUID, 0, MSG_NO_SUCH_QUOTE, buf,
		    sizeof(buf), &version))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_QUOTE_ACT, r->pathid, r->who.id,
		    caller_org(r), action, version,
		    r->body != NULL ? body_text(r) : "{}"));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_QUOTE));
	}
}

int
quote_quote(struct rq *r)
{
	return (quote_move(r, "quote"));
}

int
quote_accept(struct rq *r)
{
	return (quote_move(r, "accept"));
}

int
quote_decline(struct rq *r)
{
	return (quote_move(r, "decline"));
}

int
quote_withdraw(struct rq *r)
{
	return (quote_move(r, "withdraw"));
}

/* The thread, oldest first, for the request's two parties only. */
int
quote_messages(struct rq *r)
{
	return (owned_list(r, Q_QUOTE_PARTY, Q_QUOTE_MESSAGES,
	    "quote:messages", MSG_NO_SUCH_QUOTE));
}

int
quote_message_post(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, MSG_NO_SUCH_QUOTE));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_QUOTE_MESSAGE_POST, r->pathid, r->who.id,
		    caller_org(r), json_str(r->body, "body")));
	default:
		return (reply_doc(r, 201, MSG_NO_SUCH_QUOTE));
	}
}

/*
 * Every worker sweeps: a sweep finds the rows another has written.
 * TM_SWEEP_MS shortens the period (the tests watch a sweep happen).
 */
void
quote_sweeper(void)
{
	const char	*v;
	long long	 ms;

	ms = SWEEP_MS;
	if ((v = getenv("TM_SWEEP_MS")) != NULL && (ms = atoll(v)) < 100)
		ms = SWEEP_MS;
	kore_timer_add(quote_sweep, (u_int64_t)ms, NULL, 0);
}

static void
quote_sweep(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	db_fire(Q_QUOTE_SWEEP);
}
