/*
 * matches.c -- ranked matches between needs and technologies, for the
 * need's enterprise and the technology's vendor. The scoring is SQL
 * (tm_match() in sql/004_market.sql); this is the paging around it.
 */

#include <stdio.h>
#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include "app.h"

int
need_matches(struct rq *r)
{
	return (owned_list(r, Q_NEED_OWNED, Q_NEED_MATCHES, "need:matches"));
}

int
tech_matches(struct rq *r)
{
	return (owned_list(r, Q_TECH_OWNED, Q_TECH_MATCHES, "tech:matches"));
}
