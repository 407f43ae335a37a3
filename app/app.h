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
#define EMAIL_MAX		254
#define IDEMPOTENCY_KEY_MAX	255
/* Money and prices in VND, everywhere: below 2^53, so JSON keeps them. */
#define PRICE_MAX		1000000000000000LL
#define SESSION_TTL_SECS	(12 * 3600)
/*
 * Throttling, as the statements take it: five failures in 15 minutes
 * (for one email from one address, or for one account's current
 * password); an attempt in progress counts for at most the lease.
 * TM_LOGIN_EMAIL_MAX and TM_LOGIN_ADDRESS_MAX change the looser bounds.
 */
#define LOGIN_MAX_FAILURES	"5"
#define LOGIN_WINDOW_SECS	"900"
#define LOGIN_LEASE_SECS	"30"
#define LOGIN_EMAIL_MAX		50
#define LOGIN_ADDRESS_MAX	100
/* Password tasks queued or running per worker (TM_HASH_QUEUE). */
#define HASH_QUEUE_DEFAULT	16
/* Of those, how many one client address may hold (TM_HASH_PER_ADDR). */
#define HASH_PER_ADDR_DEFAULT	2

/* An address as text: INET6_ADDRSTRLEN, without the network headers. */
#define CLIENT_ADDR_LEN		46
#define HASH_QUEUE_MAX		4096

/*
 * What a handler tells the dispatcher. Helpers that may answer the
 * request themselves return KORE_RESULT_OK, or KORE_RESULT_ERROR once
 * they have answered.
 */
#define RQ_DONE			1	/* response written */
#define RQ_WAIT			2	/* parked on the database or a task */
#define RQ_AGAIN		3	/* run the handler again right away */

/* The two steps of a handler that asks the database once. */
enum { STEP_ASK, STEP_ANSWER };

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
#define JT_NUMBER		6	/* integer or decimal, 0..max; > 0 if min > 0 */

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
struct connection;
struct kore_buf;
struct db_op;
struct db_result;
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
	const char		*either;	/* required unless this is */
};

/*
 * Where an organization or a need is: a commune, or a district alone for
 * a client that knows only the area; the database checks the two
 * against Can Tho's lists and each other.
 */
#define PLACE_FIELDS(req)						\
	{ .name = "commune", .type = JT_STRING, .required = (req),	\
	    .either = "district", .min = 2, .max = 40,			\
	    .format = JF_CODE },					\
	{ .name = "district", .type = JT_STRING, .min = 2, .max = 40,	\
	    .format = JF_CODE }

/* A member a client may read but not send. */
#define FIELD_READONLY(n)	{ .name = (n), .readonly = 1 }
#define FIELD_END		{ .name = NULL }

/* What a field error says (text per language in messages.c). */
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
	VERR_CONTROL,
	VERR_DUPLICATE,
	VERR_RULE,
	VERR_NO_SUCH,
	VERR_PAST,
	VERR_NOT_EMAIL,
	VERR_NOT_TAXCODE,
	VERR_NOT_CODE,
	VERR_NOT_UUID,
	VERR_NOT_DATE,
	VERR_NOT_URL,
	VERR_NOT_PHONE,
	VERR_PRICE_ORDER,
	VERR_NOT_CURRENT_PASSWORD,
	VERR_OVER_CAP,
	VERR_ABOVE,
	VERR_BELOW,
	VERR_NOT_COMMUNE,
	VERR_NOT_DISTRICT,
	VERR_PLACE_DISAGREES,
	VERR_TYPE_NUMBER,
	VERR_DECIMALS,
	VERR_NOT_PATH_YEAR,
	VERR_MAX
};

/* What a problem's detail says (text per language in messages.c). */
enum msg {
	MSG_NOT_FOUND,
	MSG_NO_SUCH_PATH,
	MSG_METHOD_NOT_ALLOWED,
	MSG_NO_SUCH_ACCOUNT,
	MSG_NO_SUCH_API_KEY,
	MSG_NO_SUCH_TECHNOLOGY,
	MSG_NO_SUCH_NEED,
	MSG_NO_SUCH_QUOTE,
	MSG_NO_SUCH_APPLICATION,
	MSG_NO_SUCH_PROGRAM,
	MSG_CREDENTIALS,
	MSG_ROLE,
	MSG_SESSION_ONLY,
	MSG_WRONG_LOGIN,
	MSG_SUSPENDED,
	MSG_THROTTLED,
	MSG_TAX_CODE_TAKEN,
	MSG_TAX_CODE_VERIFIED,
	MSG_EMAIL_TAKEN,
	MSG_NO_ORGANIZATION,
	MSG_API_KEY_LIMIT,
	MSG_NOT_A_SESSION,
	MSG_DUPLICATE,
	MSG_CONSTRAINT,
	MSG_CONCURRENT,
	MSG_DB_UNAVAILABLE,
	MSG_BUSY,
	MSG_DB_UNREACHABLE,
	MSG_INTERNAL,
	MSG_BODY_TOO_LARGE,
	MSG_BODIES_BUSY,
	MSG_MEDIA_TYPE,
	MSG_BAD_JSON,
	MSG_FIELDS,
	MSG_QUERY_MALFORMED,
	MSG_QUERY_UNKNOWN,
	MSG_QUERY_REPEATED,
	MSG_QUERY_VALUE,
	MSG_LIMIT,
	MSG_CURSOR,
	MSG_Q_TOO_LONG,
	MSG_IF_MATCH_REQUIRED,
	MSG_ETAG_MISMATCH,
	MSG_STALE,
	MSG_OTHER_PARTY,
	MSG_MOVE,
	MSG_STATUS_MOVE,
	MSG_TECH_HAS_QUOTES,
	MSG_KEY_REUSED,
	MSG_KEY_FORMAT,
	MSG_ONLY_DOST,
	MSG_NOT_ACCEPTED,
	MSG_NOT_ELIGIBLE,
	MSG_APPLIED_ALREADY,
	MSG_OVER_BUDGET,
	MSG_APPLICATION_CHANGED,
	MSG_VENDOR_UNVERIFIED,
	MSG_ENTERPRISE_UNVERIFIED,
	MSG_NO_SUCH_BYPRODUCT,
	MSG_BYPRODUCT_CLOSED,
	MSG_NO_SUCH_CP_REPORT,
	MSG_NO_SUCH_CP_YEAR,
	MSG_CP_NOT_PUBLISHED,
	MSG_CP_YEAR_CLOSED,
	MSG_CP_FILED,
	MSG_ONLY_DOIT,
	MSG_MAX
};

struct field_error {
	char			 field[96];
	enum verr		 code;
	char			 arg[32];	/* fills a %s of the text */
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

/* A published public key: signing-keys/<id>.pub, dated. */
struct signkey_pub {
	char			 id[SIGNKEY_ID_LEN + 1];
	char			 pub[64];	/* base64 */
	int64_t			 created_us;	/* since the epoch */
};

/* What a signature covers and says, kept between two database steps. */
#define SIG_LEN			128
struct signature {
	char			*text;		/* canonical JSON, kore_free */
	char			 value[SIG_LEN];
	char			 key_id[SIGNKEY_ID_LEN + 1];
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
	/* Its last write, microseconds, on the primary's clock; 0: none known. */
	int64_t			 wrote_us;
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

/* A parsed query string: decoded names and values, in order. */
struct qargs {
	int			 parsed;	/* 1 parsed, -1 malformed */
	int			 n;
	char			*key[QS_MAX];
	char			*val[QS_MAX];
};

/* A list's page: its size, and the cursor split into key and id. */
struct page {
	const char		*ctx;		/* the list, bound into cursors */
	int			 limit;
	char			 buf[160];	/* cursor: key NUL id */
	const char		*key;		/* NULL on the first page */
	const char		*id;
	char			 fetch[16];	/* limit + 1, for the SQL */
};

/* An address or network (client.c); addr holds 4 or 16 bytes. */
struct net {
	int			 family;
	int			 bits;
	uint8_t			 addr[16];
};

/* The proxies whose X-Forwarded-For is believed (TM_TRUSTED_PROXIES). */
#define PROXIES_MAX		16
struct proxies {
	struct net		 list[PROXIES_MAX];
	int			 n;
};

struct route;

/* Per-request state, created by the dispatcher, freed once. */
struct rq {
	struct http_request	*req;
	const struct route	*route;
	int			 step;		/* handler's own progress */
	int			 auth_step;
	int			 lang;
	int			 status;	/* answered; for the access log */
	struct page		 page;
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
	struct qargs		 qs;
	char			*kept_key;	/* keep the answer: pagecache */
	uint64_t		 kept_gen;
	int			 no_store;	/* had credentials */
	char			 client[CLIENT_ADDR_LEN]; /* rq_client() */
};

struct route {
	const char		*method;
	const char		*path;		/* "{id}" matches a UUID */
	int			(*fn)(struct rq *);
	int			 auth;		/* AUTH_* mask allowed */
	const struct field	*body;		/* NULL: no body expected */
	int			 body_optional;	/* none at all is fine too */
	int			 lag_ok;	/* a standby may answer */
};

/* One statement of a database step. */
#define DB_PARAMS_MAX		16
struct db_stmt {
	int			 id;		/* Q_* */
	int			 nparams;
	const char		*params[DB_PARAMS_MAX];
	int			 lengths[DB_PARAMS_MAX]; /* 0: text, >0: binary */
};

/* Named statements: Q_<ID> for each Q(ID, ...) of queries.def. */
enum query_id {
#define Q(id, writes, nparams, sql)	Q_##id,
#include "queries.def"
#undef Q
	Q_MAX
};

struct query {
	const char		*name;
	int			 writes;	/* 1: runs on a writer */
	int			 nparams;
	const char		*sql;
};

/* app.c */
int		 app_init(int);
void		 kore_worker_teardown(void);
int		 app_dispatch(struct http_request *);

/* edge.c */
struct connection;
void		 edge_init(const char *);
void		 edge_accept(struct connection *);
void		 edge_rearm(struct http_request *);
int		 edge_body_refused(struct http_request *);
int		 edge_body_unread(struct http_request *);
void		 edge_release(struct http_request *);

/* routes.c */
extern const struct route	 routes[];
extern const size_t		 routes_count;

/* router.c */
const struct route	*route_match(const struct route *, size_t,
			    const char *, const char *, char **, int *);
void		 route_allow(const struct route *, size_t, const char *,
		    char *, size_t);

/* messages.c */
const char	*msg_text(enum msg, int);
const char	*verr_text(enum verr, int);

/* problem.c */
int		 reply_problem(struct rq *, int, enum msg);
int		 reply_problemf(struct rq *, int, enum msg, const char *,
		    const char *);
int		 reply_invalid(struct rq *, const struct verrors *);
int		 reply_field(struct rq *, const char *, enum verr,
		    const char *);
int		 reply_db_error(struct rq *, enum msg);
int		 reply_internal(struct rq *);
int		 reply_throttled(struct rq *, const char *);

/* cors.c */
#define CORS_MAX	16
struct cors {
	size_t		 n;
	char		 origin[CORS_MAX][128];
};
int		 cors_parse(const char *, struct cors *);
int		 cors_match(const struct cors *, const char *);

/* encoding.c */
int		 gzip_accepted(const char *);

/* etag.c */
#define ETAG_LEN	19	/* '"', 16 hex digits, '"', NUL */
#define ETAG_DOC_LEN	(ETAG_LEN + 11)	/* and an int4 version, '-' */
void		 etag_of(const void *, size_t, char *, size_t);
void		 etag_doc(const char *, const void *, size_t, char *, size_t);
int		 etag_version(const char *, char *, size_t);
int		 etag_listed(const char *, const char *);

/* pagecache.c */
#define PAGECACHE_TTL_MS	60000
struct kept {
	char		*body;
	size_t		 len;
	char		 etag[ETAG_DOC_LEN];	/* "": none */
};
void		 pagecache_init(size_t, uint64_t);
int		 pagecache_on(void);
void		 pagecache_clear(void);
void		 pagecache_enable(int);
uint64_t	 pagecache_gen(void);
int		 pagecache_get(const char *, uint64_t, struct kept *);
void		 pagecache_put(const char *, uint64_t, uint64_t, const char *,
		    size_t, const char *);
void		 pagecache_usage(size_t *, size_t *);

/* request.c */
int		 http_lang(struct http_request *);
void		 http_reqid(struct http_request *, char *, size_t);
int		 body_parse(struct rq *, const struct field *);
char		*body_text(struct rq *);
const char	*header_get(struct rq *, const char *);
const char	*peer_text(struct connection *, char *, size_t);
int		 client_init(void);
const char	*rq_client(struct rq *);
int		 reading(struct rq *);
int		 change_target(struct rq *, int, int, enum msg, char *, size_t,
		    const char **);
int		 if_match(struct rq *, int, char *, size_t, const char **);
const char	*query_arg(struct rq *, const char *);
int		 query_check(struct rq *, const char *const *);
int		 reply_bad_param(struct rq *, const char *);
int		 query_q(struct rq *, const char **);
const char	*caller_org(struct rq *);
const char	*caller_agency(struct rq *);

/* reply.c */
int		 reply_json(struct rq *, int, const char *, size_t);
int		 reply_buf(struct rq *, int, struct kore_buf *);
int		 reply_empty(struct rq *, int);
void		 reply_cache(struct rq *, const char *);
int		 reply_kept(struct rq *);
void		 reply_keep(struct rq *, const char *, size_t, const char *);
int		 reply_doc(struct rq *, int, enum msg);
int		 doc_get(struct rq *, int, int, enum msg);
int		 doc_delete(struct rq *, int, const char *, enum msg);
int		 doc_patch(struct rq *, int, enum msg);

/* list.c */
int		 query_page(struct rq *, const char *);
struct kore_buf	*list_build(struct rq *);
int		 reply_list(struct rq *);
int		 owned_list(struct rq *, int, int, const char *, enum msg);
int		 query_flag(struct rq *, const char *, const char **);

/*
 * A search list's steps after its page is asked for (technologies and
 * needs): the handler's own step 0 asks with r->step = SEARCH_ITEMS,
 * then search_answer() does the rest; facets() asks for the counts with
 * s->late as the suggestion's q.
 */
enum { SEARCH_ITEMS = 1, SEARCH_FACETS, SEARCH_SUGGEST };
struct search {
	const char	*q;
	int		 facets;	/* facets=true */
	int		 suggest;	/* a first page with q */
	const char	*needs;		/* "true": the words of needs' titles */
	const char	*late;		/* q, when no row carried its suggestion */
	struct kore_buf	*out;
	int		(*ask_facets)(struct rq *);
};
int		 search_answer(struct rq *, struct search *);

/* query.c */
int		 qs_parse(struct qargs *, const char *);
const char	*qs_get(const struct qargs *, const char *);
const char	*qs_unknown(const struct qargs *, const char *const *,
		    int *);
void		 qs_free(struct qargs *);

/* The connection pools of db.c: the primary's readers and writers. */
#define POOL_READ		0
#define POOL_WRITE		1
#define POOL_STANDBY		2
#define POOL_COUNT		3

/* db.c */
int		 db_init(const char *, const char *, int, int, int);
int		 db_on_standby(struct rq *);
void		 db_pool_stats(uint64_t *, int *, int *);
int		 db_run(struct rq *, const struct db_stmt *, int);
int		 db_call(struct rq *, int, const char *const *, int);
void		 db_fire(int);
void		 db_op_release(struct db_op *);
int		 db_ok(struct rq *);
const char	*db_sqlstate(struct rq *);
const char	*db_constraint(struct rq *);
const char	*db_detail(struct rq *);
const char	*db_hint(struct rq *);
int		 db_rows(struct rq *);
const char	*db_get(struct rq *, int, int);
const char	*db_str(struct rq *, int, int, const char *);
int		 db_getlen(struct rq *, int, int);
int		 db_ready(void);
void		 db_background(const struct db_stmt *, int,
		    void (*)(struct db_op *, void *), void *);
void		 db_orphan_then(struct rq *, void (*)(struct db_op *, void *),
		    void *);
int		 db_op_ok(struct db_op *);
struct db_result *db_keep(struct rq *);
int		 db_result_rows(struct db_result *);
const char	*db_result_get(struct db_result *, int, int);
void		 db_result_free(struct db_result *);
int		 db_op_rows(struct db_op *);
const char	*db_op_get(struct db_op *, int, int);
void		 db_stats(int *, int *, int *, uint64_t *);

/*
 * One statement with text parameters, checked by the compiler: every
 * argument after the statement's id must be a string (or NULL).
 */
#define db_one(r, id, ...)						\
	db_call((r), (id), (const char *const []){ NULL, __VA_ARGS__ } + 1, \
	    (int)(sizeof((const char *const []){ NULL, __VA_ARGS__ }) /	\
	    sizeof(const char *)) - 1)

/* queries.c */
extern const struct query	 queries[Q_MAX];

/* standby.c */
void		 standby_init(const char *);
int		 standby_configured(void);
int		 standby_current(void);
int		 standby_may(struct rq *);
int		 standby_fresh(void);
int		 standby_stamps(struct rq *);
void		 standby_polled(int64_t, int64_t);
void		 standby_changed(void);
int64_t		 standby_lag_ms(void);

/* utf8.c */
int		 utf8_valid(const char *, size_t, size_t *);
void		 utf8_cut(char *);
int64_t		 utf8_nfc_chars(const char *);

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

/* email.c */
int		 email_ok(const char *);

/* validate.c */
int		 validate(yajl_val, const struct field *, struct verrors *);
int		 format_ok(int, const char *);
char		*email_lower(const char *);
int		 str_oneof(const char *, const char *const *);
int		 ascii_printable(const char *);
int		 idempotency_key_ok(const char *);
void		 verr_add(struct verrors *, const char *, enum verr,
		    const char *);

/* client.c */
int		 proxies_parse(const char *, struct proxies *);
void		 client_pick(const struct proxies *, const char *,
		    const char *, char *, size_t);

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

/* signkey.c */
int		 signkey_load(const char *, struct signkey *);
int		 signkey_stale(const char *, const struct signkey *);
int		 signkey_rotate(const char *);
int		 signkey_sign(const struct signkey *, const char *, size_t,
		    char *, size_t);
int		 signkey_pub_b64(const uint8_t *, char *, size_t);
void		 signkey_wipe(struct signkey *);
int		 signkey_pub_read(const char *, const char *,
		    struct signkey_pub *);
int64_t		 signkey_seed_us(const struct signkey *);

/* migrate.c, in tmctl only */
int		 migrate_run(int, char *[]);

/* auth.c */
int		 auth_step(struct rq *);
void		 pw_queue_set(int, int);
int		 pw_task_start(struct rq *, const char *, const char *);
int		 pw_task_result(struct rq *, char *, size_t);
void		 pw_job_release(struct pw_job *);
int		 role_bit(const char *);

/* metrics.c */
void		 metrics_init(const struct route *, size_t);
void		 metrics_cleanup(void);
void		 metrics_observe(int, int, uint64_t);
int		 ops_metrics(struct rq *);
void		 metrics_match_queue(long long, double);

/* ops.c */
int		 ops_healthz(struct rq *);
int		 ops_readyz(struct rq *);
int		 ops_openapi(struct rq *);
void		 openapi_load(const char *, const char *);

/* assets.c */
struct asset {
	const char	*type;
	char		*body, *gz;	/* gz: NULL when the build made none */
	size_t		 len, gzlen;
	char		 etag[ETAG_LEN], gzetag[ETAG_LEN];
};
int		 asset_load(struct asset *, const char *, const char *,
		    const char *);
int		 asset_reply(struct rq *, const struct asset *, int);

/* html.c */
void		 html_text(struct kore_buf *, const char *);
void		 html_vnd(struct kore_buf *, int64_t);
void		 html_technology(struct kore_buf *, yajl_val, int);
void		 html_shell(struct kore_buf *, const char *, size_t, yajl_val,
		    int);

/* web.c */
void		 web_load(const char *, const char *);
int		 web_page(struct rq *);
int		 web_file(struct rq *);
int		 web_missing(struct rq *);
int		 web_technology(struct rq *);

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

/* organizations.c */
extern const struct field	 organization_register_body[];
extern const struct field	 organization_patch_body[];
int		 organization_get(struct rq *);
int		 organization_patch(struct rq *);
int		 admin_organizations_list(struct rq *);

/* sessions.c */
extern const struct field	 session_body[];
int		 sessions_init(void);
void		 attempt_abandon(int, const char *);
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
int		 tech_mine(struct rq *);

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
void		 match_drainer(void);

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
int		 sign_record(struct canon *, size_t, struct signature *);
int		 sign_check(const char *, const char *, size_t, const char *);
void		 sign_free(struct signature *);
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
int		 decision_register(struct rq *);
int		 application_get(struct rq *);
int		 application_review(struct rq *);
int		 application_decide(struct rq *);

/* auditchain.c */
#define AUDIT_HASH_LEN		32
/* An entry's fields as text, as the database gives them. */
struct audit_entry {
	const char		*seq;
	const char		*at;
	const char		*actor_id;	/* NULL: the system */
	const char		*role;
	const char		*action;
	const char		*entity_type;
	const char		*entity_id;
	const char		*changes;	/* JSON text */
};
int		 audit_canon_json(struct kore_buf *, const char *);
int		 audit_canonical(struct kore_buf *, const struct audit_entry *);
void		 audit_link(const uint8_t *, const void *, size_t, uint8_t *);
int		 audit_hash_parse(const char *, uint8_t *);

/* audit.c */
int		 audit_list(struct rq *);
int		 audit_verify(struct rq *);
int		 audit_checkpoints(struct rq *);
void		 audit_checkpointer(void);

/* refdata.c */
int		 ref_categories(struct rq *);
int		 ref_sectors(struct rq *);
int		 ref_districts(struct rq *);
int		 ref_communes(struct rq *);
int		 ref_funding_programs(struct rq *);

/* byproducts.c, and the materials list of refdata.c */
extern const struct field	 byproduct_create_body[];
extern const struct field	 byproduct_patch_body[];
extern const struct field	 byproduct_close_body[];
int		 byproduct_create(struct rq *);
int		 byproduct_list(struct rq *);
int		 byproduct_get(struct rq *);
int		 byproduct_patch(struct rq *);
int		 byproduct_close(struct rq *);
int		 byproduct_matches(struct rq *);
int		 ref_materials(struct rq *);

/* csv.c */
int		 csv_wanted(const char *);
void		 csv_field(struct kore_buf *, const char *, size_t, int);
int		 csv_row(struct kore_buf *, const char *, size_t);

/* cpreports.c */
extern const struct field	 cp_report_create_body[];
extern const struct field	 cp_report_put_body[];
int		 cp_report_create(struct rq *);
int		 cp_report_list(struct rq *);
int		 cp_report_get(struct rq *);
int		 cp_report_put(struct rq *);
int		 cp_summary(struct rq *);
int		 cp_public(struct rq *);
int		 cp_public_years(struct rq *);
int		 cp_year_close(struct rq *);
int		 cp_year_reopen(struct rq *);

#endif
