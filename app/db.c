/*
 * db.c -- the one asynchronous database step every handler shares.
 *
 * Each worker keeps a few libpq connections in pipeline mode. A step is
 * one or more prepared statements followed by a Sync, so PostgreSQL runs
 * them as one implicit transaction; many requests' steps travel on one
 * connection back to back, which is what lets a worker outrun a client
 * that waits for each round trip. The request sleeps until the step's
 * Sync comes back. Steps that write use their own connections: a commit
 * waiting on the disk would otherwise hold up every read pipelined
 * behind it. A lost connection fails its steps (503) and is
 * re-established in the background without restarting the server.
 *
 * With DATABASE_READ_URL a third pool reads from a hot standby: the
 * steps standby.c allows there, each kept in a copy so that a standby
 * that fails it (gone, or a recovery conflict) hands it to the primary
 * instead of answering 503.
 */

#include <sys/queue.h>
#include <sys/epoll.h>

#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <libpq-fe.h>

#include "app.h"

#define DB_DOWN			0
#define DB_CONNECTING		1
#define DB_READY		2

#define DB_CONNS_MAX		16
#define DB_PIPELINE_MAX		512
#define DB_BACKOFF_MIN		100
#define DB_BACKOFF_MAX		2000
#define DB_TICK_MS		100
/* libpq's connect_timeout does not apply to PQconnectPoll. */
#define DB_CONNECT_MS		5000
/* How long a step waits for a connection that is coming back. */
#define DB_HOLD_MS		3000
/* At most one database warning logged per worker in this long. */
#define DB_WARN_EVERY_MS	60000
/* How often a worker asks how far its standby has replayed, and beats. */
#define DB_STANDBY_POLL_MS	250
#define DB_HEARTBEAT_MS		1000
/* And forgets stamps too old to matter (caller_writes). */
#define DB_STAMPS_PRUNE_MS	60000

/*
 * The application's role (sql/015_audit.sql), which may only append to
 * the audit log, when the database has it: in a Sync of its own, so that
 * a database without it keeps the settings above.
 */
#define DB_ROLE_SQL		"SELECT tm_app_role()"

/*
 * Connection 0 of every worker also listens for changes to what the
 * page cache keeps (pagecache.c): commits that touch technologies or
 * organizations notify this channel (sql/020_changes.sql).
 */
#define DB_LISTEN_SQL		"LISTEN tm_changes"

/* SQLSTATE class 08: connection exception. */
#define SQLSTATE_CONN_LOST	"08006"
/* A step the server itself got wrong (db_call's count check). */
#define SQLSTATE_INTERNAL	"XX000"

/*
 * What every session of ours assumes, set as each connection opens
 * rather than on the database, which a deployment may not own. ISO
 * dates: rfc3339() in SQL casts timestamps to text. No JIT: it spent
 * 52 ms compiling a 1 ms search. No parallel plans: a page is the first
 * rows of an ordered union, which parallel workers could interleave.
 */
#define DB_SESSION_SQL							\
	"SELECT set_config('datestyle', 'ISO, YMD', false),"		\
	" set_config('jit', 'off', false),"				\
	" set_config('max_parallel_workers_per_gather', '0', false)"

struct db_conn {
	struct kore_event	 evt;		/* first: epoll hands it back */
	PGconn			*pg;
	int			 fd;
	int			 state;
	int			 pool;		/* POOL_* */
	int			 writing;
	u_int32_t		 nops;
	u_int64_t		 retry_at;	/* or give up connecting */
	int			 backoff;
	TAILQ_HEAD(, db_op)	 ops;		/* sent, oldest first */
};

struct db_op {
	struct http_request	*req;		/* NULL: nobody waits */
	int			 internal;
	int			 done;
	int			 failed;
	char			 sqlstate[6];
	char			 constraint[64];
	char			 detail[128];	/* of the project's SQLSTATEs */
	char			 hint[64];
	PGresult		*res;		/* last statement's rows */
	int			 writes;
	int			 pool;		/* where it was sent */
	int			 stamp;		/* 1 + the stamp's statement */
	int			 nres;		/* statements answered */
	int			 nheld;		/* held: a copy of the step */
	struct db_stmt		*held;
	u_int64_t		 deadline;
	void			(*cb)(struct db_op *, void *);
	void			*cb_arg;
	TAILQ_ENTRY(db_op)	 list;
};

TAILQ_HEAD(db_ops, db_op);

static void		 conn_start(struct db_conn *);
static void		 conn_notice(void *, const PGresult *);
static void		 conn_handle(void *, int);
static void		 conn_poll_connect(struct db_conn *);
static void		 conn_ready(struct db_conn *);
static void		 conn_fail(struct db_conn *, const char *);
static void		 conn_read(struct db_conn *);
static void		 conn_interest(struct db_conn *);
static void		 conn_flush(struct db_conn *);
static int		 conn_listen(struct db_conn *);
static void		 conn_heard(struct db_conn *);
static void		 listen_up(struct db_op *, void *);
static void		 op_finish(struct db_conn *, struct db_op *);
static void		 op_result(struct db_conn *, struct db_op *,
			    PGresult *);
static void		 op_error(struct db_conn *, struct db_op *,
			    PGresult *);
static int		 op_internal(struct db_conn *);
static void		 db_tick(void *, u_int64_t);
static struct db_conn	*conn_pick(int);
static void		 op_send(struct db_conn *, struct db_op *,
			    const struct db_stmt *, int);
static void		 op_copy(struct db_op *, const struct db_stmt *, int);
static void		 op_route(struct db_op *, const struct db_stmt *, int);
static int		 standby_refused(const char *);
static void		 standby_poll(u_int64_t);
static void		 standby_answered(struct db_op *, void *);
static void		 fire_step(int, int,
			    void (*)(struct db_op *, void *));
static void		 op_start(struct db_op *, const struct db_stmt *, int,
			    int);
static int		 op_to_primary(struct db_op *);
static void		 op_stamped(struct rq *, const struct db_stmt *, int);
static int		 step_writes(const struct db_stmt *, int);
static void		 held_free(struct db_op *);
static void		 pending_flush(void);
static void		 pending_expire(u_int64_t);
static void		 op_orphan(struct db_op *);

static struct db_conn	 conns[DB_CONNS_MAX];
static int		 nconns;
static char		*conninfo[POOL_COUNT];
static uint64_t		 pool_steps[POOL_COUNT];
/* The standby's poll: one at a time, its last start, the last prune. */
static int		 polling;
static uint64_t		 poll_last;
static uint64_t		 beat_at;
static uint64_t		 pruned_at;
static uint64_t		 db_failures;
static struct db_ops	 pending = TAILQ_HEAD_INITIALIZER(pending);

/*
 * Per worker: nread connections for reads and nwrite for writes to the
 * primary (info), and nstandby for reads to a standby (standby, or
 * NULL for none).
 */
int
db_init(const char *info, const char *standby, int nread, int nwrite,
    int nstandby)
{
	int		i;

	if (standby == NULL)
		nstandby = 0;
	if (nread < 1 || nwrite < 1 || nstandby < 0 ||
	    nread + nwrite + nstandby > DB_CONNS_MAX ||
	    (standby != NULL && nstandby < 1))
		return (0);
	conninfo[POOL_READ] = conninfo[POOL_WRITE] = kore_strdup(info);
	if (standby != NULL)
		conninfo[POOL_STANDBY] = kore_strdup(standby);
	nconns = nread + nwrite + nstandby;
	for (i = 0; i < nconns; i++) {
		TAILQ_INIT(&conns[i].ops);
		conns[i].pool = i < nread ? POOL_READ :
		    i < nread + nwrite ? POOL_WRITE : POOL_STANDBY;
		conns[i].evt.type = KORE_TYPE_PGSQL_CONN;
		conns[i].evt.handle = conn_handle;
		conns[i].fd = -1;
		conn_start(&conns[i]);
	}
	kore_timer_add(db_tick, DB_TICK_MS, NULL, 0);
	return (1);
}

static void
db_tick(void *arg, u_int64_t now)
{
	int		i;

	(void)arg;
	pending_expire(now);
	for (i = 0; i < nconns; i++) {
		if (conns[i].retry_at > now)
			continue;
		if (conns[i].state == DB_DOWN)
			conn_start(&conns[i]);
		else if (conns[i].state == DB_CONNECTING)
			conn_fail(&conns[i], "connect timeout");
	}
	if (conninfo[POOL_STANDBY] != NULL)
		standby_poll(now);
}

/*
 * With a standby, each worker commits a heartbeat on the primary and
 * asks the standby the time of the last commit it replayed: the
 * heartbeat keeps that time moving, however quiet the market, so its
 * distance from the standby's clock is how far behind it is
 * (standby.c).
 */
static void
standby_poll(u_int64_t now)
{
	if (now - pruned_at >= DB_STAMPS_PRUNE_MS) {
		pruned_at = now;
		db_fire(Q_CALLER_WRITES_PRUNE);
	}
	if (now - beat_at >= DB_HEARTBEAT_MS) {
		beat_at = now;
		db_fire(Q_STANDBY_HEARTBEAT);
	}
	if (polling || now - poll_last < DB_STANDBY_POLL_MS)
		return;
	poll_last = now;
	if (conn_pick(POOL_STANDBY) == NULL)
		return;
	polling = 1;
	fire_step(Q_STANDBY_POSITION, 1, standby_answered);
}

static void
standby_answered(struct db_op *op, void *arg)
{
	const char	*at, *lag;

	(void)arg;
	polling = 0;
	/* The primary answered when the standby was not there: no news. */
	if (op->pool != POOL_STANDBY || !db_op_ok(op) ||
	    (at = db_op_get(op, 0, 0)) == NULL ||
	    (lag = db_op_get(op, 0, 1)) == NULL)
		return;
	standby_polled(strtoll(at, NULL, 10), strtoll(lag, NULL, 10));
}

static void
conn_start(struct db_conn *c)
{
	c->pg = PQconnectStart(conninfo[c->pool]);
	if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD) {
		conn_fail(c, "connect");
		return;
	}
	(void)PQsetNoticeReceiver(c->pg, conn_notice, NULL);
	c->state = DB_CONNECTING;
	c->retry_at = kore_time_ms() + DB_CONNECT_MS;
	c->fd = PQsocket(c->pg);
	kore_platform_event_schedule(c->fd, EPOLLOUT | EPOLLRDHUP, 0, c);
}

/*
 * libpq's default prints every NOTICE to stderr, the server's log: a
 * search with no words (to_tsquery's "no lexemes") let anyone write
 * there, one line per request. A notice is never an error of ours:
 * dropped. A WARNING may be (a setting refused), so its SQLSTATE alone,
 * never its text, which can quote what a client sent, is logged once a
 * minute at most, so that no client can flood the log with it either.
 */
static void
conn_notice(void *arg, const PGresult *res)
{
	static uint64_t	 last;
	const char	*sev, *state;
	uint64_t	 now;

	(void)arg;
	sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (sev == NULL || strcmp(sev, "WARNING"))
		return;
	now = kore_time_ms();
	if (last != 0 && now - last < DB_WARN_EVERY_MS)
		return;
	last = now;
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	kore_log(LOG_WARNING, "database warning %s (others this minute "
	    "not logged)", state != NULL ? state : "?");
}

static void
conn_poll_connect(struct db_conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_OK:
		conn_ready(c);
		return;
	case PGRES_POLLING_FAILED:
		conn_fail(c, "connect");
		return;
	case PGRES_POLLING_READING:
		c->writing = 0;
		break;
	default:
		c->writing = 1;
		break;
	}
	/* libpq may move to another socket while it tries addresses. */
	c->fd = PQsocket(c->pg);
	kore_platform_event_schedule(c->fd,
	    (c->writing ? EPOLLOUT : EPOLLIN) | EPOLLRDHUP, 0, c);
}

/* A step of the connection's own, logged if it fails. */
static int
op_internal(struct db_conn *c)
{
	struct db_op	*op;

	if (PQpipelineSync(c->pg) != 1)
		return (0);
	op = kore_calloc(1, sizeof(*op));
	op->internal = 1;
	TAILQ_INSERT_TAIL(&c->ops, op, list);
	c->nops++;
	return (1);
}

/*
 * Connected: the session's settings, then every named statement
 * prepared ahead of any request, each in its own Sync so that one
 * broken statement cannot abort the rest.
 */
static void
conn_ready(struct db_conn *c)
{
	int		i;

	if (PQsetnonblocking(c->pg, 1) != 0 ||
	    PQenterPipelineMode(c->pg) != 1 ||
	    PQsendQueryParams(c->pg, DB_SESSION_SQL, 0, NULL, NULL, NULL,
	    NULL, 0) != 1 || !op_internal(c) ||
	    PQsendQueryParams(c->pg, DB_ROLE_SQL, 0, NULL, NULL, NULL,
	    NULL, 0) != 1 || !op_internal(c) || !conn_listen(c)) {
		conn_fail(c, "session settings");
		return;
	}
	for (i = 0; i < Q_MAX; i++) {
		/* A standby takes no writes: only what it may run. */
		if (c->pool == POOL_STANDBY && queries[i].writes)
			continue;
		if (PQsendPrepare(c->pg, queries[i].name, queries[i].sql, 0,
		    NULL) != 1 || !op_internal(c)) {
			conn_fail(c, "prepare");
			return;
		}
	}
	c->state = DB_READY;
	c->backoff = 0;
	kore_log(LOG_NOTICE, "database connection %d up",
	    (int)(c - conns));
	conn_flush(c);
	pending_flush();
}

/* The listening connection: LISTEN, and the cache on once it holds. */
static int
conn_listen(struct db_conn *c)
{
	if (c != &conns[0])
		return (1);
	if (PQsendQueryParams(c->pg, DB_LISTEN_SQL, 0, NULL, NULL, NULL,
	    NULL, 0) != 1 || !op_internal(c))
		return (0);
	TAILQ_LAST(&c->ops, db_ops)->cb = listen_up;
	return (1);
}

static void
listen_up(struct db_op *op, void *arg)
{
	(void)arg;
	if (!op->failed)
		pagecache_enable(1);
}

/* Notifications libpq read with results: any of them is a change. */
static void
conn_heard(struct db_conn *c)
{
	PGnotify	*n;
	int		 heard;

	heard = 0;
	while ((n = PQnotifies(c->pg)) != NULL) {
		PQfreemem(n);
		heard = 1;
	}
	if (heard) {
		standby_changed();
		pagecache_clear();
	}
}

static void
conn_fail(struct db_conn *c, const char *what)
{
	struct db_op	*op;

	/* Changes could go unheard now: nothing is kept until it is back. */
	if (c == &conns[0])
		pagecache_enable(0);

	if (c->state != DB_DOWN || c->pg != NULL) {
		kore_log(LOG_WARNING, "database connection %d lost (%s)",
		    (int)(c - conns), what);
	}
	db_failures++;
	while ((op = TAILQ_FIRST(&c->ops)) != NULL) {
		if (c->pool == POOL_STANDBY && !op->internal) {
			TAILQ_REMOVE(&c->ops, op, list);
			c->nops--;
			if (op_to_primary(op))
				continue;
			TAILQ_INSERT_HEAD(&c->ops, op, list);
			c->nops++;
		}
		if (!op->failed) {
			op->failed = 1;
			kore_strlcpy(op->sqlstate, SQLSTATE_CONN_LOST,
			    sizeof(op->sqlstate));
		}
		op_finish(c, op);
	}
	if (c->pg != NULL) {
		/* Closing the socket also takes it out of epoll. */
		PQfinish(c->pg);
		c->pg = NULL;
	}
	c->fd = -1;
	c->state = DB_DOWN;
	c->writing = 0;
	c->backoff = c->backoff ? MIN(c->backoff * 2, DB_BACKOFF_MAX) :
	    DB_BACKOFF_MIN;
	c->retry_at = kore_time_ms() + c->backoff;
}

static void
conn_handle(void *arg, int error)
{
	struct db_conn	*c = arg;
	int		 flags;

	flags = c->evt.flags;
	c->evt.flags = 0;
	if (c->state == DB_CONNECTING) {
		conn_poll_connect(c);
		return;
	}
	if (c->state != DB_READY)
		return;
	if (error && !(flags & KORE_EVENT_READ)) {
		conn_fail(c, "socket error");
		return;
	}
	if (flags & KORE_EVENT_WRITE) {
		conn_flush(c);
		/* A partial send reads too: results may wait in libpq. */
		if (c->state == DB_READY)
			conn_read(c);
	}
	if (c->state == DB_READY && (flags & KORE_EVENT_READ || error)) {
		if (!PQconsumeInput(c->pg)) {
			/* Answer what did arrive: those steps may have committed. */
			conn_read(c);
			conn_fail(c, "read");
			return;
		}
		conn_read(c);
		if (c->state == DB_READY && PQstatus(c->pg) == CONNECTION_BAD)
			conn_fail(c, "closed");
	}
}

static void
conn_flush(struct db_conn *c)
{
	int		r;

	if ((r = PQflush(c->pg)) == -1) {
		conn_fail(c, "write");
		return;
	}
	if (c->writing != (r == 1)) {
		c->writing = (r == 1);
		conn_interest(c);
	}
}

static void
conn_interest(struct db_conn *c)
{
	kore_platform_event_schedule(c->fd, EPOLLIN | EPOLLRDHUP |
	    (c->writing ? EPOLLOUT : 0), 0, c);
}

/*
 * Results arrive in the order the steps were sent: each statement gives
 * its rows (or an error, after which the rest of the step is aborted),
 * and the Sync ends the step.
 */
static void
conn_read(struct db_conn *c)
{
	struct db_op	*op;
	PGresult	*res;
	int		 nulls;

	nulls = 0;
	while ((op = TAILQ_FIRST(&c->ops)) != NULL && !PQisBusy(c->pg)) {
		if ((res = PQgetResult(c->pg)) == NULL) {
			if (++nulls > 1)
				break;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			op_finish(c, op);
			continue;
		}
		op_result(c, op, res);
	}
	conn_heard(c);
	/* Steps held because every pipeline was full can go now. */
	if (!TAILQ_EMPTY(&pending))
		pending_flush();
}

static void
op_result(struct db_conn *c, struct db_op *op, PGresult *res)
{
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		/* The stamp's count is not the step's rows. */
		if (++op->nres == op->stamp)
			break;
		if (op->res != NULL)
			PQclear(op->res);
		op->res = res;
		return;
	case PGRES_PIPELINE_ABORTED:
		break;
	default:
		if (!op->failed)
			op_error(c, op, res);
		break;
	}
	PQclear(res);
}

/*
 * The first error of a step is its outcome. Refusals by a rule (class
 * 23) or by the project's functions (class TM) are answers, not faults:
 * only the rest is logged.
 */
static void
op_error(struct db_conn *c, struct db_op *op, PGresult *res)
{
	const char	*v;

	op->failed = 1;
	/* libpq's own error for a connection it lost carries no SQLSTATE. */
	if ((v = PQresultErrorField(res, PG_DIAG_SQLSTATE)) == NULL)
		v = PQstatus(c->pg) == CONNECTION_BAD ? SQLSTATE_CONN_LOST :
		    SQLSTATE_INTERNAL;
	kore_strlcpy(op->sqlstate, v, sizeof(op->sqlstate));
	v = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	kore_strlcpy(op->constraint, v ? v : "", sizeof(op->constraint));
	v = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	kore_strlcpy(op->detail, v ? v : "", sizeof(op->detail));
	v = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	kore_strlcpy(op->hint, v ? v : "", sizeof(op->hint));
	if (op->internal || (strncmp(op->sqlstate, "23", 2) &&
	    strncmp(op->sqlstate, "TM", 2)))
		kore_log(LOG_ERR, "database: %s", PQresultErrorMessage(res));
}

static void
op_finish(struct db_conn *c, struct db_op *op)
{
	TAILQ_REMOVE(&c->ops, op, list);
	c->nops--;
	if (op->pool == POOL_STANDBY && op->failed && !op->internal &&
	    standby_refused(op->sqlstate) && op_to_primary(op))
		return;
	op->done = 1;
	if (op->req != NULL)
		http_request_wakeup(op->req);
	else
		op_orphan(op);
}

/* A step nobody's request waits for: its callback, if any, then free. */
static void
op_orphan(struct db_op *op)
{
	if (op->cb != NULL)
		op->cb(op, op->cb_arg);
	db_op_release(op);
}

static struct db_conn *
conn_pick(int pool)
{
	struct db_conn	*best;
	int		 i;

	best = NULL;
	for (i = 0; i < nconns; i++) {
		if (conns[i].state != DB_READY || conns[i].pool != pool ||
		    conns[i].nops >= DB_PIPELINE_MAX)
			continue;
		if (best == NULL || conns[i].nops < best->nops)
			best = &conns[i];
	}
	return (best);
}

static void
op_send(struct db_conn *c, struct db_op *op, const struct db_stmt *st,
    int n)
{
	int		i, k, fmt[16], ok;

	pool_steps[c->pool]++;
	ok = 1;
	for (i = 0; i < n && ok; i++) {
		for (k = 0; k < st[i].nparams; k++)
			fmt[k] = st[i].lengths[k] > 0;
		ok = PQsendQueryPrepared(c->pg, queries[st[i].id].name,
		    st[i].nparams, st[i].params, st[i].lengths, fmt, 0);
	}
	if (ok)
		ok = PQpipelineSync(c->pg);
	TAILQ_INSERT_TAIL(&c->ops, op, list);
	c->nops++;
	if (!ok)
		conn_fail(c, "send");
	else
		conn_flush(c);
}

/*
 * What a standby may fail that the primary would not: it went away, a
 * recovery conflict cancelled the read (class 40, 57), or a write
 * reached it (25006). A rule's refusal (22, 23, the project's TM) would
 * be the primary's answer too.
 */
static int
standby_refused(const char *sqlstate)
{
	return (!strncmp(sqlstate, "08", 2) || !strncmp(sqlstate, "40", 2) ||
	    !strncmp(sqlstate, "57", 2) || !strncmp(sqlstate, "53", 2) ||
	    !strcmp(sqlstate, "25006"));
}

/* A standby's step, from its copy, to the primary's readers. */
static int
op_to_primary(struct db_op *op)
{
	if (op->held == NULL)
		return (0);
	if (op->res != NULL)
		PQclear(op->res);
	op->res = NULL;
	op->failed = 0;
	op->sqlstate[0] = '\0';
	op->nres = 0;
	op->pool = POOL_READ;
	op_route(op, op->held, op->nheld);
	return (1);
}

/* Send the step to its pool now, or hold it until a connection is up. */
static void
op_route(struct db_op *op, const struct db_stmt *st, int n)
{
	struct db_conn	*c;

	if ((c = conn_pick(op->pool)) != NULL)
		op_send(c, op, st, n);
	else {
		if (op->held == NULL)
			op_copy(op, st, n);
		op->deadline = kore_time_ms() + DB_HOLD_MS;
		TAILQ_INSERT_TAIL(&pending, op, list);
	}
}

/* Keep a copy of the step: the caller's buffers are gone by then. */
static void
op_copy(struct db_op *op, const struct db_stmt *st, int n)
{
	struct db_stmt	*h;
	size_t		 len;
	int		 i, k;

	op->held = kore_calloc(n, sizeof(*op->held));
	op->nheld = n;
	for (i = 0; i < n; i++) {
		h = &op->held[i];
		*h = st[i];
		for (k = 0; k < st[i].nparams; k++) {
			if (st[i].params[k] == NULL)
				continue;
			len = st[i].lengths[k] > 0 ? (size_t)st[i].lengths[k] :
			    strlen(st[i].params[k]) + 1;
			h->params[k] = kore_malloc(len);
			memcpy((char *)h->params[k], st[i].params[k], len);
		}
	}
}

static void
held_free(struct db_op *op)
{
	int		i, k;

	for (i = 0; i < op->nheld; i++) {
		for (k = 0; k < op->held[i].nparams; k++)
			kore_free((char *)op->held[i].params[k]);
	}
	kore_free(op->held);
	op->held = NULL;
	op->nheld = 0;
}

/* A connection is back: send the steps that waited for one. */
static void
pending_flush(void)
{
	struct db_op	*op, *next;
	struct db_conn	*c;

	for (op = TAILQ_FIRST(&pending); op != NULL; op = next) {
		next = TAILQ_NEXT(op, list);
		if ((c = conn_pick(op->pool)) == NULL)
			continue;
		TAILQ_REMOVE(&pending, op, list);
		op_send(c, op, op->held, op->nheld);
	}
}

static void
pending_expire(u_int64_t now)
{
	struct db_op	*op, *next;

	for (op = TAILQ_FIRST(&pending); op != NULL; op = next) {
		next = TAILQ_NEXT(op, list);
		if (op->deadline > now)
			continue;
		TAILQ_REMOVE(&pending, op, list);
		op->done = op->failed = 1;
		kore_strlcpy(op->sqlstate, SQLSTATE_CONN_LOST,
		    sizeof(op->sqlstate));
		if (op->req != NULL)
			http_request_wakeup(op->req);
		else
			op_orphan(op);
	}
}

/*
 * Send a step of n statements for r; the request sleeps until it is
 * done. With no live connection the step waits for one to come back,
 * and fails (503) only when none has within DB_HOLD_MS. A statement
 * given the wrong number of parameters is the server's bug: the step
 * fails at once (500) and the log names it.
 */
int
db_run(struct rq *r, const struct db_stmt *st, int n)
{
	struct db_op	*prev;
	int		 i;

	/* Parameters may point into the previous step's rows: free after. */
	prev = r->op;
	r->op = kore_calloc(1, sizeof(*r->op));
	r->op->req = r->req;
	for (i = 0; i < n; i++) {
		if (st[i].nparams == queries[st[i].id].nparams)
			continue;
		kore_log(LOG_ERR, "statement %s given %d parameters, not %d",
		    queries[st[i].id].name, st[i].nparams,
		    queries[st[i].id].nparams);
		r->op->done = r->op->failed = 1;
		kore_strlcpy(r->op->sqlstate, SQLSTATE_INTERNAL,
		    sizeof(r->op->sqlstate));
		db_op_release(prev);
		return (RQ_AGAIN);
	}
	/* First: a send that fails at once wakes the request right away. */
	http_request_sleep(r->req);
	if (standby_stamps(r) && step_writes(st, n))
		op_stamped(r, st, n);
	else
		op_start(r->op, st, n, standby_may(r));
	db_op_release(prev);
	return (RQ_WAIT);
}

/*
 * A write with the caller's stamp as its last statement, in the same
 * transaction: until the standby has replayed past it, the caller reads
 * the primary (standby.c).
 */
static void
op_stamped(struct rq *r, const struct db_stmt *st, int n)
{
	struct db_stmt	*all;

	all = kore_calloc(n + 1, sizeof(*all));
	memcpy(all, st, n * sizeof(*all));
	all[n].id = Q_CALLER_WROTE;
	all[n].nparams = 1;
	all[n].params[0] = r->who.cred_id;
	r->op->stamp = n + 1;
	op_start(r->op, all, n + 1, 0);
	kore_free(all);
}

static int
step_writes(const struct db_stmt *st, int n)
{
	int		i, writes;

	writes = 0;
	for (i = 0; i < n; i++)
		writes |= queries[st[i].id].writes;
	return (writes);
}

/* One statement with text parameters (db_one in app.h checks types). */
int
db_call(struct rq *r, int id, const char *const *params, int n)
{
	struct db_stmt	st;
	int		i;

	memset(&st, 0, sizeof(st));
	st.id = id;
	/* More than a step holds: db_run refuses it as a wrong count. */
	st.nparams = n <= DB_PARAMS_MAX ? n : -1;
	for (i = 0; i < n && i < DB_PARAMS_MAX; i++)
		st.params[i] = params[i];
	return (db_run(r, &st, 1));
}

/* A statement without parameters nobody waits for; failures are logged. */
void
db_fire(int id)
{
	fire_step(id, 0, NULL);
}

/*
 * The same, to the standby when standby is 1 (to the primary's readers
 * without one), then done with the finished step.
 */
static void
fire_step(int id, int standby, void (*done)(struct db_op *, void *))
{
	struct db_op	*op;
	struct db_stmt	 st;

	memset(&st, 0, sizeof(st));
	st.id = id;
	op = kore_calloc(1, sizeof(*op));
	op->internal = 1;
	op->cb = done;
	op_start(op, &st, 1, standby);
}

/*
 * A step of the server's own (a timer's), with parameters: done runs
 * with the finished step, which is freed after it; failures are logged.
 */
void
db_background(const struct db_stmt *st, int n,
    void (*done)(struct db_op *, void *), void *arg)
{
	struct db_op	*op;

	op = kore_calloc(1, sizeof(*op));
	op->internal = 1;
	op->cb = done;
	op->cb_arg = arg;
	op_start(op, st, n, 0);
}

/*
 * Should r go (its client left) before its last step is done, done runs
 * with the step once it is, as a background step's would: what the step
 * did may need undoing that nobody is left to ask for.
 */
void
db_orphan_then(struct rq *r, void (*done)(struct db_op *, void *),
    void *arg)
{
	if (r->op != NULL && !r->op->done) {
		r->op->cb = done;
		r->op->cb_arg = arg;
	}
}

/*
 * The rows of r's last step, kept past its next step (which frees the
 * step): a handler reads them while the database works on the next.
 */
struct db_result *
db_keep(struct rq *r)
{
	PGresult	*res;

	if (!db_ok(r) || (res = r->op->res) == NULL)
		return (NULL);
	r->op->res = NULL;
	return ((struct db_result *)res);
}

int
db_result_rows(struct db_result *res)
{
	return (res != NULL ? PQntuples((PGresult *)res) : 0);
}

const char *
db_result_get(struct db_result *res, int row, int col)
{
	PGresult	*p = (PGresult *)res;

	if (row >= db_result_rows(res) || col >= PQnfields(p) ||
	    PQgetisnull(p, row, col))
		return (NULL);
	return (PQgetvalue(p, row, col));
}

void
db_result_free(struct db_result *res)
{
	if (res != NULL)
		PQclear((PGresult *)res);
}

int
db_op_ok(struct db_op *op)
{
	return (op->done && !op->failed);
}

int
db_op_rows(struct db_op *op)
{
	if (!db_op_ok(op) || op->res == NULL)
		return (0);
	return (PQntuples(op->res));
}

/* A value of a background step's rows; NULL for none or SQL NULL. */
const char *
db_op_get(struct db_op *op, int row, int col)
{
	if (row >= db_op_rows(op) || col >= PQnfields(op->res) ||
	    PQgetisnull(op->res, row, col))
		return (NULL);
	return (PQgetvalue(op->res, row, col));
}

/*
 * A step that writes goes to the writers; one that reads, to a standby
 * when standby says it may and one is up (with a copy, should the
 * standby fail it), else to the primary's readers.
 */
static void
op_start(struct db_op *op, const struct db_stmt *st, int n, int standby)
{
	struct db_conn	*c;

	op->writes = step_writes(st, n);
	op->pool = op->writes ? POOL_WRITE : POOL_READ;
	if (!op->writes && standby &&
	    (c = conn_pick(POOL_STANDBY)) != NULL) {
		op->pool = POOL_STANDBY;
		if (!op->internal)
			op_copy(op, st, n);
		op_send(c, op, st, n);
	} else
		op_route(op, st, n);
	pool_steps[op->pool]++;
}

void
db_op_release(struct db_op *op)
{
	if (op == NULL)
		return;
	if (!op->done) {
		op->req = NULL;
		return;
	}
	if (op->res != NULL)
		PQclear(op->res);
	held_free(op);
	kore_free(op);
}

int
db_ok(struct rq *r)
{
	return (r->op != NULL && r->op->done && !r->op->failed);
}

const char *
db_sqlstate(struct rq *r)
{
	if (r->op == NULL || !r->op->failed)
		return ("00000");
	return (r->op->sqlstate);
}

const char *
db_constraint(struct rq *r)
{
	if (r->op == NULL || !r->op->failed)
		return ("");
	return (r->op->constraint);
}

int
db_rows(struct rq *r)
{
	if (!db_ok(r) || r->op->res == NULL)
		return (0);
	return (PQntuples(r->op->res));
}

const char *
db_get(struct rq *r, int row, int col)
{
	if (row >= db_rows(r) || col >= PQnfields(r->op->res))
		return (NULL);
	if (PQgetisnull(r->op->res, row, col))
		return (NULL);
	return (PQgetvalue(r->op->res, row, col));
}

/* A value never NULL: def where there is no row, column or value. */
const char *
db_str(struct rq *r, int row, int col, const char *def)
{
	const char	*v;

	return ((v = db_get(r, row, col)) != NULL ? v : def);
}

/* The DETAIL and HINT of a failed step ("" when it had none). */
const char *
db_detail(struct rq *r)
{
	return (r->op != NULL && r->op->failed ? r->op->detail : "");
}

const char *
db_hint(struct rq *r)
{
	return (r->op != NULL && r->op->failed ? r->op->hint : "");
}

int
db_getlen(struct rq *r, int row, int col)
{
	if (row >= db_rows(r) || col >= PQnfields(r->op->res))
		return (0);
	return (PQgetlength(r->op->res, row, col));
}

int
db_ready(void)
{
	return (conn_pick(POOL_READ) != NULL && conn_pick(POOL_WRITE) != NULL);
}

void
db_stats(int *total, int *ready, int *inflight, uint64_t *failures)
{
	int		i;

	*total = nconns;
	*ready = *inflight = 0;
	for (i = 0; i < nconns; i++) {
		if (conns[i].state == DB_READY)
			(*ready)++;
		*inflight += conns[i].nops;
	}
	*failures = db_failures;
}

/* Whether r's last step was answered by the standby. */
int
db_on_standby(struct rq *r)
{
	return (r->op != NULL && r->op->pool == POOL_STANDBY);
}

/* Steps sent to each pool, and the standby's connections: up, all. */
void
db_pool_stats(uint64_t *steps, int *standby_ready, int *standby_total)
{
	int		i;

	memcpy(steps, pool_steps, sizeof(pool_steps));
	*standby_ready = *standby_total = 0;
	for (i = 0; i < nconns; i++) {
		if (conns[i].pool != POOL_STANDBY)
			continue;
		(*standby_total)++;
		if (conns[i].state == DB_READY)
			(*standby_ready)++;
	}
}
