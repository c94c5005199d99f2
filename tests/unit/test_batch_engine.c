/*
 * test_batch_engine.c: the external_ref index and the batch engine on a
 * real LMDB file: refs are held, moved, cleared and rebuilt; a given next
 * review date stands until a review or a new interval; a batch resolves
 * @register:ref targets in both directions, writes the reverse links,
 * and lists every failed put by index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch.h"
#include "extref.h"
#include "links.h"
#include "pbfield.h"
#include "records_refs.h"
#include "reg_fx.h"

/* Adds an asset carrying ref; its id into id. */
static void
add_asset(struct fx *fx, const char *ref, char *id)
{
	Isms__V1__Record *rec = new_record(&register_asset, NULL, NULL);
	struct isms_err err;

	rec->external_ref = strdup(ref);
	if (records_add(&fx->txn, &register_asset, rec, &who, NULL, &err) != 0)
		fail_msg("add: %s", err.msg);
	strcpy(id, rec->id);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
}

/* Sets id's external_ref to ref through a put's mask. */
static void
set_ref(struct fx *fx, const char *id, const char *ref)
{
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT, *out = NULL;
	char *mask[1] = {"external_ref"};
	struct isms_err err;

	rec.id = (char *)id;
	rec.external_ref = (char *)ref;
	put.record = &rec;
	put.update_mask = mask;
	put.n_update_mask = 1;
	if (records_put(&fx->txn, &put, &who, &out, &err) != 0)
		fail_msg("put %s: %s", id, err.msg);
	protobuf_c_message_free_unpacked(&out->base, NULL);
}

/* store_key_fn: counts the ref keys (0x00 first). */
static void
count_ref_key(void *arg, const uint8_t *key, size_t klen, const void *val,
              size_t vlen)
{
	(void)val;
	(void)vlen;
	if (klen > 0 && key[0] == 0x00)
		(*(int *)arg)++;
}

/* A ref is held by its record, refused to another, freed when cleared,
 * and the rebuild derives the same keys from the records. */
static void
test_ref_index(void **state)
{
	struct fx *fx = *state;
	uint8_t code = register_code(&register_asset);
	char a[32], b[32], id[ID_MAX + 1];
	Isms__V1__Record *rec;
	struct isms_err err;
	int n = 0;

	add_asset(fx, "A-1", a);
	assert_int_equal(extref_ref_get(&fx->txn, code, "A-1", id), 0);
	assert_string_equal(id, a);
	/* Another register's key space. */
	assert_int_equal(
	    extref_ref_get(&fx->txn, register_code(&register_risk), "A-1", id),
	    -ISMS_ENOTFOUND);
	rec = new_record(&register_asset, NULL, NULL);
	rec->external_ref = strdup("A-1");
	assert_int_equal(
	    records_add(&fx->txn, &register_asset, rec, &who, NULL, &err),
	    -ISMS_EEXIST);
	assert_non_null(strstr(err.msg, a));
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	/* Cleared: free again. */
	set_ref(fx, a, "");
	assert_int_equal(extref_ref_get(&fx->txn, code, "A-1", id),
	                 -ISMS_ENOTFOUND);
	add_asset(fx, "A-1", b);
	/* Moved: the old key goes with it. */
	set_ref(fx, b, "A-2");
	assert_int_equal(extref_ref_get(&fx->txn, code, "A-1", id),
	                 -ISMS_ENOTFOUND);
	assert_int_equal(extref_ref_get(&fx->txn, code, "A-2", id), 0);
	assert_string_equal(id, b);
	assert_int_equal(extref_keys(&fx->txn, count_ref_key, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(extref_rebuild(&fx->txn, &err), 0);
	assert_int_equal(extref_ref_get(&fx->txn, code, "A-2", id), 0);
	assert_string_equal(id, b);
	assert_int_equal(extref_ref_valid("a\x01", &err), -ISMS_EINVAL);
}

/* A date given stands through edits; a review or a new interval computes
 * it again. */
static void
test_reschedule(void **state)
{
	Isms__V1__Record old = ISMS__V1__RECORD__INIT, rec;

	(void)state;
	assert_true(records_refs_reschedule(NULL, &old));
	old.next_review_on = "2031-01-01";
	assert_false(records_refs_reschedule(NULL, &old));
	old.has_review_interval_days = 1;
	old.review_interval_days = 90;
	rec = old;
	assert_false(records_refs_reschedule(&old, &rec));
	rec.has_last_reviewed_at = 1;
	rec.last_reviewed_at = 1000;
	assert_true(records_refs_reschedule(&old, &rec));
	rec = old;
	rec.review_interval_days = 30;
	assert_true(records_refs_reschedule(&old, &rec));
	/* A new date the client gave stands even with a new interval. */
	rec.next_review_on = "2032-02-02";
	assert_false(records_refs_reschedule(&old, &rec));
}

/* A put of a new asset with ref, linked (when rel) to target. */
static Isms__V1__Put *
asset_put(const char *ref, const char *rel, const char *target)
{
	Isms__V1__Put *p = (Isms__V1__Put *)pb_new(&isms__v1__put__descriptor);

	p->record = new_record(&register_asset, NULL, NULL);
	p->record->external_ref = strdup(ref);
	if (rel != NULL) {
		Isms__V1__Link *l =
		    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

		l->rel = strdup(rel);
		l->target = strdup(target);
		p->record->links = malloc(sizeof *p->record->links);
		p->record->links[0] = l;
		p->record->n_links = 1;
	}
	return p;
}

/* links_each_incoming callback: counts. */
static void
count_in(void *arg, const char *rel, const char *source)
{
	(void)rel;
	(void)source;
	(*(int *)arg)++;
}

/* @register:ref targets resolve to records made later in the batch, the
 * reverse links are written, and every failure is listed by index. */
static void
test_batch_refs(void **state)
{
	struct fx *fx = *state;
	struct batch_opts opt = {0};
	Isms__V1__BatchResult *res = (Isms__V1__BatchResult *)pb_new(
	    &isms__v1__batch_result__descriptor);
	Isms__V1__Put *p[4];
	struct isms_err err;
	int n = 0, i;

	p[0] = (Isms__V1__Put *)pb_new(&isms__v1__put__descriptor);
	p[0]->record = new_record(&register_risk, NULL, NULL);
	p[0]->record->links = malloc(sizeof *p[0]->record->links);
	p[0]->record->links[0] =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);
	p[0]->record->links[0]->rel = strdup("affects");
	p[0]->record->links[0]->target = strdup("@asset:A-2");
	p[0]->record->n_links = 1;
	p[1] = asset_put("A-2", NULL, NULL);
	assert_int_equal(batch_apply(&fx->txn, p, 2, &opt, &who, res, &err), 0);
	assert_int_equal(res->created, 2);
	assert_int_equal(links_each_incoming(&fx->txn, &register_asset,
	                                     res->ids[1], count_in, &n, &err),
	                 0);
	assert_int_equal(n, 1);
	protobuf_c_message_free_unpacked(&res->base, NULL);
	for (i = 0; i < 2; i++)
		protobuf_c_message_free_unpacked(&p[i]->base, NULL);
	/* Three failures, each listed: an unknown target, a taken ref, a
	 * ref given twice. */
	res = (Isms__V1__BatchResult *)pb_new(
	    &isms__v1__batch_result__descriptor);
	p[0] = asset_put("A-3", "in", "@asset:nowhere");
	p[1] = asset_put("A-2", NULL, NULL);
	p[2] = asset_put("A-4", NULL, NULL);
	p[3] = asset_put("A-4", NULL, NULL);
	assert_int_not_equal(batch_apply(&fx->txn, p, 4, &opt, &who, res, &err),
	                     0);
	assert_int_equal(res->n_errors, 3);
	assert_int_equal(res->errors[0]->index, 0);
	assert_non_null(strstr(res->errors[0]->message, "nowhere"));
	assert_int_equal(res->errors[1]->index, 1);
	assert_int_equal(res->errors[2]->index, 3);
	assert_int_equal(res->n_ids, 0);
	protobuf_c_message_free_unpacked(&res->base, NULL);
	for (i = 0; i < 4; i++)
		protobuf_c_message_free_unpacked(&p[i]->base, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ref_index, setup, teardown),
	    cmocka_unit_test(test_reschedule),
	    cmocka_unit_test_setup_teardown(test_batch_refs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
