/*
 * test_snapshot.c: the Snapshot RPC against a real ismsd: pages under one
 * request id with the last one done, the head and method on the first,
 * one read txn under concurrent writes (a write committed while the
 * stream runs is in no page), and the refusals of malformed requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "ismsclient.h"
#include "sync_fx.h"

/* The journal head through the Journal RPC. */
static void
journal_head_of(struct isms_sync *s, uint64_t *seq, uint8_t hash[32])
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	Isms__V1__Reply *r;

	q.has_limit = 1;
	q.limit = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL;
	req.journal = &q;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	assert_int_equal(r->journal->head_hash.len, 32);
	*seq = r->journal->head_seq;
	memcpy(hash, r->journal->head_hash.data, 32);
	isms_reply_free(r);
}

static int
snapshot(struct isms_sync *s, const char *reg, uint32_t page, const char *as_of,
         struct isms_snapshot *out, struct isms_err *err)
{
	Isms__V1__Snapshot req = ISMS__V1__SNAPSHOT__INIT;
	char *regs[1] = {(char *)reg};

	if (reg != NULL) {
		req.n_registers = 1;
		req.registers = regs;
	}
	if (page > 0) {
		req.has_page_size = 1;
		req.page_size = page;
	}
	req.as_of = (char *)as_of;
	memset(err, 0, sizeof *err);
	return isms_sync_snapshot(s, &req, out, err);
}

static void
test_snapshot_pages(void **state)
{
	struct isms_sync *s = sfx_connect(*state);
	struct isms_snapshot snap;
	struct isms_err err;
	uint8_t hash[32];
	uint64_t seq;
	char *id, want[32];
	size_t i;

	for (i = 0; i < 30; i++)
		free(sfx_add_risk(s, "Risk", sfx_owners[i % 5], 3));
	journal_head_of(s, &seq, hash);
	assert_int_equal(snapshot(s, "risk", 7, NULL, &snap, &err), 0);
	assert_int_equal(snap.nrecs, 30);
	assert_int_equal(snap.npages, 5);
	for (i = 0; i < snap.npages; i++) {
		assert_true(snap.pages[i]->snapshot->has_done);
		assert_int_equal(snap.pages[i]->snapshot->done,
		                 i + 1 == snap.npages);
		assert_true(snap.pages[i]->snapshot->n_records <= 7);
	}
	/* The head is the journal's, and the first page says so. */
	assert_int_equal(snap.head->head_seq, seq);
	assert_memory_equal(snap.head->head_hash.data, hash, 32);
	assert_non_null(snap.head->method);
	assert_true(snap.head->method->n_levels > 0);
	assert_string_equal(snap.head->instance_id,
	                    isms_sync_hello(s)->instance_id);
	assert_null(snap.head->as_of);
	/* In natural id order. */
	for (i = 0; i < snap.nrecs; i++) {
		snprintf(want, sizeof want, "RSK-%04zu", i + 1);
		assert_string_equal(snap.recs[i]->id, want);
	}
	isms_snapshot_free(&snap);
	/* The connection goes on serving: the stream is over. */
	id = sfx_add_risk(s, "After", "alice", 2);
	assert_string_equal(id, "RSK-0031");
	free(id);
	isms_sync_free(s);
}

/* A stream read on an event base of its own, writing between pages. */
struct consist {
	struct daemon_fx *fx;
	struct isms_sync *writer;
	size_t pages, risks;
	bool done, failed, wrote;
	char *rsk1_title;
	bool saw_new;
	uint64_t head_seq;
};

/* Changes RSK-0001's title and adds a risk, both committed at once. */
static void
consist_write(struct consist *c)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	char *mask[1] = {"title"};
	Isms__V1__Reply *r;

	rec.id = "RSK-0001";
	rec.title = "Changed during the stream";
	put.record = &rec;
	put.n_update_mask = 1;
	put.update_mask = mask;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	r = sfx_call(c->writer, &req);
	assert_int_equal(sfx_code_of(r), 0);
	isms_reply_free(r);
	free(sfx_add_risk(c->writer, "Added during the stream", "bob", 4));
	c->wrote = true;
}

static void
consist_cb(struct isms_client *cl, const Isms__V1__Reply *reply, void *arg)
{
	struct consist *c = arg;
	const Isms__V1__SnapshotPage *p = reply->snapshot;
	size_t i;

	(void)cl;
	if (reply->status == NULL || reply->status->code != 0 ||
	    reply->result_case != ISMS__V1__REPLY__RESULT_SNAPSHOT) {
		c->failed = c->done = true;
		return;
	}
	if (c->pages++ == 0)
		c->head_seq = p->head_seq;
	for (i = 0; i < p->n_records; i++) {
		if (p->records[i]->body_case != ISMS__V1__RECORD__BODY_RISK)
			continue;
		c->risks++;
		if (strcmp(p->records[i]->id, "RSK-0001") == 0)
			c->rsk1_title = strdup(p->records[i]->title);
		if (strcmp(p->records[i]->title, "Added during the stream") ==
		    0)
			c->saw_new = true;
	}
	/* After the first page, before the risks: the stream is under
	 * way, its txn begun. */
	if (!c->wrote)
		consist_write(c);
	c->done = p->done;
}

/* The hello's reply: its status only. */
static void
hello_cb(struct isms_client *cl, const Isms__V1__Reply *reply, void *arg)
{
	(void)cl;
	*(int *)arg = reply->status != NULL ? (int)reply->status->code : -1;
}

static void
test_snapshot_consistent(void **state)
{
	struct consist c = {.fx = *state};
	struct isms_sync *s = sfx_connect(c.fx);
	struct event_base *base = event_base_new();
	struct isms_client *cl;
	struct isms_err err;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	Isms__V1__Snapshot sreq = ISMS__V1__SNAPSHOT__INIT;
	char *regs[2] = {"control", "risk"};
	uint8_t hash[32];
	uint64_t seq, id;
	int hello_rc = -1;
	size_t i;

	for (i = 0; i < 5; i++)
		free(sfx_add_risk(s, "Before", "alice", 2));
	c.writer = s;
	cl = isms_client_connect(base, c.fx->endpoint, &err);
	assert_non_null(cl);
	hello.has_protocol_major = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	assert_int_not_equal(isms_client_call(cl, &req, hello_cb, &hello_rc),
	                     0);
	sreq.n_registers = 2;
	sreq.registers = regs;
	sreq.has_page_size = 1;
	sreq.page_size = 1; /* a page per record: a long stream */
	req.call_case = ISMS__V1__REQUEST__CALL_SNAPSHOT;
	req.snapshot = &sreq;
	id = isms_client_call_flags(cl, &req, ISMS_CALL_STREAM, consist_cb, &c);
	assert_int_not_equal(id, 0);
	while (!c.done)
		assert_int_equal(event_base_loop(base, EVLOOP_ONCE), 0);
	assert_int_equal(hello_rc, 0);
	assert_false(c.failed);
	assert_true(c.wrote);
	/* 93 controls, then 5 risks: a page each, the writes in between
	 * in none of them. */
	assert_int_equal(c.pages, 98);
	assert_int_equal(c.risks, 5);
	assert_false(c.saw_new);
	assert_string_equal(c.rsk1_title, "Before");
	journal_head_of(s, &seq, hash);
	assert_int_equal(seq, c.head_seq + 2);
	isms_client_cancel(cl, id);
	free(c.rsk1_title);
	isms_client_free(cl);
	event_base_free(base);
	isms_sync_free(s);
}

/* The replies of one stream: pages, and how it ended. */
struct capped {
	size_t pages;
	int code; /* the error's, or 0 */
	bool done;
};

static void
capped_cb(struct isms_client *cl, const Isms__V1__Reply *reply, void *arg)
{
	struct capped *c = arg;

	(void)cl;
	if (reply->status != NULL && reply->status->code != 0) {
		c->code = (int)reply->status->code;
		c->done = true;
		return;
	}
	c->pages++;
	c->done = reply->snapshot != NULL && reply->snapshot->done;
}

/* Two streams at once on a connection; the third is refused. */
static void
test_snapshot_per_conn_cap(void **state)
{
	struct daemon_fx *fx = *state;
	struct event_base *base = event_base_new();
	struct isms_client *cl;
	struct isms_err err;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	Isms__V1__Snapshot sreq = ISMS__V1__SNAPSHOT__INIT;
	struct capped c[3] = {{0}};
	uint64_t id[3];
	int hello_rc = -1;
	size_t i;

	cl = isms_client_connect(base, fx->endpoint, &err);
	assert_non_null(cl);
	hello.has_protocol_major = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	/* The three leave in one write: the server takes them together. */
	isms_client_cork(cl, true);
	assert_int_not_equal(isms_client_call(cl, &req, hello_cb, &hello_rc),
	                     0);
	sreq.has_page_size = 1;
	sreq.page_size = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_SNAPSHOT;
	req.snapshot = &sreq;
	for (i = 0; i < 3; i++) {
		id[i] = isms_client_call_flags(cl, &req, ISMS_CALL_STREAM,
		                               capped_cb, &c[i]);
		assert_int_not_equal(id[i], 0);
	}
	assert_int_equal(isms_client_cork(cl, false), 0);
	while (!c[0].done || !c[1].done || !c[2].done)
		assert_int_equal(event_base_loop(base, EVLOOP_ONCE), 0);
	assert_int_equal(hello_rc, 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(c[i].code, 0);
		assert_true(c[i].pages > 100); /* a page per record */
		isms_client_cancel(cl, id[i]);
	}
	assert_int_equal(c[2].code, ISMS_EEXHAUSTED);
	assert_int_equal(c[2].pages, 0);
	isms_client_free(cl);
	event_base_free(base);
}

static void
test_snapshot_refusals(void **state)
{
	struct isms_sync *s = sfx_connect(*state);
	struct isms_snapshot snap;
	struct isms_err err;

	assert_int_equal(snapshot(s, "nosuch", 0, NULL, &snap, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "unknown register 'nosuch'"));
	assert_int_equal(snapshot(s, "risk", 0, "2026-02-30", &snap, &err),
	                 -ISMS_EINVAL);
	assert_int_equal(snapshot(s, "risk", 5000, NULL, &snap, &err),
	                 -ISMS_EINVAL);
	/* Refusals leave the connection usable. */
	assert_int_equal(snapshot(s, "control", 0, NULL, &snap, &err), 0);
	assert_int_equal(snap.nrecs, 93);
	assert_int_equal(snap.npages, 1);
	isms_snapshot_free(&snap);
	/* Before anything was written: no record, seq 0. */
	assert_int_equal(snapshot(s, NULL, 0, "2000-01-01", &snap, &err), 0);
	assert_int_equal(snap.nrecs, 0);
	assert_int_equal(snap.head->head_seq, 0);
	assert_string_equal(snap.head->as_of, "2000-01-01");
	isms_snapshot_free(&snap);
	isms_sync_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_snapshot_pages,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_consistent,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_per_conn_cap,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_refusals,
	                                    sfx_setup_owners, sfx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
