/*
 * etag.c -- entity tags of whole answers, for lists that change only
 * when the database does (Can Tho's places, categories): the tag is a
 * hash of the bytes, so every worker and every node gives the same one
 * without keeping anything.
 */

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
