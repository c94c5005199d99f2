/*
 * test_batch.c: the Batch RPC end to end on a real ismsd, through the
 * client library: all or nothing (a bad put in the middle stores nothing,
 * journals nothing, moves no id counter), a dry run that lists every
 * error by index, upsert by external_ref, external_ref uniqueness (Put,
 * Batch, within a batch, cleared and archived refs), keep_ids, links by
 * @register:ref across the batch, evidence on the batch's final state,
 * dates an import may set and stamps it may not; journal verify after
 * each. test_batch_stage.c has staging, caps, roles and users.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch_fx.h"
#include "pbfield.h"

/* A bad put in the middle: nothing stored, nothing journaled, no id
 * counter moved; the reply names the put. */
static void
test_all_or_nothing(void **state)
{
	struct batch_fx *fx = *state;
	Isms__V1__Put *p[3];
	Isms__V1__Reply *r;
	uint64_t before;

	add_user(fx->admin, "alice", "viewer", false);
	before = verify(fx->admin);
	p[0] = risk("Laptop theft", "R-1", 3);
	p[1] = risk("Bad impact", "R-2", 99);
	p[2] = risk("Phishing", "R-3", 4);
	r = batch(fx->admin, p, 3, NULL);
	assert_int_equal(code(r), INVALID);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_BATCH);
	assert_int_equal(r->batch->n_errors, 1);
	assert_int_equal(r->batch->errors[0]->index, 1);
	assert_int_equal(r->batch->errors[0]->code, INVALID);
	assert_int_equal(r->batch->n_ids, 0);
	assert_non_null(strstr(r->status->message, "put 1"));
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", NULL), 0);
	assert_int_equal(verify(fx->admin), before);
	/* The counter did not move: the next risk is the first. */
	r = put1(fx->admin, risk("After", NULL, 2));
	assert_int_equal(code(r), 0);
	assert_string_equal(r->record->id, "RSK-0001");
	isms_reply_free(r);
	/* The same three, fixed, land together in order. */
	p[0] = risk("Laptop theft", "R-1", 3);
	p[1] = risk("Good impact", "R-2", 5);
	p[2] = risk("Phishing", "R-3", 4);
	r = batch(fx->admin, p, 3, NULL);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->created, 3);
	assert_int_equal(r->batch->n_ids, 3);
	assert_string_equal(r->batch->ids[0], "RSK-0002");
	assert_string_equal(r->batch->ids[2], "RSK-0004");
	assert_int_equal(r->batch->n_records, 3);
	assert_string_equal(r->batch->records[1]->external_ref, "R-2");
	assert_int_equal(r->batch->records[1]->rev, 1);
	isms_reply_free(r);
	/* One journal entry per record. */
	assert_int_equal(verify(fx->admin), before + 4);
}

/* A dry run writes nothing and lists every error with its index and
 * field; a clean dry run says what it would create. */
static void
test_dry_run(void **state)
{
	struct batch_fx *fx = *state;
	struct isms_batch_opts o = {.dry_run = true};
	Isms__V1__Put *p[4];
	Isms__V1__Reply *r;
	uint64_t before;

	add_user(fx->admin, "alice", "viewer", false);
	before = verify(fx->admin);
	p[0] = risk("Fine", "R-1", 3);
	p[1] = risk("Bad impact", "R-2", 99);
	p[2] = risk("Fine too", "R-3", 3);
	p[3] = risk("", "R-4", 3);
	free(p[3]->record->owner);
	p[3]->record->owner = strdup("nobody-known");
	r = batch(fx->admin, p, 4, &o);
	assert_int_equal(code(r), 0);
	assert_true(r->batch->dry_run);
	assert_int_equal(r->batch->n_errors, 2);
	assert_int_equal(r->batch->error_count, 2);
	assert_int_equal(r->batch->errors[0]->index, 1);
	assert_int_equal(r->batch->errors[1]->index, 3);
	assert_non_null(r->batch->errors[1]->field);
	assert_string_equal(r->batch->errors[1]->field, "title");
	isms_reply_free(r);
	p[0] = risk("Fine", "R-1", 3);
	p[1] = risk("Fine too", "R-2", 3);
	r = batch(fx->admin, p, 2, &o);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->n_errors, 0);
	assert_int_equal(r->batch->created, 2);
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", NULL), 0);
	assert_int_equal(verify(fx->admin), before);
	/* Nothing moved: a real run gets the first ids. */
	p[0] = risk("Fine", "R-1", 3);
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), 0);
	assert_string_equal(r->batch->ids[0], "RSK-0001");
	isms_reply_free(r);
}

/* A rerun with upsert updates the records its refs name instead of
 * duplicating them; without upsert the refs are taken. */
static void
test_upsert(void **state)
{
	struct batch_fx *fx = *state;
	struct isms_batch_opts up = {.upsert = true};
	Isms__V1__Put *p[3];
	Isms__V1__Reply *r;
	Isms__V1__Record *rec;

	add_user(fx->admin, "alice", "viewer", false);
	p[0] = risk("Laptop theft", "R-1", 3);
	p[1] = risk("Phishing", "R-2", 4);
	r = batch(fx->admin, p, 2, &up);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->created, 2);
	isms_reply_free(r);
	p[0] = risk("Laptop theft, unencrypted", "R-1", 3);
	p[1] = risk("Phishing", "R-2", 4);
	p[2] = risk("Ransomware", "R-3", 5);
	r = batch(fx->admin, p, 3, &up);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->created, 1);
	assert_int_equal(r->batch->updated, 1);
	assert_int_equal(r->batch->unchanged, 1);
	assert_string_equal(r->batch->ids[0], "RSK-0001");
	assert_string_equal(r->batch->ids[2], "RSK-0003");
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", NULL), 3);
	rec = get(fx->admin, "RSK-0001");
	assert_string_equal(rec->title, "Laptop theft, unencrypted");
	assert_int_equal(rec->rev, 2);
	rec_free(rec);
	/* Without upsert the same refs are refused, each named. */
	p[0] = risk("Again", "R-1", 3);
	p[1] = risk("Again", "R-2", 3);
	r = batch(fx->admin, p, 2, NULL);
	assert_int_equal(code(r), EXISTS);
	assert_int_equal(r->batch->n_errors, 2);
	assert_string_equal(r->batch->errors[0]->field, "external_ref");
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", NULL), 3);
	verify(fx->admin);
}

/* external_ref is unique per register: on Put, across a batch, within
 * one batch; a cleared ref is free again, an archived record keeps its
 * own; another register may use the same ref; the filter finds it. */
static void
test_extref_unique(void **state)
{
	struct batch_fx *fx = *state;
	Isms__V1__Put *p[2];
	Isms__V1__Reply *r;
	Isms__V1__Request *req;

	add_user(fx->admin, "alice", "viewer", false);
	r = put1(fx->admin, risk("One", "X-1", 3));
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	r = put1(fx->admin, risk("Two", "X-1", 3));
	assert_int_equal(code(r), EXISTS);
	assert_non_null(strstr(r->status->message, "RSK-0001"));
	isms_reply_free(r);
	p[0] = risk("Three", "X-2", 3);
	p[1] = risk("Four", "X-2", 3);
	r = batch(fx->admin, p, 2, NULL);
	assert_int_equal(code(r), EXISTS);
	assert_int_equal(r->batch->errors[0]->index, 1);
	isms_reply_free(r);
	/* Another register: its own keys. */
	p[0] = put_new("asset", "title=Laptop", "external_ref=X-1", NULL);
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", "external_ref=X-1"), 1);
	/* Cleared: free for another record. */
	p[0] = (Isms__V1__Put *)pb_new(&isms__v1__put__descriptor);
	p[0]->record = (Isms__V1__Record *)pb_new(RD);
	p[0]->record->id = strdup("RSK-0001");
	p[0]->record->external_ref = strdup("");
	p[0]->update_mask = malloc(sizeof *p[0]->update_mask);
	p[0]->update_mask[0] = strdup("external_ref");
	p[0]->n_update_mask = 1;
	r = put1(fx->admin, p[0]);
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	r = put1(fx->admin, risk("Five", "X-1", 3));
	assert_int_equal(code(r), 0);
	assert_string_equal(r->record->id, "RSK-0002");
	isms_reply_free(r);
	/* Archived, RSK-0002 keeps X-1. */
	req = request_for("archive");
	req->archive->id = strdup("RSK-0002");
	r = call(fx->admin, req);
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	r = put1(fx->admin, risk("Six", "X-1", 3));
	assert_int_equal(code(r), EXISTS);
	isms_reply_free(r);
	/* Malformed refs are refused. */
	r = put1(fx->admin, risk("Seven", "bad\tref", 3));
	assert_int_equal(code(r), INVALID);
	isms_reply_free(r);
	verify(fx->admin);
}

/* keep_ids creates records under the ids they name, and the counter
 * moves past them; without it an unknown id is not found. */
static void
test_keep_ids(void **state)
{
	struct batch_fx *fx = *state;
	struct isms_batch_opts keep = {.keep_ids = true};
	Isms__V1__Put *p[2];
	Isms__V1__Reply *r;

	add_user(fx->admin, "alice", "viewer", false);
	p[0] = risk("Kept", NULL, 3);
	p[0]->record->id = strdup("RSK-0042");
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), NOT_FOUND);
	isms_reply_free(r);
	p[0] = risk("Kept", NULL, 3);
	p[0]->record->id = strdup("RSK-0042");
	p[1] = risk("New", NULL, 3);
	r = batch(fx->admin, p, 2, &keep);
	assert_int_equal(code(r), 0);
	assert_string_equal(r->batch->ids[0], "RSK-0042");
	assert_string_equal(r->batch->ids[1], "RSK-0043");
	assert_int_equal(r->batch->created, 2);
	isms_reply_free(r);
	r = put1(fx->admin, risk("Next", NULL, 3));
	assert_string_equal(r->record->id, "RSK-0044");
	isms_reply_free(r);
	/* Not the register's form. */
	p[0] = risk("Odd", NULL, 3);
	p[0]->record->id = strdup("RSK-7");
	r = batch(fx->admin, p, 1, &keep);
	assert_int_equal(code(r), INVALID);
	isms_reply_free(r);
	/* Two puts naming one record. */
	p[0] = risk("Twice", NULL, 3);
	p[0]->record->id = strdup("RSK-0050");
	p[1] = risk("Twice", NULL, 3);
	p[1]->record->id = strdup("RSK-0050");
	r = batch(fx->admin, p, 2, &keep);
	assert_int_equal(code(r), INVALID);
	assert_int_equal(r->batch->errors[0]->index, 1);
	isms_reply_free(r);
	verify(fx->admin);
}

/* Links name targets by @register:ref, created before or after in the
 * batch; the evidence of a closed finding (a linked nonconformity) is
 * judged on the batch's final state. */
static void
test_links_and_evidence(void **state)
{
	struct batch_fx *fx = *state;
	Isms__V1__Put *p[3];
	Isms__V1__Reply *r;
	Isms__V1__Record *rec;

	add_user(fx->admin, "alice", "viewer", false);
	/* Without its nonconformity a closed major finding is refused. */
	p[0] = put_new("finding", "title=No MFA", "finding.kind=major_nc",
	               "finding.status=closed", "external_ref=F-1", NULL);
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), INVALID);
	assert_non_null(strstr(r->batch->errors[0]->message, "nonconformity"));
	isms_reply_free(r);
	/* The finding first, its nonconformity after, linked by ref; the
	 * risk links an asset made later in the same batch. */
	p[0] = put_new("finding", "title=No MFA", "finding.kind=major_nc",
	               "finding.status=closed", "external_ref=F-1", NULL);
	p[1] =
	    put_new("nonconformity", "title=MFA missing",
	            "nonconformity.description=admins without MFA",
	            "nonconformity.source=finding", "external_ref=NC-1", NULL);
	link_to(p[1], "raised_from", "@finding:F-1");
	p[2] = risk("Account takeover", "R-1", 4);
	link_to(p[2], "affects", "@asset:A-9");
	r = batch(fx->admin, p, 3, NULL);
	assert_int_equal(code(r), INVALID); /* no asset A-9 yet */
	assert_int_equal(r->batch->n_errors, 1);
	assert_int_equal(r->batch->errors[0]->index, 2);
	assert_string_equal(r->batch->errors[0]->field, "links");
	isms_reply_free(r);
	p[0] = put_new("finding", "title=No MFA", "finding.kind=major_nc",
	               "finding.status=closed", "external_ref=F-1", NULL);
	p[1] =
	    put_new("nonconformity", "title=MFA missing",
	            "nonconformity.description=admins without MFA",
	            "nonconformity.source=finding", "external_ref=NC-1", NULL);
	link_to(p[1], "raised_from", "@finding:F-1");
	p[2] =
	    put_new("asset", "title=Admin console", "external_ref=A-9", NULL);
	r = batch(fx->admin, p, 3, NULL);
	assert_int_equal(code(r), 0);
	assert_string_equal(r->batch->records[1]->links[0]->target,
	                    r->batch->ids[0]);
	isms_reply_free(r);
	p[0] = risk("Account takeover", "R-1", 4);
	link_to(p[0], "affects", "@asset:A-9");
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	rec = get(fx->admin, "RSK-0001");
	assert_int_equal(rec->n_links, 1);
	assert_string_equal(rec->links[0]->target, "AST-0001");
	assert_int_equal(rec->rev, 1);
	rec_free(rec);
	/* The reverse index knows: the asset is linked from the risk. */
	rec = get(fx->admin, "AST-0001");
	assert_int_equal(rec->n_linked_from, 1);
	rec_free(rec);
	verify(fx->admin);
}

/* identified_on and next_review_on are the import's to set; the server's
 * stamps are not, in a put or a batch. */
static void
test_dates(void **state)
{
	struct batch_fx *fx = *state;
	Isms__V1__Put *p[1];
	Isms__V1__Reply *r;
	Isms__V1__Record *rec;
	Isms__V1__Request *req;

	add_user(fx->admin, "alice", "viewer", false);
	p[0] = risk("Old risk", "R-1", 3);
	p[0]->record->identified_on = strdup("2019-03-04");
	p[0]->record->next_review_on = strdup("2031-01-15");
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), 0);
	assert_string_equal(r->batch->records[0]->identified_on, "2019-03-04");
	assert_string_equal(r->batch->records[0]->next_review_on, "2031-01-15");
	isms_reply_free(r);
	/* A later edit keeps the imported date. */
	p[0] = risk("Old risk, renamed", NULL, 3);
	p[0]->record->id = strdup("RSK-0001");
	r = put1(fx->admin, p[0]);
	assert_int_equal(code(r), 0);
	assert_string_equal(r->record->next_review_on, "2031-01-15");
	isms_reply_free(r);
	/* A review computes it again from today. */
	req = request_for("review");
	req->review->id = strdup("RSK-0001");
	r = call(fx->admin, req);
	assert_int_equal(code(r), 0);
	assert_string_not_equal(r->record->next_review_on, "2031-01-15");
	isms_reply_free(r);
	/* A single put may give the date on create too. */
	p[0] = risk("New", NULL, 3);
	p[0]->record->next_review_on = strdup("2030-02-02");
	r = put1(fx->admin, p[0]);
	assert_int_equal(code(r), 0);
	assert_string_equal(r->record->next_review_on, "2030-02-02");
	isms_reply_free(r);
	/* Not a date. */
	p[0] = risk("Bad date", NULL, 3);
	p[0]->record->identified_on = strdup("2019-13-40");
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), INVALID);
	assert_string_equal(r->batch->errors[0]->field, "identified_on");
	isms_reply_free(r);
	/* The server's stamps: refused in a batch and in a put. */
	p[0] = risk("Stamped", NULL, 3);
	p[0]->record->has_created_at = 1;
	p[0]->record->created_at = 1000;
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), INVALID);
	assert_string_equal(r->batch->errors[0]->field, "created_at");
	isms_reply_free(r);
	p[0] = risk("Stamped", NULL, 3);
	p[0]->record->updated_by = strdup("mallory");
	r = put1(fx->admin, p[0]);
	assert_int_equal(code(r), INVALID);
	isms_reply_free(r);
	p[0] = risk("Stamped", NULL, 3);
	p[0]->record->has_last_reviewed_at = 1;
	p[0]->record->last_reviewed_at = 1000;
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), INVALID);
	isms_reply_free(r);
	rec = get(fx->admin, "RSK-0001");
	assert_string_equal(rec->identified_on, "2019-03-04");
	rec_free(rec);
	verify(fx->admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_all_or_nothing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_upsert, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_extref_unique, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_keep_ids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_links_and_evidence, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
