/*
 * utf8.c -- strict UTF-8 (no overlongs, no surrogates, nothing above
 * U+10FFFF), for JSON bodies (yajl checks only the shape) and for query
 * parameters, which pass through no parser at all; and the length of a
 * text once NFC-normalised, as the database stores it. Pure.
 */

#include <string.h>

#include <kore/kore.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "app.h"

static UChar	*to_utf16(const char *, int32_t *);

int
utf8_valid(const char *str, size_t len, size_t *chars)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, n, k;
	uint32_t		 cp;

	*chars = 0;
	for (i = 0; i < len; i += n, (*chars)++) {
		if (s[i] < 0x80) {
			n = 1;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 2, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 4, cp = s[i] & 0x07;
		else
			return (0);
		if (i + n > len)
			return (0);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return (0);
	}
	return (1);
}

/*
 * A string that snprintf may have cut at its buffer's end: drop a UTF-8
 * sequence left incomplete there, so what is shown is still UTF-8.
 */
void
utf8_cut(char *s)
{
	size_t		n, lead;

	n = strlen(s);
	for (lead = n; lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80;
	    lead--)
		;
	if (lead == 0 || (unsigned char)s[lead - 1] < 0xc0)
		return;
	/* The lead byte's count of ones is the sequence's length. */
	if (n - (lead - 1) < (size_t)(((unsigned char)s[lead - 1] >= 0xf0) ?
	    4 : ((unsigned char)s[lead - 1] >= 0xe0) ? 3 : 2))
		s[lead - 1] = '\0';
}

/*
 * The code points of s after NFC, which is what PostgreSQL's
 * normalize(x, NFC) stores and its CHECKs count: some characters grow
 * under NFC (U+FB2C becomes three), and a CHECK failing on a row prints
 * the row, password hash included, into the server's log. -1 when ICU
 * cannot say (s is not UTF-8).
 */
int64_t
utf8_nfc_chars(const char *s)
{
	const UNormalizer2	*nfc;
	UErrorCode		 err;
	UChar			*u, *out;
	int32_t			 len, n;
	const char		*p;

	for (p = s; *p != '\0' && (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0')
		return (p - s);		/* ASCII is its own NFC */
	out = NULL;
	n = -1;
	err = U_ZERO_ERROR;
	if ((u = to_utf16(s, &len)) == NULL ||
	    (nfc = unorm2_getNFCInstance(&err)) == NULL || U_FAILURE(err))
		goto out;
	/* The first call measures, the second writes. */
	n = unorm2_normalize(nfc, u, len, NULL, 0, &err);
	if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) {
		n = -1;
		goto out;
	}
	err = U_ZERO_ERROR;
	out = kore_malloc(((size_t)n + 1) * sizeof(UChar));
	n = unorm2_normalize(nfc, u, len, out, n + 1, &err);
	n = U_FAILURE(err) ? -1 : u_countChar32(out, n);
out:
	kore_free(u);
	kore_free(out);
	return (n);
}

/* s in UTF-16 (its length in units in *len), or NULL if not UTF-8. */
static UChar *
to_utf16(const char *s, int32_t *len)
{
	UErrorCode	 err;
	UChar		*u;

	err = U_ZERO_ERROR;
	(void)u_strFromUTF8(NULL, 0, len, s, -1, &err);
	if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
		return (NULL);
	err = U_ZERO_ERROR;
	u = kore_malloc(((size_t)*len + 1) * sizeof(UChar));
	(void)u_strFromUTF8(u, *len + 1, len, s, -1, &err);
	if (U_FAILURE(err)) {
		kore_free(u);
		return (NULL);
	}
	return (u);
}
