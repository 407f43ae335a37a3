/*
 * queries.c -- the table of named statements, made from queries.def.
 */

#include "app.h"

const struct query queries[Q_MAX] = {
#define Q(id, writes, nparams, sql)	[Q_##id] = { #id, writes, nparams, sql },
#include "queries.def"
#undef Q
};
