/* test_records.c: the store wrapper and the register engine on real LMDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "method.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "store_fx.h"

#define setup    store_fx_setup_owners
#define teardown store_fx_teardown

static const struct records_actor who = {"alice", 1764320000};

/* Creates a risk with title, owner, likelihood and impact; returns id. */
static char *
create_risk(struct store *st, const char *title, const char *owner, int l,
            int i)
{
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Record *out = NULL;
	struct store_txn txn;
	struct isms_err err;
	char *id;

	rec.title = (char *)title;
	rec.owner = (char *)owner;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.has_likelihood = risk.has_impact = 1;
	risk.likelihood = l;
	risk.impact = i;
	put.record = &rec;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	if (records_put(&txn, &put, &who, &out, &err) != 0)
		fail_msg("put: %s", err.msg);
	assert_int_equal(store_commit(&txn), 0);
	id = strdup(out->id);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	return id;
}

static Isms__V1__Record *
get(struct store *st, const char *id, uint64_t rev)
{
	Isms__V1__Record *out = NULL;
	struct store_txn txn;
	struct isms_err err;

	assert_int_equal(store_read_begin(st, &txn), 0);
	if (records_get(&txn, id, rev, &out, &err) != 0)
		out = NULL;
	store_read_end(&txn);
	return out;
}

static void
test_create_and_derive(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__Record *r;
	char *a, *b;

	a = create_risk(fx->st, "Laptop theft", "alice", 3, 4);
	b = create_risk(fx->st, "Phishing", "bob", 5, 5);
	assert_string_equal(a, "RSK-0001");
	assert_string_equal(b, "RSK-0002");
	r = get(fx->st, a, 0);
	assert_non_null(r);
	assert_int_equal(r->rev, 1);
	assert_string_equal(r->created_by, "alice");
	assert_int_equal(r->created_at, who.now);
	assert_int_equal(r->risk->status,
	                 ISMS__V1__RISK_STATUS__RISK_STATUS_OPEN);
	assert_int_equal(r->risk->score, 12);
	assert_string_equal(r->risk->level, "high");
	assert_int_equal(r->review_interval_days, 90);
	assert_string_equal(r->next_review_on, "2026-02-26");
	protobuf_c_message_free_unpacked(&r->base, NULL);
	r = get(fx->st, b, 0);
	assert_string_equal(r->risk->level, "critical");
	protobuf_c_message_free_unpacked(&r->base, NULL);
	assert_null(get(fx->st, "RSK-0003", 0));
	free(a);
	free(b);
}

/* Applies an update of one path; returns the rc. */
static int
update(struct store *st, const char *id, const char *path, uint32_t impact,
       const char *owner, uint64_t expect, struct isms_err *err)
{
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Record *out = NULL;
	struct store_txn txn;
	char *mask[1] = {(char *)path};
	int rc;

	rec.id = (char *)id;
	rec.owner = (char *)owner;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.has_impact = impact != 0;
	risk.impact = impact;
	put.record = &rec;
	put.n_update_mask = 1;
	put.update_mask = mask;
	put.has_expect_rev = expect != 0;
	put.expect_rev = expect;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	rc = records_put(&txn, &put, &who, &out, err);
	if (rc == 0)
		assert_int_equal(store_commit(&txn), 0);
	else
		store_abort(&txn);
	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

/* method_peek: one unpack while the stored bytes stay, the new method as
 * soon as they change (same txn), the old one again after an abort. */
static void
test_method_peek_follows_store(void **state)
{
	struct store_fx *fx = *state;
	const Isms__V1__RiskMethod *m1, *m2;
	Isms__V1__RiskMethod *m;
	struct store_txn txn;
	struct isms_err err;

	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(method_peek(&txn, &m1, &err), 0);
	assert_int_equal(m1->acceptance_threshold, 9);
	assert_int_equal(method_peek(&txn, &m2, &err), 0);
	assert_ptr_equal(m1, m2);
	m = method_default();
	m->acceptance_threshold = 12;
	m->has_rev = 1;
	m->rev = 2;
	method_store(&txn, m);
	assert_int_equal(method_peek(&txn, &m1, &err), 0);
	assert_int_equal(m1->acceptance_threshold, 12);
	store_abort(&txn);
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(method_peek(&txn, &m1, &err), 0);
	assert_int_equal(m1->acceptance_threshold, 9);
	method_store(&txn, m);
	assert_int_equal(store_commit(&txn), 0);
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(method_peek(&txn, &m1, &err), 0);
	assert_int_equal(m1->acceptance_threshold, 12);
	assert_int_equal(method_peek(&txn, &m2, &err), 0);
	assert_ptr_equal(m1, m2);
	store_abort(&txn);
	/* A read txn has no memo to borrow from. */
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(method_peek(&txn, &m1, &err), -ISMS_EINTERNAL);
	store_read_end(&txn);
	protobuf_c_message_free_unpacked(&m->base, NULL);
}

/* Puts a risk update with mask: n paths, each "risk.impact" but the last
 * (last); returns the rc. */
static int
update_long_mask(struct store *st, const char *id, size_t n, const char *last,
                 struct isms_err *err)
{
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Record *out = NULL;
	struct store_txn txn;
	char *mask[16];
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		mask[i] = (char *)(i + 1 < n ? "risk.impact" : last);
	rec.id = (char *)id;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.has_impact = 1;
	risk.impact = 2;
	put.record = &rec;
	put.n_update_mask = n;
	put.update_mask = mask;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	rc = records_put(&txn, &put, &who, &out, err);
	if (rc == 0)
		assert_int_equal(store_commit(&txn), 0);
	else
		store_abort(&txn);
	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

/* A mask longer than the plan's inline paths: resolved, applied, and a
 * bad path after the inline ones refused. */
static void
test_update_long_mask(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__Record *r;
	struct isms_err err;
	char *a = create_risk(fx->st, "Laptop theft", "alice", 3, 4);

	assert_int_equal(update_long_mask(fx->st, a, 12, "risk.impact", &err),
	                 0);
	r = get(fx->st, a, 0);
	assert_int_equal(r->rev, 2);
	assert_int_equal(r->risk->impact, 2);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	assert_int_equal(update_long_mask(fx->st, a, 12, "rev", &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "field 'rev' is set by the server"));
	free(a);
}

static void
test_update_mask_and_conflict(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__Record *r;
	struct isms_err err;
	char *a = create_risk(fx->st, "Laptop theft", "alice", 3, 4);

	/* Only impact changes; title, owner and likelihood stay. */
	assert_int_equal(update(fx->st, a, "risk.impact", 5, NULL, 1, &err), 0);
	r = get(fx->st, a, 0);
	assert_int_equal(r->rev, 2);
	assert_int_equal(r->risk->impact, 5);
	assert_int_equal(r->risk->likelihood, 3);
	assert_int_equal(r->risk->score, 15);
	assert_string_equal(r->title, "Laptop theft");
	assert_string_equal(r->owner, "alice");
	protobuf_c_message_free_unpacked(&r->base, NULL);
	/* A stale rev is a conflict naming the current rev. */
	assert_int_equal(update(fx->st, a, "risk.impact", 1, NULL, 1, &err),
	                 -ISMS_ECONFLICT);
	assert_non_null(strstr(err.msg, "at rev 2, not rev 1"));
	/* Out of the scale: refused naming the field. */
	assert_int_equal(update(fx->st, a, "risk.impact", 9, NULL, 0, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "'impact'"));
	/* A path in the mask but absent from the record clears it: a
	 * risk's owner is required, so that is refused; another user is
	 * fine, someone who is no user is not. */
	assert_int_equal(update(fx->st, a, "owner", 0, NULL, 0, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "field 'owner' is required"));
	assert_int_equal(update(fx->st, a, "owner", 0, "zed", 0, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "ismsctl user add zed"));
	assert_int_equal(update(fx->st, a, "owner", 0, "bob", 0, &err), 0);
	r = get(fx->st, a, 0);
	assert_string_equal(r->owner, "bob");
	assert_int_equal(r->rev, 3);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	/* Server fields cannot be set; unknown paths are refused. */
	assert_int_equal(update(fx->st, a, "rev", 0, NULL, 0, &err),
	                 -ISMS_EINVAL);
	assert_int_equal(update(fx->st, a, "asset.kind", 0, NULL, 0, &err),
	                 -ISMS_EINVAL);
	assert_int_equal(update(fx->st, "RSK-0404", "title", 0, NULL, 0, &err),
	                 -ISMS_ENOTFOUND);
	/* Derived fields are the server's. */
	assert_int_equal(update(fx->st, a, "risk.score", 0, NULL, 0, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "derived"));
	/* Setting what is already there makes no new revision. */
	assert_int_equal(update(fx->st, a, "risk.impact", 5, NULL, 3, &err), 0);
	r = get(fx->st, a, 0);
	assert_int_equal(r->rev, 3);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	/* History keeps every revision. */
	r = get(fx->st, a, 1);
	assert_int_equal(r->risk->impact, 4);
	assert_string_equal(r->owner, "alice");
	protobuf_c_message_free_unpacked(&r->base, NULL);
	free(a);
}

/* Lists risks with filters, following pages of size page; returns count. */
static size_t
list_ids(struct store *st, const char *owner, const char *status, uint32_t page,
         Isms__V1__ArchivedFilter arch, char ids[][16], size_t max)
{
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	Isms__V1__ListResult *res;
	struct store_txn txn;
	struct isms_err err;
	uint8_t token[512];
	size_t n = 0, i;

	list.register_ = "risk";
	list.owner = (char *)owner;
	list.status = (char *)status;
	list.has_page_size = 1;
	list.page_size = page;
	list.has_archived = 1;
	list.archived = arch;
	for (;;) {
		res = (Isms__V1__ListResult *)pb_new(
		    &isms__v1__list_result__descriptor);
		assert_int_equal(store_read_begin(st, &txn), 0);
		if (records_list(&txn, &list, res, &err) != 0)
			fail_msg("list: %s", err.msg);
		store_read_end(&txn);
		assert_true(res->n_records <= page);
		for (i = 0; i < res->n_records && n < max; i++)
			snprintf(ids[n++], 16, "%s", res->records[i]->id);
		if (!res->has_next_page_token) {
			protobuf_c_message_free_unpacked(&res->base, NULL);
			return n;
		}
		memcpy(token, res->next_page_token.data,
		       res->next_page_token.len);
		list.has_page_token = 1;
		list.page_token.data = token;
		list.page_token.len = res->next_page_token.len;
		protobuf_c_message_free_unpacked(&res->base, NULL);
	}
}

static void
test_list_order_filters_pages(void **state)
{
	struct store_fx *fx = *state;
	char ids[32][16], *id;
	uint8_t key[2] = {'n', 32}, val[4] = {0, 0, 0x27, 0x0d}; /* 9997 */
	struct store_txn txn;
	size_t n;
	int i;

	/* Jump the counter so ids cross from 4 to 5 digits. */
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	store_put(&txn, DB_META, key, 2, val, 4);
	assert_int_equal(store_commit(&txn), 0);
	for (i = 0; i < 5; i++) {
		id = create_risk(fx->st, "r", i % 2 ? "bob" : "alice", 1, 1);
		free(id);
	}
	n = list_ids(fx->st, NULL, NULL, 2, ISMS__V1__ARCHIVED_FILTER__LIVE,
	             ids, 32);
	assert_int_equal(n, 5);
	assert_string_equal(ids[0], "RSK-9998");
	assert_string_equal(ids[1], "RSK-9999");
	assert_string_equal(ids[2], "RSK-10000");
	assert_string_equal(ids[4], "RSK-10002");
	n = list_ids(fx->st, "bob", NULL, 1, ISMS__V1__ARCHIVED_FILTER__LIVE,
	             ids, 32);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "RSK-9999");
	assert_string_equal(ids[1], "RSK-10001");
	n = list_ids(fx->st, NULL, "open", 100, ISMS__V1__ARCHIVED_FILTER__LIVE,
	             ids, 32);
	assert_int_equal(n, 5);
	n = list_ids(fx->st, NULL, "closed", 100,
	             ISMS__V1__ARCHIVED_FILTER__LIVE, ids, 32);
	assert_int_equal(n, 0);
}

static void
test_archive(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__Archive arc = ISMS__V1__ARCHIVE__INIT;
	Isms__V1__Record *out = NULL;
	struct store_txn txn;
	struct isms_err err;
	char ids[4][16];
	uint64_t live, archived;
	char *a = create_risk(fx->st, "a", "alice", 1, 1);
	char *b = create_risk(fx->st, "b", "alice", 1, 1);

	arc.id = a;
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(records_archive(&txn, &arc, &who, &out, &err), 0);
	assert_int_equal(store_commit(&txn), 0);
	assert_true(out->archived);
	assert_int_equal(out->rev, 2);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	assert_int_equal(list_ids(fx->st, "alice", NULL, 10,
	                          ISMS__V1__ARCHIVED_FILTER__LIVE, ids, 4),
	                 1);
	assert_string_equal(ids[0], b);
	assert_int_equal(list_ids(fx->st, NULL, NULL, 10,
	                          ISMS__V1__ARCHIVED_FILTER__ARCHIVED, ids, 4),
	                 1);
	assert_string_equal(ids[0], a);
	assert_int_equal(list_ids(fx->st, NULL, NULL, 10,
	                          ISMS__V1__ARCHIVED_FILTER__ANY, ids, 4),
	                 2);
	/* Archiving twice, or updating an archived record, is refused. */
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(records_archive(&txn, &arc, &who, &out, &err),
	                 -ISMS_EPRECOND);
	store_abort(&txn);
	assert_int_equal(update(fx->st, a, "risk.impact", 2, NULL, 0, &err),
	                 -ISMS_EPRECOND);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(records_count(&txn, 32, &live, &archived), 0);
	store_read_end(&txn);
	assert_int_equal(live, 1);
	assert_int_equal(archived, 1);
	free(a);
	free(b);
}

static void
test_sticky_error(void **state)
{
	struct store_fx *fx = *state;
	struct store_txn txn;
	uint8_t big[600] = {1};
	MDB_val v;

	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	store_put(&txn, DB_META, "k1", 2, "v", 1);
	store_put(&txn, DB_META, big, sizeof big, "v", 1); /* key too long */
	assert_int_equal(txn.ret, -ISMS_EINVAL);
	store_put(&txn, DB_META, "k2", 2, "v", 1); /* a no-op now */
	assert_int_equal(store_commit(&txn), -ISMS_EINVAL);
	/* Nothing of the failed txn was stored. */
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(store_get(&txn, DB_META, "k1", 2, &v),
	                 -ISMS_ENOTFOUND);
	store_read_end(&txn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_and_derive, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_method_peek_follows_store,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_long_mask, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_update_mask_and_conflict,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_order_filters_pages,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_archive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sticky_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
