/*
 * crypto.c -- tokens, password hashes and secret files over libsodium.
 * Pure: no Kore runtime, so the unit tests and tmctl link it directly.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"

#define B64URL	sodium_base64_VARIANT_URLSAFE_NO_PADDING

static int	read_full(int, uint8_t *, size_t);

/*
 * libsodium 1.0.18 decodes bytes >= 0x80 as '_', so a token or cursor
 * could be spelled several ways: check the alphabet first.
 */
int
b64url_ok(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return (0);
	}
	return (1);
}

static char	dummy_hash[crypto_pwhash_STRBYTES];

/*
 * A token is a prefix ("tms_" session, "tmk_" API key) followed by the
 * base64url of selector || secret. The database keeps the selector and
 * BLAKE2b(secret); the secret itself is never stored.
 */
int
token_new(struct token *t, const char *prefix)
{
	uint8_t		raw[TOKEN_SELECTOR_LEN + TOKEN_SECRET_LEN];
	size_t		plen;

	plen = strlen(prefix);
	if (plen != 4)
		return (0);
	randombytes_buf(raw, sizeof(raw));
	memcpy(t->text, prefix, plen);
	sodium_bin2base64(t->text + plen, sizeof(t->text) - plen,
	    raw, sizeof(raw), B64URL);
	memcpy(t->selector, raw, TOKEN_SELECTOR_LEN);
	crypto_generichash(t->verifier, sizeof(t->verifier),
	    raw + TOKEN_SELECTOR_LEN, TOKEN_SECRET_LEN, NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return (1);
}

int
token_parse(const char *text, struct token *t)
{
	uint8_t		raw[TOKEN_SELECTOR_LEN + TOKEN_SECRET_LEN];
	size_t		len, rawlen;
	const char	*end;
	int		ok;

	ok = 0;
	len = strlen(text);
	if (len < 5 || len >= sizeof(t->text) ||
	    (strncmp(text, "tms_", 4) && strncmp(text, "tmk_", 4)))
		return (0);
	if (!b64url_ok(text + 4, len - 4) ||
	    sodium_base642bin(raw, sizeof(raw), text + 4, len - 4, NULL,
	    &rawlen, &end, B64URL) != 0 || *end != '\0' ||
	    rawlen != sizeof(raw))
		goto out;
	memcpy(t->text, text, len + 1);
	memcpy(t->selector, raw, TOKEN_SELECTOR_LEN);
	crypto_generichash(t->verifier, sizeof(t->verifier),
	    raw + TOKEN_SELECTOR_LEN, TOKEN_SECRET_LEN, NULL, 0);
	ok = 1;
out:
	sodium_memzero(raw, sizeof(raw));
	return (ok);
}

/* Constant time, so response timing says nothing about the stored hash. */
int
token_verify(const struct token *t, const uint8_t *stored, size_t len)
{
	if (len != TOKEN_VERIFIER_LEN)
		return (0);
	return (sodium_memcmp(t->verifier, stored, len) == 0);
}

void
token_wipe(struct token *t)
{
	sodium_memzero(t, sizeof(*t));
}

int
password_hash(const char *pw, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return (0);
	return (crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
}

int
password_verify(const char *hash, const char *pw)
{
	return (crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0);
}

/*
 * Unknown emails are checked against this hash so that they cost the
 * same time as a wrong password and the two cannot be told apart.
 */
const char *
password_dummy_hash(void)
{
	uint8_t		junk[32];
	char		pw[sizeof(junk) * 2 + 1];

	if (dummy_hash[0] == '\0') {
		randombytes_buf(junk, sizeof(junk));
		hex_encode(junk, sizeof(junk), pw);
		if (!password_hash(pw, dummy_hash, sizeof(dummy_hash)))
			dummy_hash[0] = '\0';
		sodium_memzero(pw, sizeof(pw));
	}
	return (dummy_hash);
}

char *
hex_encode(const uint8_t *in, size_t len, char *out)
{
	return (sodium_bin2hex(out, len * 2 + 1, in, len));
}

static int
read_full(int fd, uint8_t *buf, size_t len)
{
	ssize_t		n;
	size_t		off;

	for (off = 0; off < len; off += (size_t)n) {
		n = read(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			return (0);
	}
	return (1);
}

/*
 * Load dir/name, creating it with fresh random bytes when absent. Workers
 * start at once: the new key is written to a private temporary file and
 * link()ed into place, so exactly one writer wins and all read its bytes.
 */
int
secret_load(const char *dir, const char *name, uint8_t *key, size_t len)
{
	char		path[512], tmp[600];
	uint8_t		fresh[64];
	int		fd, ok;

	ok = 0;
	if (len > sizeof(fresh) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return (0);
	if (access(path, F_OK) == -1) {
		randombytes_buf(fresh, len);
		/* A crash may have left one behind under a reused pid. */
		(void)unlink(tmp);
		if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
			goto out;
		if (write(fd, fresh, len) != (ssize_t)len || fsync(fd) == -1) {
			(void)close(fd);
			(void)unlink(tmp);
			goto out;
		}
		(void)close(fd);
		(void)link(tmp, path);
		(void)unlink(tmp);
	}
	if ((fd = open(path, O_RDONLY)) == -1)
		goto out;
	ok = read_full(fd, key, len);
	(void)close(fd);
out:
	sodium_memzero(fresh, sizeof(fresh));
	return (ok);
}
