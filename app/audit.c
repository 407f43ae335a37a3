/*
 * audit.c -- the audit log over HTTP: the list (GET /audit), the chain
 * recomputed here (GET /audit/verify), the signed checkpoints (GET
 * /audit/checkpoints), and the timer that signs them. Entries are
 * appended by SQL (tm_audit, sql/functions/80_audit.sql) in the
 * transaction of the change they record; the chain's bytes are
 * auditchain.c's.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

/* Entries a verify step reads: ~3 MB of rows, a few ms of hashing. */
#define VERIFY_PAGE		"10000"
#define VERIFY_PAGE_N		10000
/* The checkpoint timer's defaults: every 10 s, look for one due. */
#define CKPT_TICK_MS		10000
#define CKPT_EVERY		"1000"
#define CKPT_SECS		"3600"
/* The list is keyed by seq alone; this fills the cursor's id part. */
#define NIL_UUID		"00000000-0000-0000-0000-000000000000"

struct checkpoint {
	long long	 seq;
	uint8_t		 hash[AUDIT_HASH_LEN];
	int		 sig_ok;
};

/* GET /audit/verify's running state, kept between its pages. */
struct verify {
	uint8_t			 running[AUDIT_HASH_LEN];
	long long		 next;		/* the seq expected next */
	long long		 head;		/* the last seq to verify */
	long long		 entries;
	struct checkpoint	*cp;
	size_t			 ncp, icp;
	long long		 good_cp;	/* last checkpoint matched */
	long long		 first_bad;	/* 0: none yet */
	long long		 bad_cp;
	const char		*reason;
	struct kore_buf		*canon;
	char			 after[24], upto[24];
};

enum { VERIFY_ASK, VERIFY_HEAD, VERIFY_CPS, VERIFY_PAGES };

static int	offset_ok(const char *);
static int	time_ok(const char *);
static int	list_params(struct rq *);
static void	verify_free(void *);
static void	verify_cps(struct rq *, struct verify *);
static void	verify_cp_load(struct rq *, int, struct checkpoint *);
static int	verify_rows(struct rq *, struct verify *);
static int	verify_row(struct db_result *, struct verify *, int);
static void	verify_bad(struct verify *, long long, const char *);
static int	verify_answer(struct rq *, struct verify *);
static void	ckpt_tick(void *, u_int64_t);
static void	ckpt_due(void);
static void	ckpt_due_done(struct db_op *, void *);
static void	ckpt_put_done(struct db_op *, void *);

static int		 ckpt_busy;
static const char	*ckpt_every = CKPT_EVERY;
static const char	*ckpt_secs = CKPT_SECS;

/* "+07:00", "-05:30": an offset from UTC. */
static int
offset_ok(const char *p)
{
	return ((p[0] == '+' || p[0] == '-') && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && p[3] == ':' &&
	    isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5]));
}

/*
 * An RFC 3339 time ("2026-12-01T08:00:00Z", fractions and offsets
 * allowed) or a date, whose fields are a real moment: what PostgreSQL
 * would take, checked here so that a bad one is a 400 naming it.
 */
static int
time_ok(const char *v)
{
	struct tm	tm, back;
	time_t		t;
	size_t		len;
	const char	*p;

	len = strlen(v);
	if (len < 10 || len > 40)
		return (0);
	memset(&tm, 0, sizeof(tm));
	p = strptime(v, "%Y-%m-%d", &tm);
	if (p == NULL || p - v != 10 || !isdigit((unsigned char)v[0]))
		return (0);
	if (*p != '\0') {
		if ((*p != 'T' && *p != 't') ||
		    (p = strptime(p + 1, "%H:%M:%S", &tm)) == NULL)
			return (0);
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (offset_ok(p))
			p += 6;
		else
			return (0);
		if (*p != '\0')
			return (0);
	}
	back = tm;
	if ((t = timegm(&back)) == (time_t)-1 || gmtime_r(&t, &back) == NULL)
		return (0);
	return (back.tm_mday == tm.tm_mday && back.tm_mon == tm.tm_mon &&
	    back.tm_hour == tm.tm_hour && tm.tm_year >= 0);
}

static int
list_params(struct rq *r)
{
	static const char *const allowed[] = { "entity_id", "actor",
	    "action", "from", "to", "limit", "cursor", NULL };
	const char	*v;

	if (!query_check(r, allowed))
		return (KORE_RESULT_ERROR);
	if ((v = query_arg(r, "entity_id")) != NULL && (strlen(v) < 1 ||
	    strlen(v) > 100 || !ascii_printable(v))) {
		reply_bad_param(r, "entity_id");
		return (KORE_RESULT_ERROR);
	}
	if ((v = query_arg(r, "actor")) != NULL && !format_ok(JF_UUID, v)) {
		reply_bad_param(r, "actor");
		return (KORE_RESULT_ERROR);
	}
	if ((v = query_arg(r, "action")) != NULL && (strlen(v) < 3 ||
	    strlen(v) > 64 || strspn(v, "abcdefghijklmnopqrstuvwxyz_.") !=
	    strlen(v))) {
		reply_bad_param(r, "action");
		return (KORE_RESULT_ERROR);
	}
	if ((v = query_arg(r, "from")) != NULL && !time_ok(v)) {
		reply_bad_param(r, "from");
		return (KORE_RESULT_ERROR);
	}
	if ((v = query_arg(r, "to")) != NULL && !time_ok(v)) {
		reply_bad_param(r, "to");
		return (KORE_RESULT_ERROR);
	}
	return (query_page(r, "audit"));
}

/* GET /audit: newest first (by seq), filtered; admins and agencies. */
int
audit_list(struct rq *r)
{
	switch (r->step) {
	case STEP_ASK:
		if (!list_params(r))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_AUDIT_LIST, query_arg(r, "entity_id"),
		    query_arg(r, "actor"), query_arg(r, "action"),
		    query_arg(r, "from"), query_arg(r, "to"), r->page.key,
		    r->page.fetch));
	default:
		return (reply_list(r));
	}
}

/* GET /audit/checkpoints: newest first; anyone may keep them. */
int
audit_checkpoints(struct rq *r)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };

	switch (r->step) {
	case STEP_ASK:
		if (!query_check(r, allowed) ||
		    !query_page(r, "checkpoints"))
			return (RQ_DONE);
		r->step = STEP_ANSWER;
		return (db_one(r, Q_AUDIT_CHECKPOINTS, r->page.key,
		    r->page.fetch));
	default:
		return (reply_list(r));
	}
}

static void
verify_free(void *arg)
{
	struct verify	*v = arg;

	kore_free(v->cp);
	if (v->canon != NULL)
		kore_buf_free(v->canon);
	kore_free(v);
}

static void
verify_bad(struct verify *v, long long seq, const char *reason)
{
	if (v->first_bad == 0) {
		v->first_bad = seq;
		v->reason = reason;
	}
}

/*
 * A checkpoint row (seq, hash, at, signed, signature, key_id): its
 * signed text must be the canonical {at, hash, seq} of the row, signed
 * by the key it names among the server's public keys.
 */
static void
verify_cp_load(struct rq *r, int row, struct checkpoint *c)
{
	struct canon	 f[3];
	const char	*seq, *hash, *at, *signed_, *sig, *key;
	char		*text;
	size_t		 len;

	seq = db_str(r, row, 0, "0");
	hash = db_str(r, row, 1, "");
	at = db_str(r, row, 2, "");
	signed_ = db_str(r, row, 3, "");
	sig = db_str(r, row, 4, "");
	key = db_str(r, row, 5, "");
	c->seq = atoll(seq);
	c->sig_ok = audit_hash_parse(hash, c->hash);
	f[0] = (struct canon){ "seq", CANON_INT, NULL, c->seq };
	f[1] = (struct canon){ "hash", CANON_STR, hash, 0 };
	f[2] = (struct canon){ "at", CANON_STR, at, 0 };
	if ((text = canon_json(f, 3, &len)) == NULL) {
		c->sig_ok = 0;
		return;
	}
	c->sig_ok = c->sig_ok && strcmp(text, signed_) == 0 &&
	    sign_check(key, text, len, sig);
	kore_free(text);
}

static void
verify_cps(struct rq *r, struct verify *v)
{
	int		i, n;

	n = db_rows(r);
	v->cp = kore_calloc(n ? n : 1, sizeof(*v->cp));
	v->ncp = n;
	for (i = 0; i < n; i++)
		verify_cp_load(r, i, &v->cp[i]);
}

/*
 * One entry: in its place, chained to the one before, its hash that of
 * its bytes; then any checkpoint at its seq must hold the hash just
 * computed. 0 once something is wrong.
 */
static int
verify_row(struct db_result *res, struct verify *v, int row)
{
	struct audit_entry	 e;
	uint8_t			 prev[AUDIT_HASH_LEN], got[AUDIT_HASH_LEN];
	uint8_t			 stored[AUDIT_HASH_LEN];
	long long		 seq;
	struct checkpoint	*c;

	e.seq = db_result_get(res, row, 0);
	seq = e.seq != NULL ? atoll(e.seq) : 0;
	if (seq != v->next) {
		verify_bad(v, v->next, "missing");
		return (0);
	}
	v->entries++;
	e.at = db_result_get(res, row, 1);
	e.actor_id = db_result_get(res, row, 2);
	e.role = db_result_get(res, row, 3);
	e.action = db_result_get(res, row, 4);
	e.entity_type = db_result_get(res, row, 5);
	e.entity_id = db_result_get(res, row, 6);
	e.changes = db_result_get(res, row, 7);
	if (!audit_hash_parse(db_result_get(res, row, 8), prev) ||
	    sodium_memcmp(prev, v->running, AUDIT_HASH_LEN) != 0) {
		verify_bad(v, seq, "prev_hash");
		return (0);
	}
	if (!audit_canonical(v->canon, &e)) {
		verify_bad(v, seq, "hash");
		return (0);
	}
	audit_link(v->running, v->canon->data, v->canon->offset, got);
	if (!audit_hash_parse(db_result_get(res, row, 9),
	    stored) ||
	    sodium_memcmp(got, stored, AUDIT_HASH_LEN) != 0) {
		verify_bad(v, seq, "hash");
		return (0);
	}
	memcpy(v->running, got, AUDIT_HASH_LEN);
	v->next++;
	for (; v->icp < v->ncp && v->cp[v->icp].seq <= seq; v->icp++) {
		c = &v->cp[v->icp];
		v->bad_cp = c->seq;
		if (!c->sig_ok) {
			verify_bad(v, v->good_cp + 1, "signature");
			return (0);
		}
		if (c->seq != seq || sodium_memcmp(c->hash, got,
		    AUDIT_HASH_LEN) != 0) {
			verify_bad(v, v->good_cp + 1, "checkpoint");
			return (0);
		}
		v->good_cp = c->seq;
		v->bad_cp = 0;
	}
	return (1);
}

/*
 * A page of entries. The next page is asked for before this one is
 * hashed, so the database reads it meanwhile; a page that arrives after
 * one that failed only ends the walk.
 */
static int
verify_rows(struct rq *r, struct verify *v)
{
	struct db_result	*res;
	const char		*last;
	int			 i, n, rc;

	if (!db_ok(r))
		return (reply_db_error(r, MSG_NOT_FOUND));
	if (v->first_bad)
		return (verify_answer(r, v));
	res = db_keep(r);
	n = db_result_rows(res);
	rc = RQ_DONE;
	if (n == VERIFY_PAGE_N && (last = db_result_get(res, n - 1, 0)) !=
	    NULL && atoll(last) < v->head) {
		kore_strlcpy(v->after, last, sizeof(v->after));
		rc = db_one(r, Q_AUDIT_CHAIN, v->after, v->upto, VERIFY_PAGE);
	}
	for (i = 0; i < n && verify_row(res, v, i); i++)
		;
	db_result_free(res);
	if (rc != RQ_DONE)
		return (rc);
	if (v->first_bad)
		return (verify_answer(r, v));
	/* Rows missing at the end, or a checkpoint past them. */
	if (v->next <= v->head)
		verify_bad(v, v->next, "missing");
	else if (v->icp < v->ncp) {
		v->bad_cp = v->cp[v->icp].seq;
		verify_bad(v, v->next, "missing");
	}
	return (verify_answer(r, v));
}

static int
verify_answer(struct rq *r, struct verify *v)
{
	struct kore_buf	*b;

	b = kore_buf_alloc(256);
	kore_buf_appendf(b, "{\"ok\":%s,\"entries\":%lld,\"first_bad_seq\":",
	    v->first_bad ? "false" : "true", v->entries);
	if (v->first_bad)
		kore_buf_appendf(b, "%lld,\"reason\":\"%s\"", v->first_bad,
		    v->reason);
	else
		kore_buf_appendf(b, "null,\"reason\":null");
	kore_buf_appendf(b, ",\"checkpoints\":%zu,\"bad_checkpoint_seq\":",
	    v->ncp);
	if (v->first_bad && v->bad_cp)
		kore_buf_appendf(b, "%lld", v->bad_cp);
	else
		kore_buf_appendf(b, "null");
	kore_buf_appendf(b, ",\"last_good_checkpoint_seq\":");
	if (v->good_cp)
		kore_buf_appendf(b, "%lld}", v->good_cp);
	else
		kore_buf_appendf(b, "null}");
	return (reply_buf(r, 200, b));
}

/*
 * GET /audit/verify: the chain head, every checkpoint, then the
 * entries up to that head in pages, each hashed here as it arrives:
 * only the running hash and the checkpoints stay in memory.
 */
int
audit_verify(struct rq *r)
{
	struct verify	*v = r->ctx;

	static const char *const allowed[] = { NULL };

	switch (r->step) {
	case VERIFY_ASK:
		if (!query_check(r, allowed))
			return (RQ_DONE);
		v = r->ctx = kore_calloc(1, sizeof(*v));
		r->ctx_free = verify_free;
		v->canon = kore_buf_alloc(1024);
		v->next = 1;
		r->step = VERIFY_HEAD;
		return (db_call(r, Q_AUDIT_HEAD, NULL, 0));
	case VERIFY_HEAD:
		if (!db_ok(r) || db_rows(r) != 1)
			return (reply_db_error(r, MSG_NOT_FOUND));
		v->head = atoll(db_str(r, 0, 0, "0"));
		(void)snprintf(v->upto, sizeof(v->upto), "%lld", v->head);
		r->step = VERIFY_CPS;
		return (db_one(r, Q_AUDIT_CHECKPOINTS_UPTO, v->upto));
	case VERIFY_CPS:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NOT_FOUND));
		verify_cps(r, v);
		r->step = VERIFY_PAGES;
		return (db_one(r, Q_AUDIT_CHAIN, "0", v->upto, VERIFY_PAGE));
	default:
		return (verify_rows(r, v));
	}
}

/*
 * Every worker looks for a checkpoint due every TM_AUDIT_TICK_MS
 * (default 10 s): racing workers sign the same entry and the database
 * keeps the first. TM_AUDIT_EVERY and TM_AUDIT_SECS change the 1,000
 * entries and the hour (the tests and the benchmark use them).
 */
void
audit_checkpointer(void)
{
	const char	*v;
	long long	 ms;

	ms = CKPT_TICK_MS;
	if ((v = getenv("TM_AUDIT_TICK_MS")) != NULL && (ms = atoll(v)) < 100)
		ms = CKPT_TICK_MS;
	if ((v = getenv("TM_AUDIT_EVERY")) != NULL && atoll(v) > 0)
		ckpt_every = v;
	if ((v = getenv("TM_AUDIT_SECS")) != NULL && atoll(v) > 0)
		ckpt_secs = v;
	kore_timer_add(ckpt_tick, (u_int64_t)ms, NULL, 0);
}

static void
ckpt_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	if (ckpt_busy)
		return;
	ckpt_busy = 1;
	ckpt_due();
}

static void
ckpt_due(void)
{
	struct db_stmt	st;

	memset(&st, 0, sizeof(st));
	st.id = Q_AUDIT_CHECKPOINT_DUE;
	st.nparams = 2;
	st.params[0] = ckpt_every;
	st.params[1] = ckpt_secs;
	db_background(&st, 1, ckpt_due_done, NULL);
}

/* A checkpoint is due: sign {at, hash, seq} and write it. */
static void
ckpt_due_done(struct db_op *op, void *arg)
{
	struct signature	 sig;
	struct canon		 f[3];
	struct db_stmt		 st;
	const char		*seq, *hash, *at;

	(void)arg;
	seq = db_op_get(op, 0, 0);
	hash = db_op_get(op, 0, 1);
	at = db_op_get(op, 0, 2);
	if (seq == NULL || hash == NULL || at == NULL) {
		ckpt_busy = 0;
		return;
	}
	memset(&sig, 0, sizeof(sig));
	f[0] = (struct canon){ "seq", CANON_INT, NULL, atoll(seq) };
	f[1] = (struct canon){ "hash", CANON_STR, hash, 0 };
	f[2] = (struct canon){ "at", CANON_STR, at, 0 };
	if (!sign_record(f, 3, &sig)) {
		ckpt_busy = 0;
		return;
	}
	memset(&st, 0, sizeof(st));
	st.id = Q_AUDIT_CHECKPOINT_PUT;
	st.nparams = 6;
	st.params[0] = seq;
	st.params[1] = hash;
	st.params[2] = at;
	st.params[3] = sig.text;
	st.params[4] = sig.value;
	st.params[5] = sig.key_id;
	db_background(&st, 1, ckpt_put_done, NULL);
	sign_free(&sig);
}

/* Written: another may be due already (a burst of entries). */
static void
ckpt_put_done(struct db_op *op, void *arg)
{
	(void)arg;
	if (!db_op_ok(op)) {
		ckpt_busy = 0;
		return;
	}
	ckpt_due();
}
