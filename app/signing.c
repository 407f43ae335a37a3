/*
 * signing.c -- the server's Ed25519 signatures on funding flags and
 * decisions, and GET /keys. The key lives in the secrets directory,
 * never in the database; `tmctl rotate-key` replaces it under a running
 * server, which notices before its next signature.
 */

#include <sys/types.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

static char		*keydir;
static struct signkey	 key;

static int	keys_append(struct kore_buf *, const char *, const char *);
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

static int
keys_append(struct kore_buf *b, const char *dir, const char *name)
{
	char		path[512], pub[128], id[SIGNKEY_ID_LEN + 1];
	size_t		len;
	FILE		*fp;
	int		ok;

	len = strlen(name);
	if (len != SIGNKEY_ID_LEN + 4 ||
	    strcmp(name + SIGNKEY_ID_LEN, ".pub") ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) || (fp = fopen(path, "r")) == NULL)
		return (0);
	ok = fgets(pub, sizeof(pub), fp) != NULL;
	(void)fclose(fp);
	pub[strcspn(pub, "\r\n")] = '\0';
	if (!ok || strlen(pub) != 44)
		return (0);
	memcpy(id, name, SIGNKEY_ID_LEN);
	id[SIGNKEY_ID_LEN] = '\0';
	kore_buf_appendf(b, "%s{\"key_id\":\"%s\",\"alg\":\"ed25519\","
	    "\"public_key\":\"%s\",\"current\":%s}", b->offset > 10 ? "," : "",
	    id, pub, strcmp(id, key.id) ? "false" : "true");
	return (1);
}

/* Every public key that has signed, the current one marked. */
int
keys_list(struct rq *r)
{
	struct kore_buf	*b;
	struct dirent	*de;
	DIR		*d;
	char		 dir[512];

	(void)snprintf(dir, sizeof(dir), "%s/%s", keydir, SIGNKEY_PUB_DIR);
	if (!key_fresh() || (d = opendir(dir)) == NULL)
		return (reply_internal(r));
	b = kore_buf_alloc(512);
	kore_buf_append(b, "{\"items\":[", 10);
	while ((de = readdir(d)) != NULL)
		(void)keys_append(b, dir, de->d_name);
	(void)closedir(d);
	kore_buf_append(b, "]}", 2);
	return (reply_buf(r, 200, b));
}
