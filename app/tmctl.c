/*
 * tmctl.c -- operator's helper for conf/tm.sh: `tmctl hash` reads a
 * password on stdin and prints its Argon2id string, so `make admin`
 * never needs a password on a command line or in the tree.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app.h"

int
main(int argc, char *argv[])
{
	char		pw[PASSWORD_MAX * 4 + 2], hash[crypto_pwhash_STRBYTES];
	size_t		len;
	int		rc;

	rc = 1;
	if (argc != 2 || strcmp(argv[1], "hash") != 0) {
		fprintf(stderr, "usage: tmctl hash < password\n");
		return (2);
	}
	if (sodium_init() < 0 || fgets(pw, sizeof(pw), stdin) == NULL)
		goto out;
	len = strcspn(pw, "\r\n");
	pw[len] = '\0';
	if (len < PASSWORD_MIN) {
		fprintf(stderr, "tmctl: password shorter than %d characters\n",
		    PASSWORD_MIN);
		goto out;
	}
	if (!password_hash(pw, hash, sizeof(hash)))
		goto out;
	printf("%s\n", hash);
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(hash, sizeof(hash));
	return (rc);
}
