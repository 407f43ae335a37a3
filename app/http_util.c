/*
 * http_util.c -- the HTTP edges every handler shares: language and
 * request id, JSON and problem+json answers, body and query parsing,
 * keyset lists, ETag and If-Match.
 */

#include <sys/queue.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

static const char	*status_title(int, int);
static int		 query_parse(struct rq *);
static char		*url_decode(const char *, size_t);
static int		 content_type_ok(const char *);

struct title {
	int		 status;
	const char	*slug;
	const char	*vi;
	const char	*en;
};

static const struct title titles[] = {
	{ 400, "bad-request", "Yêu cầu không hợp lệ", "Bad request" },
	{ 401, "unauthorized", "Chưa xác thực", "Unauthorized" },
	{ 403, "forbidden", "Không có quyền", "Forbidden" },
	{ 404, "not-found", "Không tìm thấy", "Not found" },
	{ 405, "method-not-allowed", "Phương thức không được phép",
	    "Method not allowed" },
	{ 409, "conflict", "Xung đột trạng thái", "Conflict" },
	{ 412, "precondition-failed", "Phiên bản đã thay đổi",
	    "Precondition failed" },
	{ 413, "payload-too-large", "Nội dung quá lớn",
	    "Payload too large" },
	{ 415, "unsupported-media-type", "Kiểu nội dung không được hỗ trợ",
	    "Unsupported media type" },
	{ 422, "validation-error", "Dữ liệu không hợp lệ",
	    "Validation failed" },
	{ 428, "precondition-required", "Thiếu If-Match",
	    "Precondition required" },
	{ 429, "too-many-requests", "Quá nhiều lần thử",
	    "Too many requests" },
	{ 500, "internal-error", "Lỗi máy chủ", "Internal server error" },
	{ 503, "unavailable", "Dịch vụ tạm thời không sẵn sàng",
	    "Service unavailable" },
	{ 0, NULL, NULL, NULL }
};

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

int
reply_json(struct rq *r, int status, const char *body, size_t len)
{
	http_response_header(r->req, "content-type", "application/json");
	http_response(r->req, status, body, len);
	r->status = status;
	return (RQ_DONE);
}

int
reply_buf(struct rq *r, int status, struct kore_buf *b)
{
	reply_json(r, status, (const char *)b->data, b->offset);
	kore_buf_free(b);
	return (RQ_DONE);
}

int
reply_empty(struct rq *r, int status)
{
	http_response(r->req, status, NULL, 0);
	r->status = status;
	return (RQ_DONE);
}

static const char *
status_title(int status, int field)
{
	const struct title	*t;

	for (t = titles; t->status != 0; t++) {
		if (t->status == status)
			break;
	}
	if (t->status == 0)
		t = &titles[(status >= 500) ? 12 : 0];
	return (field == 0 ? t->slug : field == 1 ? t->vi : t->en);
}

static yajl_gen
problem_begin(struct rq *r, int status, const char *detail)
{
	yajl_gen	g;
	char		type[96];

	g = yajl_gen_alloc(NULL);
	(void)snprintf(type, sizeof(type), "urn:techmarket:problem:%s",
	    status_title(status, 0));
	yajl_gen_map_open(g);
	json_gen_kv(g, "type", type);
	json_gen_kv(g, "title", status_title(status,
	    r->lang == LANG_EN ? 2 : 1));
	json_gen_kint(g, "status", status);
	json_gen_kv(g, "detail", detail);
	json_gen_kv(g, "request_id", r->reqid);
	return (g);
}

static int
problem_end(struct rq *r, int status, yajl_gen g)
{
	char		*body;
	size_t		 len;

	yajl_gen_map_close(g);
	body = json_gen_take(g, &len);
	if (status == 401)
		http_response_header(r->req, "www-authenticate",
		    "Bearer realm=\"techmarket\"");
	if (status == 503)
		http_response_header(r->req, "retry-after", "1");
	http_response_header(r->req, "content-type",
	    "application/problem+json");
	http_response_header(r->req, "content-language",
	    r->lang == LANG_EN ? "en" : "vi");
	http_response(r->req, status, body, body ? len : 0);
	free(body);
	r->status = status;
	return (RQ_DONE);
}

int
reply_problem(struct rq *r, int status, const char *vi, const char *en)
{
	return (problem_end(r, status,
	    problem_begin(r, status, r->lang == LANG_EN ? en : vi)));
}

int
reply_invalid(struct rq *r, const struct verrors *ve)
{
	yajl_gen	g;
	char		msg[256];
	int		i;

	g = problem_begin(r, 422, r->lang == LANG_EN ?
	    "Some fields are invalid; see errors." :
	    "Một số trường không hợp lệ; xem errors.");
	json_gen_str(g, "errors");
	yajl_gen_array_open(g);
	for (i = 0; i < ve->n; i++) {
		yajl_gen_map_open(g);
		json_gen_kv(g, "field", ve->e[i].field);
		(void)snprintf(msg, sizeof(msg), "%s", ve->e[i].detail ?
		    ve->e[i].detail : verr_text(ve->e[i].code, r->lang));
		json_gen_kv(g, "message", msg);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	return (problem_end(r, 422, g));
}

/*
 * PostgreSQL errors by SQLSTATE class. Handlers that know better (which
 * unique key clashed) look first; everything else lands here, and a 5xx
 * never says more than that something failed.
 */
int
reply_db_error(struct rq *r)
{
	const char	*s;

	s = db_sqlstate(r);
	if (!strcmp(s, "23505"))
		return (reply_problem(r, 409, "Dữ liệu đã tồn tại",
		    "A record with these values already exists"));
	if (!strcmp(s, "23503") || !strcmp(s, "23514") ||
	    !strcmp(s, "23502") || !strncmp(s, "22", 2))
		return (reply_problem(r, 422, "Dữ liệu vi phạm ràng buộc",
		    "The data violates a rule of this resource"));
	if (!strcmp(s, "40001") || !strcmp(s, "40P01") ||
	    !strcmp(s, "55P03"))
		return (reply_problem(r, 409, "Xung đột đồng thời, hãy thử lại",
		    "Concurrent change; please retry"));
	if (!strncmp(s, "08", 2) || !strncmp(s, "57", 2) ||
	    !strncmp(s, "53", 2))
		return (reply_problem(r, 503, "Cơ sở dữ liệu tạm thời không "
		    "sẵn sàng", "The database is temporarily unavailable"));
	kore_log(LOG_ERR, "request %s: database error %s", r->reqid, s);
	return (reply_internal(r));
}

int
reply_internal(struct rq *r)
{
	return (reply_problem(r, 500, "Đã có lỗi xảy ra",
	    "Something went wrong on our side"));
}

/* Too many failed password checks: come back after retry seconds. */
int
reply_throttled(struct rq *r, const char *retry)
{
	http_response_header(r->req, "retry-after", retry);
	return (reply_problem(r, 429, "Nhập sai mật khẩu quá nhiều lần; "
	    "hãy thử lại sau", "Too many wrong passwords; try again later"));
}

/*
 * The body field a constraint guards: "organizations_address_check" ->
 * "organization.address", "technologies_category_fkey" -> "category";
 * anything after "__" only makes a name unique.
 */
static void
constraint_field(const char *c, char *out, size_t len)
{
	const char	*col, *end;
	size_t		 n;

	col = strchr(c, '_') ? strchr(c, '_') + 1 : c;
	n = strlen(col);
	if ((end = strstr(col, "__")) != NULL)
		n = end - col;
	else if (n > 6 && !strcmp(col + n - 6, "_check"))
		n -= 6;
	else if (n > 5 && !strcmp(col + n - 5, "_fkey"))
		n -= 5;
	(void)snprintf(out, len, "%s%.*s", strncmp(c, "organizations_", 14) ?
	    "" : "organization.", (int)n, col);
}

/*
 * A rule of the database that the validator could not see (a code that
 * is not in the reference data, text that NFC normalisation made longer,
 * a value a PATCH may not clear): a 422 naming the field.
 */
int
reply_constraint(struct rq *r)
{
	struct verrors	 ve;
	const char	*s;
	char		 field[64];

	s = db_sqlstate(r);
	if (*db_constraint(r) == '\0' || (strcmp(s, "23503") &&
	    strcmp(s, "23514") && strcmp(s, "23502")))
		return (reply_db_error(r));
	ve.n = 0;
	constraint_field(db_constraint(r), field, sizeof(field));
	verr_add(&ve, field, !strcmp(s, "23503") ? VERR_ONEOF :
	    !strcmp(s, "23502") ? VERR_REQUIRED : VERR_RULE, NULL);
	return (reply_invalid(r, &ve));
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

/* 1 with r->body set; 0 with the problem already answered. */
int
body_parse(struct rq *r, const struct field *spec)
{
	struct verrors	 ve;
	const char	*ct;
	char		 err[128];
	size_t		 len;

	/* Kore rewinds the buffer once the body is in: its length is here. */
	len = r->req->http_body ? r->req->content_length : 0;
	if (len > BODY_MAX) {
		reply_problem(r, 413, "Nội dung vượt quá 1 MiB",
		    "The body is larger than 1 MiB");
		return (0);
	}
	if (!http_request_header(r->req, "content-type", &ct) ||
	    !content_type_ok(ct)) {
		reply_problem(r, 415, "Nội dung phải là application/json",
		    "The body must be application/json");
		return (0);
	}
	if (len == 0 || (r->body = json_parse((const char *)
	    r->req->http_body->data, len, err, sizeof(err))) == NULL) {
		reply_problem(r, 400, "JSON không hợp lệ hoặc rỗng",
		    "The body is not valid JSON");
		return (0);
	}
	if (!validate(r->body, spec, &ve)) {
		reply_invalid(r, &ve);
		return (0);
	}
	return (1);
}

static char *
url_decode(const char *s, size_t len)
{
	char		*out;
	size_t		 i, o;
	int		 hi, lo;

	out = kore_malloc(len + 1);
	for (i = o = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			hi = isdigit((unsigned char)s[i + 1]) ? s[i + 1] - '0' :
			    (tolower((unsigned char)s[i + 1]) - 'a' + 10);
			lo = isdigit((unsigned char)s[i + 2]) ? s[i + 2] - '0' :
			    (tolower((unsigned char)s[i + 2]) - 'a' + 10);
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '%') {
			kore_free(out);
			return (NULL);
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	if (strlen(out) != o || !utf8_valid(out, o, &i)) {
		kore_free(out);
		return (NULL);
	}
	return (out);
}

/* 0 when the query string is malformed (bad escapes, UTF-8, NUL). */
static int
query_parse(struct rq *r)
{
	const char	*p, *amp, *eq, *end;

	if (r->qs_parsed)
		return (r->qs_parsed == 1);
	r->qs_parsed = -1;
	p = r->req->query_string;
	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		end = amp ? amp : p + strlen(p);
		if (end != p) {
			if (r->nqs >= QS_MAX)
				return (0);
			eq = memchr(p, '=', end - p);
			r->qs_key[r->nqs] = url_decode(p, (eq ? eq : end) - p);
			r->qs_val[r->nqs] = eq ? url_decode(eq + 1,
			    end - eq - 1) : kore_strdup("");
			r->nqs++;
			if (r->qs_key[r->nqs - 1] == NULL ||
			    r->qs_val[r->nqs - 1] == NULL)
				return (0);
		}
		p = amp ? amp + 1 : NULL;
	}
	r->qs_parsed = 1;
	return (1);
}

void
query_free(struct rq *r)
{
	int		i;

	for (i = 0; i < r->nqs; i++) {
		kore_free(r->qs_key[i]);
		kore_free(r->qs_val[i]);
	}
	r->nqs = 0;
}

const char *
query_arg(struct rq *r, const char *name)
{
	int		i;

	if (!query_parse(r))
		return (NULL);
	for (i = 0; i < r->nqs; i++) {
		if (!strcmp(r->qs_key[i], name))
			return (r->qs_val[i]);
	}
	return (NULL);
}

/* Unknown or repeated parameters are a client's bug: say so (400). */
int
query_check(struct rq *r, const char *const *allowed)
{
	const char *const	*a;
	int			 i, k;

	if (!query_parse(r))
		return (reply_problem(r, 400, "Tham số truy vấn sai định dạng",
		    "Malformed query string"), 0);
	for (i = 0; i < r->nqs; i++) {
		for (a = allowed; *a != NULL; a++) {
			if (!strcmp(*a, r->qs_key[i]))
				break;
		}
		for (k = 0; k < i; k++) {
			if (!strcmp(r->qs_key[k], r->qs_key[i]))
				break;
		}
		if (*a == NULL || k < i)
			return (reply_problem(r, 400, "Tham số truy vấn không "
			    "được hỗ trợ hoặc bị lặp lại", "Unknown or "
			    "repeated query parameter"), 0);
	}
	return (1);
}

int
query_limit(struct rq *r, int *limit)
{
	const char	*v;
	char		*end;
	long		 n;

	*limit = LIST_LIMIT_DEFAULT;
	if ((v = query_arg(r, "limit")) == NULL)
		return (1);
	n = strtol(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end != '\0' || n < 1 ||
	    n > LIST_LIMIT_MAX)
		return (reply_problem(r, 400, "limit phải từ 1 đến 100",
		    "limit must be between 1 and 100"), 0);
	*limit = (int)n;
	return (1);
}

/*
 * Every list's paging: limit into r->limit, the "limit + 1" rows the
 * statement fetches, and the cursor of list ctx split into its sort key
 * and id (both NULL on the first page). 0 after answering 400.
 */
int
query_page(struct rq *r, const char *ctx)
{
	struct page	*p = &r->page;
	const char	*v;
	char		*bar;

	if (!query_limit(r, &r->limit))
		return (0);
	(void)snprintf(p->fetch, sizeof(p->fetch), "%d", r->limit + 1);
	if ((v = query_arg(r, "cursor")) == NULL)
		return (1);
	if (!cursor_decode(ctx, v, p->buf, sizeof(p->buf)) ||
	    (bar = strchr(p->buf, '|')) == NULL ||
	    !format_ok(JF_UUID, bar + 1))
		return (reply_problem(r, 400, "cursor không hợp lệ",
		    "Invalid cursor"), 0);
	*bar = '\0';
	p->key = p->buf;
	p->id = bar + 1;
	return (1);
}

/*
 * A list under an object of the caller's, {id} in the path: first
 * whether the caller may see the object (owned: $1 id, $2 the caller's
 * organization, one row or 404), then the page (query: $1 and $2 the
 * same, $3 and $4 the cursor, $5 the page size + 1).
 */
int
owned_list(struct rq *r, int owned, int query, const char *ctx)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };
	const char		*org;

	org = r->who.org_id[0] ? r->who.org_id : NULL;
	switch (r->step) {
	case 0:
		if (!format_ok(JF_UUID, r->pathid))
			return (reply_problem(r, 404, "Không tìm thấy",
			    "Not found"));
		if (!query_check(r, allowed) || !query_page(r, ctx))
			return (RQ_DONE);
		r->step = 1;
		return (db_one(r, owned, 2, r->pathid, org));
	case 1:
		if (!db_ok(r))
			return (reply_db_error(r));
		if (db_rows(r) != 1)
			return (reply_problem(r, 404, "Không tìm thấy",
			    "Not found"));
		r->step = 2;
		return (db_one(r, query, 5, r->pathid, org, r->page.key,
		    r->page.id, r->page.fetch));
	default:
		return (reply_list(r, ctx, r->limit));
	}
}

/*
 * Rows are (doc, cursor key); the statement fetched limit + 1 of them
 * so the extra row says whether another page exists.
 */
int
reply_list(struct rq *r, const char *ctx, int limit)
{
	struct kore_buf	*b;

	if (!db_ok(r))
		return (reply_db_error(r));
	b = list_build(r, ctx, limit);
	kore_buf_append(b, "}", 1);
	return (reply_buf(r, 200, b));
}

/* {"items":[...],"next_cursor":... without the closing brace. */
struct kore_buf *
list_build(struct rq *r, const char *ctx, int limit)
{
	struct kore_buf	*b;
	char		*cur;
	int		 i, n;

	n = db_rows(r);
	b = kore_buf_alloc(4096);
	kore_buf_append(b, "{\"items\":[", 10);
	for (i = 0; i < n && i < limit; i++) {
		if (i > 0)
			kore_buf_append(b, ",", 1);
		kore_buf_append(b, db_get(r, i, 0), db_getlen(r, i, 0));
	}
	kore_buf_append(b, "],\"next_cursor\":", 16);
	if (n > limit && (cur = cursor_encode(ctx,
	    db_get(r, limit - 1, 1))) != NULL) {
		kore_buf_appendf(b, "\"%s\"", cur);
		free(cur);
	} else
		kore_buf_append(b, "null", 4);
	return (b);
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

/*
 * Row 0 holds a resource's document at col and its version after it;
 * no row is a 404 with the resource's own words.
 */
int
reply_doc(struct rq *r, int status, int col, const char *vi,
    const char *en)
{
	const char	*doc, *ver;

	if ((doc = db_get(r, 0, col)) == NULL)
		return (reply_problem(r, 404, vi, en));
	if ((ver = db_get(r, 0, col + 1)) != NULL)
		header_etag(r, ver);
	return (reply_json(r, status, doc, strlen(doc)));
}

/*
 * A PATCH function's row (result, doc, version): "ok", "not_found",
 * "stale" (If-Match), "move:<status>" for a lifecycle it forbids,
 * "forbidden" for a move that is the other party's, "field:<name>" for
 * a field the database found wrong (a reference, a date).
 */
int
reply_patched(struct rq *r, const char *vi, const char *en)
{
	struct verrors	 ve;
	const char	*res;
	char		 mvi[128], men[128];

	if (!db_ok(r))
		return (reply_constraint(r));
	if ((res = db_get(r, 0, 0)) == NULL || !strcmp(res, "not_found"))
		return (reply_problem(r, 404, vi, en));
	if (!strcmp(res, "forbidden"))
		return (reply_problem(r, 403, "Việc này là của bên kia",
		    "This is the other party's to do"));
	if (!strncmp(res, "field:", 6)) {
		ve.n = 0;
		verr_add(&ve, res + 6, !strcmp(res + 6, "valid_until") ?
		    VERR_PAST : VERR_NO_SUCH, NULL);
		return (reply_invalid(r, &ve));
	}
	if (!strcmp(res, "stale"))
		return (reply_problem(r, 412, "Dữ liệu đã bị thay đổi; hãy "
		    "tải lại", "It has changed since; fetch it again"));
	if (!strncmp(res, "move:", 5)) {
		(void)snprintf(mvi, sizeof(mvi), "Không được chuyển trạng "
		    "thái từ %s sang trạng thái đã gửi", res + 5);
		(void)snprintf(men, sizeof(men), "The status cannot move "
		    "from %s to the one sent", res + 5);
		return (reply_problem(r, 409, mvi, men));
	}
	return (reply_doc(r, 200, 1, vi, en));
}

const char *
header_get(struct rq *r, const char *name)
{
	const char	*v;

	if (!http_request_header(r->req, name, &v))
		return (NULL);
	return (v);
}

void
header_etag(struct rq *r, const char *version)
{
	char		etag[32];

	(void)snprintf(etag, sizeof(etag), "\"%s\"", version);
	http_response_header(r->req, "etag", etag);
}

/*
 * If-Match: "<version>" into out. 1 when given, 0 when absent (and not
 * required) or "*", -1 after answering 428 or 412 for a missing one or
 * one that cannot match (weak tags never do: RFC 9110 compares strongly).
 */
int
if_match(struct rq *r, char *out, size_t len, int required)
{
	const char	*v;
	size_t		 n;

	if ((v = header_get(r, "if-match")) == NULL) {
		if (!required)
			return (0);
		reply_problem(r, 428, "Cần gửi If-Match với ETag hiện tại",
		    "Send If-Match with the current ETag");
		return (-1);
	}
	/* Any current version: as good as no condition for an update. */
	if (!strcmp(v, "*"))
		return (0);
	n = strlen(v);
	/* Versions are int4: a longer number can match nothing. */
	if (n < 3 || n - 2 >= len || n - 2 > 9 || v[0] != '"' ||
	    v[n - 1] != '"' || strspn(v + 1, "0123456789") != n - 2) {
		reply_problem(r, 412, "ETag không khớp phiên bản hiện tại",
		    "The ETag does not match the current version");
		return (-1);
	}
	memcpy(out, v + 1, n - 2);
	out[n - 2] = '\0';
	return (1);
}
