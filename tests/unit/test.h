/*
 * test.h -- a tiny harness: CHECK() counts, reports file:line and the
 * expression on failure, and yields its truth so callers can add context.
 */

#ifndef TEST_H
#define TEST_H

#define CHECK(e)	test_check(!!(e), __FILE__, __LINE__, #e)

int	test_check(int, const char *, int, const char *);
int	test_summary(void);

/* What http_stub.c recorded of the last answer, and fakes of a step. */
struct stub_reply {
	int		status;
	char		content_type[64];
	char		body[4096];
	size_t		len;
};

struct stub_db {
	const char	*state;
	const char	*constraint;
	const char	*detail;
	const char	*hint;
};

extern struct stub_reply	stub_reply;
extern struct stub_db		stub_db;

void	test_json(void);
void	test_standby(void);
void	test_validate(void);
void	test_cursor(void);
void	test_crypto(void);
void	test_messages(void);
void	test_query(void);
void	test_routes(void);
void	test_problem(void);
void	test_etag(void);
void	test_cors(void);
void	test_client(void);
void	test_encoding(void);
void	test_csv(void);
void	test_audit(void);
void	test_html(void);
void	test_pagecache(void);

#endif
