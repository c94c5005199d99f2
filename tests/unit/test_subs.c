/* test_subs.c: subscribing when the journal head cannot be read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conn.h"
#include "journal.h"
#include "server.h"
#include "store.h"
#include "store_fx.h"
#include "subs.h"

/* Fault injection (-Wl,--wrap=journal_head): the head reads as a sticky
 * store error. */
int __wrap_journal_head(struct store_txn *, uint64_t *,
                        uint8_t[JOURNAL_HASH_LEN]);

int
__wrap_journal_head(struct store_txn *txn, uint64_t *seq,
                    uint8_t hash[JOURNAL_HASH_LEN])
{
	*seq = 0;
	memset(hash, 0, JOURNAL_HASH_LEN);
	txn->ret = -ISMS_EINTERNAL;
	snprintf(txn->msg, sizeof txn->msg, "store: get: injected");
	return txn->ret;
}

/* The subscription is refused with the store's error: it is not taken
 * with a head of 0, which would replay the journal from seq 1. */
static void
test_subscribe_head_fails(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	struct server srv;
	struct conn c;
	struct isms_err err;

	memset(&srv, 0, sizeof srv);
	srv.store = fx->st;
	TAILQ_INIT(&srv.subs);
	memset(&c, 0, sizeof c);
	c.srv = &srv;
	c.refs = 1;
	assert_int_equal(subs_add(&c, 7, &sub, &err), -ISMS_EINTERNAL);
	assert_non_null(strstr(err.msg, "journal head"));
	assert_non_null(strstr(err.msg, "injected"));
	assert_int_equal(srv.nsubs, 0);
	assert_int_equal(c.nsubs, 0);
	assert_int_equal(c.refs, 1);
	assert_true(TAILQ_EMPTY(&srv.subs));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_subscribe_head_fails,
	                                    store_fx_setup, store_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
