/*
 * refusal.h: the log of refused calls (PERMISSION_DENIED and
 * UNAUTHENTICATED), for every role: who, from where, which RPC and why.
 *
 * A flood of refusals must not flood the log: lines are taken from one
 * token bucket for the whole daemon (REFUSAL_BURST lines at once, then
 * REFUSAL_PER_SEC a second); what the bucket holds back is counted and
 * the next line logged says how many were suppressed. Loop thread only.
 */
#ifndef ISMS_REFUSAL_H
#define ISMS_REFUSAL_H

#define REFUSAL_BURST   20
#define REFUSAL_PER_SEC 5

struct conn;

/* Logs (or counts) the refusal of rpc (code -ISMS_E*) to user (the
 * connection's, or the writer's copy of it) on c: its peer address, or
 * "unix uid N". */
void refusal_log(const struct conn *c, const char *user, const char *rpc,
                 int rc, const char *why);

/* Whether rc is a refusal refusal_log records. */
int refusal_is(int rc);

#endif
