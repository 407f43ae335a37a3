/*
 * test_crypto.c -- crypto.c: tokens, password hashes, hex, secret files.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "test.h"

#define B64URL		sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NTOKENS		200

static int	b64url_only(const char *);
static int	all_zero(const void *, size_t);
static int	entries(const char *);
static void	tokens_new(void);
static void	tokens_parse(void);
static void	tokens_verify(void);
static void	passwords(void);
static void	hex(void);
static void	signing_keys(void);
static void	secrets(void);

static int
b64url_only(const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_", *s) == NULL)
			return (0);
	}
	return (1);
}

static int
all_zero(const void *p, size_t len)
{
	const uint8_t	*b = p;
	size_t		 i;

	for (i = 0; i < len; i++) {
		if (b[i] != 0)
			return (0);
	}
	return (1);
}

/* Number of directory entries other than . and .., -1 on error. */
static int
entries(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 n;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	n = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	}
	(void)closedir(d);
	return (n);
}

static void
tokens_new(void)
{
	static struct token	 t[NTOKENS];
	uint8_t			 raw[TOKEN_SELECTOR_LEN + TOKEN_SECRET_LEN];
	uint8_t			 h[TOKEN_VERIFIER_LEN];
	size_t			 rawlen;
	int			 i, k, dups, shape;

	shape = 1;
	for (i = 0; i < NTOKENS; i++) {
		if (!CHECK(token_new(&t[i], i % 2 ? "tmk_" : "tms_") == 1))
			return;
		if (strlen(t[i].text) != 68 ||
		    strncmp(t[i].text, i % 2 ? "tmk_" : "tms_", 4) != 0 ||
		    !b64url_only(t[i].text + 4)) {
			fprintf(stderr, "\tbad token '%s'\n", t[i].text);
			shape = 0;
		}
	}
	CHECK(shape);

	dups = 0;
	for (i = 0; i < NTOKENS; i++) {
		for (k = i + 1; k < NTOKENS; k++) {
			if (strcmp(t[i].text + 4, t[k].text + 4) == 0 ||
			    memcmp(t[i].selector, t[k].selector,
			    TOKEN_SELECTOR_LEN) == 0 ||
			    memcmp(t[i].verifier, t[k].verifier,
			    TOKEN_VERIFIER_LEN) == 0)
				dups++;
		}
	}
	CHECK(dups == 0);

	/* The text carries selector || secret; the verifier is a hash of the
	 * secret, never the secret itself. */
	CHECK(sodium_base642bin(raw, sizeof(raw), t[0].text + 4,
	    strlen(t[0].text + 4), NULL, &rawlen, NULL, B64URL) == 0);
	CHECK(rawlen == sizeof(raw));
	CHECK(memcmp(raw, t[0].selector, TOKEN_SELECTOR_LEN) == 0);
	crypto_generichash(h, sizeof(h), raw + TOKEN_SELECTOR_LEN,
	    TOKEN_SECRET_LEN, NULL, 0);
	CHECK(memcmp(h, t[0].verifier, sizeof(h)) == 0);
	CHECK(memcmp(raw + TOKEN_SELECTOR_LEN, t[0].verifier,
	    TOKEN_VERIFIER_LEN) != 0);

	CHECK(token_new(&t[0], "tm_") == 0);
	CHECK(token_new(&t[0], "tms__") == 0);
	CHECK(token_new(&t[0], "") == 0);
}

static void
tokens_parse(void)
{
	struct token	 a, b;
	char		 s[300], *p;
	size_t		 i;
	int		 bad;

	CHECK(token_new(&a, "tms_") == 1);
	memset(&b, 0x55, sizeof(b));
	CHECK(token_parse(a.text, &b) == 1);
	CHECK(strcmp(a.text, b.text) == 0);
	CHECK(memcmp(a.selector, b.selector, TOKEN_SELECTOR_LEN) == 0);
	CHECK(memcmp(a.verifier, b.verifier, TOKEN_VERIFIER_LEN) == 0);

	CHECK(token_new(&a, "tmk_") == 1);
	CHECK(token_parse(a.text, &b) == 1);
	CHECK(memcmp(a.selector, b.selector, TOKEN_SELECTOR_LEN) == 0);
	CHECK(memcmp(a.verifier, b.verifier, TOKEN_VERIFIER_LEN) == 0);

	/* Prefix. */
	(void)snprintf(s, sizeof(s), "tmx_%s", a.text + 4);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "TMK_%s", a.text + 4);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "tmk-%s", a.text + 4);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "%s", a.text + 4);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "Bearer %s", a.text);
	CHECK(token_parse(s, &b) == 0);

	/* Length. */
	CHECK(token_parse("", &b) == 0);
	CHECK(token_parse("tmk_", &b) == 0);
	CHECK(token_parse("tmk_A", &b) == 0);
	(void)snprintf(s, sizeof(s), "%.67s", a.text);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "%.66s", a.text);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "%.64s", a.text);
	CHECK(token_parse(s, &b) == 0);
	memset(s, 'A', sizeof(s));
	memcpy(s, "tmk_", 4);
	s[sizeof(s) - 1] = '\0';
	CHECK(token_parse(s, &b) == 0);

	/* A trailing character of any kind. */
	(void)snprintf(s, sizeof(s), "%sA", a.text);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "%s=", a.text);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "%s\n", a.text);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "%s ", a.text);
	CHECK(token_parse(s, &b) == 0);
	(void)snprintf(s, sizeof(s), "%s%s", a.text, a.text + 4);
	CHECK(token_parse(s, &b) == 0);

	/* A character outside base64url at every position. */
	bad = 0;
	for (i = 4; i < 68; i++) {
		(void)snprintf(s, sizeof(s), "%s", a.text);
		for (p = (char *)"+/=. %*~\\\"\t"; *p != '\0'; p++) {
			s[i] = *p;
			if (token_parse(s, &b) != 0) {
				fprintf(stderr, "\taccepted '%s'\n", s);
				bad++;
			}
		}
	}
	CHECK(bad == 0);

	/* Bytes above 0x7f are no more base64url than those. */
	bad = 0;
	for (i = 4; i < 68; i++) {
		(void)snprintf(s, sizeof(s), "%s", a.text);
		for (p = (char *)"\x80\xc3\xff"; *p != '\0'; p++) {
			s[i] = *p;
			bad += token_parse(s, &b) != 0;
		}
	}
	if (!CHECK(bad == 0))
		fprintf(stderr, "\t%d of %d tokens with a byte >= 0x80 "
		    "parsed\n", bad, 64 * 3);

	/* Nor is one a second spelling of '_' for the same credential. */
	(void)snprintf(s, sizeof(s), "%s", a.text);
	s[30] = '_';
	CHECK(token_parse(s, &a) == 1);
	s[30] = (char)0x80;
	memset(&b, 0, sizeof(b));
	if (!CHECK(token_parse(s, &b) == 0))
		fprintf(stderr, "\t'_' -> 0x80: same selector %d, same "
		    "verifier %d\n",
		    !memcmp(a.selector, b.selector, TOKEN_SELECTOR_LEN),
		    !memcmp(a.verifier, b.verifier, TOKEN_VERIFIER_LEN));

	/* Another base64url character parses, to another token. */
	(void)snprintf(s, sizeof(s), "%s", a.text);
	s[10] = s[10] == 'A' ? 'B' : 'A';
	CHECK(token_parse(s, &b) == 1);
	CHECK(memcmp(a.selector, b.selector, TOKEN_SELECTOR_LEN) != 0);
	(void)snprintf(s, sizeof(s), "%s", a.text);
	s[60] = s[60] == 'A' ? 'B' : 'A';
	CHECK(token_parse(s, &b) == 1);
	CHECK(memcmp(a.selector, b.selector, TOKEN_SELECTOR_LEN) == 0);
	CHECK(memcmp(a.verifier, b.verifier, TOKEN_VERIFIER_LEN) != 0);
}

static void
tokens_verify(void)
{
	struct token	t, u;
	uint8_t		stored[TOKEN_VERIFIER_LEN + 1];
	size_t		i;
	int		bad;

	CHECK(token_new(&t, "tms_") == 1);
	memcpy(stored, t.verifier, TOKEN_VERIFIER_LEN);
	stored[TOKEN_VERIFIER_LEN] = 0;
	CHECK(token_verify(&t, stored, TOKEN_VERIFIER_LEN) == 1);
	CHECK(token_verify(&t, stored, TOKEN_VERIFIER_LEN - 1) == 0);
	CHECK(token_verify(&t, stored, TOKEN_VERIFIER_LEN + 1) == 0);
	CHECK(token_verify(&t, stored, 0) == 0);

	bad = 0;
	for (i = 0; i < TOKEN_VERIFIER_LEN; i++) {
		stored[i] ^= 0x01;
		bad += token_verify(&t, stored, TOKEN_VERIFIER_LEN);
		stored[i] ^= 0x81;
		bad += token_verify(&t, stored, TOKEN_VERIFIER_LEN);
		stored[i] ^= 0x80;
	}
	CHECK(bad == 0);
	CHECK(token_verify(&t, stored, TOKEN_VERIFIER_LEN) == 1);

	/* A parsed copy verifies against what the first one stored. */
	CHECK(token_parse(t.text, &u) == 1);
	CHECK(token_verify(&u, stored, TOKEN_VERIFIER_LEN) == 1);
	CHECK(token_new(&u, "tms_") == 1);
	CHECK(token_verify(&u, stored, TOKEN_VERIFIER_LEN) == 0);

	token_wipe(&t);
	CHECK(all_zero(&t, sizeof(t)));
	memset(&u, 0xff, sizeof(u));
	token_wipe(&u);
	CHECK(all_zero(&u, sizeof(u)));
}

static void
passwords(void)
{
	char		h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
	char		small[crypto_pwhash_STRBYTES - 1];
	const char	*d, *pw;

	pw = "mật khẩu dài 2026!";
	CHECK(password_hash(pw, h1, sizeof(h1)) == 1);
	CHECK(strncmp(h1, "$argon2id$", 10) == 0);
	CHECK(password_verify(h1, pw) == 1);
	CHECK(password_verify(h1, "mật khẩu dài 2026") == 0);
	CHECK(password_verify(h1, "") == 0);
	CHECK(password_verify("not a hash", pw) == 0);

	/* Salted: the same password twice gives two hashes. */
	CHECK(password_hash(pw, h2, sizeof(h2)) == 1);
	CHECK(strcmp(h1, h2) != 0);

	memset(small, 'x', sizeof(small));
	CHECK(password_hash(pw, small, sizeof(small)) == 0);

	d = password_dummy_hash();
	CHECK(d != NULL && strncmp(d, "$argon2id$", 10) == 0);
	CHECK(d != NULL && strlen(d) < crypto_pwhash_STRBYTES);
	CHECK(d != NULL && crypto_pwhash_str_needs_rehash(d,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
	CHECK(password_dummy_hash() == d);
	CHECK(d != NULL && password_verify(d, "") == 0);
	CHECK(d != NULL && password_verify(d, "password") == 0);
}

static void
hex(void)
{
	static const uint8_t	in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char			out[2 * sizeof(in) + 1 + 4];

	memset(out, 'Z', sizeof(out));
	CHECK(hex_encode(in, sizeof(in), out) == out);
	CHECK(strcmp(out, "00017f80abff") == 0);
	CHECK(out[2 * sizeof(in) + 1] == 'Z');
	CHECK(hex_encode(in, 0, out) == out && out[0] == '\0');
	CHECK(strcmp(hex_encode(in + 4, 1, out), "ab") == 0);
}

static void
secrets(void)
{
	char		 tmpl[256], path[512], file[512];
	uint8_t		 k1[32], k2[32], k3[64], big[65];
	const char	*base;
	struct stat	 st;
	int		 fd;

	if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	(void)snprintf(tmpl, sizeof(tmpl), "%s/tm-unit-XXXXXX", base);
	if (!CHECK(mkdtemp(tmpl) != NULL))
		return;

	/* First call creates it, mode 0600, exactly len bytes. */
	memset(k1, 0, sizeof(k1));
	CHECK(secret_load(tmpl, "cursor.key", k1, sizeof(k1)) == 1);
	CHECK(!all_zero(k1, sizeof(k1)));
	(void)snprintf(path, sizeof(path), "%s/cursor.key", tmpl);
	CHECK(stat(path, &st) == 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK((st.st_mode & 07777) == 0600);
	CHECK(st.st_size == (off_t)sizeof(k1));
	CHECK(entries(tmpl) == 1);

	/* Second call: the same bytes, nothing new on disk. */
	memset(k2, 0, sizeof(k2));
	CHECK(secret_load(tmpl, "cursor.key", k2, sizeof(k2)) == 1);
	CHECK(memcmp(k1, k2, sizeof(k1)) == 0);
	CHECK(entries(tmpl) == 1);

	/* Another name, another key. */
	CHECK(secret_load(tmpl, "other.key", k3, sizeof(k3)) == 1);
	CHECK(memcmp(k1, k3, sizeof(k1)) != 0);
	CHECK(entries(tmpl) == 2);

	/* An existing file too short for the key is an error. */
	(void)snprintf(file, sizeof(file), "%s/short.key", tmpl);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd != -1 && write(fd, "0123456789", 10) == 10);
	if (fd != -1)
		(void)close(fd);
	CHECK(secret_load(tmpl, "short.key", k2, sizeof(k2)) == 0);

	/* More than the function can make. */
	CHECK(secret_load(tmpl, "big.key", big, sizeof(big)) == 0);
	(void)snprintf(file, sizeof(file), "%s/big.key", tmpl);
	CHECK(access(file, F_OK) == -1);

	/* Nowhere to write. */
	(void)snprintf(file, sizeof(file), "%s/missing", tmpl);
	CHECK(secret_load(file, "cursor.key", k2, sizeof(k2)) == 0);
	(void)snprintf(file, sizeof(file), "%s/cursor.key", tmpl);
	CHECK(secret_load(file, "x.key", k2, sizeof(k2)) == 0);
	CHECK(secret_load("/proc", "tm-unit.key", k2, sizeof(k2)) == 0);
	(void)snprintf(file, sizeof(file), "%s/ro", tmpl);
	CHECK(mkdir(file, 0500) == 0);
	if (geteuid() != 0)
		CHECK(secret_load(file, "cursor.key", k2, sizeof(k2)) == 0);
	CHECK(entries(file) == 0);

	/* Clean up. */
	(void)rmdir(file);
	(void)snprintf(file, sizeof(file), "%s/short.key", tmpl);
	(void)unlink(file);
	(void)snprintf(file, sizeof(file), "%s/other.key", tmpl);
	(void)unlink(file);
	(void)unlink(path);
	CHECK(entries(tmpl) == 0);
	CHECK(rmdir(tmpl) == 0);
}

void
test_crypto(void)
{
	tokens_new();
	tokens_parse();
	tokens_verify();
	passwords();
	hex();
	secrets();
	signing_keys();
}

/* The signing key: made once, stable, published, rotated, verifiable. */
static void
signing_keys(void)
{
	struct signkey	 k1, k2, k3;
	char		 tmpl[256], path[600], sig[128], b64[64];
	const char	*base, *msg = "{\"a\":1,\"b\":\"Cần Thơ\"}";
	uint8_t		 raw[crypto_sign_BYTES];
	size_t		 rawlen;
	struct stat	 st;
	FILE		*fp;

	if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	(void)snprintf(tmpl, sizeof(tmpl), "%s/tm-sign-XXXXXX", base);
	if (!CHECK(mkdtemp(tmpl) != NULL))
		return;
	CHECK(signkey_load(tmpl, &k1) == 1);
	CHECK(strncmp(k1.id, "ed25519-", 8) == 0 && strlen(k1.id) == 24);
	(void)snprintf(path, sizeof(path), "%s/signing.seed", tmpl);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600 &&
	    st.st_size == 32);
	CHECK(signkey_load(tmpl, &k2) == 1);
	CHECK(strcmp(k1.id, k2.id) == 0);
	CHECK(memcmp(k1.pk, k2.pk, sizeof(k1.pk)) == 0);
	CHECK(!signkey_stale(tmpl, &k1));

	/* The public key file holds the base64 of the public key. */
	(void)snprintf(path, sizeof(path), "%s/signing-keys/%s.pub", tmpl,
	    k1.id);
	CHECK((fp = fopen(path, "r")) != NULL);
	if (fp != NULL) {
		CHECK(fgets(b64, sizeof(b64), fp) != NULL);
		(void)fclose(fp);
		b64[strcspn(b64, "\n")] = '\0';
		CHECK(signkey_pub_b64(k1.pk, sig, sizeof(sig)) &&
		    strcmp(sig, b64) == 0);
	}

	/* It is dated when made; a file without the date, by its mtime. */
	{
		struct signkey_pub	 pub;
		char			 name[64];
		int64_t			 now = (int64_t)time(NULL) * 1000000;

		(void)snprintf(name, sizeof(name), "%s.pub", k1.id);
		CHECK(signkey_pub_read(tmpl, name, &pub) == 1);
		CHECK(strcmp(pub.id, k1.id) == 0 && strcmp(pub.pub, b64) == 0);
		CHECK(pub.created_us > now - 60000000 &&
		    pub.created_us < now + 60000000);
		CHECK(signkey_pub_read(tmpl, "signing.seed", &pub) == 0);
		CHECK((fp = fopen(path, "w")) != NULL);
		if (fp != NULL) {
			fprintf(fp, "%s\n", b64);
			(void)fclose(fp);
		}
		CHECK(stat(path, &st) == 0);
		CHECK(signkey_pub_read(tmpl, name, &pub) == 1 &&
		    pub.created_us / 1000000 == (int64_t)st.st_mtime);
	}

	/* A signature verifies, and not for another text. */
	CHECK(signkey_sign(&k1, msg, strlen(msg), sig, sizeof(sig)) == 1);
	CHECK(sodium_base642bin(raw, sizeof(raw), sig, strlen(sig), NULL,
	    &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    rawlen == sizeof(raw));
	CHECK(crypto_sign_verify_detached(raw, (const uint8_t *)msg,
	    strlen(msg), k1.pk) == 0);
	CHECK(crypto_sign_verify_detached(raw, (const uint8_t *)"{\"a\":2}",
	    7, k1.pk) != 0);
	CHECK(signkey_sign(&k1, msg, strlen(msg), sig, 10) == 0);

	/* Rotation: a new key, noticed; the old public key stays. */
	CHECK(signkey_rotate(tmpl) == 1);
	CHECK(signkey_stale(tmpl, &k1));
	CHECK(signkey_load(tmpl, &k3) == 1);
	CHECK(strcmp(k1.id, k3.id) != 0);
	CHECK(access(path, F_OK) == 0);
	(void)snprintf(path, sizeof(path), "%s/signing-keys/%s.pub", tmpl,
	    k3.id);
	CHECK(access(path, F_OK) == 0);
	CHECK(entries(tmpl) == 2);
	CHECK(signkey_load("/proc", &k2) == 0);

	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/signing-keys/%s.pub", tmpl,
	    k1.id);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/signing-keys", tmpl);
	(void)rmdir(path);
	(void)snprintf(path, sizeof(path), "%s/signing.seed", tmpl);
	(void)unlink(path);
	CHECK(rmdir(tmpl) == 0);
	signkey_wipe(&k1);
	signkey_wipe(&k2);
	signkey_wipe(&k3);
	CHECK(all_zero(k1.sk, sizeof(k1.sk)));
}
