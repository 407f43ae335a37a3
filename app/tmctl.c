/*
 * tmctl.c -- the operator's tool: `tmctl hash` reads a password on stdin
 * and prints its Argon2id string, so `make admin` never needs a password
 * on a command line or in the tree; `tmctl rotate-key DIR` replaces the
 * signing key in the secrets directory DIR (the old public key stays
 * published; run by root, as DIR's owner) and prints the new key's id;
 * `tmctl migrate` brings a database to what sql/ says (migrate.c);
 * `tmctl check-email ADDRESS`
 * applies the server's own rule to an address, so `make admin` refuses
 * what registration would.
 */

#include <sys/stat.h>

#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"

static int	usage(void);
static int	hash(void);
static int	rotate(const char *);
static int	become_owner(const char *);
static int	check_email(const char *);

static int
usage(void)
{
	fprintf(stderr, "usage: tmctl hash < password\n"
	    "       tmctl rotate-key SECRETS_DIR\n"
	    "       tmctl check-email ADDRESS\n"
	    "       tmctl migrate [--demo] [--sql DIR] [DATABASE_URL]\n");
	return (2);
}

static int
hash(void)
{
	char		pw[PASSWORD_MAX * 4 + 2], hash[crypto_pwhash_STRBYTES];
	size_t		len;
	int		rc;

	rc = 1;
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

/*
 * Run by root, act as the owner of the secrets directory: the workers
 * run as that user (Kore's runas) and must read the files written here.
 */
static int
become_owner(const char *dir)
{
	struct stat	st;

	if (geteuid() != 0)
		return (1);
	if (stat(dir, &st) == -1)
		return (0);
	if (st.st_uid == 0)
		return (1);
	return (setgroups(1, &st.st_gid) == 0 &&
	    setresgid(st.st_gid, st.st_gid, st.st_gid) == 0 &&
	    setresuid(st.st_uid, st.st_uid, st.st_uid) == 0);
}

static int
rotate(const char *dir)
{
	struct signkey	k;

	if (sodium_init() < 0 || !become_owner(dir) || !signkey_rotate(dir) ||
	    !signkey_load(dir, &k)) {
		fprintf(stderr, "tmctl: cannot rotate the key in %s\n", dir);
		return (1);
	}
	printf("%s\n", k.id);
	signkey_wipe(&k);
	return (0);
}

static int
check_email(const char *s)
{
	size_t		len;

	len = strlen(s);
	if (len < 3 || len > EMAIL_MAX || !email_ok(s)) {
		fprintf(stderr, "tmctl: '%.*s' is not an email address "
		    "(name@domain.tld, ASCII, at most %d characters)\n",
		    len > 80 ? 80 : (int)len, s, EMAIL_MAX);
		return (1);
	}
	return (0);
}

int
main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "hash") == 0)
		return (hash());
	if (argc == 3 && strcmp(argv[1], "rotate-key") == 0)
		return (rotate(argv[2]));
	if (argc == 3 && strcmp(argv[1], "check-email") == 0)
		return (check_email(argv[2]));
	if (argc >= 2 && strcmp(argv[1], "migrate") == 0)
		return (migrate_run(argc - 1, argv + 1));
	return (usage());
}
