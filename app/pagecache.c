/*
 * pagecache.c -- answers of public reads kept in each worker until the
 * data under them changes: a second layer over search, so a query many
 * people ask costs the database once. Keyed by path and query string,
 * since nothing else shapes those answers.
 *
 * Freshness: every change to technologies or organizations notifies
 * tm_changes at commit (sql/020_changes.sql); the worker's listening
 * connection (db.c) empties the cache when one arrives. While that
 * connection is down notifications can be missed, so the cache is off
 * until it is back. An answer computed while a notification came in is
 * not kept (the generation moved), and entries age out after a minute
 * whatever happens: funding eligibility depends on the day.
 *
 * Bounded: at most max_bytes per worker, the oldest entries going first.
 * Buckets are chosen by SipHash under a key of the worker's own, so
 * that no client can pile its keys into one chain.
 */

#include <sys/queue.h>

#include <string.h>

#include <kore/kore.h>
#include <sodium.h>

#include "app.h"

#define PC_BUCKETS	4096
/* Chains stay short however small the answers: at most 4 a bucket. */
#define PC_ENTRIES	(4 * PC_BUCKETS)
/* An answer larger than this share of the cache is not kept. */
#define PC_SHARE	16

struct pc_entry {
	TAILQ_ENTRY(pc_entry)	 order;		/* oldest first */
	struct pc_entry		*next;		/* in its bucket */
	uint64_t		 hash;
	uint64_t		 at;		/* kept at, ms */
	size_t			 size;		/* what it holds, all told */
	size_t			 keylen;
	struct kept		 kept;
	char			*key;
};

TAILQ_HEAD(pc_order, pc_entry);

static struct pc_entry	*bucket[PC_BUCKETS];
static struct pc_order	 order = TAILQ_HEAD_INITIALIZER(order);
static unsigned char	 hkey[crypto_shorthash_KEYBYTES];
static size_t		 max_bytes;
static size_t		 bytes;
static size_t		 entries;
static uint64_t		 ttl_ms;
static uint64_t		 gen;
static int		 on;

static uint64_t		 pc_hash(const char *, size_t);
static struct pc_entry	*pc_find(const char *, size_t, uint64_t);
static void		 pc_drop(struct pc_entry *);

/* max: bytes a worker may keep (0: never keep); ttl: an entry's life. */
void
pagecache_init(size_t max, uint64_t ttl)
{
	pagecache_clear();
	randombytes_buf(hkey, sizeof(hkey));
	max_bytes = max;
	ttl_ms = ttl;
	on = 0;
}

/* Whether answers are kept: a size was given and the listener is up. */
int
pagecache_on(void)
{
	return (on && max_bytes > 0);
}

/* Changes to the data: every answer kept so far may be stale. */
void
pagecache_clear(void)
{
	struct pc_entry	*e;

	while ((e = TAILQ_FIRST(&order)) != NULL)
		pc_drop(e);
	gen++;
}

/* The listener is up (everything kept before may be stale) or down. */
void
pagecache_enable(int up)
{
	pagecache_clear();
	on = up;
}

/* Taken before an answer is worked out, given back to pagecache_put. */
uint64_t
pagecache_gen(void)
{
	return (gen);
}

/* The answer kept under key, if one is and is young enough. */
int
pagecache_get(const char *key, uint64_t now, struct kept *out)
{
	struct pc_entry	*e;
	size_t		 len;

	if (!pagecache_on())
		return (0);
	len = strlen(key);
	if ((e = pc_find(key, len, pc_hash(key, len))) == NULL)
		return (0);
	if (now - e->at > ttl_ms) {
		pc_drop(e);
		return (0);
	}
	*out = e->kept;
	return (1);
}

/*
 * Keeps an answer worked out since pagecache_gen() gave g, unless the
 * data changed meanwhile; replaces what key held.
 */
void
pagecache_put(const char *key, uint64_t g, uint64_t now, const char *body,
    size_t len, const char *etag)
{
	struct pc_entry	*e;
	size_t		 keylen, size;
	uint64_t	 h;

	if (!pagecache_on() || g != gen)
		return;
	keylen = strlen(key);
	size = sizeof(*e) + keylen + 1 + len;
	if (size > max_bytes / PC_SHARE)
		return;
	h = pc_hash(key, keylen);
	if ((e = pc_find(key, keylen, h)) != NULL)
		pc_drop(e);
	while (bytes + size > max_bytes || entries >= PC_ENTRIES)
		pc_drop(TAILQ_FIRST(&order));
	e = kore_calloc(1, sizeof(*e));
	e->hash = h;
	e->at = now;
	e->size = size;
	e->keylen = keylen;
	e->key = kore_malloc(keylen + 1);
	memcpy(e->key, key, keylen + 1);
	e->kept.body = kore_malloc(len ? len : 1);
	memcpy(e->kept.body, body, len);
	e->kept.len = len;
	kore_strlcpy(e->kept.etag, etag ? etag : "", sizeof(e->kept.etag));
	e->next = bucket[h % PC_BUCKETS];
	bucket[h % PC_BUCKETS] = e;
	TAILQ_INSERT_TAIL(&order, e, order);
	bytes += size;
	entries++;
}

/* How many answers and bytes are kept. */
void
pagecache_usage(size_t *n, size_t *used)
{
	*n = entries;
	*used = bytes;
}

static uint64_t
pc_hash(const char *key, size_t len)
{
	unsigned char	out[crypto_shorthash_BYTES];
	uint64_t	h;

	crypto_shorthash(out, (const unsigned char *)key, len, hkey);
	memcpy(&h, out, sizeof(h));
	return (h);
}

static struct pc_entry *
pc_find(const char *key, size_t len, uint64_t h)
{
	struct pc_entry	*e;

	for (e = bucket[h % PC_BUCKETS]; e != NULL; e = e->next) {
		if (e->hash == h && e->keylen == len &&
		    !memcmp(e->key, key, len))
			return (e);
	}
	return (NULL);
}

static void
pc_drop(struct pc_entry *e)
{
	struct pc_entry	**p;

	for (p = &bucket[e->hash % PC_BUCKETS]; *p != e; p = &(*p)->next)
		;
	*p = e->next;
	TAILQ_REMOVE(&order, e, order);
	bytes -= e->size;
	entries--;
	kore_free(e->key);
	kore_free(e->kept.body);
	kore_free(e);
}
