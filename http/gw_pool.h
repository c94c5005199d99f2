/*
 * gw_pool.h: connections to ismsd, one per caller identity.
 *
 * A caller is named by its bearer token; the pool keys a connection by the
 * token's SHA-256 (the token itself is kept only until hello is said), so
 * that ismsd authenticates every caller itself and applies its roles
 * unchanged. The pool is bounded (an idle identity is closed to make
 * room; when none is idle a caller gets RESOURCE_EXHAUSTED) and closes
 * connections unused for pool_idle seconds.
 */
#ifndef ISMS_GW_POOL_H
#define ISMS_GW_POOL_H

#include "gw.h"
#include "ismsclient.h"

struct gw_peer;

/*
 * Called once the identity's connection said hello: cl is the connection
 * (borrowed; valid until the peer is released), or NULL with err (the
 * hello's refusal: UNAUTHENTICATED for a bad token).
 */
typedef void (*gw_peer_cb)(struct gw_peer *, struct isms_client *cl,
                           const struct isms_err *err, void *arg);

struct gw_pool *gw_pool_new(struct event_base *, const char *endpoint,
                            unsigned max, unsigned idle_s);
void gw_pool_free(struct gw_pool *);

/*
 * Finds or opens the connection for token and calls cb (maybe at once).
 * The caller holds the peer until gw_peer_release. With dedicated, a new
 * connection of the caller's own, closed on release (a subscription:
 * the protocol has no Cancel call). token NULL: a dedicated connection
 * that says no hello, for the calls ismsd takes from anyone (SessionOpen). Returns the peer when cb waits for
 * its hello (gw_peer_unwait takes it back), NULL when cb was called.
 */
struct gw_peer *gw_pool_get(struct gw_pool *, const char *token, bool dedicated,
                            gw_peer_cb cb, void *arg);

/* Takes back a cb waiting on p's hello (given up: the hello hangs, so p
 * is dropped as by gw_peer_drop); cb is not called. */
void gw_peer_unwait(struct gw_peer *p, gw_peer_cb cb, void *arg);

/* Takes p out of the pool: later callers get a new connection, and p is
 * closed when its last holder releases it (a call on it hangs). */
void gw_peer_drop(struct gw_peer *p);

/*
 * Holds the calls sent on p until the end of this turn of the event loop,
 * so that the requests of every HTTP request read in one turn reach ismsd
 * in one write (and ismsd reads them in one).
 */
void gw_peer_cork(struct gw_peer *p);

/* Closes the pool's connection for token, if any (its session ended):
 * later callers get a new one; calls out on it are answered first. */
void gw_pool_forget(struct gw_pool *, const char *token);

/* The user, display name and role (Isms__V1__AccessRole) the peer's
 * hello named; NULL and 0 before hello or without one. */
const char *gw_peer_user(const struct gw_peer *p);
const char *gw_peer_display_name(const struct gw_peer *p); /* NULL: none */
int gw_peer_role(const struct gw_peer *p);

/* Gives the peer back (cb has been called). NULL is a no-op. */
void gw_peer_release(struct gw_peer *);

#endif
