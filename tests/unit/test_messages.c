/*
 * test_messages.c -- every message has both languages, and both fill
 * the same number of "%s" (a translation that drops one would show the
 * wrong value, or read past the arguments).
 */

#include <string.h>

#include "app.h"
#include "test.h"

static int	conversions(const char *);

static int
conversions(const char *s)
{
	int		n;

	for (n = 0; (s = strchr(s, '%')) != NULL; s++)
		n++;
	return (n);
}

void
test_messages(void)
{
	const char	*vi, *en;
	int		 i, ok;

	for (i = 0, ok = 1; i < MSG_MAX; i++) {
		vi = msg_text(i, LANG_VI);
		en = msg_text(i, LANG_EN);
		ok &= CHECK(*vi != '\0' && *en != '\0' && strcmp(vi, en) &&
		    conversions(vi) == conversions(en) &&
		    conversions(en) <= 2);
	}
	CHECK(ok);
	for (i = 0; i < VERR_MAX; i++) {
		vi = verr_text(i, LANG_VI);
		en = verr_text(i, LANG_EN);
		CHECK(*vi != '\0' && *en != '\0' && strcmp(vi, en) &&
		    conversions(vi) == conversions(en) &&
		    conversions(en) <= 1);
	}
	CHECK(*msg_text(MSG_MAX, LANG_EN) == '\0');
	CHECK(*verr_text(VERR_MAX, LANG_VI) == '\0');
	CHECK(strcmp(msg_text(MSG_NO_SUCH_PATH, LANG_EN), "No such path") == 0);
}
