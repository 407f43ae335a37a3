/*
 * assets.c -- files answered as they are (the OpenAPI document, the web
 * catalogue's pages, scripts and styles): read once at start and served
 * from memory, with a tag of their bytes so that a client revalidates
 * with a 304, and the gzip the build made of them for a client that
 * takes it. Nothing is compressed per request.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

static char	*file_read(const char *, size_t *);

/* The whole file at path, or NULL when it cannot be read or is empty. */
static char *
file_read(const char *path, size_t *len)
{
	struct stat	 st;
	char		*buf;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return (NULL);
	buf = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		buf = kore_malloc(st.st_size);
		if (read(fd, buf, st.st_size) != st.st_size) {
			kore_free(buf);
			buf = NULL;
		}
		*len = st.st_size;
	}
	(void)close(fd);
	return (buf);
}

/*
 * path into f as type; its gzip from gz when gz is not NULL and can be
 * read (the build may not have made one: it is then served plain).
 * 0 when path cannot be read.
 */
int
asset_load(struct asset *f, const char *path, const char *gz,
    const char *type)
{
	memset(f, 0, sizeof(*f));
	f->type = type;
	if ((f->body = file_read(path, &f->len)) == NULL)
		return (0);
	etag_of(f->body, f->len, f->etag, sizeof(f->etag));
	/* Each encoding is its own representation, with its own tag. */
	if (gz != NULL && (f->gz = file_read(gz, &f->gzlen)) != NULL)
		etag_of(f->gz, f->gzlen, f->gzetag, sizeof(f->gzetag));
	return (1);
}

/*
 * f with status; a 200 whose If-None-Match names the tag of the
 * encoding the client would get is a 304 instead.
 */
int
asset_reply(struct rq *r, const struct asset *f, int status)
{
	const char	*inm, *etag;
	int		 gz;

	gz = f->gz != NULL &&
	    gzip_accepted(header_get(r, "accept-encoding"));
	etag = gz ? f->gzetag : f->etag;
	if (f->gz != NULL)
		http_response_header(r->req, "vary", "accept-encoding");
	http_response_header(r->req, "etag", etag);
	/* Kept, but asked about again: a deploy shows at once. */
	reply_cache(r, "no-cache");
	if (status == 200 && (inm = header_get(r, "if-none-match")) != NULL &&
	    etag_listed(inm, etag))
		return (reply_empty(r, 304));
	http_response_header(r->req, "content-type", f->type);
	if (gz)
		http_response_header(r->req, "content-encoding", "gzip");
	http_response(r->req, status, gz ? f->gz : f->body,
	    gz ? f->gzlen : f->len);
	r->status = status;
	return (RQ_DONE);
}
