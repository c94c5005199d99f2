/*
 * sessions.h: web sessions (SessionOpen): tokens with session set, owned
 * by the user who signed in, expiring after the configured hours. They
 * end at sign-out, when the user's password changes (tokens an admin
 * made stay), when the user is disabled (as every token of theirs) and
 * at expiry; expired ones are pruned a few at a time by later sign-ins.
 * Writer thread only.
 */
#ifndef ISMS_SESSIONS_H
#define ISMS_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "users.h"

struct store_txn;
struct records_actor;

#define SESSIONS_PRUNE_MAX 16 /* tokens looked at per sign-in */

/* Opens a session for user name (enabled) expiring at expires_at: its
 * token, secret, user and role in out. -ISMS_EPERM when the user is gone
 * or disabled. */
int sessions_open(struct store_txn *, const char *name, int64_t expires_at,
                  const uint8_t key[USERS_KEY_LEN],
                  const struct records_actor *, Isms__V1__SessionOpened *out,
                  struct isms_err *err);

/* Revokes every open session of user name; *n counts them. */
int sessions_revoke_user(struct store_txn *, const char *name,
                         const struct records_actor *, size_t *n,
                         struct isms_err *err);

/* Deletes expired sessions among the next SESSIONS_PRUNE_MAX tokens
 * (a cursor goes round the tokens), each with a journal entry that
 * carries no bytes; *n counts them. */
int sessions_prune(struct store_txn *, const struct records_actor *, size_t *n,
                   struct isms_err *err);

#endif
