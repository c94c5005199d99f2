/* test_journal.c: the hash chain, its verification, the store check,
 * due notices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "due_index.h"
#include "journal.h"
#include "pbfield.h"
#include "records.h"
#include "store.h"
#include "store_fx.h"
#include "timefmt.h"

#define setup    journal_setup
#define teardown store_fx_teardown

/* 2026-11-28 00:00:00 UTC */
#define T0 1795737600LL

/* Creates an action due on due_on at time now; returns its id. */
static char *
add_action(struct store *st, const char *due_on, int64_t now)
{
	struct records_actor who = {"alice", now};
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT, *out = NULL;
	Isms__V1__Action act = ISMS__V1__ACTION__INIT;
	struct store_txn txn;
	struct isms_err err;
	char *id;

	rec.title = "Patch the VPN";
	rec.owner = "alice";
	rec.body_case = ISMS__V1__RECORD__BODY_ACTION;
	rec.action = &act;
	act.has_kind = 1;
	act.kind = ISMS__V1__ACTION_KIND__ACTION_KIND_CORRECTIVE;
	act.due_on = (char *)due_on;
	put.record = &rec;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	if (records_put(&txn, &put, &who, &out, &err) != 0)
		fail_msg("put: %s", err.msg);
	assert_int_equal(store_commit(&txn), 0);
	id = strdup(out->id);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	return id;
}

/*
 * A store whose journal starts with one entry: the user alice, who owns
 * the actions (an action's owner is a user). The seqs below count it: U.
 */
#define U 1

static int
journal_setup(void **state)
{
	static const char *const alice[] = {"alice", NULL};
	struct store_fx *fx;
	struct store_txn txn;

	store_fx_setup(state);
	fx = *state;
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	store_fx_add_users(&txn, alice);
	assert_int_equal(store_commit(&txn), 0);
	return 0;
}

/* Verifies the whole journal in slices of 2; returns the state. */
static struct journal_verify
verify(struct store *st)
{
	struct journal_verify v;
	struct store_txn txn;
	struct isms_err err;
	int rc;

	journal_verify_init(&v);
	do {
		assert_int_equal(store_read_begin(st, &txn), 0);
		rc = journal_verify_slice(&txn, &v, 2, &err);
		store_read_end(&txn);
		assert_true(rc >= 0);
	} while (rc == 0);
	return v;
}

static void
test_chain_verifies_and_detects_tampering(void **state)
{
	struct store_fx *fx = *state;
	struct journal_verify v;
	struct store_txn txn;
	uint8_t key[8], *copy;
	uint64_t head;
	uint8_t hash[JOURNAL_HASH_LEN];
	MDB_val val;
	int i;

	for (i = 0; i < 5; i++)
		free(add_action(fx->st, "2026-12-01", T0));
	v = verify(fx->st);
	assert_false(v.failed);
	assert_int_equal(v.checked, 5 + U);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(journal_head(&txn, &head, hash), 0);
	store_read_end(&txn);
	assert_int_equal(head, 5 + U);
	assert_memory_equal(hash, v.prev, JOURNAL_HASH_LEN);
	/* Flip one byte of entry 3: verify names seq 3. */
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	be64_put(key, 3 + U);
	assert_int_equal(store_get(&txn, DB_JOURNAL, key, 8, &val), 0);
	copy = malloc(val.mv_size);
	memcpy(copy, val.mv_data, val.mv_size);
	copy[val.mv_size / 2] ^= 0x01;
	store_put(&txn, DB_JOURNAL, key, 8, copy, val.mv_size);
	free(copy);
	assert_int_equal(store_commit(&txn), 0);
	v = verify(fx->st);
	assert_true(v.failed);
	assert_int_equal(v.bad_seq, 3 + U);
	assert_int_equal(v.checked, 2 + U);
}

static void
test_stored_revision_tampering(void **state)
{
	struct store_fx *fx = *state;
	struct journal_verify v;
	struct store_iter it;
	struct store_txn txn;
	uint8_t *copy, keybuf[512];
	size_t klen = 0;
	char *id = add_action(fx->st, "2026-12-01", T0);

	free(add_action(fx->st, "2026-12-02", T0));
	/* Change the stored bytes of the first revision in history. */
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(store_iter_open(&txn, DB_HISTORY, &it, NULL, 0), 0);
	assert_true(store_iter_next(&it));
	klen = it.k.mv_size;
	memcpy(keybuf, it.k.mv_data, klen);
	copy = malloc(it.v.mv_size);
	memcpy(copy, it.v.mv_data, it.v.mv_size);
	copy[it.v.mv_size - 1] ^= 0x20;
	store_iter_close(&it);
	store_put(&txn, DB_HISTORY, keybuf, klen, copy, it.v.mv_size);
	free(copy);
	assert_int_equal(store_commit(&txn), 0);
	v = verify(fx->st);
	assert_true(v.failed);
	assert_int_equal(v.bad_seq, 1 + U);
	assert_non_null(strstr(v.problem, id));
	free(id);
}

/* Deletes journal entry seq. */
static void
del_entry(struct store *st, uint64_t seq)
{
	struct store_txn txn;
	uint8_t key[8];

	be64_put(key, seq);
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	store_del(&txn, DB_JOURNAL, key, sizeof key);
	assert_int_equal(store_commit(&txn), 0);
}

/* Sets the stored head to seq with entry seq's stored hash (zeros when
 * zero is true). */
static void
set_head(struct store *st, uint64_t seq, bool zero)
{
	Isms__V1__JournalEntry *e;
	struct store_txn txn;
	struct isms_err err;
	uint8_t head[8 + JOURNAL_HASH_LEN] = {0};

	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	assert_int_equal(journal_get(&txn, seq, &e, &err), 0);
	be64_put(head, seq);
	if (!zero)
		memcpy(head + 8, e->hash.data, JOURNAL_HASH_LEN);
	protobuf_c_message_free_unpacked(&e->base, NULL);
	store_put(&txn, DB_META, "journal-head", 12, head, sizeof head);
	assert_int_equal(store_commit(&txn), 0);
}

/* A gap is a failure at its seq, not the end of the chain. */
static void
test_gap_is_a_failure(void **state)
{
	struct store_fx *fx = *state;
	struct journal_verify v;
	int i;

	for (i = 0; i < 5; i++)
		free(add_action(fx->st, "2026-12-01", T0));
	del_entry(fx->st, 3 + U);
	v = verify(fx->st);
	assert_true(v.failed);
	assert_int_equal(v.bad_seq, 3 + U);
	assert_int_equal(v.checked, 2 + U);
	assert_non_null(strstr(v.problem, "entry 4 is missing"));
}

/* The stored head bounds the chain: entries after it fail, a head past
 * the last entry fails, a head whose hash is not the chain's fails; a cut
 * tail with the head moved to match is a whole chain (the store check and
 * an off-host head catch that). */
static void
test_stored_head_bounds_the_chain(void **state)
{
	struct store_fx *fx = *state;
	struct journal_verify v;
	int i;

	for (i = 0; i < 5; i++)
		free(add_action(fx->st, "2026-12-01", T0));
	set_head(fx->st, 3 + U, false);
	v = verify(fx->st);
	assert_true(v.failed);
	assert_int_equal(v.bad_seq, 4 + U);
	assert_non_null(strstr(v.problem, "beyond the stored head"));
	set_head(fx->st, 5 + U, true);
	v = verify(fx->st);
	assert_true(v.failed);
	assert_int_equal(v.bad_seq, 5 + U);
	assert_non_null(strstr(v.problem, "head's hash"));
	set_head(fx->st, 5 + U, false);
	del_entry(fx->st, 5 + U);
	v = verify(fx->st);
	assert_true(v.failed);
	assert_int_equal(v.bad_seq, 5 + U);
	set_head(fx->st, 4 + U, false);
	v = verify(fx->st);
	assert_false(v.failed);
	assert_int_equal(v.checked, 4 + U);
}

/* Runs the store check on one read txn. */
static struct check_result
check(struct store *st, bool deep, bool has_head, uint64_t head_seq,
      const uint8_t *head_hash)
{
	struct check_opts o = {.deep = deep, .has_head = has_head};
	struct check_result res;
	struct store_txn txn;
	struct isms_err err;

	o.head_seq = head_seq;
	if (head_hash != NULL)
		memcpy(o.head_hash, head_hash, JOURNAL_HASH_LEN);
	assert_int_equal(store_snapshot_begin(st, &txn), 0);
	if (check_store(&txn, &o, &res, &err) != 0)
		fail_msg("check: %s", err.msg);
	store_snapshot_end(&txn);
	return res;
}

/* --head: the chain's recomputed hash at SEQ, not a stored field; the
 * deep check finds a removed and a stray index key, plain verify not. */
static void
test_check_head_and_deep(void **state)
{
	struct store_fx *fx = *state;
	struct check_result r;
	struct store_iter it;
	struct store_txn txn;
	uint8_t key[512], hash[JOURNAL_HASH_LEN];
	size_t klen;
	uint64_t head;
	int i;

	for (i = 0; i < 4; i++)
		free(add_action(fx->st, "2026-12-01", T0));
	r = check(fx->st, true, false, 0, NULL);
	assert_true(r.ok);
	assert_int_equal(r.entries, 4 + U);
	assert_int_equal(r.head_seq, 4 + U);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(journal_head(&txn, &head, hash), 0);
	store_read_end(&txn);
	assert_true(check(fx->st, false, true, 4 + U, hash).ok);
	r = check(fx->st, false, true, 3 + U, hash);
	assert_false(r.ok);
	assert_true(r.has_bad_seq);
	assert_int_equal(r.bad_seq, 3 + U);
	r = check(fx->st, false, true, 9, hash);
	assert_false(r.ok);
	assert_non_null(strstr(r.problem, "does not reach"));
	/* One index key removed. */
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(store_iter_open(&txn, DB_IDX, &it, NULL, 0), 0);
	assert_true(store_iter_next(&it));
	klen = it.k.mv_size;
	memcpy(key, it.k.mv_data, klen);
	store_iter_close(&it);
	store_del(&txn, DB_IDX, key, klen);
	assert_int_equal(store_commit(&txn), 0);
	assert_true(check(fx->st, false, false, 0, NULL).ok);
	r = check(fx->st, true, false, 0, NULL);
	assert_false(r.ok);
	assert_false(r.has_bad_seq);
	assert_non_null(strstr(r.problem, "index: key "));
	assert_non_null(strstr(r.problem, "is missing"));
	/* Back, and one more no record calls for. */
	key[klen] = 'x';
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	store_put(&txn, DB_IDX, key, klen, "", 0);
	store_put(&txn, DB_IDX, key, klen + 1, "", 0);
	assert_int_equal(store_commit(&txn), 0);
	r = check(fx->st, true, false, 0, NULL);
	assert_false(r.ok);
	assert_non_null(strstr(r.problem, "derives from no record"));
}

/* Fires due notices as of today; returns how many. */
static size_t
fire(struct store *st, const char *today)
{
	struct records_actor who = {"ismsd", T0};
	struct store_txn txn;
	struct isms_err err;
	size_t n;

	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	assert_int_equal(due_fire(&txn, today, 7, &who, &n, &err), 0);
	assert_int_equal(store_commit(&txn), 0);
	return n;
}

/* Counts journal entries of type. */
static size_t
count_type(struct store *st, int type)
{
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	Isms__V1__JournalResult *res;
	struct store_txn txn;
	struct isms_err err;
	size_t i, n = 0;

	res = (Isms__V1__JournalResult *)pb_new(
	    &isms__v1__journal_result__descriptor);
	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(journal_query(&txn, &q, res, &err), 0);
	store_read_end(&txn);
	for (i = 0; i < res->n_entries; i++)
		n += (int)res->entries[i]->type == type;
	protobuf_c_message_free_unpacked(&res->base, NULL);
	return n;
}

static void
test_due_fires_once_per_cycle(void **state)
{
	struct store_fx *fx = *state;
	struct store_txn txn;
	char *id = add_action(fx->st, "2026-12-01", T0);

	assert_int_equal(fire(fx->st, "2026-11-30"), 0);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_false(due_pending(&txn, "2026-11-30", 7));
	assert_true(due_pending(&txn, "2026-12-01", 7));
	store_read_end(&txn);
	assert_int_equal(fire(fx->st, "2026-12-01"), 1);
	assert_int_equal(fire(fx->st, "2026-12-01"), 0); /* once */
	assert_int_equal(fire(fx->st, "2026-12-07"), 0); /* within grace */
	assert_int_equal(fire(fx->st, "2026-12-08"), 1); /* overdue */
	assert_int_equal(fire(fx->st, "2026-12-20"), 0);
	assert_int_equal(
	    count_type(fx->st, ISMS__V1__EVENT_TYPE__EVENT_TYPE_ACTION_DUE), 1);
	assert_int_equal(
	    count_type(fx->st, ISMS__V1__EVENT_TYPE__EVENT_TYPE_ACTION_OVERDUE),
	    1);
	/* An action's due date is its one reminder: its review date
	 * (created + 30 days) fires nothing while the due date is set. */
	assert_int_equal(fire(fx->st, "2026-12-28"), 0);
	assert_int_equal(
	    count_type(fx->st, ISMS__V1__EVENT_TYPE__EVENT_TYPE_REVIEW_DUE), 0);
	free(id);
}

/* The low-water mark of the due index (meta "due.low"), or "". */
static void
due_low(struct store *st, char out[11])
{
	struct store_txn txn;
	MDB_val v;

	out[0] = '\0';
	assert_int_equal(store_read_begin(st, &txn), 0);
	if (store_get(&txn, DB_META, "due.low", 7, &v) == 0 &&
	    v.mv_size == 10) {
		memcpy(out, v.mv_data, 10);
		out[10] = '\0';
	}
	store_read_end(&txn);
}

/* Fully notified entries are not read again; one added with an earlier
 * date lowers the mark and still fires. */
static void
test_due_low_water_mark(void **state)
{
	struct store_fx *fx = *state;
	struct store_txn txn;
	char low[11];

	free(add_action(fx->st, "2026-12-01", T0));
	assert_int_equal(fire(fx->st, "2026-12-01"), 1);
	due_low(fx->st, low);
	assert_string_equal(low, "2026-12-01"); /* overdue notice to come */
	assert_int_equal(fire(fx->st, "2026-12-08"), 1);
	due_low(fx->st, low);
	assert_string_equal(low, "2026-12-08"); /* all before: notified */
	assert_int_equal(fire(fx->st, "2026-12-09"), 0);
	free(add_action(fx->st, "2026-11-20", T0));
	due_low(fx->st, low);
	assert_string_equal(low, "2026-11-20");
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_true(due_pending(&txn, "2026-12-09", 7));
	store_read_end(&txn);
	assert_int_equal(fire(fx->st, "2026-12-09"), 2); /* due, overdue */
	assert_int_equal(fire(fx->st, "2026-12-09"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_chain_verifies_and_detects_tampering, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stored_revision_tampering,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gap_is_a_failure, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_stored_head_bounds_the_chain,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_head_and_deep, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_due_fires_once_per_cycle,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_due_low_water_mark, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
