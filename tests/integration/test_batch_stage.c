/*
 * test_batch_stage.c: Batch beyond one frame and who may send it, on a
 * real ismsd: 20,000 puts staged across frames (ISMS_BATCH_N=100000 for
 * a timing), the staging cap (another user still works, a user's share
 * spans its connections, a closed connection gives its stage back), the
 * ingest and viewer roles refused, users created in the same unit (admin
 * only), and journal verify --deep catching a tampered external_ref
 * index.
 */
#include <signal.h>
#include <time.h>
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

/* 20,000 puts, staged over many frames, applied as one unit
 * (ISMS_BATCH_N=100000 for a timing of that many). */
static void
test_staging(void **state)
{
	struct batch_fx *fx = *state;
	const char *env = getenv("ISMS_BATCH_N");
	size_t MANY = env != NULL ? strtoul(env, NULL, 10) : 20000;
	Isms__V1__Put **p = calloc(MANY, sizeof *p);
	char last[32];
	struct timespec t0, t1;
	Isms__V1__Reply *r;
	char ref[32];
	size_t i;

	add_user(fx->admin, "alice", "viewer", false);
	for (i = 0; i < MANY; i++) {
		snprintf(ref, sizeof ref, "R-%zu", i);
		p[i] = risk("Imported risk", ref, 1 + i % 5);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = batch(fx->admin, p, MANY, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(p);
	if (code(r) != 0)
		fail_msg("batch: %s", r->status->message);
	assert_int_equal(r->batch->created, MANY);
	assert_int_equal(r->batch->n_ids, MANY);
	assert_int_equal(r->batch->n_records, 0); /* too many to send */
	snprintf(last, sizeof last, "RSK-%04zu", MANY);
	assert_string_equal(r->batch->ids[MANY - 1], last);
	isms_reply_free(r);
	print_message("batch of %zu puts: %.2f s\n", MANY,
	              (double)(t1.tv_sec - t0.tv_sec) +
	                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (env != NULL) {
		/* The writer's longest queued → durable: the apply call. */
		Isms__V1__Reply *info = call(fx->admin, request_for("info"));

		char path[64], line[256];
		FILE *f;

		print_message("writer held by the batch: %.2f s\n",
		              (double)info->info->commit_max_us / 1e6);
		isms_reply_free(info);
		/* ismsd's peak memory, as its kernel counted it. */
		snprintf(path, sizeof path, "/proc/%d/status", (int)fx->d.pid);
		if ((f = fopen(path, "r")) != NULL) {
			while (fgets(line, sizeof line, f) != NULL)
				if (strncmp(line, "VmHWM:", 6) == 0)
					print_message("ismsd peak %s", line);
			fclose(f);
		}
	}
	snprintf(last, sizeof last, "external_ref=R-%zu", MANY - 1);
	assert_int_equal(count(fx->admin, "risk", last), 1);
	/* A failure at the very end drops all 20,000 staged with it. */
	p = calloc(MANY, sizeof *p);
	for (i = 0; i < MANY; i++) {
		snprintf(ref, sizeof ref, "S-%zu", i);
		p[i] = risk("More", ref, i == MANY - 1 ? 99 : 3);
	}
	r = batch(fx->admin, p, MANY, NULL);
	free(p);
	assert_int_equal(code(r), INVALID);
	assert_int_equal(r->batch->errors[0]->index, MANY - 1);
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", "external_ref=S-1"), 0);
	verify(fx->admin);
}

/* Stages n padding risks in one request on s; the status code. */
static int
stage_raw(struct isms_sync *s, size_t n)
{
	Isms__V1__Request *req = request_for("batch");
	Isms__V1__Reply *r;
	size_t i;
	int c;

	req->batch->has_stage = req->batch->stage = 1;
	req->batch->puts = calloc(n, sizeof *req->batch->puts);
	for (i = 0; i < n; i++)
		req->batch->puts[i] =
		    risk("Padding the stage with a long enough title", NULL, 3);
	req->batch->n_puts = n;
	r = call(s, req);
	c = code(r);
	if (c == 0)
		assert_true(r->batch->staged >= n);
	isms_reply_free(r);
	return c;
}

/* Stages k chunks of 20 on s: the chunks staged before a refusal. */
static size_t
stage_chunks(struct isms_sync *s, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (stage_raw(s, 20) != 0)
			return i;
	return k;
}

/* A user's share counts every one of its connections, and a closed
 * connection gives its stage back. */
static void
stage_share(struct batch_fx *fx, const char *token)
{
	struct isms_sync *a = token_conn(fx, token), *b, *c;
	size_t cap, half;
	struct timespec t0, t1, pause = {0, 20 * 1000 * 1000};

	/* How many chunks the share holds (a refusal drops the stage). */
	cap = stage_chunks(a, 1000);
	assert_true(cap >= 5 && cap < 1000);
	half = cap * 6 / 10;
	assert_int_equal(stage_chunks(a, half), half);
	b = token_conn(fx, token);
	assert_true(stage_chunks(b, half) < half); /* the share is a's */
	isms_sync_free(b);
	isms_sync_free(a); /* gives its stage back, once ismsd sees it */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		c = token_conn(fx, token);
		if (stage_chunks(c, half) == half)
			break;
		isms_sync_free(c);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 10)
			fail_msg("a closed connection kept its stage");
		nanosleep(&pause, NULL);
	}
	isms_sync_free(c);
}

/* Over the stage cap: RESOURCE_EXHAUSTED, the stage dropped; another
 * user stages and applies all the same; a closed conn frees its stage. */
static void
test_stage_cap(void **state)
{
	struct batch_fx *fx = *state;
	char *tb = add_user(fx->admin, "bob", "editor", true);
	char *tc = add_user(fx->admin, "carol", "editor", true);
	struct isms_sync *bob = token_conn(fx, tb), *carol;
	struct isms_batch_opts small = {.frame_puts = 100};
	Isms__V1__Put *p[2000];
	Isms__V1__Reply *r;
	size_t i;

	add_user(fx->admin, "alice", "viewer", false);
	for (i = 0; i < 2000; i++)
		p[i] =
		    risk("Padding the stage with a long enough title", NULL, 3);
	r = batch(bob, p, 2000, &small);
	assert_int_equal(code(r), EXHAUSTED);
	assert_non_null(strstr(r->status->message, "limit"));
	isms_reply_free(r);
	/* Bob holds nothing now; carol is not locked out meanwhile. */
	carol = token_conn(fx, tc);
	for (i = 0; i < 500; i++)
		p[i] = risk("Carol's", NULL, 3);
	r = batch(carol, p, 500, &small);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->created, 500);
	isms_reply_free(r);
	/* Bob's stage was dropped: his next batch is only his own puts. */
	p[0] = risk("Bob's", NULL, 3);
	r = batch(bob, p, 1, NULL);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->created, 1);
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", NULL), 501);
	isms_sync_free(bob);
	isms_sync_free(carol);
	stage_share(fx, tb);
	free(tb);
	free(tc);
	verify(fx->admin);
}

/* A UserPut creating name (role viewer, no login). */
static Isms__V1__UserPut *
user_put(const char *name)
{
	Isms__V1__UserPut *up =
	    (Isms__V1__UserPut *)pb_new(&isms__v1__user_put__descriptor);

	up->user = (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);
	up->user->name = strdup(name);
	up->has_create = up->create = 1;
	return up;
}

/* Owners created as users in the same unit: with the batch or not at
 * all; admins only. */
static void
test_users(void **state)
{
	struct batch_fx *fx = *state;
	char *tb = add_user(fx->admin, "bob", "editor", true);
	struct isms_sync *bob = token_conn(fx, tb);
	Isms__V1__UserPut *u[2] = {user_put("dave"), user_put("erin")};
	struct isms_batch_opts o = {.users = u, .n_users = 2};
	Isms__V1__Put *p[2];
	Isms__V1__Reply *r;

	/* A dry run sees its users; nothing stays. */
	o.dry_run = true;
	p[0] = risk("Dave's", NULL, 3);
	free(p[0]->record->owner);
	p[0]->record->owner = strdup("dave");
	r = batch(fx->admin, p, 1, &o);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->n_errors, 0);
	isms_reply_free(r);
	p[0] = risk("Dave's", NULL, 3);
	free(p[0]->record->owner);
	p[0]->record->owner = strdup("dave");
	r = batch(fx->admin, p, 1, NULL);
	assert_int_equal(code(r), INVALID); /* no user dave */
	isms_reply_free(r);
	/* An editor may not create users. */
	o.dry_run = false;
	p[0] = risk("Dave's", NULL, 3);
	r = batch(bob, p, 1, &o);
	assert_int_equal(code(r), DENIED);
	isms_reply_free(r);
	/* A bad user fails the batch and is named. */
	free(u[1]->user->name);
	u[1]->user->name = strdup("bad name!");
	p[0] = risk("Dave's", NULL, 3);
	free(p[0]->record->owner);
	p[0]->record->owner = strdup("dave");
	r = batch(fx->admin, p, 1, &o);
	assert_int_equal(code(r), INVALID);
	assert_true(r->batch->errors[0]->has_user_index);
	assert_int_equal(r->batch->errors[0]->user_index, 1);
	isms_reply_free(r);
	assert_int_equal(count(fx->admin, "risk", NULL), 0);
	free(u[1]->user->name);
	u[1]->user->name = strdup("erin");
	p[0] = risk("Dave's", NULL, 3);
	free(p[0]->record->owner);
	p[0]->record->owner = strdup("dave");
	p[1] = risk("Erin's", NULL, 3);
	free(p[1]->record->owner);
	p[1]->record->owner = strdup("erin");
	r = batch(fx->admin, p, 2, &o);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->batch->created, 2);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&u[0]->base, NULL);
	protobuf_c_message_free_unpacked(&u[1]->base, NULL);
	isms_sync_free(bob);
	free(tb);
	verify(fx->admin);
}

/* Stops ismsd, runs flip_byte with args on its data dir, starts it. */
static void
tamper(struct batch_fx *fx, const char *args)
{
	char out[4096];

	isms_sync_free(fx->admin);
	assert_int_equal(daemon_fx_stop(&fx->d, SIGTERM), 0);
	if (daemon_fx_sh(&fx->d, out, sizeof out, "'%s' '%s' %s 2>&1",
	                 FLIP_BYTE_BIN, fx->d.dir, args) != 0)
		fail_msg("flip_byte %s: %s", args, out);
	daemon_fx_start(&fx->d);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_batch", NULL);
	assert_non_null(fx->admin);
}

/* Whether journal verify --deep passes; its message in msg. */
static bool
verify_deep(struct isms_sync *s, char *msg, size_t len)
{
	Isms__V1__Request *req = request_for("journal_verify");
	Isms__V1__Reply *r;
	bool ok;

	req->journal_verify->has_deep = req->journal_verify->deep = 1;
	r = call(s, req);
	assert_int_equal(code(r), 0);
	ok = r->verify->ok;
	snprintf(msg, len, "%s", r->verify->problem ? r->verify->problem : "");
	isms_reply_free(r);
	return ok;
}

/* journal verify --deep recomputes the external_ref index from the
 * records: a key pointing elsewhere or a missing one is caught. */
static void
test_verify_index(void **state)
{
	struct batch_fx *fx = *state;
	Isms__V1__Put *p[2];
	Isms__V1__Reply *r;
	char msg[1024];

	add_user(fx->admin, "alice", "viewer", false);
	p[0] = risk("One", "R-1", 3);
	p[1] = put_new("asset", "title=Laptop", "external_ref=A-1", NULL);
	r = batch(fx->admin, p, 2, NULL);
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	assert_true(verify_deep(fx->admin, msg, sizeof msg));
	/* The first key is a ref key (0x00 first): RSK-0001 → RSK-0000. */
	tamper(fx, "flip extref first");
	assert_false(verify_deep(fx->admin, msg, sizeof msg));
	assert_non_null(strstr(msg, "external_ref"));
	tamper(fx, "flip extref first");
	assert_true(verify_deep(fx->admin, msg, sizeof msg));
	tamper(fx, "del extref first");
	assert_false(verify_deep(fx->admin, msg, sizeof msg));
	assert_non_null(strstr(msg, "is missing"));
}

/* The ingest role may not batch; a viewer neither. */
static void
test_roles(void **state)
{
	struct batch_fx *fx = *state;
	char *ti = add_user(fx->admin, "ingo", "ingest", true);
	char *tv = add_user(fx->admin, "vera", "viewer", true);
	struct isms_sync *s;
	Isms__V1__Put *p[1];
	Isms__V1__Reply *r;

	add_user(fx->admin, "alice", "viewer", false);
	s = token_conn(fx, ti);
	p[0] = risk("From ingest", NULL, 3);
	r = batch(s, p, 1, NULL);
	assert_int_equal(code(r), DENIED);
	isms_reply_free(r);
	isms_sync_free(s);
	s = token_conn(fx, tv);
	p[0] = risk("From a viewer", NULL, 3);
	r = batch(s, p, 1, NULL);
	assert_int_equal(code(r), DENIED);
	isms_reply_free(r);
	isms_sync_free(s);
	free(ti);
	free(tv);
	assert_int_equal(count(fx->admin, "risk", NULL), 0);
	verify(fx->admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_staging, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stage_cap, setup_small_stage,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_users, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_index, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
