/*
 * app.c -- module start-up and the single Kore handler: every request
 * goes route -> credentials -> body -> resource handler, and may sleep
 * on the database or a task thread at any of those steps.
 */

#include <sys/queue.h>
#include <sys/time.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/seccomp.h>
#include <kore/tasks.h>

#include <sodium.h>
#include <yajl/yajl_tree.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "app.h"

/*
 * make test SAN=1: LeakSanitizer, run from kore_worker_teardown, lists
 * the worker's threads and stops them with ptrace from a task of its
 * own; Kore would kill that task at the first of these calls.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SAN_SYSCALLS							\
	KORE_SYSCALL_ALLOW(getdents),					\
	KORE_SYSCALL_ALLOW(ptrace),					\
	KORE_SYSCALL_ALLOW(prctl),					\
	KORE_SYSCALL_ALLOW(wait4),
#else
#define SAN_SYSCALLS
#endif

/*
 * What libpq, glibc and the task threads need beyond Kore's own list,
 * plus harmless calls glibc may make on rarer paths: Kore kills only the
 * offending thread, and a worker whose event loop dies while its task
 * thread lives is never replaced.
 */
KORE_SECCOMP_FILTER("techmarket",
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(getdents64),
	KORE_SYSCALL_ALLOW(clone3),
	KORE_SYSCALL_ALLOW(rseq),
	KORE_SYSCALL_ALLOW(socket),
	KORE_SYSCALL_ALLOW(connect),
	KORE_SYSCALL_ALLOW(getsockopt),
	KORE_SYSCALL_ALLOW(getsockname),
	KORE_SYSCALL_ALLOW(getpeername),
	KORE_SYSCALL_ALLOW(uname),
	KORE_SYSCALL_ALLOW(link),
	KORE_SYSCALL_ALLOW(fsync),
	KORE_SYSCALL_ALLOW(ftruncate),
	KORE_SYSCALL_ALLOW(faccessat),
	KORE_SYSCALL_ALLOW(faccessat2),
	KORE_SYSCALL_ALLOW(statx),
	KORE_SYSCALL_ALLOW(sched_yield),
	KORE_SYSCALL_ALLOW(getrusage),
	KORE_SYSCALL_ALLOW(shutdown),
	KORE_SYSCALL_ALLOW(getppid),
	KORE_SYSCALL_ALLOW(mremap),
	KORE_SYSCALL_ALLOW(sysinfo),
	KORE_SYSCALL_ALLOW(prlimit64),
	KORE_SYSCALL_ALLOW(sched_getaffinity),
	KORE_SYSCALL_ALLOW(pread64),
	KORE_SYSCALL_ALLOW(fdatasync),
	KORE_SYSCALL_ALLOW(fstatfs),
	KORE_SYSCALL_ALLOW(readlinkat),
	KORE_SYSCALL_ALLOW(getgid),
	KORE_SYSCALL_ALLOW(getegid),
	KORE_SYSCALL_ALLOW(gettid),
	KORE_SYSCALL_ALLOW(tgkill),
	KORE_SYSCALL_ALLOW(restart_syscall),
	/* The signing key's files (crypto.c: signkey_*). */
	KORE_SYSCALL_ALLOW(mkdir),
	KORE_SYSCALL_ALLOW(mkdirat),
	KORE_SYSCALL_ALLOW(rename),
	KORE_SYSCALL_ALLOW(renameat),
	KORE_SYSCALL_ALLOW(renameat2),
	SAN_SYSCALLS
);

static struct rq	*rq_begin(struct http_request *);
static int		 rq_run(struct rq *);
static int		 rq_prepare(struct rq *);
static int		 route_missing(struct rq *);
static void		 rq_end(struct rq *);
static void		 rq_free(struct http_request *);
static void		 body_wipe(struct rq *);
static void		 tree_wipe(yajl_val);
static void		 cors_headers(struct rq *);
static int		 cors_preflight(struct rq *, const char *);
static void		 access_log(struct rq *, uint64_t);
static uint64_t		 now_us(void);
static int		 env_hash(const char *, int);

/* The web origins TM_CORS_ORIGINS names (cors.c). */
static struct cors	 cors;

/* A bound of the password queue, 1..HASH_QUEUE_MAX. */
static int
env_hash(const char *name, int def)
{
	const char	*v;
	long long	 n;
	int		 err;

	if ((v = getenv(name)) == NULL)
		return (def);
	n = kore_strtonum(v, 10, 1, HASH_QUEUE_MAX, &err);
	if (err != KORE_RESULT_OK)
		fatalx("%s must be 1..%d", name, HASH_QUEUE_MAX);
	return ((int)n);
}

int
app_init(int state)
{
	const char	*url, *dir, *conns, *wconns, *sconns, *v;
	const char	*standby;
	uint8_t		 key[32];
	long long	 mb;
	int		 err;

	if (state != KORE_MODULE_LOAD)
		return (KORE_RESULT_OK);
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if ((url = getenv("DATABASE_URL")) == NULL)
		fatalx("DATABASE_URL is not set");
	if ((dir = getenv("TM_SECRETS_DIR")) == NULL)
		dir = "var/secrets";
	if (!secret_load(dir, "cursor.key", key, sizeof(key)))
		fatalx("cannot read or create %s/cursor.key", dir);
	cursor_set_key(key);
	sodium_memzero(key, sizeof(key));
	if (!sign_init(dir))
		fatalx("cannot read or create the signing key in %s", dir);
	(void)password_dummy_hash();
	metrics_init(routes, routes_count);
	if (!cors_parse(getenv("TM_CORS_ORIGINS"), &cors))
		fatalx("TM_CORS_ORIGINS: origins like https://host[:port], "
		    "comma separated, at most %d", CORS_MAX);
	if (!sessions_init())
		fatalx("TM_LOGIN_EMAIL_MAX and TM_LOGIN_ADDRESS_MAX must be "
		    "1..1000000");
	if (!client_init())
		fatalx("TM_TRUSTED_PROXIES: addresses or networks "
		    "(a.b.c.d/n), comma separated, at most %d", PROXIES_MAX);
	pw_queue_set(env_hash("TM_HASH_QUEUE", HASH_QUEUE_DEFAULT),
	    env_hash("TM_HASH_PER_ADDR", HASH_PER_ADDR_DEFAULT));
	openapi_load(getenv("TM_OPENAPI"), getenv("TM_OPENAPI_GZ"));
	web_load(getenv("TM_WEB"), getenv("TM_WEB_GZ"));
	conns = getenv("TM_DB_CONNS");
	wconns = getenv("TM_DB_WRITE_CONNS");
	sconns = getenv("TM_DB_STANDBY_CONNS");
	if ((standby = getenv("DATABASE_READ_URL")) != NULL &&
	    *standby == '\0')
		standby = NULL;
	if (!db_init(url, standby, conns ? atoi(conns) : 3,
	    wconns ? atoi(wconns) : 2, sconns ? atoi(sconns) : 3))
		fatalx("TM_DB_CONNS + TM_DB_WRITE_CONNS + TM_DB_STANDBY_CONNS "
		    "must be 2..16, each at least 1");
	if (standby != NULL)
		standby_init(getenv("TM_STANDBY_MAX_LAG_MS"));
	mb = 32;
	if ((v = getenv("TM_PAGE_CACHE_MB")) != NULL &&
	    (mb = kore_strtonum(v, 10, 0, 4096, &err), err != KORE_RESULT_OK))
		fatalx("TM_PAGE_CACHE_MB must be 0..4096");
	pagecache_init((size_t)mb << 20, PAGECACHE_TTL_MS);
	edge_init(getenv("TM_CONN_PER_ADDR"));
	quote_sweeper();
	audit_checkpointer();
	match_drainer();
	return (KORE_RESULT_OK);
}

void
kore_worker_teardown(void)
{
	metrics_cleanup();
#if defined(__SANITIZE_ADDRESS__)
	/*
	 * Leaks are looked for here rather than at exit, where Kore's own
	 * (its parent's too) would be reported with ours. Then the worker
	 * ends: under the preloaded ASan runtime, exit() hangs in a library
	 * destructor (libp11-kit's freelocale, on glibc's locale lock).
	 */
	(void)__lsan_do_recoverable_leak_check();
	_exit(0);
#endif
}

int
app_dispatch(struct http_request *req)
{
	struct rq	*r;
	int		 rc;

	if ((r = http_state_get(req)) == NULL)
		r = rq_begin(req);
	rc = rq_run(r);
	if (rc == RQ_WAIT)
		return (KORE_RESULT_RETRY);
	rq_end(r);
	return (KORE_RESULT_OK);
}

static struct rq *
rq_begin(struct http_request *req)
{
	struct rq	*r;
	const char	*auth;
	int		 wrong_method;

	r = http_state_create(req, sizeof(*r), rq_free);
	r->req = req;
	r->t0_us = now_us();
	r->lang = http_lang(req);
	http_reqid(req, r->reqid, sizeof(r->reqid));
	http_response_header(req, "x-request-id", r->reqid);
	/* Nothing here is to be taken for other than its content type. */
	http_response_header(req, "x-content-type-options", "nosniff");
	if (http_request_header(req, "authorization", &auth)) {
		r->no_store = 1;
		http_response_header(req, "cache-control", "no-store");
	}
	cors_headers(r);
	r->route = route_match(routes, routes_count,
	    http_method_text(req->method), req->path, &r->pathid,
	    &wrong_method);
	/*
	 * A GET's or DELETE's body is read and dropped (edge.c); one that
	 * was not, too large to, would be taken for the next request.
	 */
	if (edge_body_unread(req))
		req->owner->flags |= CONN_CLOSE_EMPTY;
	/* Before the handler: -1 body still to read, -2 answer 405. */
	r->step = wrong_method ? -2 : -1;
	return (r);
}

/* Runs the handler chain until it answers or has to wait. */
static int
rq_run(struct rq *r)
{
	int		rc;

	do {
		if (r->route == NULL)
			rc = route_missing(r);
		else if (r->route->auth != AUTH_NONE && !r->who.authed &&
		    !r->who.anonymous)
			rc = auth_step(r);
		else if (r->step < 0)
			rc = rq_prepare(r);
		else
			rc = r->route->fn(r);
	} while (rc == RQ_AGAIN);
	return (rc);
}

static int
route_missing(struct rq *r)
{
	char		allow[64];

	if (r->step != -2) {
		/* Outside the API, a person is lost: show them the way. */
		if (reading(r) && strncmp(r->req->path, "/api/", 5) != 0 &&
		    strcmp(r->req->path, "/api") != 0)
			return (web_missing(r));
		return (reply_problem(r, 404, MSG_NO_SUCH_PATH));
	}
	route_allow(routes, routes_count, r->req->path, allow, sizeof(allow));
	http_response_header(r->req, "allow", allow);
	if (cors_preflight(r, allow))
		return (reply_empty(r, 204));
	return (reply_problem(r, 405, MSG_METHOD_NOT_ALLOWED));
}

/*
 * A browser page of an origin TM_CORS_ORIGINS names may read the answer
 * and the headers a client needs; for any other origin nothing changes,
 * so the browser keeps the answer from the page.
 */
static void
cors_headers(struct rq *r)
{
	const char	*origin;

	if (cors.n == 0)
		return;
	http_response_header(r->req, "vary", "origin");
	origin = header_get(r, "origin");
	if (!cors_match(&cors, origin))
		return;
	http_response_header(r->req, "access-control-allow-origin", origin);
	http_response_header(r->req, "access-control-expose-headers",
	    "etag, location, retry-after, x-request-id, content-language");
}

/* An allowed origin's preflight (OPTIONS) of a path that exists. */
static int
cors_preflight(struct rq *r, const char *allow)
{
	if (r->req->method != HTTP_METHOD_OPTIONS ||
	    !cors_match(&cors, header_get(r, "origin")) ||
	    header_get(r, "access-control-request-method") == NULL)
		return (0);
	http_response_header(r->req, "access-control-allow-methods", allow);
	http_response_header(r->req, "access-control-allow-headers",
	    "authorization, content-type, if-match, if-none-match, "
	    "idempotency-key, accept-language, x-request-id");
	http_response_header(r->req, "access-control-max-age", "600");
	return (1);
}

/* Parse and validate the body once the caller is known. */
static int
rq_prepare(struct rq *r)
{
	if (r->route->body != NULL && !(r->route->body_optional &&
	    r->req->http_body == NULL && r->req->content_length == 0) &&
	    !body_parse(r, r->route->body))
		return (RQ_DONE);
	r->step = STEP_ASK;
	return (RQ_AGAIN);
}

/*
 * Every handler's path ends in an answer; one that does not is a bug
 * the log names, and the client still gets a 500, not a hang.
 */
static void
rq_end(struct rq *r)
{
	uint64_t	us;

	if (r->status == 0) {
		kore_log(LOG_ERR, "request %s: %s %s ended without an answer",
		    r->reqid, http_method_text(r->req->method),
		    r->route ? r->route->path : "-");
		reply_internal(r);
	}
	us = now_us() - r->t0_us;
	metrics_observe(r->route ? (int)(r->route - routes) : -1,
	    r->status, us);
	access_log(r, us);
	edge_rearm(r->req);
}

static void
rq_free(struct http_request *req)
{
	struct rq	*r;

	edge_release(req);
	if ((r = http_state_get(req)) == NULL)
		return;
	/* Either may outlive the request: it then frees itself. */
	pw_job_release(r->job);
	db_op_release(r->op);
	body_wipe(r);
	if (r->ctx != NULL && r->ctx_free != NULL)
		r->ctx_free(r->ctx);
	kore_free(r->pathid);
	kore_free(r->email);
	kore_free(r->kept_key);
	if (r->tok != NULL) {
		token_wipe(r->tok);
		kore_free(r->tok);
	}
	qs_free(&r->qs);
	sodium_memzero(r, sizeof(*r));
	http_state_cleanup(req);
}

/*
 * Any body may carry a password or a token, and which ones do is a fact
 * no list here has to keep up with: wipe every string of the parsed body
 * and Kore's copy before they go back to the allocators.
 */
static void
body_wipe(struct rq *r)
{
	struct kore_buf	*b = r->req->http_body;

	if (r->body != NULL) {
		tree_wipe(r->body);
		yajl_tree_free(r->body);
	}
	if (b != NULL)
		sodium_memzero(b->data, b->length);
}

/* Depth is bounded by json_parse. */
static void
tree_wipe(yajl_val v)
{
	size_t		i;

	if (YAJL_IS_STRING(v))
		sodium_memzero(v->u.string, strlen(v->u.string));
	else if (YAJL_IS_OBJECT(v)) {
		for (i = 0; i < v->u.object.len; i++)
			tree_wipe(v->u.object.values[i]);
	} else if (YAJL_IS_ARRAY(v)) {
		for (i = 0; i < v->u.array.len; i++)
			tree_wipe(v->u.array.values[i]);
	}
}

/*
 * One line a request: when, which, from where, what, how it ended, and
 * the account that asked (its id, never its token; "-": nobody).
 */
static void
access_log(struct rq *r, uint64_t us)
{
	char		line[512], ts[32], peer[INET6_ADDRSTRLEN];
	struct tm	tm;
	time_t		t;
	int		n;

	t = time(NULL);
	(void)gmtime_r(&t, &tm);
	(void)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	(void)peer_text(r->req->owner, peer, sizeof(peer));
	n = snprintf(line, sizeof(line), "%s %s %s %s %s %d %.3fms %s\n", ts,
	    r->reqid, peer, http_method_text(r->req->method),
	    r->route ? r->route->path : "-", r->status, us / 1000.0,
	    r->who.authed ? r->who.id : "-");
	if (n > 0)
		(void)write(STDOUT_FILENO, line,
		    MIN((size_t)n, sizeof(line) - 1));
}

static uint64_t
now_us(void)
{
	struct timespec		ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}
