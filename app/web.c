/*
 * web.c -- the public catalogue for people: the files of assets/web,
 * read once at start, and the page paths, which all answer with the
 * same shell (index.html); the pages are a client of the API like any
 * other. A path nobody serves gets the catalogue's own 404 page, with
 * its status, and so does a technology page whose listing is not
 * published: a browser, a crawler and a link checker all see a 404.
 */

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

#define WEB_MAX		48
#define WEB_NAME_MAX	64

struct web_file {
	char		name[WEB_NAME_MAX];
	struct asset	f;
};

static const char	*web_type(const char *);
static int		 web_name_ok(const char *);
static void		 web_add(const char *, const char *, const char *);
static const struct asset *web_find(const char *);
static void		 web_headers(struct rq *);
static int		 web_reply(struct rq *, const struct asset *, int);
static int		 web_listing(struct rq *);

static struct web_file	 files[WEB_MAX];
static size_t		 nfiles;

/*
 * What a page may do: scripts and styles of this server only (no inline
 * script, so text that slipped into the page as markup still runs
 * nothing), data only from the API of this server, and no framing.
 */
static const char csp[] = "default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

static const char *const types[][2] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
};

/* The content type name's extension says; NULL: not a file to serve. */
static const char *
web_type(const char *name)
{
	const char	*dot;
	size_t		 i;

	if ((dot = strrchr(name, '.')) == NULL)
		return (NULL);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcmp(dot, types[i][0]))
			return (types[i][1]);
	}
	return (NULL);
}

/* Lower-case letters, digits, '.', '_' and '-', not starting with '.'. */
static int
web_name_ok(const char *name)
{
	size_t		len;

	len = strlen(name);
	return (len > 0 && len < WEB_NAME_MAX && name[0] != '.' &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == len);
}

static void
web_add(const char *dir, const char *gzdir, const char *name)
{
	struct web_file	*w;
	const char	*type;
	char		 path[512], gz[512];

	if (!web_name_ok(name) || (type = web_type(name)) == NULL)
		return;
	if (nfiles == WEB_MAX)
		fatalx("web: more than %d files in %s", WEB_MAX, dir);
	w = &files[nfiles];
	(void)snprintf(w->name, sizeof(w->name), "%s", name);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (gzdir != NULL)
		(void)snprintf(gz, sizeof(gz), "%s/%s.gz", gzdir, name);
	if (!asset_load(&w->f, path, gzdir != NULL ? gz : NULL, type))
		fatalx("web: cannot read %s", path);
	nfiles++;
}

/*
 * Every file of dir (TM_WEB, else assets/web), with the gzip copies the
 * build made in gzdir (TM_WEB_GZ) where there is one. The shell and the
 * 404 page must be there.
 */
void
web_load(const char *dir, const char *gzdir)
{
	struct dirent	*de;
	DIR		*d;

	if (dir == NULL)
		dir = "assets/web";
	if ((d = opendir(dir)) == NULL)
		fatalx("web: cannot open %s", dir);
	while ((de = readdir(d)) != NULL)
		web_add(dir, gzdir, de->d_name);
	(void)closedir(d);
	if (web_find("index.html") == NULL || web_find("404.html") == NULL)
		fatalx("web: %s has no index.html or 404.html", dir);
}

static const struct asset *
web_find(const char *name)
{
	size_t		i;

	for (i = 0; i < nfiles; i++) {
		if (!strcmp(files[i].name, name))
			return (&files[i].f);
	}
	return (NULL);
}

static void
web_headers(struct rq *r)
{
	http_response_header(r->req, "content-security-policy", csp);
	http_response_header(r->req, "referrer-policy", "same-origin");
}

static int
web_reply(struct rq *r, const struct asset *f, int status)
{
	web_headers(r);
	return (asset_reply(r, f, status));
}

/* A page path: the shell, which reads the path and draws the page. */
int
web_page(struct rq *r)
{
	if (r->pathid != NULL && !format_ok(JF_UUID, r->pathid))
		return (web_missing(r));
	return (web_reply(r, web_find("index.html"), 200));
}

/* GET /web/{name}: one of the catalogue's files. */
int
web_file(struct rq *r)
{
	const struct asset	*f;

	if ((f = web_find(r->pathid)) == NULL)
		return (web_missing(r));
	return (web_reply(r, f, 200));
}

/* The 404 page, for a path no route serves and no page is at. */
int
web_missing(struct rq *r)
{
	return (web_reply(r, web_find("404.html"), 404));
}

/*
 * /cong-nghe/{id}: the shell when the listing is published, asked the
 * way an anonymous GET /api/v1/technologies/{id} asks, so the page and
 * the API never disagree about what exists.
 */
int
web_technology(struct rq *r)
{
	const char	*p[2];

	switch (r->step) {
	case STEP_ASK:
		if (!format_ok(JF_UUID, r->pathid))
			return (web_missing(r));
		p[0] = r->pathid;
		p[1] = NULL;
		r->step = STEP_ANSWER;
		return (db_call(r, Q_TECH_GET, p, 2));
	default:
		if (!db_ok(r))
			return (reply_db_error(r, MSG_NOT_FOUND));
		if (db_rows(r) == 0)
			return (web_missing(r));
		return (web_listing(r));
	}
}

/*
 * The shell with the listing in it for readers without JavaScript
 * (html.c): made per request, so tagged per request, and not gzipped.
 */
static int
web_listing(struct rq *r)
{
	const struct asset	*shell;
	struct kore_buf		*b;
	const char		*inm;
	yajl_val		 doc;
	char			 etag[ETAG_LEN], err[64];

	shell = web_find("index.html");
	doc = json_parse(db_get(r, 0, 0), db_getlen(r, 0, 0), err,
	    sizeof(err));
	b = kore_buf_alloc(shell->len + 4096);
	html_shell(b, shell->body, shell->len, doc, r->lang);
	if (doc != NULL)
		yajl_tree_free(doc);
	etag_of(b->data, b->offset, etag, sizeof(etag));
	web_headers(r);
	/* The listing's labels are in the caller's language. */
	http_response_header(r->req, "vary", "accept-language");
	http_response_header(r->req, "etag", etag);
	reply_cache(r, "no-cache");
	if ((inm = header_get(r, "if-none-match")) != NULL &&
	    etag_listed(inm, etag)) {
		kore_buf_free(b);
		return (reply_empty(r, 304));
	}
	http_response_header(r->req, "content-type", shell->type);
	http_response(r->req, 200, b->data, b->offset);
	kore_buf_free(b);
	r->status = 200;
	return (RQ_DONE);
}
