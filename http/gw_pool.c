/* gw_pool.c: one connection to ismsd per caller identity (gw_pool.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gw_pool.h"
#include "xmalloc.h"

#define KEY_LEN 32 /* SHA-256 */

/* A caller waiting for hello to complete. */
struct gw_waiter {
	gw_peer_cb cb;
	void *arg;
	struct gw_waiter *next;
};

enum peer_state { PEER_HELLO, PEER_READY, PEER_FAILED };

struct gw_peer {
	struct gw_pool *pool;
	unsigned char key[KEY_LEN];
	struct isms_client *cl;
	enum peer_state st;
	struct isms_err err; /* PEER_FAILED: why */
	struct gw_waiter *waiting;
	unsigned users; /* callers holding it */
	bool dedicated; /* not in the pool: closed on its last release */
	bool dying;  /* being freed: releases from its callbacks only count */
	bool corked; /* calls of this loop turn wait for uncork */
	struct event *uncork; /* sends them, at the end of the turn */
	time_t last_used;
	char *user;         /* whom hello named */
	char *display_name; /* their display name, if any */
	int role;           /* and their role (Isms__V1__AccessRole) */
	TAILQ_ENTRY(gw_peer) entry;
};

struct gw_pool {
	struct event_base *base;
	char *endpoint;
	unsigned max, idle_s, n;
	struct event *sweep;
	TAILQ_HEAD(gw_peer_list, gw_peer) peers; /* most recently used first */
};

/* The key of a token: its SHA-256 (the digest fetched once, not on every
 * request). */
static void
token_key(const char *token, unsigned char key[KEY_LEN])
{
	static EVP_MD *sha256;
	unsigned int len = KEY_LEN;

	if (sha256 == NULL)
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	EVP_Digest(token, strlen(token), key, &len,
	           sha256 != NULL ? sha256 : EVP_sha256(), NULL);
}

/* Closes and frees a peer nobody holds. */
static void
peer_free(struct gw_peer *p)
{
	if (p->dying)
		return;
	p->dying = true;
	if (!p->dedicated) {
		TAILQ_REMOVE(&p->pool->peers, p, entry);
		p->pool->n--;
	}
	if (p->uncork != NULL)
		event_free(p->uncork);
	isms_client_free(p->cl);
	free(p->user);
	free(p->display_name);
	free(p);
}

/* Whether p can serve more calls. */
static bool
peer_usable(const struct gw_peer *p)
{
	return p->st != PEER_FAILED && isms_client_error(p->cl) == NULL;
}

/* Closes the connections idle for longer than idle_s. */
static void
pool_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_pool *pool = arg;
	struct gw_peer *p, *next;
	time_t now = time(NULL);

	(void)fd;
	(void)what;
	for (p = TAILQ_FIRST(&pool->peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->users == 0 &&
		    (!peer_usable(p) ||
		     now - p->last_used >= (time_t)pool->idle_s))
			peer_free(p);
	}
}

struct gw_pool *
gw_pool_new(struct event_base *base, const char *endpoint, unsigned max,
            unsigned idle_s)
{
	struct gw_pool *pool = xcalloc(1, sizeof *pool);
	struct timeval tv = {idle_s > 2 ? idle_s / 2 : 1, 0};

	pool->base = base;
	pool->endpoint = xstrdup(endpoint);
	pool->max = max;
	pool->idle_s = idle_s;
	TAILQ_INIT(&pool->peers);
	pool->sweep = event_new(base, -1, EV_PERSIST, pool_sweep_cb, pool);
	if (pool->sweep != NULL)
		event_add(pool->sweep, &tv);
	return pool;
}

void
gw_pool_free(struct gw_pool *pool)
{
	struct gw_peer *p;

	if (pool == NULL)
		return;
	while ((p = TAILQ_FIRST(&pool->peers)) != NULL)
		peer_free(p);
	if (pool->sweep != NULL)
		event_free(pool->sweep);
	free(pool->endpoint);
	free(pool);
}

/* Calls every waiter of p with its outcome. */
static void
peer_wake(struct gw_peer *p)
{
	struct gw_waiter *w;

	p->users++; /* a callback's release must not free p under us */
	while ((w = p->waiting) != NULL) {
		p->waiting = w->next;
		if (p->st == PEER_READY)
			w->cb(p, p->cl, NULL, w->arg);
		else
			w->cb(p, NULL, &p->err, w->arg);
		free(w);
	}
	gw_peer_release(p);
}

/* The reply to the identity's hello. */
static void
peer_hello_cb(struct isms_client *cl, const Isms__V1__Reply *r, void *arg)
{
	struct gw_peer *p = arg;

	(void)cl;
	if (r->status != NULL && r->status->code != ISMS__V1__CODE__OK) {
		p->st = PEER_FAILED;
		isms_err_set(&p->err, (int)r->status->code, "%s",
		             r->status->message != NULL ? r->status->message
		                                        : "hello refused");
	} else if (r->result_case != ISMS__V1__REPLY__RESULT_HELLO) {
		p->st = PEER_FAILED;
		isms_err_set(&p->err, ISMS_EUNAVAIL, "ismsd did not say hello");
	} else {
		p->st = PEER_READY;
		if (r->hello != NULL && r->hello->user != NULL)
			p->user = xstrdup(r->hello->user);
		if (r->hello != NULL && r->hello->display_name != NULL &&
		    r->hello->display_name[0] != '\0')
			p->display_name = xstrdup(r->hello->display_name);
		p->role = r->hello != NULL ? (int)r->hello->role : 0;
	}
	peer_wake(p);
}

/* Opens a connection for token and says hello with it; token NULL: one
 * that says no hello (for SessionOpen), ready at once. */
static struct gw_peer *
peer_open(struct gw_pool *pool, const char *token, bool dedicated)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	struct gw_peer *p = xcalloc(1, sizeof *p);

	p->pool = pool;
	p->dedicated = dedicated;
	token_key(token != NULL ? token : "", p->key);
	p->last_used = time(NULL);
	if ((p->cl = isms_client_connect(pool->base, pool->endpoint,
	                                 &p->err)) == NULL) {
		p->st = PEER_FAILED;
		p->err.code = ISMS_EUNAVAIL;
		return p;
	}
	isms_client_own_replies(p->cl, false);
	if (token == NULL) {
		p->st = PEER_READY;
		return p;
	}
	hello.has_protocol_major = hello.has_protocol_minor = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	hello.protocol_minor = ISMS_PROTOCOL_MINOR;
	hello.client = (char *)"ismsd-http " ISMS_VERSION;
	hello.token = (char *)token;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	if (isms_client_call(p->cl, &req, peer_hello_cb, p) == 0) {
		p->st = PEER_FAILED;
		isms_err_set(&p->err, ISMS_EUNAVAIL,
		             "ismsd closed the connection");
	}
	return p;
}

/* The pooled peer for key, NULL if none; dead ones nobody holds go. */
static struct gw_peer *
pool_find(struct gw_pool *pool, const unsigned char key[KEY_LEN])
{
	struct gw_peer *p, *next;

	for (p = TAILQ_FIRST(&pool->peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (CRYPTO_memcmp(p->key, key, KEY_LEN) != 0)
			continue;
		if (peer_usable(p) || p->users > 0)
			return p;
		peer_free(p);
		return NULL;
	}
	return NULL;
}

/* Makes room for one more identity: closes the least recently used idle
 * one. false when every one is in use. */
static bool
pool_room(struct gw_pool *pool)
{
	struct gw_peer *p;

	if (pool->n < pool->max)
		return true;
	TAILQ_FOREACH_REVERSE(p, &pool->peers, gw_peer_list, entry)
	{
		if (p->users == 0) {
			peer_free(p);
			return true;
		}
	}
	return false;
}

/* Queues cb on p (and returns p), or calls it now when hello is over
 * (and returns NULL). */
static struct gw_peer *
peer_wait(struct gw_peer *p, gw_peer_cb cb, void *arg)
{
	struct gw_waiter *w;

	p->users++;
	p->last_used = time(NULL);
	if (p->st == PEER_READY) {
		cb(p, p->cl, NULL, arg);
		return NULL;
	}
	if (p->st == PEER_FAILED) {
		cb(p, NULL, &p->err, arg);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->cb = cb;
	w->arg = arg;
	w->next = p->waiting;
	p->waiting = w;
	return p;
}

struct gw_peer *
gw_pool_get(struct gw_pool *pool, const char *token, bool dedicated,
            gw_peer_cb cb, void *arg)
{
	unsigned char key[KEY_LEN];
	struct gw_peer *p;
	struct isms_err err;

	if (dedicated || token == NULL)
		return peer_wait(peer_open(pool, token, true), cb, arg);
	token_key(token, key);
	if ((p = pool_find(pool, key)) != NULL) {
		TAILQ_REMOVE(&pool->peers, p, entry);
		TAILQ_INSERT_HEAD(&pool->peers, p, entry);
		return peer_wait(p, cb, arg);
	}
	if (!pool_room(pool)) {
		isms_err_set(&err, ISMS_EEXHAUSTED,
		             "the gateway serves %u identities at once; retry "
		             "later",
		             pool->max);
		cb(NULL, NULL, &err, arg);
		return NULL;
	}
	p = peer_open(pool, token, false);
	TAILQ_INSERT_HEAD(&pool->peers, p, entry);
	pool->n++;
	return peer_wait(p, cb, arg);
}

void
gw_peer_drop(struct gw_peer *p)
{
	if (p == NULL || p->dying || p->dedicated)
		return;
	TAILQ_REMOVE(&p->pool->peers, p, entry);
	p->pool->n--;
	p->dedicated = true; /* closed on its last release */
}

void
gw_pool_forget(struct gw_pool *pool, const char *token)
{
	unsigned char key[KEY_LEN];
	struct gw_peer *p;

	token_key(token, key);
	if ((p = pool_find(pool, key)) == NULL)
		return;
	if (p->users == 0)
		peer_free(p);
	else
		gw_peer_drop(p);
}

const char *
gw_peer_user(const struct gw_peer *p)
{
	return p != NULL ? p->user : NULL;
}

const char *
gw_peer_display_name(const struct gw_peer *p)
{
	return p != NULL ? p->display_name : NULL;
}

int
gw_peer_role(const struct gw_peer *p)
{
	return p != NULL ? p->role : 0;
}

void
gw_peer_unwait(struct gw_peer *p, gw_peer_cb cb, void *arg)
{
	struct gw_waiter **w, *dead;

	for (w = &p->waiting; *w != NULL; w = &(*w)->next) {
		if ((*w)->cb == cb && (*w)->arg == arg) {
			dead = *w;
			*w = dead->next;
			free(dead);
			gw_peer_drop(p); /* its hello hangs */
			gw_peer_release(p);
			return;
		}
	}
}

/* The end of the loop turn: the calls held back leave in one write. */
static void
peer_uncork_cb(evutil_socket_t fd, short what, void *arg)
{
	struct gw_peer *p = arg;

	(void)fd;
	(void)what;
	p->corked = false;
	(void)isms_client_cork(p->cl, false);
}

void
gw_peer_cork(struct gw_peer *p)
{
	if (p->corked || p->cl == NULL)
		return;
	if (p->uncork == NULL &&
	    (p->uncork = event_new(p->pool->base, -1, 0, peer_uncork_cb, p)) ==
	        NULL)
		return;
	p->corked = true;
	(void)isms_client_cork(p->cl, true);
	event_active(p->uncork, EV_TIMEOUT, 0);
}

void
gw_peer_release(struct gw_peer *p)
{
	if (p == NULL)
		return;
	p->users--;
	p->last_used = time(NULL);
	if (p->dying)
		return;
	if (p->users == 0 && (p->dedicated || !peer_usable(p)))
		peer_free(p);
}
