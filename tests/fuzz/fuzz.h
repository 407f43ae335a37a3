/*
 * fuzz.h -- what every libFuzzer harness of tests/fuzz shares: the entry
 * point libFuzzer calls, a C string of its bytes, and a check whose
 * failure is a crash libFuzzer keeps.
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* An invariant of the code under test: its failure is a finding. */
#define FUZZ_ASSERT(e)	fuzz_assert(!!(e), __FILE__, __LINE__, #e)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
char	*fuzz_str(const uint8_t *, size_t);
void	fuzz_assert(int, const char *, int, const char *);

#endif
