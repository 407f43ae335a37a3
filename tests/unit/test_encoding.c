/*
 * test_encoding.c -- encoding.c: does the client take gzip.
 */

#include "app.h"
#include "test.h"

void
test_encoding(void)
{
	CHECK(gzip_accepted("gzip"));
	CHECK(gzip_accepted("gzip, deflate, br"));
	CHECK(gzip_accepted("br;q=1.0, GZIP;q=0.5"));
	CHECK(gzip_accepted("deflate, x-gzip"));
	CHECK(gzip_accepted("*"));
	CHECK(gzip_accepted(" identity , gzip ; q=0.001"));
	CHECK(!gzip_accepted(NULL));
	CHECK(!gzip_accepted(""));
	CHECK(!gzip_accepted("identity"));
	CHECK(!gzip_accepted("deflate, br"));
	CHECK(!gzip_accepted("gzip;q=0"));
	CHECK(!gzip_accepted("gzip;q=0.000, br"));
	CHECK(!gzip_accepted("gzipped"));
	CHECK(!gzip_accepted("xgzip"));
	CHECK(!gzip_accepted("*;q=0"));
	CHECK(!gzip_accepted("br;q=0.9, gzip;q=0"));
}
