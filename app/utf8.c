/*
 * utf8.c -- strict UTF-8 (no overlongs, no surrogates, nothing above
 * U+10FFFF), for JSON bodies (yajl checks only the shape) and for query
 * parameters, which pass through no parser at all. Pure.
 */

#include <string.h>

#include "app.h"

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
