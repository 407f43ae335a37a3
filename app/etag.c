/*
 * etag.c -- entity tags of whole answers, for lists that change only
 * when the database does (Can Tho's places, categories): the tag is a
 * hash of the bytes, so every worker and every node gives the same one
 * without keeping anything.
 *
 * A document's tag is its version and the hash of its bytes,
 * "<version>-<hash>": the version alone misses what a document embeds
 * from elsewhere (its vendor's name, whether that vendor is verified),
 * which changes without a new version, so a 304 keyed on it alone would
 * serve a stale verified flag. If-Match still guards only the version:
 * that is all a change to this resource can lose.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app.h"

/* "\"<16 hex digits>\"" of BLAKE2b-64 over body into out. */
void
etag_of(const void *body, size_t len, char *out, size_t outlen)
{
	uint8_t		h[8];

	if (outlen < ETAG_LEN) {
		if (outlen > 0)
			*out = '\0';
		return;
	}
	crypto_generichash(h, sizeof(h), body, len, NULL, 0);
	out[0] = '"';
	(void)sodium_bin2hex(out + 1, outlen - 1, h, sizeof(h));
	out[1 + 2 * sizeof(h)] = '"';
	out[2 + 2 * sizeof(h)] = '\0';
}

/* "\"<version>-<16 hex digits>\"": version and body's hash, into out. */
void
etag_doc(const char *version, const void *body, size_t len, char *out,
    size_t outlen)
{
	char	hash[ETAG_LEN];
	int	n;

	etag_of(body, len, hash, sizeof(hash));
	/* hash is quoted: its digits are hash + 1, ETAG_LEN - 3 of them. */
	n = snprintf(out, outlen, "\"%s-%.*s\"", version, ETAG_LEN - 3,
	    hash + 1);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			*out = '\0';
	}
}

/*
 * The version a strong tag names, into buf: "<digits>" as clients have
 * always sent it, or a document's "<digits>-<16 hex digits>". 0 for
 * anything else, weak tags too (RFC 9110 compares If-Match strongly),
 * and for a number no int4 version can be.
 */
int
etag_version(const char *tag, char *buf, size_t len)
{
	size_t	n, digits;

	n = strlen(tag);
	if (n < 3 || tag[0] != '"' || tag[n - 1] != '"')
		return (0);
	digits = strspn(tag + 1, "0123456789");
	if (digits == 0 || digits > 9 || digits >= len)
		return (0);
	if (digits != n - 2 && (digits + ETAG_LEN - 2 != n - 2 ||
	    tag[1 + digits] != '-' || strspn(tag + 2 + digits,
	    "0123456789abcdef") != ETAG_LEN - 3))
		return (0);
	memcpy(buf, tag + 1, digits);
	buf[digits] = '\0';
	return (1);
}

/*
 * Whether an If-None-Match header names etag: "*", or one entry of its
 * comma-separated list, compared weakly (RFC 9110 13.1.2: a W/ prefix
 * does not matter).
 */
int
etag_listed(const char *header, const char *etag)
{
	const char	*p, *end;
	size_t		 n, want;

	want = strlen(etag);
	for (p = header; *p != '\0'; p = *end ? end + 1 : end) {
		p += strspn(p, " \t");
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		n = end - p;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 1 && *p == '*')
			return (1);
		if (n > 2 && !strncmp(p, "W/", 2)) {
			p += 2;
			n -= 2;
		}
		if (n == want && !strncmp(p, etag, n))
			return (1);
	}
	return (0);
}
