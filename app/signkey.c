/*
 * signkey.c -- the server's Ed25519 signing keys as files in the
 * secrets directory. Pure (libsodium only): tmctl rotates keys with it
 * and the unit tests drive it without Kore; signing.c signs with it.
 */

#include <sys/stat.h>

#include <errno.h>
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
 */
#define SEED_FILE	"signing.seed"

static int	signkey_stat(const char *, uint64_t *, int64_t *);
static int	signkey_publish(const char *, const struct signkey *);

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

/* Write the public key's file once; racing writers write the same. */
static int
signkey_publish(const char *dir, const struct signkey *k)
{
	char		path[512], tmp[600], b64[64];
	int		fd, ok;

	if (snprintf(path, sizeof(path), "%s/%s", dir, SIGNKEY_PUB_DIR) >=
	    (int)sizeof(path) || (mkdir(path, 0700) == -1 && errno != EEXIST))
		return (0);
	if (snprintf(path, sizeof(path), "%s/%s/%s.pub", dir, SIGNKEY_PUB_DIR,
	    k->id) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp) || !signkey_pub_b64(k->pk, b64, sizeof(b64)))
		return (0);
	if (access(path, F_OK) == 0)
		return (1);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return (0);
	ok = dprintf(fd, "%s\n", b64) > 0 && fsync(fd) == 0;
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
