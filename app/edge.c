/*
 * edge.c -- what a worker holds before the handler runs: open
 * connections per client address, the body bytes in flight, and bodies
 * read and dropped (a GET's, one over 1 MiB, one over the budget).
 *
 * Kore buffers a body whole before the module sees the request and
 * leaves a GET's body unread in the socket. The listener's connect
 * callback (edge_accept) lets the module count a connection and read
 * its headers through edge_header_recv, which runs Kore's parser and
 * then decides what becomes of the body.
 */

#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <sodium.h>

#include "app.h"

/* Bodies up to this size are always taken: the API's own are. */
#define BODY_SMALL	(64 * 1024)
/* What larger bodies one worker holds at once, all requests together. */
#define BODY_BUDGET	(32 * 1024 * 1024)
#define PEER_BUCKETS	1024

/* An IPv4 address or an IPv6 /64, and which of the two. */
#define PEER_KEY	9

/* Open connections of one address in this worker. */
struct peer {
	struct peer	*next;
	uint8_t		 key[PEER_KEY];
	uint32_t	 conns;
};

/* A large body this worker holds, until its request is freed. */
struct held {
	struct held		*next;
	struct http_request	*req;
	size_t			 len;
};

static int		 peer_key(struct connection *, uint8_t *);
static struct peer	**peer_slot(const uint8_t *);
static void		 edge_gone(struct connection *);
static int		 edge_header_recv(struct netbuf *);
static size_t		 header_len(struct netbuf *);
static void		 body_decide(struct connection *, struct http_request *,
			    size_t);
static void		 body_drop(struct connection *, struct http_request *,
			    size_t);
static void		 drain_start(struct connection *,
			    struct http_request *, size_t);
static int		 drain_recv(struct netbuf *);

static struct peer	*peers[PEER_BUCKETS];
static uint32_t		 conn_cap;
static struct held	*helds;
static size_t		 held_bytes;

/*
 * TM_CONN_PER_ADDR counts over all workers; each worker keeps its share
 * (an address's connections are spread over the workers by who accepts
 * first, so it may meet the cap a little before the total). Kore's
 * worker_count holds two slots more than the workers that serve (its
 * key manager's and ACME's, KORE_WORKER_BASE): counted, the share was
 * half of what the setting says.
 */
void
edge_init(const char *per_addr)
{
	long long	 n;
	uint32_t	 workers;
	int		 err;

	n = 256;
	if (per_addr != NULL && (n = kore_strtonum(per_addr, 10, 0, 1000000,
	    &err), err != KORE_RESULT_OK))
		fatalx("TM_CONN_PER_ADDR must be 0..1000000");
	workers = worker_count > KORE_WORKER_BASE ?
	    worker_count - KORE_WORKER_BASE : 1;
	conn_cap = n == 0 ? 0 : (uint32_t)((n + workers - 1) / workers);
}

/* The listener's connect callback: count the address, then speak HTTP. */
void
edge_accept(struct connection *c)
{
	struct peer	**slot, *p;
	uint8_t		 key[PEER_KEY];

	if (conn_cap != 0 && peer_key(c, key)) {
		slot = peer_slot(key);
		for (p = *slot; p != NULL; p = p->next)
			if (!memcmp(p->key, key, sizeof(key)))
				break;
		if (p != NULL && p->conns >= conn_cap) {
			/* Nothing was read: closing is the only answer. */
			kore_connection_disconnect(c);
			return;
		}
		if (p == NULL) {
			p = kore_calloc(1, sizeof(*p));
			memcpy(p->key, key, sizeof(key));
			p->next = *slot;
			*slot = p;
		}
		p->conns++;
		c->disconnect = edge_gone;
	}
	c->proto = CONN_PROTO_HTTP;
	if (http_keepalive_time != 0)
		c->idle_timer.length = http_keepalive_time * 1000;
	net_recv_queue(c, http_header_max, NETBUF_CALL_CB_ALWAYS,
	    edge_header_recv);
}

/*
 * After an answer Kore reads the next request with its own parser:
 * put this one back (the answer's http_start_recv just set Kore's).
 */
void
edge_rearm(struct http_request *req)
{
	struct connection	*c = req->owner;

	if (c != NULL && c->rnb != NULL && c->rnb->cb == http_header_recv)
		c->rnb->cb = edge_header_recv;
}

/*
 * What became of a body the handler does not get: 413 over the
 * contract's limit, 503 over the worker's budget, 0 when the request
 * has its body or never had one.
 */
int
edge_body_refused(struct http_request *req)
{
	if (!(req->method & (HTTP_METHOD_POST | HTTP_METHOD_PUT |
	    HTTP_METHOD_PATCH)) || req->http_body != NULL ||
	    req->http_body_length == 0)
		return (0);
	return (req->http_body_length > BODY_MAX ? 413 : 503);
}

/* 1 when a GET's or DELETE's body is still unread in the connection. */
int
edge_body_unread(struct http_request *req)
{
	const char	*cl;

	if (req->method & (HTTP_METHOD_POST | HTTP_METHOD_PUT |
	    HTTP_METHOD_PATCH) || req->http_body_length != 0)
		return (0);
	return (http_request_header(req, "content-length", &cl) &&
	    strcmp(cl, "0") != 0);
}

static int
peer_key(struct connection *c, uint8_t *key)
{
	switch (c->family) {
	case AF_INET:
		memset(key, 0, PEER_KEY);
		memcpy(key, &c->addr.ipv4.sin_addr, 4);
		return (1);
	case AF_INET6:
		/* On a dual-stack socket (HOST=::), IPv4 clients. */
		if (IN6_IS_ADDR_V4MAPPED(&c->addr.ipv6.sin6_addr)) {
			memset(key, 0, PEER_KEY);
			memcpy(key, &c->addr.ipv6.sin6_addr.s6_addr[12], 4);
			return (1);
		}
		/* One subscriber's prefix, not its 2^64 addresses. */
		memcpy(key, &c->addr.ipv6.sin6_addr, 8);
		key[8] = 6;
		return (1);
	default:
		return (0);
	}
}

static struct peer **
peer_slot(const uint8_t *key)
{
	uint64_t	h;

	memcpy(&h, key, sizeof(h));
	h *= 0x9e3779b97f4a7c15ULL;
	return (&peers[(h >> 32) % PEER_BUCKETS]);
}

static void
edge_gone(struct connection *c)
{
	struct peer	**pp, *p;
	uint8_t		 key[PEER_KEY];

	if (!peer_key(c, key))
		return;
	for (pp = peer_slot(key); (p = *pp) != NULL; pp = &p->next) {
		if (memcmp(p->key, key, sizeof(key)))
			continue;
		if (--p->conns == 0) {
			*pp = p->next;
			kore_free(p);
		}
		return;
	}
}

/* Kore's header parser, then a decision on the body it set up. */
static int
edge_header_recv(struct netbuf *nb)
{
	struct connection	*c = nb->owner;
	struct http_request	*req, *last, *before;
	size_t			 hlen, got;
	int			 rc;

	before = NULL;
	TAILQ_FOREACH(req, &c->http_requests, olist)
		before = req;
	got = nb->s_off;
	hlen = header_len(nb);
	rc = http_header_recv(nb);
	if (rc != KORE_RESULT_OK || hlen == 0 ||
	    c->state != CONN_STATE_ESTABLISHED)
		return (rc);
	last = NULL;
	TAILQ_FOREACH(req, &c->http_requests, olist)
		last = req;
	if (last != NULL && last != before &&
	    !(last->flags & HTTP_REQUEST_DELETE))
		body_decide(c, last, got - hlen);
	return (rc);
}

/* Where Kore's parser finds the end of the headers; 0: not yet. */
static size_t
header_len(struct netbuf *nb)
{
	u_int8_t	*end;

	if (nb->b_len < 4 || nb->buf == NULL)
		return (0);
	if ((end = kore_mem_find(nb->buf, nb->s_off, "\r\n\r\n", 4)) != NULL)
		return (end - nb->buf + 4);
	if ((end = kore_mem_find(nb->buf, nb->s_off, "\n\n", 2)) != NULL)
		return (end - nb->buf + 2);
	return (0);
}

/* early: body bytes that came in with the headers. */
static void
body_decide(struct connection *c, struct http_request *req, size_t early)
{
	struct held	*h;
	const char	*cl;
	size_t		 len;
	int		 err;

	if (!(req->method & (HTTP_METHOD_POST | HTTP_METHOD_PUT |
	    HTTP_METHOD_PATCH))) {
		/* A GET's or DELETE's: Kore would leave it in the socket. */
		if (!http_request_header(req, "content-length", &cl))
			return;
		len = kore_strtonum64(cl, 0, &err);
		if (err != KORE_RESULT_OK || len == 0 ||
		    len > http_body_max)
			return;
		req->http_body_length = len;
		if (early < len)
			drain_start(c, req, len - early);
		return;
	}
	len = req->http_body_length;
	if (!(req->flags & HTTP_REQUEST_EXPECT_BODY) ||
	    req->http_body == NULL || len <= BODY_SMALL)
		return;
	if (len > BODY_MAX || held_bytes + len > BODY_BUDGET) {
		body_drop(c, req, len);
		return;
	}
	h = kore_malloc(sizeof(*h));
	h->req = req;
	h->len = len;
	h->next = helds;
	helds = h;
	held_bytes += len;
	/* The handler's state takes this over (rq_free calls release). */
	req->onfree = edge_release;
}

/*
 * Read the rest and keep none of it: Kore's body callback is replaced
 * by drain_recv, which counts down the same req->content_length.
 */
static void
body_drop(struct connection *c, struct http_request *req, size_t len)
{
	struct kore_buf	*b = req->http_body;

	sodium_memzero(b->data, b->offset);
	kore_buf_free(b);
	req->http_body = NULL;
	req->http_body_length = len;
	c->rnb->cb = drain_recv;
}

/* A body Kore did not mean to read: read it like one, then drop it. */
static void
drain_start(struct connection *c, struct http_request *req, size_t left)
{
	req->flags &= ~HTTP_REQUEST_COMPLETE;
	req->flags |= HTTP_REQUEST_EXPECT_BODY;
	req->content_length = left;
	http_request_sleep(req);
	net_recv_reset(c, MIN(left, NETBUF_SEND_PAYLOAD_MAX), drain_recv);
	c->rnb->extra = req;
	/* Kore's total deadline, from the request's first byte. */
	c->http_timeout = http_body_timeout * 1000;
}

static int
drain_recv(struct netbuf *nb)
{
	struct http_request	*req = nb->extra;

	sodium_memzero(nb->buf, nb->s_off);
	req->content_length -= MIN(req->content_length, nb->s_off);
	if (req->content_length > 0) {
		net_recv_reset(nb->owner, MIN(req->content_length,
		    NETBUF_SEND_PAYLOAD_MAX), drain_recv);
		return (KORE_RESULT_OK);
	}
	nb->extra = NULL;
	req->flags |= HTTP_REQUEST_COMPLETE;
	req->flags &= ~HTTP_REQUEST_EXPECT_BODY;
	/* What the handler sees: the length sent, and no body. */
	req->content_length = edge_body_refused(req) ?
	    req->http_body_length : 0;
	http_request_wakeup(req);
	nb->owner->http_timeout = 0;
	net_recv_reset(nb->owner, http_header_max, edge_header_recv);
	return (KORE_RESULT_OK);
}

/* The request is going: so is what it held of the budget. */
void
edge_release(struct http_request *req)
{
	struct held	**hp, *h;

	for (hp = &helds; (h = *hp) != NULL; hp = &h->next) {
		if (h->req != req)
			continue;
		*hp = h->next;
		held_bytes -= h->len;
		kore_free(h);
		return;
	}
}
