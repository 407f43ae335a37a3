/*
 * routes.c -- every route the server answers, who may call it and which
 * body it takes. tests/integration/test_openapi.py reads this table to
 * keep assets/openapi.json honest.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>

#include "app.h"

static int	segment_match(const char *, const char *, size_t, int *);
static int	path_match(const char *, const char *, const char **, size_t *);

const struct route routes[] = {
	{ "GET", "/healthz", ops_healthz, AUTH_NONE, NULL, 0 },
	{ "GET", "/readyz", ops_readyz, AUTH_NONE, NULL, 0 },
	{ "GET", "/metrics", ops_metrics, AUTH_NONE, NULL, 0 },
	{ "GET", "/api/v1/openapi.json", ops_openapi, AUTH_NONE, NULL, 0 },
	{ "POST", "/api/v1/accounts", accounts_register, AUTH_NONE,
	    account_register_body, 0 },
	{ "POST", "/api/v1/sessions", sessions_create, AUTH_NONE,
	    session_body, 0 },
	{ "DELETE", "/api/v1/sessions/current", sessions_delete, AUTH_ANY,
	    NULL, 0 },
	{ "GET", "/api/v1/me", accounts_me, AUTH_ANY, NULL, 0 },
	{ "PUT", "/api/v1/me/password", accounts_password,
	    AUTH_ANY | AUTH_SESSION,
	    password_body, 0 },
	{ "POST", "/api/v1/api-keys", apikeys_create,
	    AUTH_ANY | AUTH_SESSION,
	    apikey_body, 0 },
	{ "GET", "/api/v1/api-keys", apikeys_list, AUTH_ANY | AUTH_SESSION,
	    NULL, 0 },
	{ "DELETE", "/api/v1/api-keys/{id}", apikeys_delete,
	    AUTH_ANY | AUTH_SESSION,
	    NULL, 0 },
	{ "GET", "/api/v1/admin/accounts", admin_accounts_list, AUTH_ADMIN,
	    NULL, 0 },
	{ "POST", "/api/v1/admin/accounts", admin_accounts_create,
	    AUTH_ADMIN, admin_create_body, 0 },
	{ "PATCH", "/api/v1/admin/accounts/{id}", admin_accounts_patch,
	    AUTH_ADMIN, admin_patch_body, 0 },
	{ "GET", "/api/v1/technologies", tech_list, AUTH_NONE, NULL, 0 },
	{ "POST", "/api/v1/technologies", tech_create, AUTH_VENDOR,
	    tech_create_body, 0 },
	{ "GET", "/api/v1/technologies/{id}", tech_get,
	    AUTH_ANY | AUTH_OPTIONAL, NULL, 0 },
	{ "PATCH", "/api/v1/technologies/{id}", tech_patch, AUTH_VENDOR,
	    tech_patch_body, 0 },
	{ "DELETE", "/api/v1/technologies/{id}", tech_delete, AUTH_VENDOR,
	    NULL, 0 },
	{ "GET", "/api/v1/technologies/{id}/matches", tech_matches,
	    AUTH_VENDOR, NULL, 0 },
	{ "GET", "/api/v1/needs", need_list, AUTH_NONE, NULL, 0 },
	{ "POST", "/api/v1/needs", need_create, AUTH_ENTERPRISE,
	    need_create_body, 0 },
	{ "GET", "/api/v1/needs/{id}", need_get, AUTH_ANY | AUTH_OPTIONAL,
	    NULL, 0 },
	{ "PATCH", "/api/v1/needs/{id}", need_patch, AUTH_ENTERPRISE,
	    need_patch_body, 0 },
	{ "DELETE", "/api/v1/needs/{id}", need_delete, AUTH_ENTERPRISE,
	    NULL, 0 },
	{ "GET", "/api/v1/needs/{id}/matches", need_matches,
	    AUTH_ENTERPRISE, NULL, 0 },
	{ "POST", "/api/v1/quote-requests", quote_create, AUTH_ENTERPRISE,
	    quote_create_body, 0 },
	{ "GET", "/api/v1/quote-requests", quote_list,
	    AUTH_ENTERPRISE | AUTH_VENDOR, NULL, 0 },
	{ "GET", "/api/v1/quote-requests/{id}", quote_get, AUTH_ANY, NULL, 0 },
	/* The other moves' parties are checked per request: 404 or 403. */
	{ "POST", "/api/v1/quote-requests/{id}/quote", quote_quote, AUTH_ANY,
	    quote_quote_body, 0 },
	{ "POST", "/api/v1/quote-requests/{id}/accept", quote_accept,
	    AUTH_ANY, quote_note_body, 1 },
	{ "POST", "/api/v1/quote-requests/{id}/decline", quote_decline,
	    AUTH_ANY, quote_note_body, 1 },
	{ "POST", "/api/v1/quote-requests/{id}/withdraw", quote_withdraw,
	    AUTH_ANY, quote_note_body, 1 },
	{ "GET", "/api/v1/quote-requests/{id}/messages", quote_messages,
	    AUTH_ANY, NULL, 0 },
	{ "POST", "/api/v1/quote-requests/{id}/messages", quote_message_post,
	    AUTH_ANY, quote_message_body, 0 },
	{ "GET", "/api/v1/categories", ref_categories, AUTH_NONE, NULL, 0 },
	{ "GET", "/api/v1/sectors", ref_sectors, AUTH_NONE, NULL, 0 },
	{ "GET", "/api/v1/districts", ref_districts, AUTH_NONE, NULL, 0 },
	{ "GET", "/api/v1/funding-programs/{id}", program_get, AUTH_NONE,
	    NULL, 0 },
	{ "PATCH", "/api/v1/funding-programs/{id}", program_patch,
	    AUTH_AGENCY, program_patch_body, 0 },
	{ "PUT", "/api/v1/technologies/{id}/funding", flag_put, AUTH_AGENCY,
	    flag_body, 0 },
	{ "GET", "/api/v1/technologies/{id}/funding", flag_history,
	    AUTH_ANY | AUTH_OPTIONAL, NULL, 0 },
	{ "POST", "/api/v1/funding-applications", application_create,
	    AUTH_ENTERPRISE, application_body, 0 },
	{ "GET", "/api/v1/funding-applications", application_list,
	    AUTH_ENTERPRISE | AUTH_AGENCY, NULL, 0 },
	{ "GET", "/api/v1/funding-applications/{id}", application_get,
	    AUTH_ANY, NULL, 0 },
	/* The program's agency; anyone else 404, its enterprise 403. */
	{ "POST", "/api/v1/funding-applications/{id}/review",
	    application_review, AUTH_ANY, NULL, 0 },
	{ "POST", "/api/v1/funding-applications/{id}/decision",
	    application_decide, AUTH_ANY, decision_body, 0 },
	{ "GET", "/api/v1/keys", keys_list, AUTH_NONE, NULL, 0 },
	{ "GET", "/api/v1/funding-programs", ref_funding_programs, AUTH_NONE,
	    NULL, 0 },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/*
 * Match one pattern segment against a path segment of len bytes; "{id}"
 * takes any non-empty segment (handlers check it is a UUID).
 */
static int
segment_match(const char *pat, const char *seg, size_t len, int *param)
{
	size_t		plen;

	plen = strcspn(pat, "/");
	*param = (plen == 4 && !strncmp(pat, "{id}", 4));
	if (*param)
		return (len > 0);
	return (plen == len && !strncmp(pat, seg, len));
}

static int
path_match(const char *pat, const char *path, const char **idp, size_t *idl)
{
	size_t		len;
	int		param;

	*idp = NULL;
	while (*pat == '/' && *path == '/') {
		pat++;
		path++;
		len = strcspn(path, "/");
		if (!segment_match(pat, path, len, &param))
			return (0);
		if (param) {
			*idp = path;
			*idl = len;
		}
		pat += strcspn(pat, "/");
		path += len;
	}
	return (*pat == '\0' && *path == '\0');
}

/* The route for method and path; *wrong says the path exists otherwise. */
const struct route *
route_match(const char *method, const char *path, char **id, int *wrong)
{
	const char	*idp;
	size_t		 i, idl = 0;

	*wrong = 0;
	*id = NULL;
	for (i = 0; i < routes_count; i++) {
		if (!path_match(routes[i].path, path, &idp, &idl))
			continue;
		if (strcmp(routes[i].method, method)) {
			*wrong = 1;
			continue;
		}
		if (idp != NULL) {
			*id = kore_malloc(idl + 1);
			memcpy(*id, idp, idl);
			(*id)[idl] = '\0';
		}
		return (&routes[i]);
	}
	return (NULL);
}

/* The Allow header for a 405: every method the path answers. */
void
route_allow(const char *path, char *out, size_t len)
{
	const char	*idp;
	size_t		 i, idl, n;

	out[0] = '\0';
	for (i = 0, n = 0; i < routes_count && n < len; i++) {
		if (path_match(routes[i].path, path, &idp, &idl))
			n += snprintf(out + n, len - n, "%s%s", n ? ", " : "",
			    routes[i].method);
	}
}
