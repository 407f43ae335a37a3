/*
 * test.h -- a tiny harness: CHECK() counts, reports file:line and the
 * expression on failure, and yields its truth so callers can add context.
 */

#ifndef TEST_H
#define TEST_H

#define CHECK(e)	test_check(!!(e), __FILE__, __LINE__, #e)

int	test_check(int, const char *, int, const char *);
int	test_summary(void);

void	test_json(void);
void	test_validate(void);
void	test_cursor(void);
void	test_crypto(void);

#endif
