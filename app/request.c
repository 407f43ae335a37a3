/*
 * request.c -- reading a request: language, request id, the JSON body,
 * headers, If-Match, query parameters, and who the caller acts for.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

static int	content_type_ok(const char *);

/* Accept-Language: the best-weighted of vi and en; vi by default. */
int
http_lang(struct http_request *req)
{
	const char	*h, *p;
	double		 q, best_q;
	int		 lang, best;

	if (!http_request_header(req, "accept-language", &h))
		return (LANG_VI);
	best = LANG_VI;
	best_q = -1;
	for (p = h; *p != '\0'; p++) {
		while (*p == ' ' || *p == ',')
			p++;
		lang = -1;
		if (!strncasecmp(p, "vi", 2))
			lang = LANG_VI;
		else if (!strncasecmp(p, "en", 2))
			lang = LANG_EN;
		while (*p != '\0' && *p != ',' && *p != ';')
			p++;
		q = 1.0;
		if (*p == ';' && !strncmp(p, ";q=", 3))
			q = strtod(p + 3, NULL);
		while (*p != '\0' && *p != ',')
			p++;
		if (lang != -1 && q > best_q) {
			best = lang;
			best_q = q;
		}
		if (*p == '\0')
			break;
	}
	return (best);
}

/* The caller's X-Request-Id when it is sane, else a fresh random one. */
void
http_reqid(struct http_request *req, char *out, size_t len)
{
	const char	*h, *p;
	uint8_t		 rnd[8];

	if (http_request_header(req, "x-request-id", &h) &&
	    strlen(h) > 0 && strlen(h) < len && strlen(h) <= 64) {
		for (p = h; *p != '\0'; p++) {
			if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
				break;
		}
		if (*p == '\0') {
			kore_strlcpy(out, h, len);
			return;
		}
	}
	randombytes_buf(rnd, sizeof(rnd));
	hex_encode(rnd, sizeof(rnd), out);
}

static int
content_type_ok(const char *ct)
{
	const char	*p;

	if (strncasecmp(ct, "application/json", 16))
		return (0);
	for (p = ct + 16; *p == ' '; p++)
		;
	if (*p == '\0')
		return (1);
	if (*p++ != ';')
		return (0);
	while (*p == ' ')
		p++;
	return (!strncasecmp(p, "charset=utf-8", 13) ||
	    !strncasecmp(p, "charset=\"utf-8\"", 15));
}

/* The body parsed into r->body and valid against spec. */
int
body_parse(struct rq *r, const struct field *spec)
{
	struct verrors	 ve;
	const char	*ct;
	char		 err[128];
	size_t		 len;

	/* Read and dropped (edge.c): over 1 MiB, or over the budget. */
	switch (edge_body_refused(r->req)) {
	case 413:
		reply_problem(r, 413, MSG_BODY_TOO_LARGE);
		return (KORE_RESULT_ERROR);
	case 503:
		reply_problem(r, 503, MSG_BODIES_BUSY);
		return (KORE_RESULT_ERROR);
	}
	/* Kore rewinds the buffer once the body is in: its length is here. */
	len = r->req->http_body ? r->req->content_length : 0;
	if (len > BODY_MAX) {
		reply_problem(r, 413, MSG_BODY_TOO_LARGE);
		return (KORE_RESULT_ERROR);
	}
	if (!http_request_header(r->req, "content-type", &ct) ||
	    !content_type_ok(ct)) {
		reply_problem(r, 415, MSG_MEDIA_TYPE);
		return (KORE_RESULT_ERROR);
	}
	if (len == 0 || (r->body = json_parse((const char *)
	    r->req->http_body->data, len, err, sizeof(err))) == NULL) {
		reply_problem(r, 400, MSG_BAD_JSON);
		return (KORE_RESULT_ERROR);
	}
	if (!validate(r->body, spec, &ve)) {
		reply_invalid(r, &ve);
		return (KORE_RESULT_ERROR);
	}
	return (KORE_RESULT_OK);
}

/*
 * The request body as a C string, for a jsonb parameter. Kore rewound
 * the buffer, so its end is content_length, not offset.
 */
char *
body_text(struct rq *r)
{
	struct kore_buf	*b = r->req->http_body;

	b->offset = r->req->content_length;
	return ((char *)kore_buf_stringify(b, NULL));
}

const char *
header_get(struct rq *r, const char *name)
{
	const char	*v;

	if (!http_request_header(r->req, name, &v))
		return (NULL);
	return (v);
}

/*
 * The target of a change: the {id} in the path, of format (else 404 in
 * not_found's words), and in *version the version If-Match names, kept
 * in buf; NULL when there is none (allowed unless required: 428) or it
 * is "*", any version. One that cannot match is 412 (weak tags never
 * do: RFC 9110 compares strongly).
 */
int
change_target(struct rq *r, int format, int required, enum msg not_found,
    char *buf, size_t len, const char **version)
{
	if (!format_ok(format, r->pathid)) {
		reply_problem(r, 404, not_found);
		return (KORE_RESULT_ERROR);
	}
	return (if_match(r, required, buf, len, version));
}

/* The version If-Match names, as change_target() says. */
int
if_match(struct rq *r, int required, char *buf, size_t len,
    const char **version)
{
	const char	*v;

	*version = NULL;
	if ((v = header_get(r, "if-match")) == NULL) {
		if (!required)
			return (KORE_RESULT_OK);
		reply_problem(r, 428, MSG_IF_MATCH_REQUIRED);
		return (KORE_RESULT_ERROR);
	}
	if (!strcmp(v, "*"))
		return (KORE_RESULT_OK);
	if (!etag_version(v, buf, len)) {
		reply_problem(r, 412, MSG_ETAG_MISMATCH);
		return (KORE_RESULT_ERROR);
	}
	*version = buf;
	return (KORE_RESULT_OK);
}

/* Whether the request only reads: GET, or HEAD (a GET without a body). */
int
reading(struct rq *r)
{
	return (r->req->method == HTTP_METHOD_GET ||
	    r->req->method == HTTP_METHOD_HEAD);
}

/* A query parameter's value; NULL when absent or the string is bad. */
const char *
query_arg(struct rq *r, const char *name)
{
	if (!qs_parse(&r->qs, r->req->query_string))
		return (NULL);
	return (qs_get(&r->qs, name));
}

/* Unknown, repeated or malformed parameters are a client's bug: 400. */
int
query_check(struct rq *r, const char *const *allowed)
{
	const char	*bad;
	char		 name[64];
	int		 repeated;

	if (!qs_parse(&r->qs, r->req->query_string)) {
		reply_problem(r, 400, MSG_QUERY_MALFORMED);
		return (KORE_RESULT_ERROR);
	}
	if ((bad = qs_unknown(&r->qs, allowed, &repeated)) == NULL)
		return (KORE_RESULT_OK);
	/* A name, not a book. */
	(void)snprintf(name, sizeof(name), "%s", bad);
	utf8_cut(name);
	reply_problemf(r, 400, repeated ? MSG_QUERY_REPEATED :
	    MSG_QUERY_UNKNOWN, name, NULL);
	return (KORE_RESULT_ERROR);
}

/* Free text to search for, in *q (NULL when absent or empty). */
int
query_q(struct rq *r, const char **q)
{
	size_t		chars;

	*q = query_arg(r, "q");
	/* Anything is searched for, but not a book. */
	if (*q != NULL && (!utf8_valid(*q, strlen(*q), &chars) ||
	    chars > 200)) {
		reply_problem(r, 400, MSG_Q_TOO_LONG);
		return (KORE_RESULT_ERROR);
	}
	if (*q != NULL && **q == '\0')
		*q = NULL;
	return (KORE_RESULT_OK);
}

/* A parameter's value is not one it may take: 400 naming it. */
int
reply_bad_param(struct rq *r, const char *name)
{
	return (reply_problemf(r, 400, MSG_QUERY_VALUE, name, NULL));
}

/* Agencies and admins belong to no organization: NULL. */
const char *
caller_org(struct rq *r)
{
	return (r->who.org_id[0] ? r->who.org_id : NULL);
}

const char *
caller_agency(struct rq *r)
{
	return (r->who.agency[0] ? r->who.agency : NULL);
}

_Static_assert(CLIENT_ADDR_LEN >= INET6_ADDRSTRLEN, "CLIENT_ADDR_LEN");

/* The proxies whose X-Forwarded-For is believed (TM_TRUSTED_PROXIES). */
static struct proxies	trusted_proxies;

/* 0 when TM_TRUSTED_PROXIES is malformed; app_init says so. */
int
client_init(void)
{
	return (proxies_parse(getenv("TM_TRUSTED_PROXIES"),
	    &trusted_proxies));
}

/* The address the request comes from (client.c), worked out once. */
const char *
rq_client(struct rq *r)
{
	char	peer[INET6_ADDRSTRLEN];

	if (r->client[0] == '\0')
		client_pick(&trusted_proxies, peer_text(r->req->owner, peer,
		    sizeof(peer)), header_get(r, "x-forwarded-for"),
		    r->client, sizeof(r->client));
	return (r->client);
}

/* The client's address as text; "-" for a socket without one. */
const char *
peer_text(struct connection *c, char *out, size_t len)
{
	const void	*a;

	if (c->family == AF_INET)
		a = &c->addr.ipv4.sin_addr;
	else if (c->family == AF_INET6)
		a = &c->addr.ipv6.sin6_addr;
	else
		a = NULL;
	if (a == NULL || inet_ntop(c->family, a, out, len) == NULL)
		(void)snprintf(out, len, "-");
	return (out);
}
