/*
 * email.c -- what an email address is, once: the validator checks bodies
 * with it and tmctl checks `make admin EMAIL=` with it.
 */

#include <string.h>

#include "app.h"

int
email_ok(const char *s)
{
	const char	*at, *dot, *p;

	if ((at = strchr(s, '@')) == NULL || at == s ||
	    strchr(at + 1, '@') != NULL)
		return (0);
	if (at[1] == '.' || (dot = strrchr(at, '.')) == NULL ||
	    dot[1] == '\0' || strstr(at, "..") != NULL)
		return (0);
	/* ASCII only: addresses compare lower-cased, and only ASCII folds. */
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '"' || *p == '\\' ||
		    *p == '<' || *p == '>' || *p == ',' || *p == ';')
			return (0);
	}
	return (1);
}
