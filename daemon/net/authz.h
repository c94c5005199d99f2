/*
 * authz.h: who a connection is, set once, and for how long (DESIGN §6).
 *
 * A connection is named at accept (a Unix peer's uid), by its verified
 * TLS client certificate, or by a token in hello when neither named it;
 * after that its identity never changes. Its rights follow its user's
 * (re-read when users or tokens change; none while that read fails, it
 * is tried again at the next request) and end when its token expires:
 * at its next request, or by a timer when it sends none (a subscriber).
 */
#ifndef ISMS_AUTHZ_H
#define ISMS_AUTHZ_H

#include <stdbool.h>

#include "users.h"

struct conn;
struct server;

/* Brings c's rights up to date (users changed, token expired); whether
 * it is authenticated now (if not, c->auth_hint says why). */
bool authz_current(struct conn *c);

/* Whether c lost its identity to its token's expiry: it is closed. */
bool authz_expired(const struct conn *c);

/* Whether c has an identity a token may not replace: a token, a client
 * certificate, or a uid that maps to a user (or is root). */
bool authz_identity_fixed(struct conn *c);

/* Names c by the token tok_id of identity id; arms its expiry. */
void authz_token_set(struct conn *c, const char *tok_id,
                     const struct identity *id);

/* After users or tokens changed: cuts every web session's connection
 * whose session ended (signed out, password changed, user disabled). */
void authz_sessions_sweep(struct server *);

/* Frees what authz keeps for c (its expiry timer). */
void authz_conn_gone(struct conn *c);

#endif
