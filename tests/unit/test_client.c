/*
 * test_client.c -- client.c: TM_TRUSTED_PROXIES and whose address
 * X-Forwarded-For gives.
 */

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "test.h"

static const char	*pick(const struct proxies *, const char *,
			    const char *);

static const char *
pick(const struct proxies *p, const char *peer, const char *xff)
{
	static char	out[64];

	client_pick(p, peer, xff, out, sizeof(out));
	return (out);
}

void
test_client(void)
{
	struct proxies	p;
	char		many[1024];
	int		i;

	CHECK(proxies_parse(NULL, &p) && p.n == 0);
	CHECK(proxies_parse(" , ", &p) && p.n == 0);
	CHECK(!proxies_parse("localhost", &p));
	CHECK(!proxies_parse("10.0.0.0/33", &p));
	CHECK(!proxies_parse("::/129", &p));
	CHECK(!proxies_parse("10.0.0.0/", &p));
	CHECK(!proxies_parse("10.0.0.0/-1", &p));
	/*
	 * Found by fuzz_headers: a prefix length past an int was cut to
	 * one, 2^32 - 1 to -1 (a network holding every IPv4 address), or
	 * 2^32 + 8 to 8.
	 */
	CHECK(!proxies_parse("10.0.0.0/4294967295", &p));
	CHECK(!proxies_parse("10.0.0.0/4279064934", &p));
	CHECK(!proxies_parse("10.0.0.0/4294967304", &p));
	CHECK(!proxies_parse("::/18446744073709551615", &p));
	many[0] = '\0';
	for (i = 0; i <= PROXIES_MAX; i++)
		(void)snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "10.0.0.%d,", i);
	CHECK(!proxies_parse(many, &p));

	/* No proxy trusted: the peer, whatever the header says. */
	CHECK(proxies_parse("", &p));
	CHECK(!strcmp(pick(&p, "127.0.0.1", "203.0.113.9"), "127.0.0.1"));
	CHECK(!strcmp(pick(&p, "-", NULL), "::"));

	CHECK(proxies_parse("127.0.0.1, ::1, 10.1.0.0/16", &p) && p.n == 3);
	/* An untrusted peer's header is its own text. */
	CHECK(!strcmp(pick(&p, "192.0.2.7", "203.0.113.9"), "192.0.2.7"));
	CHECK(!strcmp(pick(&p, "127.0.0.1", NULL), "127.0.0.1"));
	CHECK(!strcmp(pick(&p, "127.0.0.1", "203.0.113.9"), "203.0.113.9"));
	/* A network is not an address, however long its prefix. */
	CHECK(!strcmp(pick(&p, "127.0.0.1", "203.0.113.9/4294967328"),
	    "127.0.0.1"));
	CHECK(!strcmp(pick(&p, "::1", " 2001:db8::5 "), "2001:db8::5"));
	/* The rightmost untrusted entry: the client cannot choose. */
	CHECK(!strcmp(pick(&p, "127.0.0.1", "1.2.3.4, 203.0.113.9"),
	    "203.0.113.9"));
	/* Through a chain of trusted proxies. */
	CHECK(!strcmp(pick(&p, "127.0.0.1", "1.2.3.4,203.0.113.9,10.1.7.7"),
	    "203.0.113.9"));
	/* Garbage or a network where an address goes: the last trusted. */
	CHECK(!strcmp(pick(&p, "127.0.0.1", "203.0.113.9, junk"),
	    "127.0.0.1"));
	CHECK(!strcmp(pick(&p, "127.0.0.1", "203.0.113.9/8"), "127.0.0.1"));
	CHECK(!strcmp(pick(&p, "127.0.0.1", "203.0.113.9,10.1.2.3, x"),
	    "127.0.0.1"));
	CHECK(!strcmp(pick(&p, "127.0.0.1", "junk,10.1.2.3"), "10.1.2.3"));
	CHECK(!strcmp(pick(&p, "127.0.0.1", ""), "127.0.0.1"));
	CHECK(!strcmp(pick(&p, "127.0.0.1", ","), "127.0.0.1"));
	/* Only trusted hops: the leftmost of them. */
	CHECK(!strcmp(pick(&p, "127.0.0.1", "10.1.0.1,127.0.0.1"),
	    "10.1.0.1"));
	/* A prefix length that is not a whole number of bytes. */
	CHECK(proxies_parse("10.0.0.0/9", &p));
	CHECK(!strcmp(pick(&p, "10.127.0.1", "198.51.100.1"),
	    "198.51.100.1"));
	CHECK(!strcmp(pick(&p, "10.128.0.1", "198.51.100.1"), "10.128.0.1"));
}
