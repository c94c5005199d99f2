/*
 * gw_session.h: web sign-in in the gateway. A browser's session is a token
 * of ismsd (SessionOpen); its secret travels in the cookie isms_session and
 * goes into hello like a bearer token, so ismsd authenticates and checks
 * every call as for any caller. A change made with the cookie carries the
 * CSRF token (an HMAC of the secret) and a same-origin Origin, if any.
 */
#ifndef ISMS_GW_SESSION_H
#define ISMS_GW_SESSION_H

#include <stdint.h>

#include "gw_req.h"

#define GW_COOKIE   "isms_session"
#define GW_CSRF_LEN 64 /* hex digits of HMAC-SHA256 */
#define GW_ADDR_MAX 64 /* an IP address as text, NUL included */

/* gw_session_auth.c: the gateway's own state (throttle, expiries). */
struct gw_sessions *gw_sessions_new(void);
void gw_sessions_free(struct gw_sessions *);

/*
 * The credential of a request: the bearer token, else the session
 * cookie's secret (r->cookie set), into r->token. false when neither.
 */
bool gw_session_credential(struct gw_req *r);

/*
 * Whether a change (POST, PUT, PATCH, DELETE) may go on: a cookie's needs
 * the X-CSRF-Token header, and any request an Origin, if it has one, of
 * the Host it is sent to. Otherwise replies 403 and returns false (r
 * stays the caller's).
 */
bool gw_session_change_ok(struct gw_req *r);

/* The Origin half of that alone (sign-in has no CSRF token yet). */
bool gw_session_origin_ok(struct gw_req *r);

/* The CSRF token of a session secret: lowercase hex, NUL-terminated. */
void gw_session_csrf(const char *secret, char out[GW_CSRF_LEN + 1]);

/* The browser's address as text into buf (GW_ADDR_MAX); "" if unknown. */
const char *gw_session_client_addr(const struct gw_req *r, char *buf);

/* Whether addr is one of the --trusted-proxy addresses. */
bool gw_session_trusted(const struct gw *gw, const char *addr);

/* The sign-in throttle per client address: the seconds addr must wait
 * (0: it may try), and a failure counted. */
unsigned gw_throttle_wait(struct gw_sessions *, const char *addr);
void gw_throttle_fail(struct gw_sessions *, const char *addr);

/* When the session of secret ends (remembered at sign-in); 0: unknown
 * (the gateway restarted since, or a token that is no session). */
void gw_sessions_note(struct gw_sessions *, const char *secret,
                      int64_t expires_at);
int64_t gw_sessions_expiry(const struct gw_sessions *, const char *secret);

/* gw_session.c: the routes. */
void gw_session_open(struct gw_req *);     /* POST /v1/session */
void gw_session_show(struct gw_req *);     /* GET /v1/session */
void gw_session_close(struct gw_req *);    /* DELETE /v1/session */
void gw_session_password(struct gw_req *); /* POST /v1/session/password */

#endif
