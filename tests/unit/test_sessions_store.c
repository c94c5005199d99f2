/*
 * test_sessions_store.c: the pieces of web sign-in below the RPCs: the
 * throttle (its backoff, its window, per address, bounded), password
 * rules and Argon2id hashes, and on real LMDB files the stored hash kept
 * apart from the User and the journal, sessions revoked by user, expired
 * ones pruned (and the store still checks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "passwords.h"
#include "records.h"
#include "sessions.h"
#include "store.h"
#include "store_fx.h"
#include "throttle.h"
#include "users.h"

#define T0 1700000000

/* Five failures are free; then 1, 2, 4 ... s after the last one. */
static void
test_throttle_backoff(void **state)
{
	struct throttle *t = throttle_new(16);
	int i;

	(void)state;
	for (i = 0; i < THROTTLE_FREE; i++) {
		assert_int_equal(throttle_wait(t, "alice", "a", T0), 0);
		throttle_fail(t, "alice", "a", T0);
	}
	assert_int_equal(throttle_wait(t, "alice", "a", T0), 1);
	assert_int_equal(throttle_wait(t, "alice", "a", T0 + 1), 0);
	throttle_fail(t, "alice", "a", T0 + 1);
	assert_int_equal(throttle_wait(t, "alice", "a", T0 + 1), 2);
	throttle_fail(t, "alice", "a", T0 + 3);
	assert_int_equal(throttle_wait(t, "alice", "a", T0 + 3), 4);
	/* Another address, another user: not held back. */
	assert_int_equal(throttle_wait(t, "alice", "b", T0 + 3), 0);
	assert_int_equal(throttle_wait(t, "bob", "a", T0 + 3), 0);
	/* Capped at 900 s however many failures. */
	for (i = 0; i < 30; i++)
		throttle_fail(t, "alice", "a", T0 + 4);
	assert_int_equal(throttle_wait(t, "alice", "a", T0 + 4),
	                 THROTTLE_MAX_WAIT);
	/* A success forgets the pair. */
	throttle_ok(t, "alice", "a");
	assert_int_equal(throttle_wait(t, "alice", "a", T0 + 5), 0);
	throttle_free(t);
}

/* Failures older than the window no longer count. */
static void
test_throttle_window(void **state)
{
	struct throttle *t = throttle_new(16);
	int i;

	(void)state;
	for (i = 0; i < THROTTLE_FREE - 1; i++)
		throttle_fail(t, "alice", "a", T0);
	/* The 5th, a window later: the count starts again. */
	assert_int_equal(throttle_fail(t, "alice", "a", T0 + THROTTLE_WINDOW),
	                 1);
	assert_int_equal(throttle_wait(t, "alice", "a", T0 + THROTTLE_WINDOW),
	                 0);
	throttle_free(t);
}

/* The table holds at most its size; the least recently used goes. */
static void
test_throttle_bounded(void **state)
{
	struct throttle *t = throttle_new(4);
	char addr[16];
	int i;

	(void)state;
	for (i = 0; i < THROTTLE_FREE; i++)
		throttle_fail(t, "alice", "keep", T0);
	for (i = 0; i < 100; i++) {
		snprintf(addr, sizeof addr, "10.0.0.%d", i);
		throttle_fail(t, "mallory", addr, T0);
		/* alice's entry is used, so it stays. */
		assert_int_equal(throttle_wait(t, "alice", "keep", T0), 1);
	}
	assert_int_equal(throttle_size(t), 4);
	throttle_free(t);
}

static void
test_password_rules(void **state)
{
	struct isms_err err;

	(void)state;
	assert_int_equal(passwords_check_new("alice", "short", &err),
	                 -ISMS_EINVAL);
	assert_int_equal(passwords_check_new("alice", NULL, &err),
	                 -ISMS_EINVAL);
	assert_int_equal(
	    passwords_check_new("alicealicealice", "alicealicealice", &err),
	    -ISMS_EINVAL);
	assert_int_equal(passwords_check_new("alice", "twelve bytes", &err), 0);
	{
		char big[PASSWORDS_MAX + 2];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		assert_int_equal(passwords_check_new("alice", big, &err),
		                 -ISMS_EINVAL);
		big[PASSWORDS_MAX] = '\0';
		assert_int_equal(passwords_check_new("alice", big, &err), 0);
	}
}

/* Argon2id with the contract's cost; a fresh salt each time. */
static void
test_password_hash(void **state)
{
	char a[PASSWORDS_ENCODED_MAX], b[PASSWORDS_ENCODED_MAX];
	struct isms_err err;

	(void)state;
	assert_int_equal(passwords_hash("correct horse", a, &err), 0);
	assert_int_equal(passwords_hash("correct horse", b, &err), 0);
	assert_non_null(strstr(a, "$argon2id$v=19$m=19456,t=2,p=1$"));
	assert_string_not_equal(a, b);
	assert_true(passwords_verify(a, "correct horse"));
	assert_true(passwords_verify(b, "correct horse"));
	assert_false(passwords_verify(a, "correct horsE"));
	assert_false(passwords_verify(NULL, "correct horse"));
	assert_false(passwords_verify("", ""));
}

/* Journal check callback: fails on a stored value holding the hash. */
static int
no_hash_stored(void *arg, int type, const char *id, const void *bytes,
               size_t len)
{
	const char *hash = arg;

	(void)type;
	(void)id;
	assert_null(memmem(bytes, len, hash, strlen(hash)));
	return 0;
}

/* The hash beside the user, not in it nor in the journal; has_password
 * set and journaled; the store checks. */
static void
test_password_stored(void **state)
{
	struct store_fx *fx = *state;
	struct records_actor who = {"admin", T0};
	char enc[PASSWORDS_ENCODED_MAX], got[PASSWORDS_ENCODED_MAX];
	struct check_opts opts = {0};
	struct check_result res = {0};
	struct store_txn txn;
	struct isms_err err;
	Isms__V1__User *u;
	const char *salt;

	assert_int_equal(passwords_hash("correct horse", enc, &err), 0);
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(passwords_get(&txn, "alice", got), -ISMS_ENOTFOUND);
	assert_int_equal(passwords_store(&txn, "alice", enc, &who, &u, &err),
	                 0);
	assert_true(u->has_password);
	assert_int_equal(u->rev, 2);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	assert_int_equal(passwords_store(&txn, "nobody", enc, &who, &u, &err),
	                 -ISMS_ENOTFOUND);
	assert_int_equal(store_commit(&txn), 0);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(passwords_get(&txn, "alice", got), 0);
	assert_string_equal(got, enc);
	assert_int_equal(users_get(&txn, "alice", &u), 0);
	assert_true(u->has_password);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	/* The salt and hash part appear in no user, token or journal. */
	salt = strrchr(enc, '$');
	assert_non_null(salt);
	assert_int_equal(users_each_stored(&txn, no_hash_stored, (void *)salt),
	                 0);
	assert_int_equal(check_store(&txn, &opts, &res, &err), 0);
	assert_true(res.ok);
	/* The "p" keys are no index the deep check derives. */
	opts.deep = true;
	assert_int_equal(check_store(&txn, &opts, &res, &err), 0);
	if (!res.ok)
		fail_msg("deep check: %s", res.problem);
	store_read_end(&txn);
}

/* Opens a session of name expiring at exp: its token id in id. */
static void
open_session(struct store_fx *fx, const char *name, int64_t exp, char id[32])
{
	Isms__V1__SessionOpened so = ISMS__V1__SESSION_OPENED__INIT;
	struct records_actor who = {name, T0};
	uint8_t key[USERS_KEY_LEN] = {1};
	struct store_txn txn;
	struct isms_err err;

	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(sessions_open(&txn, name, exp, key, &who, &so, &err),
	                 0);
	assert_int_equal(store_commit(&txn), 0);
	assert_true(so.token->session);
	assert_int_equal(so.role, ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER);
	snprintf(id, 32, "%s", so.token->id);
	protobuf_c_message_free_unpacked(&so.token->base, NULL);
	free(so.secret);
	free(so.user);
}

/* Finds token id in the list: 1 revoked, 0 live, -1 gone. */
static int
token_state(struct store_fx *fx, const char *id)
{
	Isms__V1__TokenListResult r = ISMS__V1__TOKEN_LIST_RESULT__INIT;
	struct store_txn txn;
	struct isms_err err;
	size_t i;
	int st = -1;

	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(tokens_list(&txn, &r, &err), 0);
	store_read_end(&txn);
	for (i = 0; i < r.n_tokens; i++) {
		if (strcmp(r.tokens[i]->id, id) == 0)
			st = r.tokens[i]->revoked ? 1 : 0;
		protobuf_c_message_free_unpacked(&r.tokens[i]->base, NULL);
	}
	free(r.tokens);
	return st;
}

/* Revoking by user takes only that user's sessions; pruning deletes
 * expired ones, a bounded number at a time; the store still checks. */
static void
test_sessions_revoke_prune(void **state)
{
	struct store_fx *fx = *state;
	struct records_actor who = {"admin", T0 + 7200};
	Isms__V1__TokenCreate tc = ISMS__V1__TOKEN_CREATE__INIT;
	Isms__V1__TokenCreateResult tr = ISMS__V1__TOKEN_CREATE_RESULT__INIT;
	uint8_t key[USERS_KEY_LEN] = {1};
	char a1[32], a2[32], b1[32], old[SESSIONS_PRUNE_MAX * 2][32];
	struct check_opts opts = {0};
	struct check_result res = {0};
	struct store_txn txn;
	struct isms_err err;
	size_t n, total = 0;
	int i, rounds = 0;

	open_session(fx, "alice", T0 + 3600, a1);
	open_session(fx, "alice", T0 + 3600, a2);
	open_session(fx, "bob", T0 + 3600, b1);
	tc.owner = (char *)"alice";
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(tokens_create(&txn, &tc, key, &who, &tr, &err), 0);
	assert_int_equal(sessions_revoke_user(&txn, "alice", &who, &n, &err),
	                 0);
	assert_int_equal(store_commit(&txn), 0);
	assert_int_equal(n, 2);
	assert_int_equal(token_state(fx, a1), 1);
	assert_int_equal(token_state(fx, a2), 1);
	assert_int_equal(token_state(fx, b1), 0);
	assert_int_equal(token_state(fx, tr.token->id), 0);
	/* Many expired sessions: each prune looks at a bounded number. */
	for (i = 0; i < SESSIONS_PRUNE_MAX * 2; i++)
		open_session(fx, "carol", T0 + 60, old[i]);
	do {
		assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
		assert_int_equal(sessions_prune(&txn, &who, &n, &err), 0);
		assert_int_equal(store_commit(&txn), 0);
		assert_true(n <= SESSIONS_PRUNE_MAX);
		total += n;
	} while (++rounds < 10);
	/* Every session expired at T0 + 3600 or before: all gone. */
	assert_int_equal(total, 3 + SESSIONS_PRUNE_MAX * 2);
	assert_int_equal(token_state(fx, a1), -1);
	assert_int_equal(token_state(fx, old[0]), -1);
	assert_int_equal(token_state(fx, tr.token->id), 0);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(check_store(&txn, &opts, &res, &err), 0);
	if (!res.ok)
		fail_msg("check: %s", res.problem);
	opts.deep = true;
	assert_int_equal(check_store(&txn, &opts, &res, &err), 0);
	if (!res.ok)
		fail_msg("deep check: %s", res.problem);
	store_read_end(&txn);
	protobuf_c_message_free_unpacked(&tr.token->base, NULL);
	free(tr.secret);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_throttle_backoff),
	    cmocka_unit_test(test_throttle_window),
	    cmocka_unit_test(test_throttle_bounded),
	    cmocka_unit_test(test_password_rules),
	    cmocka_unit_test(test_password_hash),
	    cmocka_unit_test_setup_teardown(
	        test_password_stored, store_fx_setup_owners, store_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_sessions_revoke_prune,
	                                    store_fx_setup_owners,
	                                    store_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
