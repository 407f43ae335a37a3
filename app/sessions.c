/*
 * sessions.c -- signing in and out. Failed attempts are counted in
 * PostgreSQL per email before the password is even checked, so the
 * limit holds across workers, nodes and concurrent guesses.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

struct login {
	char		 account_id[UUID_LEN + 1];
	char		 status[16];
	struct token	 tok;
};

enum { LOGIN_ASK, LOGIN_CHECK, LOGIN_OPEN, LOGIN_REPLY };

static void	login_free(void *);
static int	login_check(struct rq *);
static int	login_open(struct rq *);
static int	login_reply(struct rq *);

const struct field session_body[] = {
	{ .name = "email", .type = JT_STRING, .required = 1, .min = 1,
	    .max = 254 },
	{ .name = "password", .type = JT_STRING, .required = 1, .min = 1,
	    .max = PASSWORD_MAX },
	FIELD_END
};

static void
login_free(void *arg)
{
	sodium_memzero(arg, sizeof(struct login));
	kore_free(arg);
}

int
sessions_create(struct rq *r)
{
	switch (r->step) {
	case LOGIN_ASK:
		r->email = email_lower(json_str(r->body, "email"));
		r->ctx = kore_calloc(1, sizeof(struct login));
		r->ctx_free = login_free;
		r->step = LOGIN_CHECK;
		return (db_one(r, Q_LOGIN_BEGIN, r->email,
		    LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECS));
	case LOGIN_CHECK:
		return (login_check(r));
	case LOGIN_OPEN:
		return (login_open(r));
	default:
		return (login_reply(r));
	}
}

/* Throttled, or on to the password check (a dummy one if no account). */
static int
login_check(struct rq *r)
{
	struct login	*l = r->ctx;
	const char	*retry, *hash;

	if (!db_ok(r) || db_rows(r) != 1)
		return (reply_db_error(r, MSG_NOT_FOUND));
	retry = db_get(r, 0, 0);
	if (retry != NULL && strcmp(retry, "0") != 0)
		return (reply_throttled(r, retry));
	/* Accounts that cannot sign in (demo data: "!") cost the same. */
	if ((hash = db_get(r, 0, 3)) != NULL && !strncmp(hash, "$argon2", 7)) {
		kore_strlcpy(l->account_id, db_str(r, 0, 2, ""),
		    sizeof(l->account_id));
		kore_strlcpy(l->status, db_str(r, 0, 4, ""),
		    sizeof(l->status));
	} else
		hash = password_dummy_hash();
	r->step = LOGIN_OPEN;
	return (pw_task_start(r, json_str(r->body, "password"), hash));
}

static int
login_open(struct rq *r)
{
	struct login	*l = r->ctx;
	struct db_stmt	 st;
	char		 ttl[16];

	if (!pw_task_result(r, NULL, 0) || l->account_id[0] == '\0')
		return (reply_problem(r, 401, MSG_WRONG_LOGIN));
	if (strcmp(l->status, "active") != 0)
		return (reply_problem(r, 403, MSG_SUSPENDED));
	if (!token_new(&l->tok, "tms_"))
		return (reply_internal(r));
	(void)snprintf(ttl, sizeof(ttl), "%d", SESSION_TTL_SECS);
	memset(&st, 0, sizeof(st));
	st.id = Q_LOGIN_FINISH;
	st.nparams = 4;
	st.params[0] = l->account_id;
	st.params[1] = (const char *)l->tok.selector;
	st.lengths[1] = TOKEN_SELECTOR_LEN;
	st.params[2] = (const char *)l->tok.verifier;
	st.lengths[2] = TOKEN_VERIFIER_LEN;
	st.params[3] = ttl;
	r->step = LOGIN_REPLY;
	return (db_run(r, &st, 1));
}

static int
login_reply(struct rq *r)
{
	struct login	*l = r->ctx;
	struct kore_buf	*b;

	if (!db_ok(r) || db_rows(r) != 1)
		return (reply_db_error(r, MSG_NOT_FOUND));
	b = kore_buf_alloc(1024);
	kore_buf_appendf(b, "{\"token\":\"%s\",\"expires_at\":\"%s\","
	    "\"account\":%s}", l->tok.text, db_get(r, 0, 0), db_get(r, 0, 1));
	token_wipe(&l->tok);
	reply_cache(r, "no-store");
	reply_json(r, 201, (const char *)b->data, b->offset);
	sodium_memzero(b->data, b->offset);
	kore_buf_free(b);
	return (RQ_DONE);
}

int
sessions_delete(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		if (r->who.is_key)
			return (reply_problem(r, 409, MSG_NOT_A_SESSION));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_SESSION_REVOKE, r->who.cred_id));
	default:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NOT_FOUND));
		return (reply_empty(r, 204));
	}
}
