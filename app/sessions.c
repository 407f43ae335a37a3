/*
 * sessions.c -- signing in and out. Attempts are counted in PostgreSQL,
 * so the limits hold across workers and nodes: each is recorded as in
 * progress before its password is checked, so concurrent guesses see
 * each other, and becomes a failure only once the password was checked
 * and was wrong. One whose client leaves first is removed; one whose
 * worker dies stops counting when its lease ends.
 */

#include <arpa/inet.h>

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
	char		 attempt[24];	/* in progress until settled */
	int		 settled;
	char		 address[INET6_ADDRSTRLEN];
	struct token	 tok;
};

enum { LOGIN_ASK, LOGIN_CHECK, LOGIN_OPEN, LOGIN_FAILED, LOGIN_REPLY };

static void	login_free(void *);
static void	login_orphaned(struct db_op *, void *);
static int	login_check(struct rq *);
static int	login_open(struct rq *);
static int	login_failed(struct rq *);
static int	login_reply(struct rq *);

/* The looser bounds, from the environment. */
static char		email_max[16], address_max[16];

const struct field session_body[] = {
	{ .name = "email", .type = JT_STRING, .required = 1, .min = 1,
	    .max = EMAIL_MAX, .format = JF_EMAIL },
	{ .name = "password", .type = JT_STRING, .required = 1, .min = 1,
	    .max = PASSWORD_MAX },
	FIELD_END
};

static int
env_count(const char *name, int def, char *out, size_t len)
{
	const char	*v;
	long long	 n;
	int		 err;

	n = def;
	if ((v = getenv(name)) != NULL &&
	    (n = kore_strtonum(v, 10, 1, 1000000, &err),
	    err != KORE_RESULT_OK))
		return (0);
	(void)snprintf(out, len, "%lld", n);
	return (1);
}

/* 0 when a variable is malformed; app_init names them. */
int
sessions_init(void)
{
	return (env_count("TM_LOGIN_EMAIL_MAX", LOGIN_EMAIL_MAX, email_max,
	    sizeof(email_max)) && env_count("TM_LOGIN_ADDRESS_MAX",
	    LOGIN_ADDRESS_MAX, address_max, sizeof(address_max)));
}

/* Undo an attempt in progress nobody will settle (qid: a *_ABANDON). */
void
attempt_abandon(int qid, const char *id)
{
	struct db_stmt	 st;

	if (id == NULL || *id == '\0')
		return;
	memset(&st, 0, sizeof(st));
	st.id = qid;
	st.nparams = 1;
	st.params[0] = id;
	db_background(&st, 1, NULL, NULL);
}

/* The client left while login_begin ran: undo what it recorded. */
static void
login_orphaned(struct db_op *op, void *arg)
{
	(void)arg;
	if (db_op_ok(op))
		attempt_abandon(Q_LOGIN_ABANDON, db_op_get(op, 0, 1));
}

/* An attempt nobody settled (the client left) leaves no trace. */
static void
login_free(void *arg)
{
	struct login	*l = arg;

	if (!l->settled)
		attempt_abandon(Q_LOGIN_ABANDON, l->attempt);
	sodium_memzero(arg, sizeof(struct login));
	kore_free(arg);
}

int
sessions_create(struct rq *r)
{
	struct login	*l;
	int		 rc;

	switch (r->step) {
	case LOGIN_ASK:
		r->email = email_lower(json_str(r->body, "email"));
		r->ctx = l = kore_calloc(1, sizeof(struct login));
		r->ctx_free = login_free;
		kore_strlcpy(l->address, rq_client(r), sizeof(l->address));
		r->step = LOGIN_CHECK;
		rc = db_one(r, Q_LOGIN_BEGIN, r->email, l->address,
		    LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECS, email_max,
		    address_max, LOGIN_LEASE_SECS);
		db_orphan_then(r, login_orphaned, NULL);
		return (rc);
	case LOGIN_CHECK:
		return (login_check(r));
	case LOGIN_OPEN:
		return (login_open(r));
	case LOGIN_FAILED:
		return (login_failed(r));
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
	kore_strlcpy(l->attempt, db_str(r, 0, 1, ""), sizeof(l->attempt));
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

/*
 * The verdict: a wrong password is a failure, recorded before the 401;
 * a suspended account's right one is none (login_free removes it).
 */
static int
login_open(struct rq *r)
{
	struct login	*l = r->ctx;
	struct db_stmt	 st;
	char		 ttl[16];

	if (!pw_task_result(r, NULL, 0) || l->account_id[0] == '\0') {
		l->settled = 1;
		r->step = LOGIN_FAILED;
		return (db_one(r, Q_LOGIN_FAIL, l->attempt, r->email,
		    l->address));
	}
	if (strcmp(l->status, "active") != 0)
		return (reply_problem(r, 403, MSG_SUSPENDED));
	if (!token_new(&l->tok, "tms_"))
		return (reply_internal(r));
	(void)snprintf(ttl, sizeof(ttl), "%d", SESSION_TTL_SECS);
	memset(&st, 0, sizeof(st));
	st.id = Q_LOGIN_FINISH;
	st.nparams = 6;
	st.params[0] = l->account_id;
	st.params[1] = l->attempt;
	st.params[2] = l->address;
	st.params[3] = (const char *)l->tok.selector;
	st.lengths[3] = TOKEN_SELECTOR_LEN;
	st.params[4] = (const char *)l->tok.verifier;
	st.lengths[4] = TOKEN_VERIFIER_LEN;
	st.params[5] = ttl;
	l->settled = 1;
	r->step = LOGIN_REPLY;
	return (db_run(r, &st, 1));
}

static int
login_failed(struct rq *r)
{
	if (!db_ok(r))
		return (reply_db_error(r, MSG_NOT_FOUND));
	return (reply_problem(r, 401, MSG_WRONG_LOGIN));
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
