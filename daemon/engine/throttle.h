/*
 * throttle.h: failed sign-ins per (user, client address). After
 * THROTTLE_FREE failures within THROTTLE_WINDOW seconds, each further
 * attempt is refused (before any Argon2 work) until 2^(n - THROTTLE_FREE)
 * seconds, at most THROTTLE_MAX_WAIT, after the last failure. Keyed by
 * the pair, so failures from one address never lock the user out from
 * another. The table is bounded: past its size the least recently used
 * pair is forgotten. Loop thread only.
 */
#ifndef ISMS_THROTTLE_H
#define ISMS_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#define THROTTLE_FREE     5
#define THROTTLE_WINDOW   900 /* seconds */
#define THROTTLE_MAX_WAIT 900 /* seconds */
#define THROTTLE_ENTRIES  4096
#define THROTTLE_ADDR_MAX 64

struct throttle;

/* A table of at most cap pairs (never NULL). */
struct throttle *throttle_new(size_t cap);
void throttle_free(struct throttle *);

/* 0 when user may try from addr at now, else the seconds to wait. */
int64_t throttle_wait(struct throttle *, const char *user, const char *addr,
                      int64_t now);

/* Counts a failure of user from addr at now; the failures in the window
 * so far. */
unsigned throttle_fail(struct throttle *, const char *user, const char *addr,
                       int64_t now);

/* A success: user's failures from addr are forgotten. */
void throttle_ok(struct throttle *, const char *user, const char *addr);

/* Pairs held. */
size_t throttle_size(const struct throttle *);

#endif
