/*
 * test_cors.c -- cors.c: the origins TM_CORS_ORIGINS names.
 */

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "test.h"

void
test_cors(void)
{
	struct cors	c;
	char		many[2048], *p;
	int		i;

	CHECK(cors_parse(NULL, &c) && c.n == 0);
	CHECK(cors_parse("", &c) && c.n == 0);
	CHECK(cors_parse(" , ,", &c) && c.n == 0);
	CHECK(!cors_match(&c, "https://a.example"));
	CHECK(cors_parse("https://dost.cantho.gov.vn, http://localhost:3000",
	    &c) && c.n == 2);
	CHECK(cors_match(&c, "https://dost.cantho.gov.vn"));
	CHECK(cors_match(&c, "http://localhost:3000"));
	CHECK(!cors_match(&c, "http://dost.cantho.gov.vn"));
	CHECK(!cors_match(&c, "https://dost.cantho.gov.vn.evil.example"));
	CHECK(!cors_match(&c, "https://dost.cantho.gov.v"));
	CHECK(!cors_match(&c, "null"));
	CHECK(!cors_match(&c, NULL));
	CHECK(cors_parse("http://[::1]:8080", &c) && c.n == 1);
	/* Never a wildcard, a path, another scheme or an upper-case host. */
	CHECK(!cors_parse("*", &c));
	CHECK(!cors_parse("https://a.example/", &c));
	CHECK(!cors_parse("https://a.example/app", &c));
	CHECK(!cors_parse("ftp://a.example", &c));
	CHECK(!cors_parse("https://", &c));
	CHECK(!cors_parse("https://A.example", &c));
	CHECK(!cors_parse("a.example", &c));
	memset(many, 'a', sizeof(many));
	memcpy(many, "https://", 8);
	many[200] = '\0';
	CHECK(!cors_parse(many, &c));
	for (i = 0, p = many; i <= CORS_MAX; i++)
		p += sprintf(p, "%shttps://h%d.example", i ? "," : "", i);
	CHECK(!cors_parse(many, &c));
}
