/*
 * test_audit.c -- the audit chain's canonical bytes and links
 * (auditchain.c), against values PostgreSQL's audit_canonical() and
 * sha256() gave for the same entry, and an outside party's Python.
 */

#include <string.h>

#include <kore.h>

#include "app.h"
#include "test.h"

static void	canon_is(const char *, const char *);

/* PostgreSQL's jsonb text of the entry's changes, keys in its order. */
#define CHANGES	"{\"to\": \"accepted\", \"from\": \"quoted\", "	\
		"\"note\": \"Đồng ý \\\"giá\\\"\"}"
#define CANON	"{\"action\":\"quote.accept\",\"actor\":{\"id\":"	\
		"\"6f1c0e4e-7d1a-4b8e-9a55-1a2b3c4d5e6f\",\"role\":"	\
		"\"enterprise\"},\"at\":\"2026-12-02T03:04:05.123456Z\","	\
		"\"changes\":{\"from\":\"quoted\",\"note\":"		\
		"\"Đồng ý \\\"giá\\\"\",\"to\":\"accepted\"},\"entity\":" \
		"{\"id\":\"0b9d2a3e-1111-4c2d-8e8e-123456789abc\","	\
		"\"type\":\"quote_request\"},\"seq\":42}"
#define HASH	"78b42d66ae2471c0970e3d437f61ddb2"				\
		"332b66781c0ad36a927efd74cc13ff7c"

static void
canon_is(const char *json, const char *want)
{
	struct kore_buf	*b;
	int		 ok;

	b = kore_buf_alloc(64);
	ok = audit_canon_json(b, json);
	if (!CHECK(ok && b->offset == strlen(want) &&
	    memcmp(b->data, want, b->offset) == 0))
		fprintf(stderr, "  got %.*s\n  want %s\n", (int)b->offset,
		    (const char *)b->data, want);
	kore_buf_free(b);
}

void
test_audit(void)
{
	struct audit_entry	 e;
	struct kore_buf		*b;
	uint8_t			 zero[AUDIT_HASH_LEN], got[AUDIT_HASH_LEN];
	uint8_t			 want[AUDIT_HASH_LEN];

	/* Keys bytewise (é after z), numbers as written, escapes as PG. */
	canon_is("{\"a\": \"/\", \"b\": [1.50, {\"z\": null, "
	    "\"a\\u0001\": \"x\\ty\", \"é\": true}], \"ab\": 1000}",
	    "{\"a\":\"/\",\"ab\":1000,\"b\":[1.50,{\"a\\u0001\":\"x\\ty\","
	    "\"z\":null,\"é\":true}]}");
	canon_is("{}", "{}");
	canon_is("[]", "[]");
	canon_is("{\"k\": []}", "{\"k\":[]}");
	canon_is("\"\\b\\f\\n\\r\\\\\\u001f\"", "\"\\b\\f\\n\\r\\\\\\u001f\"");
	canon_is("{\"n\": -0.000120, \"big\": 123456789012345678901234567890}",
	    "{\"big\":123456789012345678901234567890,\"n\":-0.000120}");
	canon_is("{\"B\": 1, \"a\": 2, \"_\": 3}",
	    "{\"B\":1,\"_\":3,\"a\":2}");

	b = kore_buf_alloc(64);
	CHECK(!audit_canon_json(b, "{\"a\":"));
	CHECK(!audit_canon_json(b, "not json"));

	memset(&e, 0, sizeof(e));
	e.seq = "42";
	e.at = "2026-12-02T03:04:05.123456Z";
	e.actor_id = "6f1c0e4e-7d1a-4b8e-9a55-1a2b3c4d5e6f";
	e.role = "enterprise";
	e.action = "quote.accept";
	e.entity_type = "quote_request";
	e.entity_id = "0b9d2a3e-1111-4c2d-8e8e-123456789abc";
	e.changes = CHANGES;
	CHECK(audit_canonical(b, &e));
	CHECK(b->offset == strlen(CANON) &&
	    memcmp(b->data, CANON, b->offset) == 0);
	memset(zero, 0, sizeof(zero));
	audit_link(zero, b->data, b->offset, got);
	CHECK(audit_hash_parse(HASH, want));
	CHECK(memcmp(got, want, sizeof(got)) == 0);

	/* Each field counts: a changed byte anywhere is another hash. */
	e.at = "2026-12-02T03:04:05.123457Z";
	CHECK(audit_canonical(b, &e));
	audit_link(zero, b->data, b->offset, got);
	CHECK(memcmp(got, want, sizeof(got)) != 0);
	audit_link(want, CANON, strlen(CANON), got);
	CHECK(memcmp(got, want, sizeof(got)) != 0);

	/* The system has no id: null. */
	e.at = "2026-12-02T03:04:05.123456Z";
	e.actor_id = NULL;
	e.role = "system";
	CHECK(audit_canonical(b, &e));
	CHECK(strstr(kore_buf_stringify(b, NULL),
	    "\"actor\":{\"id\":null,\"role\":\"system\"}") != NULL);

	/* What the database could not have given. */
	e.seq = "4x";
	CHECK(!audit_canonical(b, &e));
	e.seq = "";
	CHECK(!audit_canonical(b, &e));
	e.seq = "42";
	e.changes = "{";
	CHECK(!audit_canonical(b, &e));
	e.changes = CHANGES;
	e.action = NULL;
	CHECK(!audit_canonical(b, &e));
	kore_buf_free(b);

	CHECK(!audit_hash_parse(NULL, want));
	CHECK(!audit_hash_parse("00", want));
	CHECK(!audit_hash_parse(HASH "00", want));
	CHECK(!audit_hash_parse("zzb42d66ae2471c0970e3d437f61ddb2332b66781c0ad"
	    "36a927efd74cc13ff7c", want));
	CHECK(audit_hash_parse("78B42D66AE2471C0970E3D437F61DDB2332B66781C0AD36A"
	    "927EFD74CC13FF7C", got) && memcmp(got, want, sizeof(got)) == 0);
}
