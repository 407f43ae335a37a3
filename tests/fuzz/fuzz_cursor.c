/*
 * fuzz_cursor.c -- cursor_decode() on whatever a client sends as
 * ?cursor=, under a fixed key: never a read or write out of bounds, a
 * payload always terminated and within the buffer; and the input taken
 * as a payload encodes to a cursor that decodes to it again, in its
 * own list only.
 */

#include <string.h>

#include <kore/kore.h>

#include <sodium.h>

#include "app.h"
#include "fuzz.h"

#define CTX	"technologies:newest"

static void	roundtrip(const char *);

static int	keyed;

/* A payload of ours (no NUL, 256 bytes at most) survives the trip. */
static void
roundtrip(const char *payload)
{
	char		*c, out[160];

	if ((c = cursor_encode(CTX, payload)) == NULL) {
		FUZZ_ASSERT(strlen(payload) > 256);
		return;
	}
	if (strlen(payload) < sizeof(out)) {
		FUZZ_ASSERT(cursor_decode(CTX, c, out, sizeof(out)));
		FUZZ_ASSERT(strcmp(out, payload) == 0);
	} else
		FUZZ_ASSERT(!cursor_decode(CTX, c, out, sizeof(out)));
	FUZZ_ASSERT(!cursor_decode("needs:newest", c, out, sizeof(out)));
	kore_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		key[crypto_generichash_KEYBYTES];
	char		*s, out[160], small[2];

	if (!keyed) {
		memset(key, 0x5a, sizeof(key));
		cursor_set_key(key);
		keyed = 1;
	}
	s = fuzz_str(data, size);
	memset(out, 'x', sizeof(out));
	if (cursor_decode(CTX, s, out, sizeof(out)))
		FUZZ_ASSERT(strlen(out) < sizeof(out));
	(void)cursor_decode(CTX, s, small, sizeof(small));
	(void)cursor_decode(CTX, s, out, 1);
	roundtrip(s);
	kore_free(s);
	return (0);
}
