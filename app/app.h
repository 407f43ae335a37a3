/*
 * app.h -- private header of the Technology Market module: shared types
 * and every prototype, grouped by the file that defines it.
 */

#ifndef APP_H
#define APP_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>
#include <yajl/yajl_gen.h>

#define BODY_MAX		(1024 * 1024)
#define LIST_LIMIT_DEFAULT	20
#define LIST_LIMIT_MAX		100
#define UUID_LEN		36
#define PASSWORD_MIN		10
#define PASSWORD_MAX		256
#define SESSION_TTL_SECS	(12 * 3600)
/* Throttling, as the statements take it: five failures in 15 minutes. */
#define LOGIN_MAX_FAILURES	"5"
#define LOGIN_WINDOW_SECS	"900"

/* What a handler tells the dispatcher. */
#define RQ_DONE			1	/* response written */
#define RQ_WAIT			2	/* parked on the database or a task */
#define RQ_AGAIN		3	/* run the handler again right away */

#define LANG_VI			0
#define LANG_EN			1

/* Who may call a route. */
#define AUTH_NONE		0x00
#define AUTH_VENDOR		0x01
#define AUTH_ENTERPRISE		0x02
#define AUTH_AGENCY		0x04
#define AUTH_ADMIN		0x08
#define AUTH_ANY		0x0f
#define AUTH_SESSION		0x10	/* not with an API key */
#define AUTH_OPTIONAL		0x20	/* anonymous callers too */

/* JSON value types a validator field can ask for. */
#define JT_STRING		1
#define JT_INT			2
#define JT_BOOL			3
#define JT_OBJECT		4
#define JT_STRARRAY		5

/* String formats a validator field can ask for. */
#define JF_NONE			0
#define JF_EMAIL		1
#define JF_TAXCODE		2
#define JF_CODE			3
#define JF_UUID			4
#define JF_DATE			5
#define JF_URL			6
#define JF_PHONE		7

#define FIELD_ERRORS_MAX	32
#define QS_MAX			24

struct http_request;
struct kore_buf;
struct db_op;
struct pw_job;

/* One field a request body may carry; lists end with a NULL name. */
struct field {
	const char		*name;
	int			 type;
	int			 required;
	int64_t			 min;		/* chars for strings, value */
	int64_t			 max;		/* for integers */
	int			 format;
	const char *const	*oneof;		/* allowed values, NULL ends */
	const struct field	*sub;		/* members of JT_OBJECT */
	int			 readonly;	/* present only to say so */
};

/* Message keys a field error can carry (text per language in json.c). */
enum verr {
	VERR_REQUIRED,
	VERR_UNKNOWN,
	VERR_READONLY,
	VERR_TYPE_STRING,
	VERR_TYPE_INT,
	VERR_TYPE_BOOL,
	VERR_TYPE_OBJECT,
	VERR_TYPE_ARRAY,
	VERR_TOO_SHORT,
	VERR_TOO_LONG,
	VERR_RANGE,
	VERR_ONEOF,
	VERR_FORMAT,
	VERR_CONTROL,
	VERR_DUPLICATE,
	VERR_RULE,
	VERR_NO_SUCH,
	VERR_PAST,
	VERR_MAX
};

struct field_error {
	char			 field[96];
	enum verr		 code;
	const char		*detail;	/* optional, overrides code */
};

struct verrors {
	int			 n;
	struct field_error	 e[FIELD_ERRORS_MAX];
};

/* One field of a record to sign (canon_json). */
#define CANON_NULL		0
#define CANON_STR		1	/* str; NULL is null */
#define CANON_INT		2	/* num */
#define CANON_BOOL		3	/* num != 0 */

struct canon {
	const char		*key;
	int			 kind;
	const char		*str;
	long long		 num;
};

/* An Ed25519 signing key: the seed file's, and which file that was. */
#define SIGNKEY_ID_LEN		24
#define SIGNKEY_PUB_DIR		"signing-keys"	/* under the secrets dir */
struct signkey {
	uint8_t			 pk[32];
	uint8_t			 sk[64];
	char			 id[SIGNKEY_ID_LEN + 1];
	uint64_t		 ino;
	int64_t			 mtime_ns;
};

/* The authenticated caller, filled by auth.c. */
struct caller {
	int			 authed;
	int			 anonymous;	/* AUTH_OPTIONAL, no token */
	int			 is_key;	/* an API key, not a session */
	int			 role;		/* one AUTH_* bit */
	char			 id[UUID_LEN + 1];
	char			 cred_id[UUID_LEN + 1];
	char			 org_id[UUID_LEN + 1];
	char			 agency[8];
};

#define TOKEN_SELECTOR_LEN	16
#define TOKEN_SECRET_LEN	32
#define TOKEN_VERIFIER_LEN	32
/* A session token or API key: "tms_"/"tmk_" + base64url(sel || secret). */
struct token {
	char		 text[128];	/* what the client holds */
	uint8_t		 selector[TOKEN_SELECTOR_LEN];
	uint8_t		 verifier[TOKEN_VERIFIER_LEN];
};

struct route;

/* Per-request state, created by the dispatcher, freed once. */
struct rq {
	struct http_request	*req;
	const struct route	*route;
	int			 step;		/* handler's own progress */
	int			 auth_step;
	int			 lang;
	int			 status;	/* for the access log */
	int			 limit;		/* page size of a list */
	struct page {
		char		 buf[160];	/* cursor: key NUL id */
		const char	*key;		/* NULL on the first page */
		const char	*id;
		char		 fetch[16];	/* limit + 1, for the SQL */
	}			 page;
	uint64_t		 t0_us;
	char			 reqid[40];
	char			*pathid;	/* the {id} in the path */
	yajl_val		 body;
	char			*email;		/* body's email, lower-cased */
	struct caller		 who;
	struct db_op		*op;		/* last database step */
	struct pw_job		*job;		/* password hashing task */
	void			*ctx;		/* handler-owned, freed by rq */
	void			(*ctx_free)(void *);
	struct token		*tok;		/* presented credential */
	int			 qs_parsed;
	int			 nqs;
	char			*qs_key[QS_MAX];
	char			*qs_val[QS_MAX];
};

struct route {
	const char		*method;
	const char		*path;		/* "{id}" matches a UUID */
	int			(*fn)(struct rq *);
	int			 auth;		/* AUTH_* mask allowed */
	const struct field	*body;		/* NULL: no body expected */
	int			 body_optional;	/* none at all is fine too */
};

/* One statement of a database step. */
struct db_stmt {
	int			 id;		/* Q_* */
	int			 nparams;
	const char		*params[16];
	int			 lengths[16];	/* 0: text, >0: binary len */
};

/* Named statements (queries.c). */
enum query_id {
	Q_PING,
	Q_AUTH_LOOKUP,
	Q_ACCOUNT_GET,
	Q_ACCOUNT_REGISTER,
	Q_LOGIN_BEGIN,
	Q_LOGIN_FINISH,
	Q_SESSION_REVOKE,
	Q_PASSWORD_CHECK,
	Q_PASSWORD_SET,
	Q_APIKEY_CREATE,
	Q_APIKEY_LIST,
	Q_APIKEY_REVOKE,
	Q_ADMIN_CREATE,
	Q_ADMIN_LIST,
	Q_ADMIN_PATCH,
	Q_TECH_CREATE,
	Q_TECH_GET,
	Q_TECH_PATCH,
	Q_TECH_DELETE,
	Q_TECH_NEWEST,
	Q_TECH_PRICE_ASC,
	Q_TECH_PRICE_DESC,
	Q_TECH_RELEVANCE,
	Q_PLAN_GENERIC,
	Q_TECH_FACETS,
	Q_NEED_CREATE,
	Q_NEED_GET,
	Q_NEED_PATCH,
	Q_NEED_DELETE,
	Q_NEED_NEWEST,
	Q_NEED_RELEVANCE,
	Q_NEED_MATCHES,
	Q_TECH_MATCHES,
	Q_NEED_OWNED,
	Q_TECH_OWNED,
	Q_QUOTE_CREATE,
	Q_QUOTE_LIST,
	Q_QUOTE_COUNTS,
	Q_QUOTE_GET,
	Q_QUOTE_ACT,
	Q_QUOTE_PARTY,
	Q_QUOTE_MESSAGES,
	Q_QUOTE_MESSAGE_POST,
	Q_QUOTE_SWEEP,
	Q_PROGRAM_GET,
	Q_PROGRAM_PATCH,
	Q_FLAG_FACTS,
	Q_FLAG_PUT,
	Q_FLAG_TECH,
	Q_FLAG_HISTORY,
	Q_APPLY,
	Q_APPLICATION_LIST,
	Q_APPLICATION_GET,
	Q_DECISION_FACTS,
	Q_DECIDE,
	Q_CATEGORIES,
	Q_SECTORS,
	Q_DISTRICTS,
	Q_FUNDING_PROGRAMS,
	Q_MAX
};

struct query {
	const char		*name;
	int			 writes;	/* 1: runs on a writer */
	const char		*sql;
};

/* app.c */
int		 app_init(int);
void		 kore_worker_teardown(void);
int		 app_dispatch(struct http_request *);

/* routes.c */
extern const struct route	 routes[];
extern const size_t		 routes_count;
const struct route	*route_match(const char *, const char *, char **,
			    int *);
void		 route_allow(const char *, char *, size_t);

/* http_util.c */
int		 http_lang(struct http_request *);
void		 http_reqid(struct http_request *, char *, size_t);
int		 reply_json(struct rq *, int, const char *, size_t);
int		 reply_buf(struct rq *, int, struct kore_buf *);
int		 reply_empty(struct rq *, int);
int		 reply_problem(struct rq *, int, const char *, const char *);
int		 reply_list(struct rq *, const char *, int);
struct kore_buf	*list_build(struct rq *, const char *, int);
char		*body_text(struct rq *);
int		 reply_invalid(struct rq *, const struct verrors *);
int		 reply_db_error(struct rq *);
int		 reply_constraint(struct rq *);
int		 reply_doc(struct rq *, int, int, const char *, const char *);
int		 reply_patched(struct rq *, const char *, const char *);
int		 owned_list(struct rq *, int, int, const char *);
int		 reply_internal(struct rq *);
int		 reply_throttled(struct rq *, const char *);
int		 body_parse(struct rq *, const struct field *);
const char	*query_arg(struct rq *, const char *);
int		 query_limit(struct rq *, int *);
int		 query_check(struct rq *, const char *const *);
int		 query_page(struct rq *, const char *);
void		 query_free(struct rq *);
const char	*header_get(struct rq *, const char *);
void		 header_etag(struct rq *, const char *);
int		 if_match(struct rq *, char *, size_t, int);

/* db.c */
int		 db_init(const char *, int, int);
int		 db_run(struct rq *, const struct db_stmt *, int);
int		 db_one(struct rq *, int, int, ...);
void		 db_fire(const struct db_stmt *, int);
void		 db_op_release(struct db_op *);
int		 db_ok(struct rq *);
const char	*db_sqlstate(struct rq *);
const char	*db_constraint(struct rq *);
int		 db_rows(struct rq *);
const char	*db_get(struct rq *, int, int);
int		 db_getlen(struct rq *, int, int);
int		 db_ready(void);
void		 db_stats(int *, int *, int *, uint64_t *);

/* queries.c */
extern const struct query	 queries[Q_MAX];

/* json.c */
yajl_val	 json_parse(const char *, size_t, char *, size_t);
yajl_val	 json_at(yajl_val, const char *);
const char	*json_str(yajl_val, const char *);
int		 json_int(yajl_val, const char *, int64_t *);
int		 json_bool(yajl_val, const char *, int *);
int		 json_has(yajl_val, const char *);
void		 json_gen_str(yajl_gen, const char *);
void		 json_gen_kv(yajl_gen, const char *, const char *);
void		 json_gen_kint(yajl_gen, const char *, long long);
char		*json_gen_take(yajl_gen, size_t *);
char		*canon_json(struct canon *, size_t, size_t *);
const char	*verr_text(enum verr, int);

/* validate.c */
int		 validate(yajl_val, const struct field *, struct verrors *);
int		 utf8_valid(const char *, size_t, size_t *);
int		 format_ok(int, const char *);
char		*email_lower(const char *);
int		 str_oneof(const char *, const char *const *);
int		 ascii_printable(const char *);
void		 verr_add(struct verrors *, const char *, enum verr,
		    const char *);

/* cursor.c */
void		 cursor_set_key(const uint8_t *);
char		*cursor_encode(const char *, const char *);
int		 cursor_decode(const char *, const char *, char *, size_t);

/* crypto.c */
int		 token_new(struct token *, const char *);
int		 token_parse(const char *, struct token *);
int		 token_verify(const struct token *, const uint8_t *, size_t);
void		 token_wipe(struct token *);
int		 password_hash(const char *, char *, size_t);
int		 password_verify(const char *, const char *);
const char	*password_dummy_hash(void);
char		*hex_encode(const uint8_t *, size_t, char *);
int		 b64url_ok(const char *, size_t);
int		 secret_load(const char *, const char *, uint8_t *, size_t);
int		 signkey_load(const char *, struct signkey *);
int		 signkey_stale(const char *, const struct signkey *);
int		 signkey_rotate(const char *);
int		 signkey_sign(const struct signkey *, const char *, size_t,
		    char *, size_t);
int		 signkey_pub_b64(const uint8_t *, char *, size_t);
void		 signkey_wipe(struct signkey *);

/* migrate.c, in tmctl only */
int		 migrate_run(int, char *[]);

/* auth.c */
int		 auth_step(struct rq *);
int		 pw_task_start(struct rq *, const char *, const char *);
int		 pw_task_result(struct rq *, char *, size_t);
void		 pw_job_release(struct pw_job *);
int		 pw_job_finished(struct pw_job *);
int		 role_bit(const char *);

/* metrics.c */
void		 metrics_init(void);
void		 metrics_tick(void);
void		 metrics_cleanup(void);
void		 metrics_observe(int, int, uint64_t);
int		 ops_healthz(struct rq *);
int		 ops_readyz(struct rq *);
int		 ops_metrics(struct rq *);
int		 ops_openapi(struct rq *);
void		 openapi_load(const char *);

/* accounts.c */
extern const struct field	 account_register_body[];
extern const struct field	 admin_create_body[];
extern const struct field	 admin_patch_body[];
extern const struct field	 password_body[];
int		 accounts_register(struct rq *);
int		 accounts_me(struct rq *);
int		 accounts_password(struct rq *);
int		 admin_accounts_list(struct rq *);
int		 admin_accounts_create(struct rq *);
int		 admin_accounts_patch(struct rq *);

/* sessions.c */
extern const struct field	 session_body[];
int		 sessions_create(struct rq *);
int		 sessions_delete(struct rq *);

/* apikeys.c */
extern const struct field	 apikey_body[];
int		 apikeys_create(struct rq *);
int		 apikeys_list(struct rq *);
int		 apikeys_delete(struct rq *);

/* technologies.c */
extern const struct field	 tech_create_body[];
extern const struct field	 tech_patch_body[];
int		 tech_list(struct rq *);
int		 tech_create(struct rq *);
int		 tech_get(struct rq *);
int		 tech_patch(struct rq *);
int		 tech_delete(struct rq *);

/* needs.c */
extern const struct field	 need_create_body[];
extern const struct field	 need_patch_body[];
int		 need_list(struct rq *);
int		 need_create(struct rq *);
int		 need_get(struct rq *);
int		 need_patch(struct rq *);
int		 need_delete(struct rq *);

/* matches.c */
int		 need_matches(struct rq *);
int		 tech_matches(struct rq *);

/* quotes.c */
extern const struct field	 quote_create_body[];
extern const struct field	 quote_quote_body[];
extern const struct field	 quote_note_body[];
extern const struct field	 quote_message_body[];
int		 quote_create(struct rq *);
int		 quote_list(struct rq *);
int		 quote_get(struct rq *);
int		 quote_quote(struct rq *);
int		 quote_accept(struct rq *);
int		 quote_decline(struct rq *);
int		 quote_withdraw(struct rq *);
int		 quote_messages(struct rq *);
int		 quote_message_post(struct rq *);
void		 quote_sweeper(void);

/* signing.c */
int		 sign_init(const char *);
int		 sign_record(struct canon *, size_t, char **, char *, size_t,
		    char *, size_t);
int		 keys_list(struct rq *);

/* funding.c */
extern const struct field	 program_patch_body[];
extern const struct field	 flag_body[];
extern const struct field	 application_body[];
extern const struct field	 decision_body[];
int		 program_get(struct rq *);
int		 program_patch(struct rq *);
int		 flag_put(struct rq *);
int		 flag_history(struct rq *);
int		 application_create(struct rq *);
int		 application_list(struct rq *);
int		 application_get(struct rq *);
int		 application_review(struct rq *);
int		 application_decide(struct rq *);

/* refdata.c */
int		 ref_categories(struct rq *);
int		 ref_sectors(struct rq *);
int		 ref_districts(struct rq *);
int		 ref_funding_programs(struct rq *);

#endif
