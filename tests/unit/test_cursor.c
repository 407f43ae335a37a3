/*
 * test_cursor.c -- cursor.c: sealed pagination cursors.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <kore.h>

#include "app.h"
#include "test.h"

#define B64URL	sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define CTX	"accounts"

static char	*seal(const uint8_t *, const char *, const char *, size_t);
static int	decodes(const char *, const char *, const char *);
static int	b64url_only(const char *, size_t);
static void	round_trip(void);
static void	contexts(void);
static void	tampering(void);
static void	malformed(void);
static void	keys(void);
static void	small_output(void);

static uint8_t	key1[crypto_generichash_KEYBYTES];
static uint8_t	key2[crypto_generichash_KEYBYTES];

/*
 * Build a cursor the way the header comment of cursor.c describes it:
 * base64url(payload) "." base64url(BLAKE2b-128 keyed, over ctx, its NUL
 * and the payload). Lets the tests reach the checks behind the MAC.
 */
static char *
seal(const uint8_t *key, const char *ctx, const char *payload, size_t len)
{
	crypto_generichash_state	 st;
	uint8_t				 mac[16];
	size_t				 plen, mlen;
	char				*out;

	plen = sodium_base64_ENCODED_LEN(len, B64URL);
	mlen = sodium_base64_ENCODED_LEN(sizeof(mac), B64URL);
	out = kore_malloc(plen + mlen + 1);
	crypto_generichash_init(&st, key, crypto_generichash_KEYBYTES,
	    sizeof(mac));
	crypto_generichash_update(&st, (const uint8_t *)ctx, strlen(ctx) + 1);
	crypto_generichash_update(&st, (const uint8_t *)payload, len);
	crypto_generichash_final(&st, mac, sizeof(mac));
	sodium_bin2base64(out, plen, (const uint8_t *)payload, len, B64URL);
	plen = strlen(out);
	out[plen] = '.';
	sodium_bin2base64(out + plen + 1, mlen, mac, sizeof(mac), B64URL);
	return (out);
}

/* 1 when cursor decodes in ctx to exactly want (NULL: must not decode). */
static int
decodes(const char *ctx, const char *cursor, const char *want)
{
	char		out[1024];
	int		rc;

	rc = cursor_decode(ctx, cursor, out, sizeof(out));
	if (want == NULL)
		return (rc == 0);
	return (rc == 1 && strcmp(out, want) == 0);
}

static int
b64url_only(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_", s[i]) == NULL)
			return (0);
	}
	return (1);
}

static void
round_trip(void)
{
	static const char *const payloads[] = {
		"2026-01-01T00:00:00.123456Z|123e4567-e89b-12d3-a456-"
		    "426614174000",
		"", "a", "ab", "abc", "Nguyễn Văn A|42", "a.b.c", "=+/ \t\"'",
		NULL
	};
	char		 big[300], out[300];
	char		*c, *dot;
	size_t		 i;

	for (i = 0; payloads[i] != NULL; i++) {
		c = cursor_encode(CTX, payloads[i]);
		if (!CHECK(c != NULL))
			continue;
		dot = strchr(c, '.');
		CHECK(dot != NULL && strchr(dot + 1, '.') == NULL);
		CHECK(dot != NULL && b64url_only(c, dot - c) &&
		    b64url_only(dot + 1, strlen(dot + 1)));
		if (!CHECK(decodes(CTX, c, payloads[i])))
			fprintf(stderr, "\tpayload '%s' cursor '%s'\n",
			    payloads[i], c);
		kore_free(c);
	}

	/* 256 bytes is the most a cursor carries. */
	memset(big, 'x', 256);
	big[256] = '\0';
	c = cursor_encode(CTX, big);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK(cursor_decode(CTX, c, out, sizeof(out)) == 1 &&
		    strcmp(out, big) == 0);
		kore_free(c);
	}
	big[256] = 'x';
	big[257] = '\0';
	CHECK(cursor_encode(CTX, big) == NULL);
}

static void
contexts(void)
{
	char		*c;

	c = cursor_encode(CTX, "2026-01-01|id");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK(decodes(CTX, c, "2026-01-01|id"));
	CHECK(decodes("apikeys", c, NULL));
	CHECK(decodes("account", c, NULL));
	CHECK(decodes("accounts ", c, NULL));
	CHECK(decodes("Accounts", c, NULL));
	CHECK(decodes("", c, NULL));
	kore_free(c);

	/* The context ends where the payload starts: "ab"+"c" != "a"+"bc". */
	c = cursor_encode("ab", "c");
	CHECK(c != NULL && decodes("ab", c, "c"));
	CHECK(c != NULL && decodes("a", c, NULL));
	kore_free(c);
}

/* Every position, every other character: never accepted. */
static void
tampering(void)
{
	static const char	 alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.=+/ *~";
	char			*c, *m;
	size_t			 len, i, k, accepted;

	c = cursor_encode(CTX, "2026-03-04T05:06:07Z|123e4567-e89b-12d3-"
	    "a456-426614174000");
	if (!CHECK(c != NULL))
		return;
	len = strlen(c);
	if ((m = strdup(c)) == NULL)
		abort();
	for (i = 0; i < len; i++) {
		accepted = 0;
		for (k = 0; k < sizeof(alpha) - 1; k++) {
			if (alpha[k] == c[i])
				continue;
			m[i] = alpha[k];
			if (!decodes(CTX, m, NULL)) {
				accepted++;
				fprintf(stderr, "\tflip %zu to '%c': %s\n",
				    i, alpha[k], m);
			}
		}
		m[i] = c[i];
		CHECK(accepted == 0);
	}
	CHECK(strcmp(m, c) == 0 && decodes(CTX, m, "2026-03-04T05:06:07Z|"
	    "123e4567-e89b-12d3-a456-426614174000"));

	/* Cut short anywhere. */
	accepted = 0;
	for (i = 0; i < len; i++) {
		m[i] = '\0';
		if (!decodes(CTX, m, NULL))
			accepted++;
		m[i] = c[i];
	}
	CHECK(accepted == 0);
	free(m);
	kore_free(c);
}

static void
malformed(void)
{
	static const char *const junk[] = {
		"", ".", "..", "abc", "abc.", ".abc", "!!!!.!!!!", "a b.c d",
		"AAAA.AAAAAAAAAAAAAAAAAAAAAA", "AAAA.AAAAAAAAAAAAAAAAAAAAAA==",
		"YWJj", "YWJj.", "YWJj..", "YWJj.YWJj", NULL
	};
	char		*c, *m, *dot, *big, payload[400];
	size_t		 len, i;

	for (i = 0; junk[i] != NULL; i++) {
		if (!CHECK(decodes(CTX, junk[i], NULL)))
			fprintf(stderr, "\taccepted '%s'\n", junk[i]);
	}

	c = cursor_encode(CTX, "2026-01-01|id");
	if (!CHECK(c != NULL))
		return;
	len = strlen(c);
	if ((m = malloc(2 * len + 4)) == NULL)
		abort();
	dot = strchr(c, '.');

	/* Missing dot. */
	memcpy(m, c, dot - c);
	strcpy(m + (dot - c), dot + 1);
	CHECK(decodes(CTX, m, NULL));
	/* Halves swapped. */
	(void)snprintf(m, 2 * len + 4, "%s.%.*s", dot + 1, (int)(dot - c), c);
	CHECK(decodes(CTX, m, NULL));
	/* Trailing bytes. */
	(void)snprintf(m, 2 * len + 4, "%sA", c);
	CHECK(decodes(CTX, m, NULL));
	(void)snprintf(m, 2 * len + 4, "%s=", c);
	CHECK(decodes(CTX, m, NULL));
	(void)snprintf(m, 2 * len + 4, "%s\n", c);
	CHECK(decodes(CTX, m, NULL));
	(void)snprintf(m, 2 * len + 4, "%s.", c);
	CHECK(decodes(CTX, m, NULL));
	(void)snprintf(m, 2 * len + 4, " %s", c);
	CHECK(decodes(CTX, m, NULL));
	(void)snprintf(m, 2 * len + 4, "%s%s", c, c);
	CHECK(decodes(CTX, m, NULL));
	free(m);
	kore_free(c);

	/* A byte above 0x7f is not base64url, nor another spelling of '_'
	 * (three question marks encode as "Pz8_"). */
	c = cursor_encode(CTX, "\x3f\x3f\x3f");
	if (CHECK(c != NULL && strncmp(c, "Pz8_.", 5) == 0)) {
		c[3] = (char)0x80;
		if (!CHECK(decodes(CTX, c, NULL)))
			fprintf(stderr, "\t'Pz8\\x80' decodes as 'Pz8_'\n");
	}
	kore_free(c);

	/* A payload far too long for any cursor. */
	if ((big = malloc(1200)) == NULL)
		abort();
	memset(big, 'A', 1000);
	strcpy(big + 1000, ".AAAAAAAAAAAAAAAAAAAAAA");
	CHECK(decodes(CTX, big, NULL));
	free(big);

	/* Sealed with the right key, but the payload is too long or has a
	 * NUL in it: still refused. A well-formed seal passes. */
	memset(payload, 'p', sizeof(payload));
	c = seal(key1, CTX, payload, 200);
	payload[200] = '\0';
	CHECK(decodes(CTX, c, payload));
	kore_free(c);
	c = seal(key1, CTX, payload, 300);
	CHECK(decodes(CTX, c, NULL));
	kore_free(c);
	c = seal(key1, CTX, "ab\0cd", 5);
	CHECK(decodes(CTX, c, NULL));
	kore_free(c);
}

static void
keys(void)
{
	char		*c1, *c2;

	c1 = cursor_encode(CTX, "k|1");
	CHECK(c1 != NULL && decodes(CTX, c1, "k|1"));
	cursor_set_key(key2);
	CHECK(c1 != NULL && decodes(CTX, c1, NULL));
	c2 = cursor_encode(CTX, "k|1");
	CHECK(c2 != NULL && decodes(CTX, c2, "k|1"));
	CHECK(c1 != NULL && c2 != NULL && strcmp(c1, c2) != 0);
	cursor_set_key(key1);
	CHECK(c2 != NULL && decodes(CTX, c2, NULL));
	CHECK(c1 != NULL && decodes(CTX, c1, "k|1"));
	kore_free(c1);
	kore_free(c2);
}

static void
small_output(void)
{
	char		*c, out[64];
	size_t		 n, i;
	int		 rc;

	c = cursor_encode(CTX, "abcdef");
	if (!CHECK(c != NULL))
		return;
	for (n = 0; n <= 7; n++) {
		memset(out, 0xee, sizeof(out));
		rc = cursor_decode(CTX, c, out, n);
		if (n < 7) {
			if (!CHECK(rc == 0))
				fprintf(stderr, "\toutlen %zu accepted\n", n);
		} else
			CHECK(rc == 1 && strcmp(out, "abcdef") == 0);
		for (i = n; i < sizeof(out) && (uint8_t)out[i] == 0xee; i++)
			;
		if (!CHECK(i == sizeof(out)))
			fprintf(stderr, "\toutlen %zu: wrote byte %zu\n", n, i);
	}
	kore_free(c);
}

void
test_cursor(void)
{
	memset(key1, 0x11, sizeof(key1));
	randombytes_buf(key2, sizeof(key2));
	cursor_set_key(key1);

	round_trip();
	contexts();
	tampering();
	malformed();
	keys();
	small_output();
}
