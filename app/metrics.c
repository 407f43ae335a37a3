/*
 * metrics.c -- request counters and latency histograms, and /metrics.
 * Counters live in a shared mapping so /metrics tells the whole
 * server's story whichever worker answers it.
 */

#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

#define ROUTES_MAX	128
#define WORKERS_MAX	64
#define NBUCKETS	12
/* How often a worker publishes its database pool's state. */
#define POOL_TICK_MS	100

static const int	 statuses[] = { 200, 201, 204, 400, 401, 403, 404,
			    405, 409, 412, 413, 415, 422, 428, 429, 500, 503 };
#define NSTATUS		(sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds in microseconds; the last bucket is +Inf. */
static const uint64_t	 bounds_us[NBUCKETS - 1] = { 500, 1000, 2500,
			    5000, 10000, 25000, 50000, 100000, 250000,
			    500000, 1000000 };

struct pool {
	int32_t		 total;
	int32_t		 ready;
	int32_t		 inflight;
	uint64_t	 failures;
	uint64_t	 steps[POOL_COUNT];
	int32_t		 standby;	/* its connections, 0: none */
	int64_t		 lag_ms;
};

static const char *const pool_names[POOL_COUNT] = {
	"primary_read", "primary_write", "standby"
};

struct shared {
	uint64_t	 count[ROUTES_MAX + 1][NSTATUS + 1];
	uint64_t	 bucket[ROUTES_MAX + 1][NBUCKETS];
	uint64_t	 sum_us[ROUTES_MAX + 1];
	struct pool	 pool[WORKERS_MAX];
	/* Matching's queue as the last drain left it (any worker's). */
	int64_t		 match_waiting;
	uint64_t	 match_oldest_ms;
	int		 match_seen;
};

static void	family(struct kore_buf *, const char *, const char *,
		    const char *);
static int	route_seen(int);
static void	route_labels(int, const char **, const char **);
static void	metrics_counts(struct kore_buf *, int);
static void	metrics_histogram(struct kore_buf *, int);
static void	metrics_pools(struct kore_buf *);
static void	metrics_standby(struct kore_buf *);
static void	pool_update(void);
static void	pool_tick(void *, u_int64_t);
static void	metrics_match(struct kore_buf *);

static struct shared	*shm;
/* The routes the counters are kept for, by index: app.c's table. */
static const struct route *table;
static size_t		 ntable;

/*
 * One mapping per server: named after Kore's parent process, which all
 * workers share, so a restart starts from zero.
 */
void
metrics_init(const struct route *t, size_t n)
{
	struct stat	st;
	char		name[64];
	int		fd;

	(void)snprintf(name, sizeof(name), "/dev/shm/techmarket-%d",
	    (int)getppid());
	/* Predictable name in a shared directory: no links, only ours. */
	if ((fd = open(name, O_RDWR | O_CREAT | O_NOFOLLOW, 0600)) == -1 ||
	    fstat(fd, &st) == -1 || st.st_uid != geteuid() ||
	    ftruncate(fd, sizeof(struct shared)) == -1)
		fatalx("metrics: cannot create %s", name);
	shm = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	(void)close(fd);
	if (shm == MAP_FAILED)
		fatalx("metrics: cannot map %s", name);
	table = t;
	ntable = n;
	kore_timer_add(pool_tick, POOL_TICK_MS, NULL, 0);
}

/* At shutdown: other workers keep their mapping, the name goes. */
void
metrics_cleanup(void)
{
	char		name[64];

	(void)snprintf(name, sizeof(name), "/dev/shm/techmarket-%d",
	    (int)getppid());
	(void)unlink(name);
}

void
metrics_observe(int route, int status, uint64_t us)
{
	size_t		s, b;

	if (route < 0 || route >= ROUTES_MAX)
		route = ROUTES_MAX;
	for (s = 0; s < NSTATUS && statuses[s] != status; s++)
		;
	for (b = 0; b < NBUCKETS - 1 && us > bounds_us[b]; b++)
		;
	__atomic_fetch_add(&shm->count[route][s], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shm->bucket[route][b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shm->sum_us[route], us, __ATOMIC_RELAXED);
}

static void
pool_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	pool_update();
}

static void
pool_update(void)
{
	struct pool	*p;
	int		 total, ready, inflight;
	uint64_t	 failures;

	if (worker == NULL || worker->id >= WORKERS_MAX)
		return;
	db_stats(&total, &ready, &inflight, &failures);
	p = &shm->pool[worker->id];
	p->total = total;
	p->ready = ready;
	p->inflight = inflight;
	p->failures = failures;
	db_pool_stats(p->steps, &ready, &p->standby);
	p->lag_ms = standby_lag_ms();
}

/* A family's header: what it measures, then its type. */
static void
family(struct kore_buf *b, const char *name, const char *type,
    const char *help)
{
	kore_buf_appendf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* Route i (ROUTES_MAX: none matched) has answered a request. */
static int
route_seen(int i)
{
	return ((i < (int)ntable || i == ROUTES_MAX) &&
	    shm->bucket[i][0] + shm->sum_us[i] > 0);
}

static void
route_labels(int i, const char **method, const char **path)
{
	*path = i < (int)ntable ? table[i].path : "unmatched";
	*method = i < (int)ntable ? table[i].method : "ANY";
}

static void
metrics_counts(struct kore_buf *b, int i)
{
	const char	*path, *method;
	size_t		 s;

	route_labels(i, &method, &path);
	for (s = 0; s <= NSTATUS; s++) {
		if (shm->count[i][s] == 0)
			continue;
		kore_buf_appendf(b, "techmarket_requests_total{method=\"%s\","
		    "route=\"%s\",status=\"%s%d\"} %llu\n", method, path,
		    s == NSTATUS ? "other" : "", s == NSTATUS ? 0 : statuses[s],
		    (unsigned long long)shm->count[i][s]);
	}
}

static void
metrics_histogram(struct kore_buf *b, int i)
{
	const char	*path, *method;
	uint64_t	 cum;
	size_t		 k;

	route_labels(i, &method, &path);
	cum = 0;
	for (k = 0; k < NBUCKETS; k++) {
		cum += shm->bucket[i][k];
		if (k < NBUCKETS - 1)
			kore_buf_appendf(b, "techmarket_request_duration_"
			    "seconds_bucket{method=\"%s\",route=\"%s\","
			    "le=\"%g\"} %llu\n", method, path,
			    bounds_us[k] / 1e6, (unsigned long long)cum);
	}
	kore_buf_appendf(b, "techmarket_request_duration_seconds_bucket{"
	    "method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n"
	    "techmarket_request_duration_seconds_sum{method=\"%s\","
	    "route=\"%s\"} %.6f\n"
	    "techmarket_request_duration_seconds_count{method=\"%s\","
	    "route=\"%s\"} %llu\n", method, path, (unsigned long long)cum,
	    method, path, shm->sum_us[i] / 1e6, method, path,
	    (unsigned long long)cum);
}

/* Each worker's database pool; a family's lines stay together. */
static void
metrics_pools(struct kore_buf *b)
{
	struct pool	*p;
	int		 i;

	family(b, "techmarket_db_connections", "gauge",
	    "PostgreSQL connections of each worker: ready, and all.");
	for (i = 0, p = shm->pool; i < WORKERS_MAX; i++, p++) {
		if (p->total > 0)
			kore_buf_appendf(b, "techmarket_db_connections{worker="
			    "\"%d\",state=\"ready\"} %d\n"
			    "techmarket_db_connections{worker=\"%d\","
			    "state=\"all\"} %d\n", i, p->ready, i, p->total);
	}
	family(b, "techmarket_db_inflight", "gauge",
	    "Database steps of each worker sent and not yet answered.");
	for (i = 0, p = shm->pool; i < WORKERS_MAX; i++, p++) {
		if (p->total > 0)
			kore_buf_appendf(b, "techmarket_db_inflight{worker="
			    "\"%d\"} %d\n", i, p->inflight);
	}
	family(b, "techmarket_db_connection_failures_total", "counter",
	    "Database connections of each worker lost or refused.");
	for (i = 0, p = shm->pool; i < WORKERS_MAX; i++, p++) {
		if (p->total > 0)
			kore_buf_appendf(b, "techmarket_db_connection_failures"
			    "_total{worker=\"%d\"} %llu\n", i,
			    (unsigned long long)p->failures);
	}
	metrics_standby(b);
}

/* Steps per pool, and how far behind the standby may be. */
static void
metrics_standby(struct kore_buf *b)
{
	struct pool	*p;
	int		 i, k;

	family(b, "techmarket_db_steps_total", "counter",
	    "Database steps each worker sent, by pool: the primary's "
	    "readers and writers, the standby's readers.");
	for (i = 0, p = shm->pool; i < WORKERS_MAX; i++, p++) {
		for (k = 0; p->total > 0 && k < POOL_COUNT; k++)
			kore_buf_appendf(b, "techmarket_db_steps_total{worker="
			    "\"%d\",pool=\"%s\"} %llu\n", i, pool_names[k],
			    (unsigned long long)p->steps[k]);
	}
	family(b, "techmarket_db_standby_lag_ms", "gauge",
	    "How far behind the standby may be, per worker (-1: not yet "
	    "caught up); absent without DATABASE_READ_URL.");
	for (i = 0, p = shm->pool; i < WORKERS_MAX; i++, p++) {
		if (p->total > 0 && p->standby > 0)
			kore_buf_appendf(b, "techmarket_db_standby_lag_ms{worker="
			    "\"%d\"} %lld\n", i, (long long)p->lag_ms);
	}
}

/*
 * Matching's backlog, from the drains (app/matches.c): each drain
 * counts what it left, so a scrape costs no query.
 */
void
metrics_match_queue(long long waiting, double oldest_s)
{
	__atomic_store_n(&shm->match_waiting, (int64_t)waiting,
	    __ATOMIC_RELAXED);
	__atomic_store_n(&shm->match_oldest_ms,
	    (uint64_t)(oldest_s > 0 ? oldest_s * 1000 : 0), __ATOMIC_RELAXED);
	__atomic_store_n(&shm->match_seen, 1, __ATOMIC_RELAXED);
}

static void
metrics_match(struct kore_buf *b)
{
	if (!__atomic_load_n(&shm->match_seen, __ATOMIC_RELAXED))
		return;
	family(b, "techmarket_match_queue_jobs", "gauge",
	    "Matching jobs waiting in the queue, as the last drain left it.");
	kore_buf_appendf(b, "techmarket_match_queue_jobs %lld\n",
	    (long long)__atomic_load_n(&shm->match_waiting, __ATOMIC_RELAXED));
	family(b, "techmarket_match_queue_oldest_seconds", "gauge",
	    "Age of the oldest waiting matching job (0: none), as the last "
	    "drain saw it.");
	kore_buf_appendf(b, "techmarket_match_queue_oldest_seconds %.3f\n",
	    __atomic_load_n(&shm->match_oldest_ms, __ATOMIC_RELAXED) / 1e3);
}

int
ops_metrics(struct rq *r)
{
	struct kore_buf	*b;
	int		 i;

	pool_update();
	b = kore_buf_alloc(16384);
	family(b, "techmarket_requests_total", "counter",
	    "Requests answered, by route template and status.");
	for (i = 0; i <= ROUTES_MAX; i++) {
		if (route_seen(i))
			metrics_counts(b, i);
	}
	family(b, "techmarket_request_duration_seconds", "histogram",
	    "Time from a request's arrival to its answer, by route.");
	for (i = 0; i <= ROUTES_MAX; i++) {
		if (route_seen(i))
			metrics_histogram(b, i);
	}
	metrics_pools(b);
	metrics_match(b);
	http_response_header(r->req, "content-type",
	    "text/plain; version=0.0.4; charset=utf-8");
	http_response(r->req, 200, b->data, b->offset);
	kore_buf_free(b);
	r->status = 200;
	return (RQ_DONE);
}
