/*
 * quotes.c -- quote requests between an enterprise and a vendor: create
 * (with Idempotency-Key), list with counts per status, read, the moves
 * of the state machine, and the message thread. The state machine and
 * who may move it are SQL (quote_moves, quote_act() in
 * sql/006_quotes.sql); this is the HTTP around them.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

#define PRICE_MAX	1000000000000000LL
#define KEY_MAX		255
/* Reads see an expiry at once; the sweep writes it into history. */
#define SWEEP_MS	60000

struct quote_list {
	struct kore_buf	*out;
	const char	*role;
};

static int	quote_not_found(struct rq *);
static int	quote_move(struct rq *, const char *);
static int	quote_reply(struct rq *, int);
static const char *caller_org(struct rq *);
static void	quote_list_free(void *);
static void	quote_sweep(void *, u_int64_t);

static const char *const roles[] = { "sent", "received", NULL };
static const char *const states[] = { "requested", "quoted", "accepted",
    "declined", "withdrawn", "expired", NULL };

#define QUOTE_READONLY							\
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },				\
	{ "status", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "version", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "history", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "created_at", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "updated_at", 0, 0, 0, 0, 0, NULL, NULL, 1 }

const struct field quote_create_body[] = {
	{ "technology_id", JT_STRING, 1, 36, 36, JF_UUID, NULL, NULL, 0 },
	{ "need_id", JT_STRING, 0, 36, 36, JF_UUID, NULL, NULL, 0 },
	{ "message", JT_STRING, 1, 1, 5000, JF_NONE, NULL, NULL, 0 },
	{ "quantity", JT_INT, 0, 1, 1000000, 0, NULL, NULL, 0 },
	{ "technology", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "enterprise", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "quote", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	QUOTE_READONLY,
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field quote_quote_body[] = {
	{ "price_vnd", JT_INT, 1, 0, PRICE_MAX, 0, NULL, NULL, 0 },
	{ "valid_until", JT_STRING, 1, 10, 10, JF_DATE, NULL, NULL, 0 },
	{ "delivery_days", JT_INT, 0, 0, 3650, 0, NULL, NULL, 0 },
	{ "terms", JT_STRING, 0, 0, 5000, JF_NONE, NULL, NULL, 0 },
	QUOTE_READONLY,
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

/* accept, decline, withdraw: no body, or a note for the history. */
const struct field quote_note_body[] = {
	{ "note", JT_STRING, 0, 0, 1000, JF_NONE, NULL, NULL, 0 },
	QUOTE_READONLY,
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field quote_message_body[] = {
	{ "body", JT_STRING, 1, 1, 5000, JF_NONE, NULL, NULL, 0 },
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "author", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "created_at", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

static int
quote_not_found(struct rq *r)
{
	return (reply_problem(r, 404, "Không tìm thấy yêu cầu báo giá",
	    "No such quote request"));
}

/* Agencies and admins belong to no organization: party to nothing. */
static const char *
caller_org(struct rq *r)
{
	return (r->who.org_id[0] ? r->who.org_id : NULL);
}

/* A quote_create() or quote_act() row (result, doc, version). */
static int
quote_reply(struct rq *r, int status)
{
	const char	*res;

	if (!db_ok(r))
		return (reply_constraint(r));
	res = db_get(r, 0, 0);
	if (res != NULL && !strcmp(res, "ok"))
		return (reply_doc(r, status, 1, "Không tìm thấy yêu cầu báo "
		    "giá", "No such quote request"));
	if (res != NULL && !strcmp(res, "key_reused"))
		return (reply_problem(r, 422, "Idempotency-Key này đã được "
		    "dùng với nội dung khác", "This Idempotency-Key came "
		    "with another body before"));
	return (reply_patched(r, "Không tìm thấy yêu cầu báo giá",
	    "No such quote request"));
}

int
quote_create(struct rq *r)
{
	const char	*key, *id;
	char		 where[80];
	size_t		 n;

	if (r->step == 1) {
		if (db_ok(r) && (id = db_get(r, 0, 3)) != NULL) {
			(void)snprintf(where, sizeof(where),
			    "/api/v1/quote-requests/%s", id);
			http_response_header(r->req, "location", where);
		}
		return (quote_reply(r, 201));
	}
	/* Printable ASCII, as RFC 8941 strings go. */
	if ((key = header_get(r, "idempotency-key")) != NULL &&
	    ((n = strlen(key)) == 0 || n > KEY_MAX ||
	    !ascii_printable(key)))
		return (reply_problem(r, 400, "Idempotency-Key phải là 1-255 "
		    "ký tự ASCII in được", "Idempotency-Key must be 1-255 "
		    "printable ASCII characters"));
	r->step = 1;
	return (db_one(r, Q_QUOTE_CREATE, 4, r->who.id, r->who.org_id, key,
	    body_text(r)));
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
	struct quote_list	*l;
	const char		*status;

	l = r->ctx;
	switch (r->step) {
	case 0:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		l = kore_calloc(1, sizeof(*l));
		r->ctx = l;
		r->ctx_free = quote_list_free;
		l->role = query_arg(r, "role");
		status = query_arg(r, "status");
		if ((l->role != NULL && !str_oneof(l->role, roles)) ||
		    (status != NULL && !str_oneof(status, states)))
			return (reply_problem(r, 400, "role hoặc status không "
			    "hợp lệ", "Invalid role or status"));
		if (!query_page(r, "quotes"))
			return (RQ_DONE);
		r->step = 1;
		return (db_one(r, Q_QUOTE_LIST, 6, r->who.org_id, l->role,
		    status, r->page.key, r->page.id, r->page.fetch));
	case 1:
		if (!db_ok(r))
			return (reply_db_error(r));
		l->out = list_build(r, "quotes", r->limit);
		r->step = 2;
		return (db_one(r, Q_QUOTE_COUNTS, 2, r->who.org_id, l->role));
	default:
		if (!db_ok(r))
			return (reply_db_error(r));
		kore_buf_appendf(l->out, ",\"counts\":%s}", db_get(r, 0, 0));
		return (reply_json(r, 200, (const char *)l->out->data,
		    l->out->offset));
	}
}

int
quote_get(struct rq *r)
{
	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_db_error(r));
		return (reply_doc(r, 200, 0, "Không tìm thấy yêu cầu báo giá",
		    "No such quote request"));
	}
	if (!format_ok(JF_UUID, r->pathid))
		return (quote_not_found(r));
	r->step = 1;
	return (db_one(r, Q_QUOTE_GET, 2, r->pathid, caller_org(r)));
}

/* One move of the state machine; If-Match is honoured when sent. */
static int
quote_move(struct rq *r, const char *action)
{
	char		ver[16];
	int		m;

	if (r->step == 1)
		return (quote_reply(r, 200));
	if (!format_ok(JF_UUID, r->pathid))
		return (quote_not_found(r));
	if ((m = if_match(r, ver, sizeof(ver), 0)) < 0)
		return (RQ_DONE);
	r->step = 1;
	return (db_one(r, Q_QUOTE_ACT, 6, r->pathid, r->who.id, caller_org(r),
	    action, m ? ver : NULL, r->body != NULL ? body_text(r) : "{}"));
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
	    "quote:messages"));
}

int
quote_message_post(struct rq *r)
{
	if (r->step == 1) {
		if (!db_ok(r))
			return (reply_constraint(r));
		return (reply_doc(r, 201, 0, "Không tìm thấy yêu cầu báo giá",
		    "No such quote request"));
	}
	if (!format_ok(JF_UUID, r->pathid))
		return (quote_not_found(r));
	r->step = 1;
	return (db_one(r, Q_QUOTE_MESSAGE_POST, 4, r->pathid, r->who.id,
	    caller_org(r), json_str(r->body, "body")));
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
	struct db_stmt	st;

	(void)arg;
	(void)now;
	memset(&st, 0, sizeof(st));
	st.id = Q_QUOTE_SWEEP;
	db_fire(&st, 1);
}
