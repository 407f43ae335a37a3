/*
 * auth.c -- who is calling: bearer tokens and API keys looked up by
 * selector and checked in constant time; and the password work that
 * runs in Kore task threads so Argon2id never stalls the event loop.
 */

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/tasks.h>

#include <sodium.h>

#include "app.h"

/*
 * A password task, owned by its request until the request goes, then by
 * itself: whichever of the two ends last frees it (as db.c's ops).
 */
struct pw_job {
	struct kore_task	 task;		/* first: the entry casts */
	TAILQ_ENTRY(pw_job)	 list;		/* pw_jobs, till the task ends */
	char			 client[INET6_ADDRSTRLEN]; /* pw_client() */
	struct http_request	*req;		/* NULL: nobody waits */
	atomic_int		 gone;		/* req left: skip the work */
	int			 verify;
	int			 result;
	char			 password[PASSWORD_MAX * 4 + 1];
	char			 hash[crypto_pwhash_STRBYTES];
};

/*
 * Password tasks this worker has queued or running, and how many it
 * takes: one task thread hashes them in turn, so each one queued makes
 * every later sign-in wait an Argon2id longer. Beyond the bound the
 * caller is told to come back (503, Retry-After) rather than queued.
 * One client address may hold pw_per_addr of them: without that share,
 * 16 connections of made-up emails from one address kept the queue full
 * and every other sign-in was answered 503.
 */
static TAILQ_HEAD(, pw_job) pw_jobs = TAILQ_HEAD_INITIALIZER(pw_jobs);
static int	pw_queued;
static int	pw_queue_max = HASH_QUEUE_DEFAULT;
static int	pw_per_addr = HASH_PER_ADDR_DEFAULT;

static int	auth_fail(struct rq *);
static int	auth_check(struct rq *);
static void	pw_client(struct rq *, char *, size_t);
static int	pw_held(const char *);
static int	pw_entry(struct kore_task *);
static void	pw_done(struct kore_task *);

static const struct {
	const char	*name;
	int		 bit;
} roles[] = {
	{ "vendor", AUTH_VENDOR },
	{ "enterprise", AUTH_ENTERPRISE },
	{ "agency", AUTH_AGENCY },
	{ "admin", AUTH_ADMIN },
};

int
role_bit(const char *name)
{
	size_t		i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (!strcmp(roles[i].name, name))
			return (roles[i].bit);
	}
	return (0);
}

static int
auth_fail(struct rq *r)
{
	return (reply_problem(r, 401, MSG_CREDENTIALS));
}

/* Two steps: look the selector up, then compare the secret's hash. */
int
auth_step(struct rq *r)
{
	const char	*h;
	struct db_stmt	 st;

	if (r->auth_step == 1)
		return (auth_check(r));
	h = header_get(r, "authorization");
	/* Anonymous callers may read what is public. */
	if (h == NULL && r->route->auth & AUTH_OPTIONAL) {
		r->who.anonymous = 1;
		return (RQ_AGAIN);
	}
	if (h == NULL || strncasecmp(h, "bearer ", 7) != 0)
		return (auth_fail(r));
	r->tok = kore_calloc(1, sizeof(*r->tok));
	if (!token_parse(h + 7, r->tok))
		return (auth_fail(r));
	memset(&st, 0, sizeof(st));
	st.id = Q_AUTH_LOOKUP;
	st.params[0] = (const char *)r->tok->selector;
	st.lengths[0] = TOKEN_SELECTOR_LEN;
	r->who.is_key = !strncmp(r->tok->text, "tmk_", 4);
	st.params[1] = r->who.is_key ? "api_key" : "session";
	st.params[2] = standby_configured() ? "t" : "f";
	st.nparams = 3;
	r->auth_step = 1;
	return (db_run(r, &st, 1));
}

static int
auth_check(struct rq *r)
{
	uint8_t		 stored[TOKEN_VERIFIER_LEN];
	const char	*hex;
	size_t		 len;
	int		 ok;

	r->auth_step = 0;
	if (!db_ok(r))
		return (reply_db_error(r, MSG_NOT_FOUND));
	ok = db_rows(r) == 1 && (hex = db_get(r, 0, 0)) != NULL &&
	    sodium_hex2bin(stored, sizeof(stored), hex, strlen(hex), NULL,
	    &len, NULL) == 0 && token_verify(r->tok, stored, len);
	token_wipe(r->tok);
	if (!ok)
		return (auth_fail(r));
	kore_strlcpy(r->who.cred_id, db_str(r, 0, 1, ""),
	    sizeof(r->who.cred_id));
	kore_strlcpy(r->who.id, db_str(r, 0, 2, ""), sizeof(r->who.id));
	r->who.role = role_bit(db_str(r, 0, 3, ""));
	kore_strlcpy(r->who.agency, db_str(r, 0, 4, ""),
	    sizeof(r->who.agency));
	kore_strlcpy(r->who.org_id, db_str(r, 0, 5, ""),
	    sizeof(r->who.org_id));
	r->who.wrote_us = strtoll(db_str(r, 0, 6, "0"), NULL, 10);
	if (!(r->route->auth & r->who.role))
		return (reply_problem(r, 403, MSG_ROLE));
	/* A leaked key must not mint keys or change the password. */
	if (r->route->auth & AUTH_SESSION && r->who.is_key)
		return (reply_problem(r, 403, MSG_SESSION_ONLY));
	r->who.authed = 1;
	return (RQ_AGAIN);
}

/*
 * Hash (hash == NULL) or verify a password in a task thread. The task
 * is bound to pw_done, not to the request: bound to it, Kore would keep
 * a request whose client left, its slot and the task's sockets, until
 * the hash ends, and every abandoned login would cost a full hash.
 * With the worker's queue full, the answer is 503 at once.
 */
void
pw_queue_set(int max, int per_addr)
{
	pw_queue_max = max;
	pw_per_addr = per_addr;
}

/* The client's share key: its address, an IPv6 one's /64 (edge.c's). */
static void
pw_client(struct rq *r, char *out, size_t len)
{
	struct in6_addr	a6;

	kore_strlcpy(out, rq_client(r), len);
	if (inet_pton(AF_INET6, out, &a6) == 1) {
		memset(&a6.s6_addr[8], 0, 8);
		(void)inet_ntop(AF_INET6, &a6, out, len);
	}
}

/* How many of this worker's password tasks the client holds. */
static int
pw_held(const char *client)
{
	struct pw_job	*job;
	int		 n;

	n = 0;
	TAILQ_FOREACH(job, &pw_jobs, list) {
		if (!strcmp(job->client, client))
			n++;
	}
	return (n);
}

int
pw_task_start(struct rq *r, const char *password, const char *hash)
{
	struct pw_job	*job;
	char		 client[INET6_ADDRSTRLEN];

	pw_client(r, client, sizeof(client));
	if (pw_queued >= pw_queue_max || pw_held(client) >= pw_per_addr)
		return (reply_problem(r, 503, MSG_BUSY));
	pw_queued++;
	job = kore_calloc(1, sizeof(*job));
	kore_strlcpy(job->client, client, sizeof(job->client));
	TAILQ_INSERT_TAIL(&pw_jobs, job, list);
	job->req = r->req;
	atomic_init(&job->gone, 0);
	kore_strlcpy(job->password, password, sizeof(job->password));
	if (hash != NULL) {
		job->verify = 1;
		kore_strlcpy(job->hash, hash, sizeof(job->hash));
	}
	r->job = job;
	kore_task_create(&job->task, pw_entry);
	kore_task_bind_callback(&job->task, pw_done);
	http_request_sleep(r->req);
	kore_task_run(&job->task);
	return (RQ_WAIT);
}

/* In the task thread. */
static int
pw_entry(struct kore_task *t)
{
	struct pw_job		*job = (struct pw_job *)t;

	/* Queued behind others and nobody left to answer: skip the cost. */
	if (atomic_load(&job->gone))
		job->result = 0;
	else if (job->verify)
		job->result = password_verify(job->hash, job->password);
	else
		job->result = password_hash(job->password, job->hash,
		    sizeof(job->hash));
	sodium_memzero(job->password, sizeof(job->password));
	return (KORE_RESULT_OK);
}

/* In the event loop, on any news from the task. */
static void
pw_done(struct kore_task *t)
{
	struct pw_job		*job = (struct pw_job *)t;

	if (!kore_task_finished(t))
		return;
	TAILQ_REMOVE(&pw_jobs, job, list);
	pw_queued--;
	if (job->req != NULL)
		http_request_wakeup(job->req);
	else
		pw_job_release(job);
}

/* The task's verdict; a new hash is copied to out. Frees the job. */
int
pw_task_result(struct rq *r, char *out, size_t len)
{
	int		result;

	result = r->job->result;
	if (out != NULL && !r->job->verify)
		kore_strlcpy(out, r->job->hash, len);
	pw_job_release(r->job);
	r->job = NULL;
	return (result);
}

/*
 * The request is done with the job: free it, or, while the task still
 * runs, leave it to pw_done.
 */
void
pw_job_release(struct pw_job *job)
{
	if (job == NULL)
		return;
	if (!kore_task_finished(&job->task)) {
		job->req = NULL;
		atomic_store(&job->gone, 1);
		return;
	}
	kore_task_destroy(&job->task);
	sodium_memzero(job, sizeof(*job));
	kore_free(job);
}
