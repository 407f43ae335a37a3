/*
 * matches.c -- ranked matches between needs and technologies, for the
 * need's enterprise and the technology's vendor. The scoring is SQL
 * (tm_match() in sql/functions/); this is the paging around it.
 */

#include "app.h"

int
need_matches(struct rq *r)
{
	return (owned_list(r, Q_NEED_OWNED, Q_NEED_MATCHES, "need:matches",
	    MSG_NO_SUCH_NEED));
}

int
tech_matches(struct rq *r)
{
	return (owned_list(r, Q_TECH_OWNED, Q_TECH_MATCHES, "tech:matches",
	    MSG_NO_SUCH_TECHNOLOGY));
}
