/*
 * auditchain.c -- the audit log's hash chain, pure: the canonical bytes
 * of an entry and one link, hash = SHA-256(prev_hash || canonical).
 * sql/functions/80_audit.sql writes the same bytes when it appends
 * (tm_canon_json, audit_canonical); the README defines them for anyone.
 */

#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

#include <sodium.h>
#include <yajl/yajl_tree.h>

#include "app.h"

/* Deeper than anything the log's small changes hold. */
#define CANON_DEPTH	32

static void	canon_str(struct kore_buf *, const char *);
static int	canon_value(struct kore_buf *, yajl_val, int);
static int	canon_object(struct kore_buf *, yajl_val, int);
static int	key_cmp(const void *, const void *);

/*
 * A string as PostgreSQL writes it in JSON (escape_json): '"', '\' and
 * the control characters escaped, everything else as its UTF-8 bytes.
 */
static void
canon_str(struct kore_buf *b, const char *s)
{
	const unsigned char	*p;

	kore_buf_append(b, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '\b':
			kore_buf_append(b, "\\b", 2);
			break;
		case '\f':
			kore_buf_append(b, "\\f", 2);
			break;
		case '\n':
			kore_buf_append(b, "\\n", 2);
			break;
		case '\r':
			kore_buf_append(b, "\\r", 2);
			break;
		case '\t':
			kore_buf_append(b, "\\t", 2);
			break;
		case '"':
			kore_buf_append(b, "\\\"", 2);
			break;
		case '\\':
			kore_buf_append(b, "\\\\", 2);
			break;
		default:
			if (*p < 0x20)
				kore_buf_appendf(b, "\\u%04x", *p);
			else
				kore_buf_append(b, p, 1);
			break;
		}
	}
	kore_buf_append(b, "\"", 1);
}

/* Object keys, bytewise (strcmp compares as unsigned char). */
static int
key_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

static int
canon_object(struct kore_buf *b, yajl_val v, int depth)
{
	size_t		 i, k, n;
	const char	**keys;
	int		 ok;

	n = v->u.object.len;
	keys = kore_calloc(n ? n : 1, sizeof(*keys));
	for (i = 0; i < n; i++)
		keys[i] = v->u.object.keys[i];
	qsort(keys, n, sizeof(*keys), key_cmp);
	ok = 1;
	kore_buf_append(b, "{", 1);
	for (i = 0; i < n && ok; i++) {
		if (i > 0)
			kore_buf_append(b, ",", 1);
		canon_str(b, keys[i]);
		kore_buf_append(b, ":", 1);
		/* The member of that key: keys are unique in jsonb. */
		for (k = 0; v->u.object.keys[k] != keys[i]; k++)
			;
		ok = canon_value(b, v->u.object.values[k], depth + 1);
	}
	kore_buf_append(b, "}", 1);
	kore_free(keys);
	return (ok);
}

/* Numbers are written as they came (yajl keeps the text). */
static int
canon_value(struct kore_buf *b, yajl_val v, int depth)
{
	size_t		i;

	if (depth > CANON_DEPTH)
		return (0);
	if (YAJL_IS_OBJECT(v))
		return (canon_object(b, v, depth));
	if (YAJL_IS_ARRAY(v)) {
		kore_buf_append(b, "[", 1);
		for (i = 0; i < v->u.array.len; i++) {
			if (i > 0)
				kore_buf_append(b, ",", 1);
			if (!canon_value(b, v->u.array.values[i], depth + 1))
				return (0);
		}
		kore_buf_append(b, "]", 1);
		return (1);
	}
	if (YAJL_IS_STRING(v))
		canon_str(b, v->u.string);
	else if (YAJL_IS_NUMBER(v) && v->u.number.r != NULL)
		kore_buf_append(b, v->u.number.r, strlen(v->u.number.r));
	else if (YAJL_IS_TRUE(v))
		kore_buf_append(b, "true", 4);
	else if (YAJL_IS_FALSE(v))
		kore_buf_append(b, "false", 5);
	else if (YAJL_IS_NULL(v))
		kore_buf_append(b, "null", 4);
	else
		return (0);
	return (1);
}

/* JSON text as canonical JSON into b; 0 if it is not JSON. */
int
audit_canon_json(struct kore_buf *b, const char *json)
{
	yajl_val	v;
	char		err[128];
	int		ok;

	if ((v = json_parse(json, strlen(json), err, sizeof(err))) == NULL)
		return (0);
	ok = canon_value(b, v, 0);
	yajl_tree_free(v);
	return (ok);
}

/*
 * The canonical bytes of an entry into b (emptied first): canonical JSON
 * of {"action","actor":{"id","role"},"at","changes","entity":{"id",
 * "type"},"seq"}, written in that order, which is the keys' bytewise
 * order. 0 when a field is missing or changes is not JSON.
 */
int
audit_canonical(struct kore_buf *b, const struct audit_entry *e)
{
	kore_buf_reset(b);
	if (e->seq == NULL || e->seq[0] == '\0' ||
	    strspn(e->seq, "0123456789") != strlen(e->seq) ||
	    e->at == NULL || e->role == NULL || e->action == NULL ||
	    e->entity_type == NULL || e->entity_id == NULL ||
	    e->changes == NULL)
		return (0);
	kore_buf_append(b, "{\"action\":", 10);
	canon_str(b, e->action);
	kore_buf_append(b, ",\"actor\":{\"id\":", 15);
	if (e->actor_id != NULL)
		canon_str(b, e->actor_id);
	else
		kore_buf_append(b, "null", 4);
	kore_buf_append(b, ",\"role\":", 8);
	canon_str(b, e->role);
	kore_buf_append(b, "},\"at\":", 7);
	canon_str(b, e->at);
	kore_buf_append(b, ",\"changes\":", 11);
	if (!audit_canon_json(b, e->changes))
		return (0);
	kore_buf_append(b, ",\"entity\":{\"id\":", 16);
	canon_str(b, e->entity_id);
	kore_buf_append(b, ",\"type\":", 8);
	canon_str(b, e->entity_type);
	kore_buf_append(b, "},\"seq\":", 8);
	kore_buf_append(b, e->seq, strlen(e->seq));
	kore_buf_append(b, "}", 1);
	return (1);
}

/* One link: out = SHA-256(prev || canonical bytes). */
void
audit_link(const uint8_t *prev, const void *canon, size_t len,
    uint8_t *out)
{
	crypto_hash_sha256_state	st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, AUDIT_HASH_LEN);
	crypto_hash_sha256_update(&st, canon, len);
	crypto_hash_sha256_final(&st, out);
}

/* 64 hex digits (either case) into 32 bytes; 0 for anything else. */
int
audit_hash_parse(const char *hex, uint8_t *out)
{
	size_t		len;
	const char	*end;

	if (hex == NULL || strlen(hex) != AUDIT_HASH_LEN * 2)
		return (0);
	return (sodium_hex2bin(out, AUDIT_HASH_LEN, hex, AUDIT_HASH_LEN * 2,
	    NULL, &len, &end) == 0 && len == AUDIT_HASH_LEN && *end == '\0');
}
