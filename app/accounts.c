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

static int	account_reply(struct rq *, int, int);
static int	register_conflict(struct rq *);

static const char *const self_roles[] = { "vendor", "enterprise", NULL };
static const char *const staff_roles[] = { "agency", "admin", NULL };
static const char *const agencies[] = { "dost", "doit", "donre", NULL };
static const char *const statuses[] = { "active", "suspended", NULL };

static const struct field organization_body[] = {
	{ "name", JT_STRING, 1, 1, 200, JF_NONE, NULL, NULL, 0 },
	{ "tax_code", JT_STRING, 1, 10, 14, JF_TAXCODE, NULL, NULL, 0 },
	{ "district", JT_STRING, 1, 2, 40, JF_CODE, NULL, NULL, 0 },
	{ "sector", JT_STRING, 1, 2, 40, JF_CODE, NULL, NULL, 0 },
	{ "address", JT_STRING, 0, 0, 300, JF_NONE, NULL, NULL, 0 },
	{ "phone", JT_STRING, 0, 0, 30, JF_PHONE, NULL, NULL, 0 },
	{ "website", JT_STRING, 0, 0, 300, JF_URL, NULL, NULL, 0 },
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "verified", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

#define READONLY_ACCOUNT_FIELDS						\
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },				\
	{ "status", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "version", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "created_at", 0, 0, 0, 0, 0, NULL, NULL, 1 },			\
	{ "updated_at", 0, 0, 0, 0, 0, NULL, NULL, 1 }

const struct field account_register_body[] = {
	{ "email", JT_STRING, 1, 3, 254, JF_EMAIL, NULL, NULL, 0 },
	{ "password", JT_STRING, 1, PASSWORD_MIN, PASSWORD_MAX, JF_NONE,
	    NULL, NULL, 0 },
	{ "display_name", JT_STRING, 1, 1, 120, JF_NONE, NULL, NULL, 0 },
	{ "role", JT_STRING, 1, 1, 20, JF_NONE, self_roles, NULL, 0 },
	{ "organization", JT_OBJECT, 1, 0, 0, 0, NULL, organization_body, 0 },
	READONLY_ACCOUNT_FIELDS,
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field admin_create_body[] = {
	{ "email", JT_STRING, 1, 3, 254, JF_EMAIL, NULL, NULL, 0 },
	{ "password", JT_STRING, 1, PASSWORD_MIN, PASSWORD_MAX, JF_NONE,
	    NULL, NULL, 0 },
	{ "display_name", JT_STRING, 1, 1, 120, JF_NONE, NULL, NULL, 0 },
	{ "role", JT_STRING, 1, 1, 20, JF_NONE, staff_roles, NULL, 0 },
	{ "agency", JT_STRING, 0, 1, 10, JF_NONE, agencies, NULL, 0 },
	READONLY_ACCOUNT_FIELDS,
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field admin_patch_body[] = {
	{ "status", JT_STRING, 0, 1, 20, JF_NONE, statuses, NULL, 0 },
	{ "verified", JT_BOOL, 0, 0, 0, 0, NULL, NULL, 0 },
	{ "id", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "email", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "role", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ "version", 0, 0, 0, 0, 0, NULL, NULL, 1 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

const struct field password_body[] = {
	{ "current_password", JT_STRING, 1, 1, PASSWORD_MAX, JF_NONE, NULL,
	    NULL, 0 },
	{ "new_password", JT_STRING, 1, PASSWORD_MIN, PASSWORD_MAX, JF_NONE,
	    NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, 0 }
};

/* Row 0 holds the account document at col and its version after it. */
static int
account_reply(struct rq *r, int status, int col)
{
	return (reply_doc(r, status, col, "Không tìm thấy tài khoản",
	    "No such account"));
}

static int
register_conflict(struct rq *r)
{
	if (!strcmp(db_sqlstate(r), "23505")) {
		if (!strcmp(db_constraint(r), "organizations_tax_code"))
			return (reply_problem(r, 409, "Mã số thuế đã được đăng "
			    "ký", "This tax code is already registered"));
		return (reply_problem(r, 409, "Email đã được đăng ký",
		    "This email is already registered"));
	}
	return (reply_constraint(r));
}

/* Hash in a task thread, then one statement writes org and account. */
int
accounts_register(struct rq *r)
{
	char		 hash[128];
	struct db_stmt	 st;
	const char	*k[] = { "organization.name", "organization.tax_code",
			    "organization.district", "organization.sector",
			    "organization.address", "organization.phone",
			    "organization.website" };
	int		 i;

	switch (r->step) {
	case 0:
		r->step = 1;
		return (pw_task_start(r, json_str(r->body, "password"), NULL));
	case 1:
		if (!pw_task_result(r, hash, sizeof(hash)))
			return (reply_internal(r));
		r->email = email_lower(json_str(r->body, "email"));
		memset(&st, 0, sizeof(st));
		st.id = Q_ACCOUNT_REGISTER;
		st.nparams = 11;
		st.params[0] = r->email;
		st.params[1] = hash;
		st.params[2] = json_str(r->body, "display_name");
		st.params[3] = json_str(r->body, "role");
		for (i = 0; i < 7; i++)
			st.params[4 + i] = json_str(r->body, k[i]);
		r->step = 2;
		i = db_run(r, &st, 1);
		sodium_memzero(hash, sizeof(hash));
		return (i);
	default:
		if (!db_ok(r))
			return (register_conflict(r));
		return (account_reply(r, 201, 0));
	}
}

int
accounts_me(struct rq *r)
{
	if (r->step == 0) {
		r->step = 1;
		return (db_one(r, Q_ACCOUNT_GET, 1, r->who.id));
	}
	if (!db_ok(r))
		return (reply_db_error(r));
	return (account_reply(r, 200, 0));
}

/*
 * Check the current password (throttled like a login), hash the new
 * one, end the other sessions.
 */
int
accounts_password(struct rq *r)
{
	struct verrors	 ve = { 0 };
	char		 hash[128];
	const char	*retry;
	int		 rc;

	switch (r->step) {
	case 0:
		r->step = 1;
		return (db_one(r, Q_PASSWORD_CHECK, 3, r->who.id,
		    LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECS));
	case 1:
		if (!db_ok(r) || db_rows(r) != 1)
			return (reply_db_error(r));
		if ((retry = db_get(r, 0, 0)) != NULL && strcmp(retry, "0"))
			return (reply_throttled(r, retry));
		if (db_get(r, 0, 1) == NULL)
			return (reply_internal(r));
		r->step = 2;
		return (pw_task_start(r, json_str(r->body, "current_password"),
		    db_get(r, 0, 1)));
	case 2:
		if (!pw_task_result(r, NULL, 0)) {
			verr_add(&ve, "current_password", VERR_FORMAT,
			    r->lang == LANG_EN ? "is not your current password" :
			    "không đúng mật khẩu hiện tại");
			return (reply_invalid(r, &ve));
		}
		r->step = 3;
		return (pw_task_start(r, json_str(r->body, "new_password"),
		    NULL));
	case 3:
		if (!pw_task_result(r, hash, sizeof(hash)))
			return (reply_internal(r));
		r->step = 4;
		rc = db_one(r, Q_PASSWORD_SET, 3, r->who.id, hash,
		    r->who.cred_id);
		sodium_memzero(hash, sizeof(hash));
		return (rc);
	default:
		if (!db_ok(r))
			return (reply_db_error(r));
		return (reply_empty(r, 204));
	}
}

int
admin_accounts_list(struct rq *r)
{
	static const char *const allowed[] = { "role", "status", "limit",
	    "cursor", NULL };
	const char	*role, *status;

	if (r->step == 1)
		return (reply_list(r, "admin_accounts", r->limit));
	if (!query_check(r, allowed) || !query_page(r, "admin_accounts"))
		return (RQ_DONE);
	role = query_arg(r, "role");
	status = query_arg(r, "status");
	if ((role != NULL && role_bit(role) == 0) || (status != NULL &&
	    strcmp(status, "active") && strcmp(status, "suspended")))
		return (reply_problem(r, 400, "role hoặc status không hợp lệ",
		    "Invalid role or status filter"));
	r->step = 1;
	return (db_one(r, Q_ADMIN_LIST, 5, role, status, r->page.key,
	    r->page.id, r->page.fetch));
}

int
admin_accounts_create(struct rq *r)
{
	char		 hash[128];
	const char	*role, *agency;
	struct verrors	 ve = { 0 };
	int		 rc;

	switch (r->step) {
	case 0:
		role = json_str(r->body, "role");
		agency = json_str(r->body, "agency");
		if (!strcmp(role, "agency") && agency == NULL)
			verr_add(&ve, "agency", VERR_REQUIRED, NULL);
		if (!strcmp(role, "admin") && agency != NULL)
			verr_add(&ve, "agency", VERR_UNKNOWN, NULL);
		if (ve.n > 0)
			return (reply_invalid(r, &ve));
		r->step = 1;
		return (pw_task_start(r, json_str(r->body, "password"), NULL));
	case 1:
		if (!pw_task_result(r, hash, sizeof(hash)))
			return (reply_internal(r));
		r->email = email_lower(json_str(r->body, "email"));
		r->step = 2;
		rc = db_one(r, Q_ADMIN_CREATE, 5, r->email, hash,
		    json_str(r->body, "display_name"),
		    json_str(r->body, "role"), json_str(r->body, "agency"));
		sodium_memzero(hash, sizeof(hash));
		return (rc);
	default:
		if (!db_ok(r))
			return (register_conflict(r));
		return (account_reply(r, 201, 0));
	}
}

int
admin_accounts_patch(struct rq *r)
{
	char		 ver[16];
	const char	*res;
	int		 verified, m;

	if (r->step == 0) {
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, "Không tìm thấy tài "
			    "khoản", "No such account"));
		if ((m = if_match(r, ver, sizeof(ver), 0)) < 0)
			return (RQ_DONE);
		r->step = 1;
		return (db_one(r, Q_ADMIN_PATCH, 4, r->pathid,
		    json_str(r->body, "status"),
		    json_bool(r->body, "verified", &verified) ?
		    (verified ? "true" : "false") : NULL, m ? ver : NULL));
	}
	if (db_ok(r) && (res = db_get(r, 0, 0)) != NULL &&
	    !strcmp(res, "no_org"))
		return (reply_problem(r, 422, "Tài khoản này không có tổ chức "
		    "để xác minh", "This account has no organization to "
		    "verify"));
	return (reply_patched(r, "Không tìm thấy tài khoản",
	    "No such account"));
}
