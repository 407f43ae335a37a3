/*
 * migrate.c -- `tmctl migrate`: brings a database to what sql/ says.
 * Under an advisory lock and in one transaction, it checks every landed
 * migration against the checksum recorded when it was applied, applies
 * the pending migrations sql/NNN_name.sql (each recorded with its
 * checksum), then every function file of sql/functions/; with --demo,
 * then the demo data of sql/demo/, a transaction per file. Needs libpq
 * only, no shell.
 */

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "app.h"

#define SUM_LEN		(crypto_hash_sha256_BYTES * 2 + 1)

/*
 * Every tmctl migrate on any node takes this lock first, so two that
 * start at once run one after the other, the second finding nothing to
 * do. A transaction lock: it goes with the connection however that ends.
 */
#define LOCK_KEY	"hashtextextended('tmctl migrate', 0)"

/* A file of SQL: its text and, for migrations, its version and sum. */
struct sqlfile {
	char		*path;
	char		*version;	/* the name without ".sql" */
	char		*text;
	char		 sum[SUM_LEN];	/* SHA-256 of the bytes, hex */
};

struct sqlfiles {
	struct sqlfile	*v;
	size_t		 n;
};

struct migrate {
	PGconn		*db;
	const char	*dir;
	int		 demo;
	struct sqlfiles	 steps;		/* sql/NNN_name.sql */
	struct sqlfiles	 funcs;		/* sql/functions/ */
	struct sqlfiles	 demos;		/* sql/demo/ */
	PGresult	*landed;	/* schema_migrations: version, sum */
};

static int	 usage(void);
static int	 mg_args(struct migrate *, int, char *[], const char **);
static char	*slurp(const char *, size_t *);
static int	 files_read(struct sqlfiles *, const char *, const char *,
		    const char *);
static int	 file_read(struct sqlfile *, const char *, const char *);
static void	 files_free(struct sqlfiles *);
static int	 mg_connect(struct migrate *, const char *);
static int	 mg_exec(struct migrate *, const char *, const char *);
static int	 mg_begin(struct migrate *);
static int	 mg_landed(struct migrate *);
static const char *mg_landed_sum(struct migrate *, const char *, int *);
static int	 mg_check(struct migrate *);
static int	 mg_record(struct migrate *, const char *,
		    const struct sqlfile *);
static int	 mg_adopt(struct migrate *, const struct sqlfile *);
static int	 mg_apply(struct migrate *, const struct sqlfile *);
static int	 mg_schema(struct migrate *);
static int	 mg_demo(struct migrate *);

static int
usage(void)
{
	fprintf(stderr, "usage: tmctl migrate [--demo] [--sql DIR] "
	    "[DATABASE_URL]\n");
	return (2);
}

/* Options; the database from the argument or DATABASE_URL. */
static int
mg_args(struct migrate *m, int argc, char *argv[], const char **url)
{
	static const struct option opts[] = {
		{ "demo", no_argument, NULL, 'd' },
		{ "sql", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int		ch;

	m->dir = "sql";
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			m->demo = 1;
		else if (ch == 's')
			m->dir = optarg;
		else
			return (0);
	}
	if (argc - optind > 1)
		return (0);
	*url = optind < argc ? argv[optind] : getenv("DATABASE_URL");
	return (*url != NULL && **url != '\0');
}

/* A whole file, NUL-terminated, and its length; NULL: said why. */
static char *
slurp(const char *path, size_t *len)
{
	FILE		*f;
	char		*text;
	long		 n;

	text = NULL;
	if ((f = fopen(path, "rb")) == NULL)
		goto out;
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) == -1 ||
	    fseek(f, 0, SEEK_SET) == -1 || (text = malloc(n + 1)) == NULL)
		goto out;
	if (fread(text, 1, n, f) != (size_t)n) {
		free(text);
		text = NULL;
		errno = EIO;
		goto out;
	}
	text[n] = '\0';
	*len = n;
out:
	if (text == NULL)
		fprintf(stderr, "tmctl: %s: %s\n", path, strerror(errno));
	if (f != NULL)
		fclose(f);
	return (text);
}

/*
 * The files of dir/sub whose names match pattern, in byte order (the
 * C locale's), each read and summed.
 */
static int
files_read(struct sqlfiles *fs, const char *dir, const char *sub,
    const char *pattern)
{
	struct dirent	**names;
	char		 *path;
	int		  i, n, ok;

	ok = 0;
	n = 0;
	names = NULL;
	if (asprintf(&path, "%s%s%s", dir, *sub ? "/" : "", sub) == -1) {
		path = NULL;
		goto out;
	}
	if ((n = scandir(path, &names, NULL, alphasort)) == -1) {
		fprintf(stderr, "tmctl: %s: %s\n", path, strerror(errno));
		n = 0;
		goto out;
	}
	if ((fs->v = calloc(n + 1, sizeof(*fs->v))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (fnmatch(pattern, names[i]->d_name, 0) == 0 &&
		    !file_read(&fs->v[fs->n++], path, names[i]->d_name))
			goto out;
	}
	ok = 1;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(path);
	return (ok);
}

/* dir/name into f: its text, version and checksum. */
static int
file_read(struct sqlfile *f, const char *dir, const char *name)
{
	unsigned char	sum[crypto_hash_sha256_BYTES];
	size_t		len;

	if (asprintf(&f->path, "%s/%s", dir, name) == -1) {
		f->path = NULL;
		return (0);
	}
	if ((f->version = strdup(name)) == NULL ||
	    (f->text = slurp(f->path, &len)) == NULL)
		return (0);
	f->version[strlen(name) - strlen(".sql")] = '\0';
	crypto_hash_sha256(sum, (const unsigned char *)f->text, len);
	sodium_bin2hex(f->sum, sizeof(f->sum), sum, sizeof(sum));
	return (1);
}

static void
files_free(struct sqlfiles *fs)
{
	size_t		i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		free(fs->v[i].version);
		free(fs->v[i].text);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

static int
mg_connect(struct migrate *m, const char *url)
{
	const char	*keys[] = { "application_name", "dbname", NULL };
	const char	*values[] = { "tmctl migrate", url, NULL };

	/* The URL's own application_name, if it has one, comes after. */
	m->db = PQconnectdbParams(keys, values, 1);
	if (PQstatus(m->db) != CONNECTION_OK) {
		fprintf(stderr, "tmctl: cannot connect: %s",
		    PQerrorMessage(m->db));
		return (0);
	}
	return (mg_exec(m, "tmctl", "SET client_min_messages = warning"));
}

/* Runs sql (any number of statements); what names it in an error. */
static int
mg_exec(struct migrate *m, const char *what, const char *sql)
{
	PGresult	*res;
	int		 ok;

	res = PQexec(m->db, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "tmctl: %s: %s", what,
		    PQresultErrorMessage(res));
	PQclear(res);
	return (ok);
}

/* A transaction holding the lock, saying so when it has to wait. */
static int
mg_begin(struct migrate *m)
{
	PGresult	*res;
	int		 got;

	if (!mg_exec(m, "tmctl", "BEGIN"))
		return (0);
	res = PQexec(m->db, "SELECT pg_try_advisory_xact_lock(" LOCK_KEY ")");
	got = PQresultStatus(res) == PGRES_TUPLES_OK &&
	    strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (got)
		return (1);
	fprintf(stderr, "tmctl: waiting for another migrate to finish\n");
	return (mg_exec(m, "tmctl",
	    "SELECT pg_advisory_xact_lock(" LOCK_KEY ")"));
}

/*
 * The migrations applied so far. The table is tmctl's own, so it is made
 * here; a table from before checksums gets the column.
 */
static int
mg_landed(struct migrate *m)
{
	if (!mg_exec(m, "schema_migrations",
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version text PRIMARY KEY, applied_at timestamptz DEFAULT now());"
	    " ALTER TABLE schema_migrations"
	    " ADD COLUMN IF NOT EXISTS checksum text"))
		return (0);
	m->landed = PQexec(m->db,
	    "SELECT version, checksum FROM schema_migrations");
	if (PQresultStatus(m->landed) != PGRES_TUPLES_OK) {
		fprintf(stderr, "tmctl: schema_migrations: %s",
		    PQresultErrorMessage(m->landed));
		return (0);
	}
	return (1);
}

/* The recorded sum of version (NULL: none recorded); *found if landed. */
static const char *
mg_landed_sum(struct migrate *m, const char *version, int *found)
{
	int		i;

	*found = 0;
	for (i = 0; i < PQntuples(m->landed); i++) {
		if (strcmp(PQgetvalue(m->landed, i, 0), version) != 0)
			continue;
		*found = 1;
		if (PQgetisnull(m->landed, i, 1))
			return (NULL);
		return (PQgetvalue(m->landed, i, 1));
	}
	return (NULL);
}

/*
 * Every landed migration must be the file it was: a changed one would
 * mean databases that differ while their records agree. A recorded
 * version with no file is a database newer than these files.
 */
static int
mg_check(struct migrate *m)
{
	const char	*sum, *v;
	size_t		 i;
	int		 found, row;

	for (i = 0; i < m->steps.n; i++) {
		sum = mg_landed_sum(m, m->steps.v[i].version, &found);
		if (found && sum == NULL && !mg_adopt(m, &m->steps.v[i]))
			return (0);
		if (sum != NULL && strcmp(sum, m->steps.v[i].sum) != 0) {
			fprintf(stderr, "tmctl: %s has changed since it was "
			    "applied: a landed migration never changes; put "
			    "the change in a new migration\n",
			    m->steps.v[i].path);
			return (0);
		}
	}
	for (row = 0; row < PQntuples(m->landed); row++) {
		v = PQgetvalue(m->landed, row, 0);
		for (i = 0; i < m->steps.n; i++)
			if (strcmp(v, m->steps.v[i].version) == 0)
				break;
		if (i == m->steps.n) {
			fprintf(stderr, "tmctl: the database has migration "
			    "%s, which %s does not: it is newer than these "
			    "files\n", v, m->dir);
			return (0);
		}
	}
	return (1);
}

/* sql with $1 the file's version and $2 its checksum. */
static int
mg_record(struct migrate *m, const char *sql, const struct sqlfile *f)
{
	const char	*params[2] = { f->version, f->sum };
	PGresult	*res;
	int		 ok;

	res = PQexecParams(m->db, sql, 2, NULL, params, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "tmctl: schema_migrations: %s",
		    PQresultErrorMessage(res));
	PQclear(res);
	return (ok);
}

/* A row from before checksums takes the file's as it is now. */
static int
mg_adopt(struct migrate *m, const struct sqlfile *f)
{
	return (mg_record(m, "UPDATE schema_migrations SET checksum = $2"
	    " WHERE version = $1 AND checksum IS NULL", f));
}

static int
mg_apply(struct migrate *m, const struct sqlfile *f)
{
	return (mg_exec(m, f->path, f->text) && mg_record(m,
	    "INSERT INTO schema_migrations (version, checksum)"
	    " VALUES ($1, $2)", f));
}

/* Pending migrations, then every function file, all or nothing. */
static int
mg_schema(struct migrate *m)
{
	size_t		i;
	int		found;

	if (!mg_begin(m) || !mg_landed(m) || !mg_check(m))
		return (0);
	for (i = 0; i < m->steps.n; i++) {
		(void)mg_landed_sum(m, m->steps.v[i].version, &found);
		if (found)
			continue;
		if (!mg_apply(m, &m->steps.v[i]))
			return (0);
		printf("migrated %s\n", m->steps.v[i].version);
	}
	for (i = 0; i < m->funcs.n; i++)
		if (!mg_exec(m, m->funcs.v[i].path, m->funcs.v[i].text))
			return (0);
	return (mg_exec(m, "tmctl", "COMMIT"));
}

/* Demo data is idempotent: loaded again on every run, a file at a time. */
static int
mg_demo(struct migrate *m)
{
	size_t		i;

	for (i = 0; i < m->demos.n; i++) {
		if (!mg_begin(m) ||
		    !mg_exec(m, m->demos.v[i].path, m->demos.v[i].text) ||
		    !mg_exec(m, "tmctl", "COMMIT"))
			return (0);
	}
	return (1);
}

int
migrate_run(int argc, char *argv[])
{
	struct migrate	 m;
	const char	*url;
	int		 rc;

	memset(&m, 0, sizeof(m));
	if (!mg_args(&m, argc, argv, &url))
		return (usage());
	rc = 1;
	if (sodium_init() < 0 ||
	    !files_read(&m.steps, m.dir, "", "[0-9][0-9][0-9]_*.sql") ||
	    !files_read(&m.funcs, m.dir, "functions", "*.sql") ||
	    (m.demo && !files_read(&m.demos, m.dir, "demo", "*.sql")))
		goto out;
	if (!mg_connect(&m, url) || !mg_schema(&m) ||
	    (m.demo && !mg_demo(&m)))
		goto out;
	rc = 0;
out:
	PQclear(m.landed);
	PQfinish(m.db);
	files_free(&m.steps);
	files_free(&m.funcs);
	files_free(&m.demos);
	return (rc);
}
