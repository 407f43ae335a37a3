/*
 * fuzz_headers.c -- the request headers the module parses itself:
 * If-Match (etag_version(), what if_match() takes a version from),
 * If-None-Match (etag_listed()), Idempotency-Key (idempotency_key_ok()),
 * and, as cheap to add, Authorization's token (token_parse()),
 * Accept-Encoding (gzip_accepted()), CORS origins (cors_parse(),
 * cors_match()) and X-Forwarded-For (client_pick(), proxies_parse()).
 * A version is 1-9 digits that fit the buffer, a tag the
 * server made is found in any list that names it, a key taken is 1-255
 * bytes of printable ASCII, a token taken is the text presented, and
 * every origin a list is parsed into is matched, and the client an
 * X-Forwarded-For names is an address: the peer's when the peer is not
 * a trusted proxy.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"
#include "fuzz.h"

static void	match_version(const char *);
static void	none_match(const char *);
static void	idem_key(const char *);
static void	token(const char *);
static void	origins(const char *);
static void	forwarded(const char *);

static void
match_version(const char *v)
{
	char		buf[16], tiny[4];
	size_t		n;

	memset(buf, 'x', sizeof(buf));
	if (etag_version(v, buf, sizeof(buf))) {
		n = strlen(buf);
		FUZZ_ASSERT(n >= 1 && n <= 9);
		FUZZ_ASSERT(strspn(buf, "0123456789") == n);
		FUZZ_ASSERT(v[0] == '"' && !strncmp(v + 1, buf, n));
	}
	memset(tiny, 'x', sizeof(tiny));
	if (etag_version(v, tiny, sizeof(tiny)))
		FUZZ_ASSERT(strlen(tiny) < sizeof(tiny));
}

static void
none_match(const char *v)
{
	char		tag[ETAG_LEN], doc[ETAG_DOC_LEN], both[256];

	etag_of(v, strlen(v), tag, sizeof(tag));
	etag_doc("2147483647", v, strlen(v), doc, sizeof(doc));
	FUZZ_ASSERT(strlen(tag) == ETAG_LEN - 1 && doc[0] == '"');
	(void)etag_listed(v, tag);
	(void)etag_listed(v, doc);
	(void)etag_listed(v, "\"7\"");
	/* Whatever else a list holds, the tag it names is found. */
	if (strlen(v) < 128 && strchr(v, ',') == NULL) {
		(void)snprintf(both, sizeof(both), "%s, W/%s", v, doc);
		FUZZ_ASSERT(etag_listed(both, doc));
	}
}

static void
idem_key(const char *v)
{
	const char	*p;

	if (!idempotency_key_ok(v))
		return;
	FUZZ_ASSERT(strlen(v) >= 1 && strlen(v) <= IDEMPOTENCY_KEY_MAX);
	for (p = v; *p != '\0'; p++)
		FUZZ_ASSERT(*p > ' ' && *p < 0x7f);
}

static void
token(const char *v)
{
	struct token	t;

	memset(&t, 0, sizeof(t));
	if (!token_parse(v, &t))
		return;
	FUZZ_ASSERT(strlen(v) < sizeof(t.text) && !strcmp(t.text, v));
	FUZZ_ASSERT(!strncmp(v, "tms_", 4) || !strncmp(v, "tmk_", 4));
	token_wipe(&t);
}

static void
origins(const char *v)
{
	struct cors	c;
	size_t		i;

	(void)gzip_accepted(v);
	memset(&c, 'x', sizeof(c));
	if (!cors_parse(v, &c))
		return;
	FUZZ_ASSERT(c.n <= CORS_MAX);
	for (i = 0; i < c.n; i++) {
		FUZZ_ASSERT(memchr(c.origin[i], '\0',
		    sizeof(c.origin[i])) != NULL);
		FUZZ_ASSERT(c.origin[i][0] != '\0');
		FUZZ_ASSERT(cors_match(&c, c.origin[i]));
	}
	(void)cors_match(&c, v);
}

static void
forwarded(const char *v)
{
	static const char *const peers[] = { "127.0.0.1", "10.1.2.3",
	    "::1", "2001:db8:8000::1", "192.0.2.7", NULL };
	struct proxies		 p;
	const char *const	*peer;
	char			 out[INET6_ADDRSTRLEN], bin[16];
	int			 i;

	if (!proxies_parse("127.0.0.1, ::1, 10.0.0.0/8, 2001:db8:8000::/33",
	    &p))
		abort();
	for (peer = peers; *peer != NULL; peer++) {
		memset(out, 'x', sizeof(out));
		client_pick(&p, *peer, v, out, sizeof(out));
		FUZZ_ASSERT(memchr(out, '\0', sizeof(out)) != NULL);
		FUZZ_ASSERT(inet_pton(AF_INET, out, bin) == 1 ||
		    inet_pton(AF_INET6, out, bin) == 1);
		if (!strcmp(*peer, "192.0.2.7"))
			FUZZ_ASSERT(!strcmp(out, *peer));
	}
	if (!proxies_parse(v, &p))
		return;
	FUZZ_ASSERT(p.n >= 0 && p.n <= PROXIES_MAX);
	for (i = 0; i < p.n; i++)
		FUZZ_ASSERT(p.list[i].bits >= 0 && p.list[i].bits <=
		    (p.list[i].family == AF_INET ? 32 : 128));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s;

	s = fuzz_str(data, size);
	match_version(s);
	none_match(s);
	idem_key(s);
	token(s);
	origins(s);
	forwarded(s);
	kore_free(s);
	return (0);
}
