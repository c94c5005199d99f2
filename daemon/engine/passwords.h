/*
 * passwords.h: users' passwords for web sign-in, as Argon2id hashes
 * (t=2, m=19456 KiB, p=1, 16-byte random salt, 32-byte hash) in the PHC
 * encoded form, under "p" + name in the users db.
 *
 * The hash is kept apart from the User: no reply, list, journal entry or
 * log line carries it. The User says only has_password (journaled, like
 * any change of access). Hashing and verifying are slow on purpose and
 * touch no shared state: they run on the auth thread (authq.h), never on
 * the loop or the writer.
 */
#ifndef ISMS_PASSWORDS_H
#define ISMS_PASSWORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct store_txn;
struct records_actor;

#define PASSWORDS_MIN         12
#define PASSWORDS_MAX         256
#define PASSWORDS_ENCODED_MAX 128 /* the PHC string, NUL included */
#define PASSWORDS_PREFIX      "p" /* its keys in the users db */

/* Refuses a new password for user: its length, or the user's name. */
int passwords_check_new(const char *user, const char *password,
                        struct isms_err *err);

/* Hashes password with a fresh salt into out (any thread). */
int passwords_hash(const char *password, char out[PASSWORDS_ENCODED_MAX],
                   struct isms_err *err);

/* Whether password matches encoded (any thread). NULL encoded: none to
 * match; a hash of the same cost is still verified, so that an unknown
 * user takes as long as a wrong password. */
bool passwords_verify(const char *encoded, const char *password);

/* Copies user name's hash into out: 0 or -ISMS_ENOTFOUND. */
int passwords_get(struct store_txn *, const char *name,
                  char out[PASSWORDS_ENCODED_MAX]);

/* Stores encoded as user name's hash and marks the user has_password
 * (journaled without the hash); the user as stored in *out. */
int passwords_store(struct store_txn *, const char *name, const char *encoded,
                    const struct records_actor *, Isms__V1__User **out,
                    struct isms_err *err);

#endif
