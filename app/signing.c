/*
 * signing.c -- the server's Ed25519 signatures on funding flags and
 * decisions, and GET /keys. The key lives in the secrets directory,
 * never in the database; `tmctl rotate-key` replaces it under a running
 * server, which notices before its next signature. /keys dates each
 * key from its public key file (signkey.c).
 */

#include <sys/types.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

static char		*keydir;
static struct signkey	 key;

static int	keys_cmp(const void *, const void *);
static void	keys_time(struct kore_buf *, const char *, int64_t);
static void	keys_append(struct kore_buf *, struct signkey_pub *, size_t);
static int	key_fresh(void);

/* At start: the current key, made if there is none. */
int
sign_init(const char *dir)
{
	keydir = kore_strdup(dir);
	return (signkey_load(keydir, &key));
}

/* The canonical text of the record's n fields and its signature, in s. */
int
sign_record(struct canon *f, size_t n, struct signature *s)
{
	size_t		len;

	sign_free(s);
	if (!key_fresh())
		return (KORE_RESULT_ERROR);
	if ((s->text = canon_json(f, n, &len)) == NULL ||
	    !signkey_sign(&key, s->text, len, s->value, sizeof(s->value))) {
		sign_free(s);
		return (KORE_RESULT_ERROR);
	}
	kore_strlcpy(s->key_id, key.id, sizeof(s->key_id));
	return (KORE_RESULT_OK);
}

/*
 * Whether sig (base64) is key_id's Ed25519 signature of text: the key
 * one of the public keys /keys lists, current or retired.
 */
int
sign_check(const char *key_id, const char *text, size_t len,
    const char *sig)
{
	struct signkey_pub	 p;
	uint8_t			 pk[32], raw[crypto_sign_BYTES];
	size_t			 n;
	char			 name[SIGNKEY_ID_LEN + 8];

	if (strlen(key_id) != SIGNKEY_ID_LEN ||
	    strspn(key_id, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    SIGNKEY_ID_LEN)
		return (0);
	(void)snprintf(name, sizeof(name), "%s.pub", key_id);
	if (!signkey_pub_read(keydir, name, &p) ||
	    sodium_base642bin(pk, sizeof(pk), p.pub, strlen(p.pub), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(pk) ||
	    sodium_base642bin(raw, sizeof(raw), sig, strlen(sig), NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof(raw))
		return (0);
	return (crypto_sign_verify_detached(raw, (const uint8_t *)text, len,
	    pk) == 0);
}

void
sign_free(struct signature *s)
{
	kore_free(s->text);
	s->text = NULL;
}

/* The current key, read again if it was rotated since. */
static int
key_fresh(void)
{
	if (!signkey_stale(keydir, &key))
		return (1);
	signkey_wipe(&key);
	if (signkey_load(keydir, &key))
		return (1);
	kore_log(LOG_ERR, "signing key cannot be read");
	return (0);
}

/* Newest first; at the same microsecond, by id, so the order is stable. */
static int
keys_cmp(const void *a, const void *b)
{
	const struct signkey_pub	*x = a, *y = b;

	if (x->created_us != y->created_us)
		return (x->created_us < y->created_us ? 1 : -1);
	return (strcmp(y->id, x->id));
}

static void
keys_time(struct kore_buf *b, const char *name, int64_t us)
{
	struct tm	tm;
	time_t		t;
	char		at[32];

	t = (time_t)(us / 1000000);
	if (us < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		kore_buf_appendf(b, ",\"%s\":null", name);
	else
		kore_buf_appendf(b, ",\"%s\":\"%s\"", name, at);
}

/*
 * One key of the newest-first list. A key was retired when the one made
 * after it was; the newest non-current key (an old seed put back by
 * hand) when the current seed file was put in place.
 */
static void
keys_append(struct kore_buf *b, struct signkey_pub *k, size_t i)
{
	int	current;

	current = strcmp(k[i].id, key.id) == 0;
	kore_buf_appendf(b, "%s{\"key_id\":\"%s\",\"alg\":\"ed25519\","
	    "\"public_key\":\"%s\",\"current\":%s", i ? "," : "", k[i].id,
	    k[i].pub, current ? "true" : "false");
	keys_time(b, "created_at", k[i].created_us);
	if (current)
		kore_buf_appendf(b, ",\"retired_at\":null}");
	else {
		keys_time(b, "retired_at", i ? k[i - 1].created_us :
		    signkey_seed_us(&key));
		kore_buf_append(b, "}", 1);
	}
}

/* Every public key that has signed, newest first, the current marked. */
int
keys_list(struct rq *r)
{
	struct kore_buf		*b;
	struct dirent		*de;
	struct signkey_pub	*k;
	size_t			 n, cap, i;
	DIR			*d;
	char			 dir[512];

	(void)snprintf(dir, sizeof(dir), "%s/%s", keydir, SIGNKEY_PUB_DIR);
	if (!key_fresh() || (d = opendir(dir)) == NULL)
		return (reply_internal(r));
	n = 0;
	cap = 8;
	k = kore_calloc(cap, sizeof(*k));
	while ((de = readdir(d)) != NULL) {
		if (n == cap) {
			cap *= 2;
			k = kore_realloc(k, cap * sizeof(*k));
		}
		if (signkey_pub_read(keydir, de->d_name, &k[n]))
			n++;
	}
	(void)closedir(d);
	qsort(k, n, sizeof(*k), keys_cmp);
	b = kore_buf_alloc(512);
	kore_buf_append(b, "{\"items\":[", 10);
	for (i = 0; i < n; i++)
		keys_append(b, k, i);
	kore_buf_append(b, "]}", 2);
	kore_free(k);
	return (reply_buf(r, 200, b));
}
