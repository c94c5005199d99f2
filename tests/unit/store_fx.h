/*
 * store_fx.h: a real LMDB store in a temp dir for unit tests, as a cmocka
 * setup/teardown pair: *state is a struct store_fx.
 */
#ifndef ISMS_STORE_FX_H
#define ISMS_STORE_FX_H

struct store;

struct store_fx {
	char dir[64];
	struct store *st;
};

int store_fx_setup(void **state);
int store_fx_teardown(void **state);

struct store_txn;

/* Users the tests name as owners (a record's owner is a user): alice,
 * bob, carol and dave, viewers with NAME@example.org; NULL-terminated. */
extern const char *const store_fx_owners[];

/* Adds them in txn (a write txn). */
void store_fx_add_owners(struct store_txn *txn);

/* Adds users names (NULL-terminated) likewise: one journal entry each. */
void store_fx_add_users(struct store_txn *txn, const char *const *names);

/* store_fx_setup, then the owners added and committed. */
int store_fx_setup_owners(void **state);

#endif
