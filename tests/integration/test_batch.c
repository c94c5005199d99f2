/*
 * test_batch.c: the Batch RPC end to end on a real ismsd, through the
 * client library: all or nothing (a bad put in the middle stores nothing,
 * journals nothing, moves no id counter), a dry run that lists every
 * error by index, upsert by external_ref, external_ref uniqueness (Put,
 * Batch, within a batch, cleared and archived refs), keep_ids, links by
 * @register:ref across the batch, evidence on the batch's final state,
 * dates an import may set and stamps it may not, staging across frames
 * (20,000 puts), the staging cap (another user still works), the ingest
 * role refused; journal verify after each.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_fx.h"
#include "ismsclient.h"
#include "pbfield.h"

#define RD         (&isms__v1__record__descriptor)
#define INVALID    3
#define NOT_FOUND  5
#define EXISTS     6
#define DENIED     7
#define EXHAUSTED  8
#define PRECONDITN 9

/* A daemon on its Unix socket (the test's uid is admin there) and on
 * plain TCP on loopback, where a token names the connection. */
struct batch_fx {
	struct daemon_fx d; /* first: fx->d and the state are the same */
	char listen[64], tcp[64];
	const char *argv[4];
	struct isms_sync *admin;
};

/* Starts the daemon with one more argument (or NULL). */
static int
setup_with(void **state, const char *arg)
{
	struct batch_fx *fx = calloc(1, sizeof *fx);
	int port = daemon_fx_free_port("127.0.0.1");
	struct isms_err err;

	snprintf(fx->listen, sizeof fx->listen, "--listen=tcp://127.0.0.1:%d",
	         port);
	snprintf(fx->tcp, sizeof fx->tcp, "tcp://127.0.0.1:%d", port);
	fx->argv[0] = fx->listen;
	fx->argv[1] = "--insecure";
	fx->argv[2] = arg;
	fx->d.argv_extra = fx->argv;
	daemon_fx_start(&fx->d);
	daemon_fx_wait_tcp("127.0.0.1", port);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_batch", &err);
	assert_non_null(fx->admin);
	*state = fx;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, NULL);
}

/* A stage cap of 1 MiB: a user may hold 512 KiB. */
static int
setup_small_stage(void **state)
{
	return setup_with(state, "--batch-stage-max=1M");
}

static int
teardown(void **state)
{
	struct batch_fx *fx = *state;

	isms_sync_free(fx->admin);
	daemon_fx_cleanup(&fx->d);
	free(fx);
	return 0;
}

/* A request whose call is the oneof member name, with an empty body. */
static Isms__V1__Request *
request_for(const char *call)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	Isms__V1__Request *req = (Isms__V1__Request *)pb_new(md);

	assert_non_null(
	    pb_submsg(&req->base, pb_field_by_name(md, call), true));
	return req;
}

/* Sends req (then frees it); the reply (never NULL). */
static Isms__V1__Reply *
call(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	protobuf_c_message_free_unpacked(&req->base, NULL);
	if (r == NULL)
		fail_msg("call: %s", err.msg);
	assert_non_null(r->status);
	return r;
}

static int
code(const Isms__V1__Reply *r)
{
	return r->status != NULL ? (int)r->status->code : -1;
}

/* Creates user name with role (viewer: an owner); a token when token. */
static char *
add_user(struct isms_sync *s, const char *name, const char *role, bool token)
{
	Isms__V1__Request *req = request_for("user_put");
	Isms__V1__User *u =
	    (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);
	struct isms_err err;
	Isms__V1__Reply *r;
	char *secret;

	u->name = strdup(name);
	assert_int_equal(
	    pb_field_set_text(&u->base,
	                      pb_field_by_name(u->base.descriptor, "role"),
	                      role, &err),
	    0);
	req->user_put->user = u;
	req->user_put->has_create = req->user_put->create = 1;
	r = call(s, req);
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	if (!token)
		return NULL;
	req = request_for("token_create");
	req->token_create->owner = strdup(name);
	r = call(s, req);
	assert_int_equal(code(r), 0);
	secret = strdup(r->token_created->secret);
	isms_reply_free(r);
	return secret;
}

/* Connects over TCP, named by token secret. */
static struct isms_sync *
token_conn(struct batch_fx *fx, const char *secret)
{
	struct isms_client_opts o = {0};
	struct isms_sync *s;
	struct isms_err err;

	o.token = secret;
	o.insecure = true;
	o.timeout_ms = 60000;
	if ((s = isms_sync_connect_opts(fx->tcp, "test_batch", &o, &err)) ==
	    NULL)
		fail_msg("token connect: %s", err.msg);
	return s;
}

/* A put of a new record of register reg, owned by alice; fields are
 * "path=value" pairs set by name ("title=x", "risk.impact=3"), ending in
 * NULL. */
static Isms__V1__Put *
put_new(const char *reg, ...)
{
	Isms__V1__Put *p = (Isms__V1__Put *)pb_new(&isms__v1__put__descriptor);
	struct pb_path path;
	struct isms_err err;
	ProtobufCMessage *m;
	const char *kv;
	char name[128];
	va_list ap;

	p->record = (Isms__V1__Record *)pb_new(RD);
	p->record->owner = strdup("alice");
	assert_non_null(
	    pb_submsg(&p->record->base, pb_field_by_name(RD, reg), true));
	va_start(ap, reg);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');

		assert_non_null(eq);
		snprintf(name, sizeof name, "%.*s", (int)(eq - kv), kv);
		if (pb_path_resolve(RD, name, &path, &err) != 0)
			fail_msg("%s: %s", name, err.msg);
		m = &p->record->base;
		if (path.n == 2)
			m = pb_submsg(m, path.fd[0], true);
		if (pb_field_set_text(m, path.fd[path.n - 1], eq + 1, &err) !=
		    0)
			fail_msg("%s: %s", kv, err.msg);
	}
	va_end(ap);
	return p;
}

/* A risk: title, external_ref (or NULL), impact. */
static Isms__V1__Put *
risk(const char *title, const char *ref, unsigned impact)
{
	char imp[32];
	Isms__V1__Put *p;

	snprintf(imp, sizeof imp, "risk.impact=%u", impact);
	p = put_new("risk", imp, "risk.likelihood=2", NULL);
	p->record->title = strdup(title);
	if (ref != NULL)
		p->record->external_ref = strdup(ref);
	return p;
}

/* Adds a link (rel, target) to a put's record. */
static void
link_to(Isms__V1__Put *p, const char *rel, const char *target)
{
	Isms__V1__Record *r = p->record;
	Isms__V1__Link *l =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

	l->rel = strdup(rel);
	l->target = strdup(target);
	r->links = realloc(r->links, (r->n_links + 1) * sizeof *r->links);
	r->links[r->n_links++] = l;
}

static void
free_puts(Isms__V1__Put **p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		protobuf_c_message_free_unpacked(&p[i]->base, NULL);
}

/* Runs a batch of puts (freed after) with flags; the reply. */
static Isms__V1__Reply *
batch(struct isms_sync *s, Isms__V1__Put **p, size_t n,
      const struct isms_batch_opts *o)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_batch(s, p, n, o, &err);

	free_puts(p, n);
	if (r == NULL)
		fail_msg("batch: %s", err.msg);
	assert_non_null(r->status);
	return r;
}

/* The journal's entries, verified. */
static uint64_t
verify(struct isms_sync *s)
{
	Isms__V1__Reply *r = call(s, request_for("journal_verify"));
	uint64_t n;

	assert_int_equal(code(r), 0);
	assert_true(r->verify->ok);
	n = r->verify->entries;
	isms_reply_free(r);
	return n;
}

/* The records of reg matching filter (or NULL), with any archived. */
static size_t
count(struct isms_sync *s, const char *reg, const char *filter)
{
	Isms__V1__Request *req = request_for("list");
	Isms__V1__Reply *r;
	size_t n;

	req->list->register_ = strdup(reg);
	req->list->has_page_size = 1;
	req->list->page_size = 1000;
	req->list->has_archived = 1;
	req->list->archived = ISMS__V1__ARCHIVED_FILTER__ANY;
	if (filter != NULL) {
		req->list->filters = malloc(sizeof *req->list->filters);
		req->list->filters[0] = strdup(filter);
		req->list->n_filters = 1;
	}
	r = call(s, req);
	assert_int_equal(code(r), 0);
	n = r->list->n_records;
	assert_false(r->list->has_next_page_token);
	isms_reply_free(r);
	return n;
}

/* Gets record id. */
static Isms__V1__Record *
get(struct isms_sync *s, const char *id)
{
	Isms__V1__Request *req = request_for("get");
	Isms__V1__Reply *r;
	Isms__V1__Record *rec;

	req->get->id = strdup(id);
	r = call(s, req);
	if (code(r) != 0)
		fail_msg("get %s: %s", id, r->status->message);
	rec = r->record;
	r->record = NULL;
	r->result_case = ISMS__V1__REPLY__RESULT__NOT_SET;
	isms_reply_free(r);
	return rec;
}

/* Puts one record (freed after); the reply. */
static Isms__V1__Reply *
put1(struct isms_sync *s, Isms__V1__Put *p)
{
	Isms__V1__Request *req = request_for("put");

	protobuf_c_message_free_unpacked(&req->put->base, NULL);
	req->put = p;
	return call(s, req);
}

static void
rec_free(Isms__V1__Record *r)
{
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

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

		print_message("writer held by the batch: %.2f s\n",
		              (double)info->info->commit_max_us / 1e6);
		isms_reply_free(info);
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
	    cmocka_unit_test_setup_teardown(test_staging, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stage_cap, setup_small_stage,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_users, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_index, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
