/* authz.c: a connection's identity, set once, and its token's expiry. */
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "authz.h"
#include "conn.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "subs.h"

bool
authz_expired(const struct conn *c)
{
	return c->expires_at != 0 && server_now() >= c->expires_at;
}

bool
authz_current(struct conn *c)
{
	if (c->users_gen != c->srv->users_gen)
		conn_identify_refresh(c);
	if (c->role != 0 && authz_expired(c)) {
		c->role = 0;
		snprintf(c->auth_hint, sizeof c->auth_hint,
		         "token %s has expired", c->token_id);
	}
	return c->role != 0;
}

bool
authz_identity_fixed(struct conn *c)
{
	char holder[USER_NAME_MAX + 1];
	struct store_txn txn;
	bool mapped = false;

	if (c->token_id[0] != '\0' || c->cert_cn[0] != '\0' || c->role != 0)
		return true;
	if (c->uid == (uid_t)-1)
		return false;
	/* A disabled user's uid names that user still: not a free peer. */
	if (store_read_begin(c->srv->store, &txn) != 0)
		return true;
	mapped = users_uid_holder(&txn, c->uid, holder) == 0;
	store_read_end(&txn);
	return mapped;
}

/* Cuts c, whose identity is over, telling it why (auth_hint). */
static void
authz_cut(struct conn *c)
{
	log_notice("conn %llu (%s): %s; closing", (unsigned long long)c->serial,
	           c->user, c->auth_hint);
	conn_ref(c);
	subs_conn_end(c, ISMS_EUNAUTH, c->auth_hint);
	conn_send_error(c, 0, ISMS_EUNAUTH, c->auth_hint);
	conn_close_after_flush(c);
	conn_unref(c);
}

/* The token expired: a quiet connection (a subscriber) is cut too. */
static void
authz_expiry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	int64_t left = c->expires_at - server_now();
	struct timeval tv = {left > 0 ? (time_t)left : 0, 0};

	(void)fd;
	(void)what;
	if (c->bev == NULL || c->closing)
		return;
	if (left > 0) {
		evtimer_add(c->expiry, &tv);
		return;
	}
	(void)authz_current(c);
	authz_cut(c);
}

void
authz_sessions_sweep(struct server *srv)
{
	struct conn *c, *next;

	for (c = TAILQ_FIRST(&srv->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->session && c->bev != NULL && !c->closing &&
		    !authz_current(c))
			authz_cut(c);
	}
}

void
authz_token_set(struct conn *c, const char *tok_id, const struct identity *id)
{
	int64_t left;
	struct timeval tv = {0, 0};

	snprintf(c->user, sizeof c->user, "%s", id->user);
	snprintf(c->token_id, sizeof c->token_id, "%s", tok_id);
	c->session = id->session;
	c->role = id->role;
	c->expires_at = id->expires_at;
	if (id->expires_at == 0 || c->expiry != NULL)
		return;
	left = id->expires_at - server_now();
	tv.tv_sec = left > 0 ? (time_t)left : 0;
	if ((c->expiry = evtimer_new(c->srv->base, authz_expiry_cb, c)) ==
	    NULL) {
		/* Without the timer, every request still checks expiry. */
		log_err("conn %llu: cannot arm the token expiry timer",
		        (unsigned long long)c->serial);
		return;
	}
	evtimer_add(c->expiry, &tv);
}

void
authz_conn_gone(struct conn *c)
{
	if (c->expiry != NULL)
		event_free(c->expiry);
	c->expiry = NULL;
}
