/*
 * users.h: users, their access roles and their tokens (DESIGN §6).
 *
 * A Unix peer is its uid's user; a TCP peer presents a token (256 random
 * bits, shown once, stored only as an HMAC-SHA256 under a key kept in the
 * data dir beside the database) or a verified client certificate. Every
 * change is journaled: access rights are evidence too (A.5.18).
 */
#ifndef ISMS_USERS_H
#define ISMS_USERS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "store.h"

struct store_txn;
struct records_actor;

#define USERS_KEY_LEN 32
#define USER_NAME_MAX 64

/* Who a connection is. */
struct identity {
	char user[USER_NAME_MAX + 1];
	int role;           /* ISMS__V1__ACCESS_ROLE__*; 0: not authenticated */
	int64_t expires_at; /* by a token that expires: when; else 0 */
	bool session;       /* by a web session (SessionOpen) */
};

/* Loads (creating on first use) the token HMAC key in dir. */
int users_key_load(const char *dir, uint8_t key[USERS_KEY_LEN],
                   struct isms_err *err);

/* On an empty user table, makes the data dir's owner an admin. */
int users_bootstrap(struct store_txn *, uid_t owner,
                    const struct records_actor *who, bool *created,
                    struct isms_err *err);

/* The user uid maps to (enabled or not) in name: 0 or -ISMS_ENOTFOUND. */
int users_uid_holder(struct store_txn *, uid_t uid,
                     char name[USER_NAME_MAX + 1]);

/* The identity of a Unix peer (root is always admin). 0 or NOT_FOUND. */
int users_identify_uid(struct store_txn *, uid_t uid, struct identity *id);

/* The identity behind a token secret, if valid now; its id in tok_id. */
int users_identify_token(struct store_txn *, const uint8_t key[USERS_KEY_LEN],
                         const char *secret, int64_t now, struct identity *id,
                         char tok_id[32], struct isms_err *err);

/* Re-checks the identity of a token already presented, by its id. */
int users_identify_token_id(struct store_txn *, const char *tok_id, int64_t now,
                            struct identity *id, struct isms_err *err);

/* The identity of a user name (client certificate CN). */
int users_identify_name(struct store_txn *, const char *name,
                        struct identity *id);

/*
 * Creates or changes a user. owner is the data dir's owner: its uid, like
 * root's, maps to no other user, and a uid maps to one user at most.
 */
int users_put(struct store_txn *, const Isms__V1__UserPut *, uid_t owner,
              const struct records_actor *, Isms__V1__User **out,
              struct isms_err *err);
/* Stores user u (old: as it was, or NULL) and journals the change,
 * "what" saying which ("created", "changed"). */
int users_store(struct store_txn *, const Isms__V1__User *u,
                const Isms__V1__User *old, const struct records_actor *who,
                const char *what, struct isms_err *err);

/* The user name whose e-mail is email (case aside): 0, -ISMS_ENOTFOUND,
 * or -ISMS_EEXIST when more than one user has it. */
int users_by_email(struct store_txn *, const char *email,
                   char name[USER_NAME_MAX + 1]);

/* Loads user name (malloc'ed): 0, or -ISMS_ENOTFOUND. */
int users_get(struct store_txn *, const char *name, Isms__V1__User **out);

int users_list(struct store_txn *, Isms__V1__UserListResult *out,
               struct isms_err *err);

int tokens_create(struct store_txn *, const Isms__V1__TokenCreate *,
                  const uint8_t key[USERS_KEY_LEN],
                  const struct records_actor *,
                  Isms__V1__TokenCreateResult *out, struct isms_err *err);
/* Makes a token of owner (session: a web session) expiring at expires_at
 * (0: never); its secret, shown once, in out. */
int tokens_mint(struct store_txn *, const char *owner, int64_t expires_at,
                bool session, const uint8_t key[USERS_KEY_LEN],
                const struct records_actor *, Isms__V1__TokenCreateResult *out,
                struct isms_err *err);
/* The token in a stored value (mac + Token), malloc'ed; NULL when it
 * does not decode. */
Isms__V1__Token *tokens_unpack(const MDB_val *v);
int tokens_list(struct store_txn *, Isms__V1__TokenListResult *out,
                struct isms_err *err);
int tokens_revoke(struct store_txn *, const char *id,
                  const struct records_actor *, Isms__V1__Token **out,
                  struct isms_err *err);
/* Records a token's last use under "l" + id: kept out of the token's
 * journaled bytes, written at most once a minute (token_use.c). */
void tokens_last_used_put(struct store_txn *, const char *id, int64_t when);

/* Moves last_used_at out of every stored token into its "l" key (data
 * written before it lived there); *moved counts them. */
int tokens_move_last_used(struct store_txn *, size_t *moved);

/* Called with the journal event type, id and stored bytes (the whole
 * value, as journaled) of each user or token; nonzero stops. */
typedef int users_stored_fn(void *arg, int type, const char *id,
                            const void *bytes, size_t len);
int users_each_stored(struct store_txn *, users_stored_fn *fn, void *arg);

/* The keys (prefix USERS_UID_INDEX in the users db: uid → name) the stored
 * users call for; the value is NULL where any user may hold it. */
#define USERS_UID_INDEX "i"
int users_uid_index_keys(struct store_txn *, store_key_fn *fn, void *arg);

/* The keys (prefix TOKENS_MAC_INDEX in the tokens db: mac → id) the
 * stored tokens call for. */
#define TOKENS_MAC_INDEX "h"
int tokens_mac_index_keys(struct store_txn *, store_key_fn *fn, void *arg);

/* The human name of a role ("editor"). */
const char *users_role_name(int role);

#endif
