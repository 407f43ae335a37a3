/*
 * http_stub.c -- the two Kore HTTP calls and the database step's error
 * fields that problem.c answers from, recorded and faked so that the
 * unit tests can drive the error mapping without a server.
 */

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "test.h"

struct stub_reply	 stub_reply;
struct stub_db		 stub_db;

void
http_response_header(struct http_request *req, const char *h, const char *v)
{
	(void)req;
	if (!strcmp(h, "content-type"))
		(void)snprintf(stub_reply.content_type,
		    sizeof(stub_reply.content_type), "%s", v);
}

void
http_response(struct http_request *req, int status, const void *body,
    size_t len)
{
	(void)req;
	stub_reply.status = status;
	stub_reply.len = len < sizeof(stub_reply.body) - 1 ? len :
	    sizeof(stub_reply.body) - 1;
	memcpy(stub_reply.body, body, stub_reply.len);
	stub_reply.body[stub_reply.len] = '\0';
}

const char *
db_sqlstate(struct rq *r)
{
	(void)r;
	return (stub_db.state);
}

const char *
db_constraint(struct rq *r)
{
	(void)r;
	return (stub_db.constraint);
}

const char *
db_detail(struct rq *r)
{
	(void)r;
	return (stub_db.detail);
}

const char *
db_hint(struct rq *r)
{
	(void)r;
	return (stub_db.hint);
}
