/* test_authz.c: a connection's identity when the store cannot be read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "authz.h"
#include "conn.h"
#include "records.h"
#include "server.h"
#include "store.h"
#include "store_fx.h"
#include "users.h"

#define OWNER ((uid_t)4242)

/* Fault injection (-Wl,--wrap): fail_begin fails the next read txns,
 * fail_get makes reads within one fail with a sticky store error. */
static bool fail_begin, fail_get;

int __real_store_read_begin(struct store *, struct store_txn *);
int __real_store_get(struct store_txn *, enum store_db, const void *, size_t,
                     MDB_val *);

int __wrap_store_read_begin(struct store *, struct store_txn *);
int __wrap_store_get(struct store_txn *, enum store_db, const void *, size_t,
                     MDB_val *);

int
__wrap_store_read_begin(struct store *st, struct store_txn *txn)
{
	if (!fail_begin)
		return __real_store_read_begin(st, txn);
	txn->st = st;
	txn->txn = NULL;
	txn->write = false;
	txn->ret = -ISMS_EINTERNAL;
	snprintf(txn->msg, sizeof txn->msg, "store: begin read: injected");
	return txn->ret;
}

int
__wrap_store_get(struct store_txn *txn, enum store_db db, const void *key,
                 size_t klen, MDB_val *val)
{
	if (!fail_get || txn->write)
		return __real_store_get(txn, db, key, klen, val);
	txn->ret = -ISMS_EINTERNAL;
	snprintf(txn->msg, sizeof txn->msg, "store: get: injected");
	return txn->ret;
}

/* A server on fx's store whose owner is an admin, and a Unix conn of the
 * owner identified as such. */
static void
owner_conn(struct store_fx *fx, struct server *srv, struct conn *c)
{
	const struct records_actor who = {"ismsd", 1764320000};
	struct store_txn txn;
	struct isms_err err;
	bool created = false;

	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(users_bootstrap(&txn, OWNER, &who, &created, &err), 0);
	assert_int_equal(store_commit(&txn), 0);
	assert_true(created);
	memset(srv, 0, sizeof *srv);
	srv->store = fx->st;
	srv->users_gen = 1;
	memset(c, 0, sizeof *c);
	c->srv = srv;
	c->uid = OWNER;
	conn_identify_refresh(c);
	assert_int_not_equal(c->role, 0);
	assert_true(authz_current(c));
}

/* With *fail set, a users re-check fails closed: the role is dropped
 * and the hint holds why (and never "not an ismsd user"), also at the
 * next request; once the store answers, the role comes back. */
static void
refresh_fails_closed(void *state, bool *fail, const char *why)
{
	struct server srv;
	struct conn c;
	int role;

	owner_conn(state, &srv, &c);
	role = c.role;
	srv.users_gen++;
	*fail = true;
	assert_false(authz_current(&c));
	assert_int_equal(c.role, 0);
	assert_non_null(strstr(c.auth_hint, why));
	assert_null(strstr(c.auth_hint, "not an ismsd user"));
	assert_false(authz_current(&c)); /* still failing: still refused */
	*fail = false;
	assert_true(authz_current(&c)); /* same generation: read again */
	assert_int_equal(c.role, role);
}

/* A failed read txn. */
static void
test_refresh_begin_fails_closed(void **state)
{
	refresh_fails_closed(*state, &fail_begin, "cannot check the identity");
}

/* A store error within the read (not "no such user"). */
static void
test_refresh_get_fails_closed(void **state)
{
	refresh_fails_closed(*state, &fail_get, "injected");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_refresh_begin_fails_closed,
	                                    store_fx_setup, store_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_refresh_get_fails_closed,
	                                    store_fx_setup, store_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
