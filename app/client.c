/*
 * client.c -- which address a request comes from: the socket's peer,
 * or, when that peer is a proxy TM_TRUSTED_PROXIES names, the address
 * the proxies in front of us put in X-Forwarded-For. Only the entries
 * trusted proxies appended are believed: anything left of the first
 * untrusted one is the client's own text.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static int	addr_parse(const char *, size_t, struct net *);
static int	net_has(const struct net *, const struct net *);
static int	trusted(const struct proxies *, const struct net *);

/* An address, or with a CIDR suffix a network, of len bytes of s. */
static int
addr_parse(const char *s, size_t len, struct net *n)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long		 bits;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return (0);
	memcpy(buf, s, len);
	buf[len] = '\0';
	bits = -1;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		bits = strtol(slash, &end, 10);
		/* Bounded before it becomes an int: 2^32 - 1 would be -1. */
		if (*slash == '\0' || *end != '\0' || bits < 0 || bits > 128)
			return (0);
	}
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, buf, n->addr) == 1) {
		n->family = AF_INET;
		n->bits = bits < 0 ? 32 : (int)bits;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		n->family = AF_INET6;
		n->bits = bits < 0 ? 128 : (int)bits;
	} else
		return (0);
	return (n->bits <= (n->family == AF_INET ? 32 : 128));
}

/* "127.0.0.1, ::1, 10.0.0.0/8": 0 for a bad entry or too many. */
int
proxies_parse(const char *spec, struct proxies *p)
{
	const char	*s, *comma;
	size_t		 len;

	memset(p, 0, sizeof(*p));
	if (spec == NULL)
		return (1);
	for (s = spec; *s != '\0'; s = *comma ? comma + 1 : comma) {
		if ((comma = strchr(s, ',')) == NULL)
			comma = s + strlen(s);
		len = (size_t)(comma - s);
		if (strspn(s, " \t") >= len)
			continue;
		if (p->n == PROXIES_MAX || !addr_parse(s, len, &p->list[p->n]))
			return (0);
		p->n++;
	}
	return (1);
}

static int
net_has(const struct net *net, const struct net *a)
{
	int		full, rest;

	if (net->family != a->family)
		return (0);
	full = net->bits / 8;
	rest = net->bits % 8;
	if (memcmp(net->addr, a->addr, full) != 0)
		return (0);
	return (rest == 0 || ((net->addr[full] ^ a->addr[full]) &
	    (0xff << (8 - rest))) == 0);
}

static int
trusted(const struct proxies *p, const struct net *a)
{
	int		i;

	for (i = 0; i < p->n; i++) {
		if (net_has(&p->list[i], a))
			return (1);
	}
	return (0);
}

/*
 * The client's address as text in out: the peer unless it is trusted;
 * then X-Forwarded-For's entries right to left while each is trusted
 * too, stopping at the first that is not (the client) or that does not
 * parse (then the last trusted one, which we know sent the request).
 */
void
client_pick(const struct proxies *p, const char *peer, const char *xff,
    char *out, size_t len)
{
	struct net	 cur, next;
	const char	*end, *s;

	/* A socket without an address (none of ours): the unspecified. */
	if (!addr_parse(peer, strlen(peer), &cur)) {
		(void)snprintf(out, len, "::");
		return;
	}
	(void)snprintf(out, len, "%s", peer);
	if (!trusted(p, &cur) || xff == NULL)
		return;
	end = xff + strlen(xff);
	while (end > xff && trusted(p, &cur)) {
		for (s = end; s > xff && s[-1] != ','; s--)
			;
		if (!addr_parse(s, (size_t)(end - s), &next) ||
		    next.bits != (next.family == AF_INET ? 32 : 128))
			break;
		cur = next;
		end = s > xff ? s - 1 : s;
	}
	if (inet_ntop(cur.family, cur.addr, out, len) == NULL)
		(void)snprintf(out, len, "%s", peer);
}
