/*
 * signkey.c -- the server's Ed25519 signing keys as files in the
 * secrets directory. Pure (libsodium only): tmctl rotates keys with it
 * and the unit tests drive it without Kore; signing.c signs with it.
 */

#include <sys/stat.h>

#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"

/*
 * Ed25519 keys for flags and decisions. The secret is a 32-byte seed in
 * DIR/signing.seed (owner-only, created on first start like any secret
 * file); every key that has signed leaves its public half in
 * DIR/signing-keys/<id>.pub, so /keys lists old keys after a rotation.
 * The id is "ed25519-" and 16 hex digits of BLAKE2b(public key).
 *
 * A public key file is "<base64>\ncreated_at <RFC 3339, microseconds>\n":
 * the time the key was first loaded (made on first start, or by a
 * rotation), which /keys shows and which dates the previous key's
 * retirement. Files written before that line existed (one line) are
 * dated by their mtime: they are written once and never rewritten, so
 * it is the same moment unless a copy did not keep it (cp -p, tar do).
 */
#define SEED_FILE	"signing.seed"

static int	signkey_stat(const char *, uint64_t *, int64_t *);
static int	signkey_publish(const char *, const struct signkey *);
static int	signkey_stamp(char *, size_t);
static int64_t	signkey_parse_stamp(const char *);

static int
signkey_stat(const char *dir, uint64_t *ino, int64_t *mtime_ns)
{
	struct stat	st;
	char		path[512];

	if (snprintf(path, sizeof(path), "%s/%s", dir, SEED_FILE) >=
	    (int)sizeof(path) || stat(path, &st) == -1)
		return (0);
	*ino = (uint64_t)st.st_ino;
	*mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
	    st.st_mtim.tv_nsec;
	return (1);
}

int
signkey_pub_b64(const uint8_t *pk, char *out, size_t len)
{
	if (len < sodium_base64_ENCODED_LEN(32,
	    sodium_base64_VARIANT_ORIGINAL))
		return (0);
	sodium_bin2base64(out, len, pk, 32, sodium_base64_VARIANT_ORIGINAL);
	return (1);
}

/* Now as "2026-12-02T10:00:00.123456Z". */
static int
signkey_stamp(char *out, size_t len)
{
	struct timespec	ts;
	struct tm	tm;
	char		sec[32];

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return (0);
	return (snprintf(out, len, "%s.%06ldZ", sec, ts.tv_nsec / 1000) <
	    (int)len);
}

/* Microseconds since the epoch of a stamp, or -1. */
static int64_t
signkey_parse_stamp(const char *v)
{
	struct tm	tm;
	long		us;
	int		n;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	n = 0;
	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d.%6ldZ%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &us, &n) != 7 || n == 0 || us < 0)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	return ((int64_t)t * 1000000 + us);
}

/*
 * The public key file NAME ("<id>.pub") in DIR/signing-keys: its id,
 * base64 key and when it was made (see above). 0 for anything else.
 */
int
signkey_pub_read(const char *dir, const char *name, struct signkey_pub *p)
{
	char		path[512], line[128];
	struct stat	st;
	size_t		len;
	FILE		*fp;
	int		ok;

	len = strlen(name);
	if (len != SIGNKEY_ID_LEN + 4 ||
	    strcmp(name + SIGNKEY_ID_LEN, ".pub") ||
	    snprintf(path, sizeof(path), "%s/%s/%s", dir, SIGNKEY_PUB_DIR,
	    name) >= (int)sizeof(path) || (fp = fopen(path, "r")) == NULL)
		return (0);
	ok = fgets(p->pub, sizeof(p->pub), fp) != NULL &&
	    fstat(fileno(fp), &st) == 0;
	p->created_us = -1;
	if (ok && fgets(line, sizeof(line), fp) != NULL &&
	    strncmp(line, "created_at ", 11) == 0)
		p->created_us = signkey_parse_stamp(line + 11);
	(void)fclose(fp);
	p->pub[strcspn(p->pub, "\r\n")] = '\0';
	if (!ok || strlen(p->pub) != 44)
		return (0);
	if (p->created_us < 0)
		p->created_us = (int64_t)st.st_mtim.tv_sec * 1000000 +
		    st.st_mtim.tv_nsec / 1000;
	memcpy(p->id, name, SIGNKEY_ID_LEN);
	p->id[SIGNKEY_ID_LEN] = '\0';
	return (1);
}

/* When the current seed file was put in place, in microseconds. */
int64_t
signkey_seed_us(const struct signkey *k)
{
	return (k->mtime_ns / 1000);
}

/* Write the public key's file once; racing writers write the same key. */
static int
signkey_publish(const char *dir, const struct signkey *k)
{
	char		path[512], tmp[600], b64[64], at[48];
	int		fd, ok;

	if (snprintf(path, sizeof(path), "%s/%s", dir, SIGNKEY_PUB_DIR) >=
	    (int)sizeof(path) || (mkdir(path, 0700) == -1 && errno != EEXIST))
		return (0);
	if (snprintf(path, sizeof(path), "%s/%s/%s.pub", dir, SIGNKEY_PUB_DIR,
	    k->id) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp) || !signkey_pub_b64(k->pk, b64, sizeof(b64)) ||
	    !signkey_stamp(at, sizeof(at)))
		return (0);
	if (access(path, F_OK) == 0)
		return (1);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return (0);
	ok = dprintf(fd, "%s\ncreated_at %s\n", b64, at) > 0 &&
	    fsync(fd) == 0;
	(void)close(fd);
	ok = ok && rename(tmp, path) == 0;
	(void)unlink(tmp);
	return (ok);
}

/* The current key, made on first use. */
int
signkey_load(const char *dir, struct signkey *k)
{
	uint8_t		seed[crypto_sign_SEEDBYTES];
	uint8_t		h[8];
	char		hex[17];
	int		ok;

	ok = 0;
	if (!secret_load(dir, SEED_FILE, seed, sizeof(seed)) ||
	    !signkey_stat(dir, &k->ino, &k->mtime_ns) ||
	    crypto_sign_seed_keypair(k->pk, k->sk, seed) != 0)
		goto out;
	crypto_generichash(h, sizeof(h), k->pk, sizeof(k->pk), NULL, 0);
	(void)snprintf(k->id, sizeof(k->id), "ed25519-%s",
	    hex_encode(h, sizeof(h), hex));
	ok = signkey_publish(dir, k);
out:
	sodium_memzero(seed, sizeof(seed));
	return (ok);
}

/* Whether the seed file has been replaced (rotated) since k was read. */
int
signkey_stale(const char *dir, const struct signkey *k)
{
	uint64_t	ino;
	int64_t		mtime_ns;

	if (!signkey_stat(dir, &ino, &mtime_ns))
		return (1);
	return (ino != k->ino || mtime_ns != k->mtime_ns);
}

/*
 * A new current key: the old one's public half is published first (it
 * is, if it ever signed), then a fresh seed replaces the file at once.
 */
int
signkey_rotate(const char *dir)
{
	struct signkey	k;
	uint8_t		seed[crypto_sign_SEEDBYTES];
	char		path[512], tmp[600];
	int		fd, ok;

	ok = 0;
	memset(&k, 0, sizeof(k));
	if (!signkey_load(dir, &k) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, SEED_FILE) >=
	    (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		goto out;
	randombytes_buf(seed, sizeof(seed));
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		goto out;
	ok = write(fd, seed, sizeof(seed)) == (ssize_t)sizeof(seed) &&
	    fsync(fd) == 0;
	(void)close(fd);
	ok = ok && rename(tmp, path) == 0;
	(void)unlink(tmp);
	signkey_wipe(&k);
	ok = ok && signkey_load(dir, &k);
out:
	sodium_memzero(seed, sizeof(seed));
	signkey_wipe(&k);
	return (ok);
}

/* The base64 (standard alphabet) Ed25519 signature of msg. */
int
signkey_sign(const struct signkey *k, const char *msg, size_t len,
    char *out, size_t outlen)
{
	uint8_t		sig[crypto_sign_BYTES];

	if (outlen < sodium_base64_ENCODED_LEN(sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL) ||
	    crypto_sign_detached(sig, NULL, (const uint8_t *)msg, len,
	    k->sk) != 0)
		return (0);
	sodium_bin2base64(out, outlen, sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	return (1);
}

void
signkey_wipe(struct signkey *k)
{
	sodium_memzero(k, sizeof(*k));
}
