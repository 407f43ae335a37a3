/*
 * accounts.c -- registration, the caller's own account and password,
 * and the admins' account management.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>
#include <yajl/yajl_tree.h>

#include "app.h"

enum { REGISTER_ASK, REGISTER_HASHED, REGISTER_WRITTEN };

static int	account_hashed(struct rq *, char *, size_t);
enum { PASSWORD_ASK, PASSWORD_CHECK, PASSWORD_HASH, PASSWORD_WRONG,
    PASSWORD_HASHED, PASSWORD_WRITTEN };

/* The current-password check in progress (sessions.c's, per account). */
struct pwcheck {
	char		 attempt[24];
	int		 settled;
};

static void	pwcheck_free(void *);
static void	pwcheck_orphaned(struct db_op *, void *);
static int	pwcheck_verdict(struct rq *);

static const char *const self_roles[] = { "vendor", "enterprise", NULL };
static const char *const staff_roles[] = { "agency", "admin", NULL };
static const char *const agencies[] = { "dost", "doit", "donre", NULL };
static const char *const statuses[] = { "active", "suspended", NULL };

#define ACCOUNT_FIELDS(roles)						\
	{ .name = "email", .type = JT_STRING, .required = 1, .min = 3,	\
	    .max = EMAIL_MAX, .format = JF_EMAIL },				\
	{ .name = "password", .type = JT_STRING, .required = 1,	\
	    .min = PASSWORD_MIN, .max = PASSWORD_MAX },			\
	{ .name = "display_name", .type = JT_STRING, .required = 1,	\
	    .min = 1, .max = 120 },					\
	{ .name = "role", .type = JT_STRING, .required = 1, .min = 1,	\
	    .max = 20, .oneof = (roles) },				\
	FIELD_READONLY("id"),						\
	FIELD_READONLY("status"),					\
	FIELD_READONLY("version"),					\
	FIELD_READONLY("created_at"),					\
	FIELD_READONLY("updated_at")

const struct field account_register_body[] = {
	ACCOUNT_FIELDS(self_roles),
	{ .name = "organization", .type = JT_OBJECT, .required = 1,
	    .sub = organization_register_body },
	FIELD_END
};

const struct field admin_create_body[] = {
	ACCOUNT_FIELDS(staff_roles),
	{ .name = "agency", .type = JT_STRING, .min = 1, .max = 10,
	    .oneof = agencies },
	FIELD_END
};

const struct field admin_patch_body[] = {
	{ .name = "status", .type = JT_STRING, .min = 1, .max = 20,
	    .oneof = statuses },
	{ .name = "verified", .type = JT_BOOL },
	/* Why: required when verified is false (a withdrawal). */
	{ .name = "note", .type = JT_STRING, .min = 1, .max = 2000 },
	FIELD_READONLY("id"),
	FIELD_READONLY("email"),
	FIELD_READONLY("role"),
	FIELD_READONLY("version"),
	FIELD_END
};

const struct field password_body[] = {
	{ .name = "current_password", .type = JT_STRING, .required = 1,
	    .min = 1, .max = PASSWORD_MAX },
	{ .name = "new_password", .type = JT_STRING, .required = 1,
	    .min = PASSWORD_MIN, .max = PASSWORD_MAX },
	{ .name = "revoke_api_keys", .type = JT_BOOL },
	FIELD_END
};

/* The new account's password hash in hash, its email in r->email. */
static int
account_hashed(struct rq *r, char *hash, size_t len)
{
	if (!pw_task_result(r, hash, len)) {
		reply_internal(r);
		return (KORE_RESULT_ERROR);
	}
	r->email = email_lower(json_str(r->body, "email"));
	return (KORE_RESULT_OK);
}

/* Hash in a task thread, then one statement writes org and account. */
int
accounts_register(struct rq *r)
{
	static const char *const org[] = { "organization.name",
	    "organization.tax_code", "organization.commune",
	    "organization.district",
	    "organization.sector", "organization.address",
	    "organization.phone", "organization.website" };
	char		 hash[128];
	struct db_stmt	 st;
	size_t		 i;
	int		 rc;

	switch (r->step) {
	case REGISTER_ASK:
		r->step = REGISTER_HASHED;
		return (pw_task_start(r, json_str(r->body, "password"), NULL));
	case REGISTER_HASHED:
		if (!account_hashed(r, hash, sizeof(hash)))
			return (RQ_DONE);
		memset(&st, 0, sizeof(st));
		st.id = Q_ACCOUNT_REGISTER;
		st.params[st.nparams++] = r->email;
		st.params[st.nparams++] = hash;
		st.params[st.nparams++] = json_str(r->body, "display_name");
		st.params[st.nparams++] = json_str(r->body, "role");
		for (i = 0; i < sizeof(org) / sizeof(org[0]); i++)
			st.params[st.nparams++] = json_str(r->body, org[i]);
		r->step = REGISTER_WRITTEN;
		rc = db_run(r, &st, 1);
		sodium_memzero(hash, sizeof(hash));
		return (rc);
	default:
		return (reply_doc(r, 201, MSG_NO_SUCH_ACCOUNT));
	}
}

int
accounts_me(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		r->step = STEP_ANSWER;
		return (db_one(r, Q_ACCOUNT_GET, r->who.id));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_ACCOUNT));
	}
}

/* A check nobody settled (the client left) leaves no trace. */
static void
pwcheck_free(void *arg)
{
	struct pwcheck	*c = arg;

	if (!c->settled)
		attempt_abandon(Q_PASSWORD_CHECK_ABANDON, c->attempt);
	kore_free(c);
}

/* The client left while password_check_begin ran. */
static void
pwcheck_orphaned(struct db_op *op, void *arg)
{
	(void)arg;
	if (db_op_ok(op))
		attempt_abandon(Q_PASSWORD_CHECK_ABANDON, db_op_get(op, 0, 1));
}

/* Wrong: a failure, recorded before the answer. Right: hash the new one. */
static int
pwcheck_verdict(struct rq *r)
{
	struct pwcheck	*c = r->ctx;

	if (!pw_task_result(r, NULL, 0)) {
		c->settled = 1;
		r->step = PASSWORD_WRONG;
		return (db_one(r, Q_PASSWORD_CHECK_FAIL, c->attempt,
		    r->who.id));
	}
	r->step = PASSWORD_HASHED;
	return (pw_task_start(r, json_str(r->body, "new_password"), NULL));
}

/*
 * Check the current password (throttled like a login), hash the new
 * one, end the other sessions (and the API keys, if asked).
 */
int
accounts_password(struct rq *r)
{
	struct pwcheck	*c = r->ctx;
	char		 hash[128];
	const char	*retry;
	int		 rc, revoke;

	switch (r->step) {
	case PASSWORD_ASK:
		r->ctx = kore_calloc(1, sizeof(struct pwcheck));
		r->ctx_free = pwcheck_free;
		r->step = PASSWORD_CHECK;
		rc = db_one(r, Q_PASSWORD_CHECK, r->who.id,
		    LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECS, LOGIN_LEASE_SECS);
		db_orphan_then(r, pwcheck_orphaned, NULL);
		return (rc);
	case PASSWORD_CHECK:
		if (!db_ok(r) || db_get(r, 0, 0) == NULL)
			return (reply_db_error(r, MSG_NO_SUCH_ACCOUNT));
		if (strcmp((retry = db_get(r, 0, 0)), "0"))
			return (reply_throttled(r, retry));
		if (db_get(r, 0, 2) == NULL)
			return (reply_internal(r));
		kore_strlcpy(c->attempt, db_str(r, 0, 1, ""),
		    sizeof(c->attempt));
		r->step = PASSWORD_HASH;
		return (pw_task_start(r, json_str(r->body, "current_password"),
		    db_get(r, 0, 2)));
	case PASSWORD_HASH:
		return (pwcheck_verdict(r));
	case PASSWORD_WRONG:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NO_SUCH_ACCOUNT));
		return (reply_field(r, "current_password",
		    VERR_NOT_CURRENT_PASSWORD, NULL));
	case PASSWORD_HASHED:
		if (!pw_task_result(r, hash, sizeof(hash)))
			return (reply_internal(r));
		if (!json_bool(r->body, "revoke_api_keys", &revoke))
			revoke = 0;
		c->settled = 1;
		r->step = PASSWORD_WRITTEN;
		rc = db_one(r, Q_PASSWORD_SET, r->who.id, hash,
		    r->who.cred_id, revoke ? "true" : "false");
		sodium_memzero(hash, sizeof(hash));
		return (rc);
	default:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NO_SUCH_ACCOUNT));
		return (reply_empty(r, 204));
	}
}

int
admin_accounts_list(struct rq *r)
{
	static const char *const allowed[] = { "role", "status", "limit",
	    "cursor", NULL };
	const char	*role, *status;

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed) ||
		    !query_page(r, "admin_accounts"))
			return (RQ_DONE);
		role = query_arg(r, "role");
		status = query_arg(r, "status");
		if (role != NULL && role_bit(role) == 0)
			return (reply_bad_param(r, "role"));
		if (status != NULL && !str_oneof(status, statuses))
			return (reply_bad_param(r, "status"));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_ADMIN_LIST, role, status, r->page.key,
		    r->page.id, r->page.fetch));
	default:
		return (reply_list(r));
	}
}

int
admin_accounts_create(struct rq *r)
{
	char		 hash[128];
	const char	*role, *agency;
	int		 rc;

	switch (r->step) {
	case REGISTER_ASK:
		role = json_str(r->body, "role");
		agency = json_str(r->body, "agency");
		if (!strcmp(role, "agency") && agency == NULL)
			return (reply_field(r, "agency", VERR_REQUIRED, NULL));
		if (!strcmp(role, "admin") && agency != NULL)
			return (reply_field(r, "agency", VERR_UNKNOWN, NULL));
		r->step = REGISTER_HASHED;
		return (pw_task_start(r, json_str(r->body, "password"), NULL));
	case REGISTER_HASHED:
		if (!account_hashed(r, hash, sizeof(hash)))
			return (RQ_DONE);
		r->step = REGISTER_WRITTEN;
		rc = db_one(r, Q_ADMIN_CREATE, r->email, hash,
		    json_str(r->body, "display_name"),
		    json_str(r->body, "role"), json_str(r->body, "agency"),
		    r->who.id);
		sodium_memzero(hash, sizeof(hash));
		return (rc);
	default:
		return (reply_doc(r, 201, MSG_NO_SUCH_ACCOUNT));
	}
}

int
admin_accounts_patch(struct rq *r)
{
	const char	*version, *note;
	char		 buf[16];
	int		 has, verified;

	switch (r->step) {
	case STEP_ASK:
		if (!change_target(r, JF_UUID, 0, MSG_NO_SUCH_ACCOUNT, buf,
		    sizeof(buf), &version))
			return (RQ_DONE);
		/* A withdrawal says why; a note goes with a verification. */
		has = json_bool(r->body, "verified", &verified);
		note = json_str(r->body, "note");
		if (has && !verified && note == NULL)
			return (reply_field(r, "note", VERR_REQUIRED, NULL));
		if (!has && note != NULL)
			return (reply_field(r, "note", VERR_RULE, NULL));
		r->step = STEP_ANSWER;
		return (db_one(r, Q_ADMIN_PATCH, r->pathid, r->who.id,
		    json_str(r->body, "status"),
		    has ? (verified ? "true" : "false") : NULL, note,
		    version));
	default:
		return (reply_doc(r, 200, MSG_NO_SUCH_ACCOUNT));
	}
}
