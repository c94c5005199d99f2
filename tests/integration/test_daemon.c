/*
 * test_daemon.c: a real ismsd driven by libismsclient: CRUD, conflicts,
 * restart, kill -9 under concurrent writes, group commit, hostile bytes.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "daemon_fx.h"
#include "sync_fx.h"
#include "frame.h"
#include "ismsclient.h"

static void
test_crud_and_conflict(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_sync *s = sfx_connect(fx);
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Archive arc = ISMS__V1__ARCHIVE__INIT;
	Isms__V1__History hist = ISMS__V1__HISTORY__INIT;
	Isms__V1__Reply *r;
	char *mask[] = {"risk.impact"};
	char *id;

	assert_non_null(isms_sync_hello(s));
	assert_int_equal(isms_sync_hello(s)->protocol_major, 1);
	id = sfx_add_risk(s, "Laptop theft", "alice", 4);
	assert_string_equal(id, "RSK-0001");
	/* Update impact at rev 1: only impact changes. */
	rec.id = id;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.has_impact = 1;
	risk.impact = 5;
	put.record = &rec;
	put.has_expect_rev = 1;
	put.expect_rev = 1;
	put.n_update_mask = 1;
	put.update_mask = mask;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	assert_int_equal(r->record->rev, 2);
	assert_int_equal(r->record->risk->score, 10);
	assert_string_equal(r->record->title, "Laptop theft");
	isms_reply_free(r);
	/* The same rev again: ABORTED naming the current rev. */
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), ISMS_ECONFLICT);
	assert_non_null(strstr(r->status->message, "rev 2"));
	isms_reply_free(r);
	/* Archive, then the record is hidden from lists. */
	arc.id = id;
	req.call_case = ISMS__V1__REQUEST__CALL_ARCHIVE;
	req.archive = &arc;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	assert_true(r->record->archived);
	isms_reply_free(r);
	assert_int_equal(sfx_count_risks(s), 0);
	/* History has the three revisions with their actor. */
	hist.id = id;
	req.call_case = ISMS__V1__REQUEST__CALL_HISTORY;
	req.history = &hist;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	assert_int_equal(r->history->n_revisions, 3);
	assert_int_equal(r->history->revisions[0]->risk->impact, 4);
	assert_int_equal(r->history->revisions[1]->risk->impact, 5);
	assert_non_null(r->history->revisions[2]->updated_by);
	isms_reply_free(r);
	r = sfx_get(s, "RSK-0042");
	assert_int_equal(sfx_code_of(r), ISMS_ENOTFOUND);
	isms_reply_free(r);
	free(id);
	isms_sync_free(s);
}

static void
test_bad_values_refused(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_sync *s = sfx_connect(fx);
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Reply *r;

	rec.title = "bad \xff utf-8";
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), ISMS_EINVAL);
	assert_non_null(strstr(r->status->message, "UTF-8"));
	isms_reply_free(r);
	rec.title = "ok";
	risk.has_status = 1;
	risk.status = 99;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), ISMS_EINVAL);
	assert_non_null(strstr(r->status->message, "risk.status"));
	isms_reply_free(r);
	risk.has_status = 0;
	rec.title = NULL;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), ISMS_EINVAL);
	assert_non_null(strstr(r->status->message, "'title' is required"));
	isms_reply_free(r);
	assert_int_equal(sfx_count_risks(s), 0);
	isms_sync_free(s);
}

/* A put is planned once, before it is queued: a long mask (its paths on
 * the heap) is applied from that plan, a refused one frees it, and the
 * daemon then stops clean (under ASan: nothing leaked). */
static void
test_long_mask_planned_once(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_sync *s = sfx_connect(fx);
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Reply *r;
	char *tags[] = {"laptops"};
	char *mask[] = {"title",
	                "owner",
	                "tags",
	                "risk.treatment",
	                "risk.description",
	                "risk.threat",
	                "risk.vulnerability",
	                "risk.likelihood",
	                "risk.impact"};
	char *id = sfx_add_risk(s, "Laptop theft", "alice", 4);

	rec.id = id;
	rec.title = "Laptop loss";
	rec.owner = "bob";
	rec.n_tags = 1;
	rec.tags = tags;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.description = "a laptop is lost";
	risk.threat = "loss";
	risk.vulnerability = "no disk encryption";
	risk.has_likelihood = 1;
	risk.likelihood = 2;
	risk.has_impact = 1;
	risk.impact = 3;
	put.record = &rec;
	put.n_update_mask = sizeof mask / sizeof mask[0];
	put.update_mask = mask;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	assert_int_equal(r->record->rev, 2);
	assert_string_equal(r->record->title, "Laptop loss");
	assert_string_equal(r->record->owner, "bob");
	assert_int_equal(r->record->n_tags, 1);
	assert_string_equal(r->record->risk->vulnerability,
	                    "no disk encryption");
	assert_int_equal(r->record->risk->score, 6);
	isms_reply_free(r);
	/* The last path is derived: refused before the queue. */
	mask[8] = "risk.score";
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), ISMS_EINVAL);
	assert_non_null(strstr(r->status->message, "derived"));
	isms_reply_free(r);
	free(id);
	isms_sync_free(s);
	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
}

static void
test_restart_keeps_everything(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_sync *s = sfx_connect(fx);
	Isms__V1__Reply *r;
	char *ids[20];
	int i;

	for (i = 0; i < 20; i++)
		ids[i] = sfx_add_risk(s, "r", i % 2 ? "alice" : "bob", 3);
	isms_sync_free(s);
	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
	daemon_fx_start(fx);
	s = sfx_connect(fx);
	assert_int_equal(sfx_count_risks(s), 20);
	for (i = 0; i < 20; i++) {
		r = sfx_get(s, ids[i]);
		assert_int_equal(sfx_code_of(r), 0);
		assert_string_equal(r->record->owner, i % 2 ? "alice" : "bob");
		isms_reply_free(r);
		free(ids[i]);
	}
	/* Ids continue after a restart; nothing is reused. */
	ids[0] = sfx_add_risk(s, "after", "alice", 1);
	assert_string_equal(ids[0], "RSK-0021");
	free(ids[0]);
	isms_sync_free(s);
}

/* --- concurrent async writers ---------------------------------------- */

#define MAX_ACKS 20000

struct writers {
	struct event_base *base;
	struct daemon_fx *fx;
	struct isms_client *c[64];
	int nconn;
	int per_conn_total; /* 0: until killed */
	int sent[64];
	int inflight;
	int ok, failed;
	char *acked[MAX_ACKS];
	int kill_after; /* acks before the signal (0: never) */
	int kill_sig;   /* SIGKILL when 0 */
	bool killed;
};

struct wctx {
	struct writers *w;
	int conn;
};

static void send_one(struct writers *, int conn);

static void
on_reply(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct wctx *x = arg;
	struct writers *w = x->w;

	(void)c;
	w->inflight--;
	if (r->status != NULL && r->status->code == 0 &&
	    r->result_case == ISMS__V1__REPLY__RESULT_RECORD) {
		if (w->ok < MAX_ACKS)
			w->acked[w->ok] = strdup(r->record->id);
		w->ok++;
		if (w->kill_after && w->ok == w->kill_after && !w->killed) {
			w->killed = true;
			kill(w->fx->pid, w->kill_sig ? w->kill_sig : SIGKILL);
		}
		if (!w->killed)
			send_one(w, x->conn);
	} else
		w->failed++;
	free(x);
	if (w->inflight == 0)
		event_base_loopbreak(w->base);
}

static void
send_one(struct writers *w, int conn)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	struct wctx *x;
	char title[64];

	if (w->per_conn_total && w->sent[conn] >= w->per_conn_total)
		return;
	snprintf(title, sizeof title, "conn %d write %d", conn, w->sent[conn]);
	rec.title = title;
	rec.owner = "writer";
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	x = calloc(1, sizeof *x);
	x->w = w;
	x->conn = conn;
	if (isms_client_call(w->c[conn], &req, on_reply, x) == 0) {
		free(x);
		return;
	}
	w->sent[conn]++;
	w->inflight++;
}

/* Opens nconn connections with depth requests in flight on each. */
static void
run_writers(struct writers *w, int depth)
{
	struct isms_err err;
	int i, j;

	w->base = event_base_new();
	for (i = 0; i < w->nconn; i++) {
		w->c[i] = isms_client_connect(w->base, w->fx->endpoint, &err);
		if (w->c[i] == NULL)
			fail_msg("connect: %s", err.msg);
		for (j = 0; j < depth; j++)
			send_one(w, i);
	}
	event_base_dispatch(w->base);
	for (i = 0; i < w->nconn; i++)
		isms_client_free(w->c[i]);
	event_base_free(w->base);
}

struct replay {
	struct event_base *base;
	uint64_t head, seen, last;
	bool dup;
};

static void
on_event(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct replay *rp = arg;

	(void)c;
	if (r->event == NULL)
		return;
	if (r->event->seq != rp->last + 1)
		rp->dup = true;
	rp->last = r->event->seq;
	if (++rp->seen == rp->head)
		event_base_loopbreak(rp->base);
}

/* Subscribes from seq 0 and counts events up to head. */
static uint64_t
replay_count(struct daemon_fx *fx, uint64_t head)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	struct replay rp = {event_base_new(), head, 0, 0, false};
	struct timeval tv = {30, 0};
	struct isms_err err;
	struct isms_client *c;

	c = isms_client_connect(rp.base, fx->endpoint, &err);
	assert_non_null(c);
	sub.has_replay = sub.has_since_seq = 1;
	sub.replay = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &sub;
	assert_true(isms_client_call_flags(c, &req, ISMS_CALL_STREAM, on_event,
	                                   &rp) != 0);
	event_base_loopexit(rp.base, &tv);
	event_base_dispatch(rp.base);
	isms_client_free(c);
	event_base_free(rp.base);
	assert_false(rp.dup);
	return rp.seen;
}

static void
test_group_commit_many_writers(void **state)
{
	struct daemon_fx *fx = *state;
	struct writers *w = calloc(1, sizeof *w);
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_sync *s;
	Isms__V1__Reply *r;
	uint64_t head;
	int i;

	w->fx = fx;
	w->nconn = 50;
	w->per_conn_total = 20;
	run_writers(w, 20);
	assert_int_equal(w->failed, 0);
	assert_int_equal(w->ok, 1000);
	s = sfx_connect(fx);
	assert_int_equal(sfx_count_risks(s), 1000);
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	/* The writes and the owners' users (sfx_setup_owners). */
	assert_int_equal(r->info->committed_ops, 1000 + 5);
	/* Group commit at work: fewer transactions than writes. */
	print_message("1000 writes in %llu commits\n",
	              (unsigned long long)r->info->commits);
	assert_true(r->info->commits < 1000);
	head = r->info->journal_head;
	isms_reply_free(r);
	isms_sync_free(s);
	for (i = 0; i < w->ok; i++)
		free(w->acked[i]);
	free(w);
	/* A replay longer than the fan-out window, served in slices, gets
	 * every entry exactly once; and a journal verify; then the daemon
	 * stops cleanly (under ASan: with nothing leaked). */
	assert_true(head > 1024);
	assert_int_equal(replay_count(fx, head), head);
	assert_int_equal(sfx_verify_ok(fx), head);
	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
}

/* Every acknowledged write of w reads back on s (a failure names what
 * came between: "after kill -9"); frees w's ids. */
static void
writers_all_stored(struct isms_sync *s, struct writers *w, const char *after)
{
	Isms__V1__Reply *r;
	int i;

	for (i = 0; i < w->ok; i++) {
		r = sfx_get(s, w->acked[i]);
		if (sfx_code_of(r) != 0)
			fail_msg("acknowledged %s lost %s", w->acked[i], after);
		isms_reply_free(r);
		free(w->acked[i]);
	}
}

static void
test_kill9_keeps_acknowledged(void **state)
{
	struct daemon_fx *fx = *state;
	struct writers *w = calloc(1, sizeof *w);
	struct isms_sync *s;
	size_t stored;

	w->fx = fx;
	w->nconn = 8;
	w->kill_after = 600;
	run_writers(w, 16);
	assert_true(w->killed);
	assert_true(w->ok >= 600);
	/* Everything in flight at the kill got UNAVAILABLE, not silence. */
	assert_true(w->failed > 0);
	daemon_fx_stop(fx, SIGKILL);
	daemon_fx_start(fx);
	s = sfx_connect(fx);
	writers_all_stored(s, w, "after kill -9");
	stored = sfx_count_risks(s);
	/* Unacknowledged writes may or may not have landed; no more. */
	assert_true(stored >= (size_t)w->ok);
	assert_true(stored <= (size_t)(w->ok + w->failed));
	isms_sync_free(s);
	free(w);
}

/*
 * A lone client writing one record at a time meets the polling loop and
 * writer (--busy-poll-us): its replies are delivered without a wake-up,
 * and a kill -9 in the middle loses none it was told of. Then the same
 * with polling off, where the writer wakes the loop.
 */
static void
test_lone_writer_polled_and_not(void **state)
{
	static const char *const nopoll[] = {"--busy-poll-us", "0", NULL};
	struct daemon_fx *fx = *state;
	struct writers *w = calloc(1, sizeof *w);
	struct isms_sync *s;
	size_t stored;

	w->fx = fx;
	w->nconn = 1;
	w->kill_after = 150;
	run_writers(w, 1);
	assert_true(w->killed);
	assert_int_equal(w->ok, 150);
	daemon_fx_stop(fx, SIGKILL);
	daemon_fx_start(fx);
	s = sfx_connect(fx);
	writers_all_stored(s, w, "after kill -9");
	stored = sfx_count_risks(s);
	isms_sync_free(s);
	assert_true(stored >= 150 && stored <= 151);
	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);

	memset(w, 0, sizeof *w);
	w->fx = fx;
	fx->argv_extra = nopoll;
	daemon_fx_start(fx);
	w->nconn = 1;
	w->per_conn_total = 150;
	run_writers(w, 1);
	assert_int_equal(w->ok, 150);
	assert_int_equal(w->failed, 0);
	s = sfx_connect(fx);
	writers_all_stored(s, w, "with polling off");
	assert_int_equal(sfx_count_risks(s), stored + 150);
	isms_sync_free(s);
	assert_true(sfx_verify_ok(fx) >= stored + 150);
	free(w);
}

static void
test_sigterm_answers_every_write(void **state)
{
	struct daemon_fx *fx = *state;
	struct writers *w = calloc(1, sizeof *w);
	struct isms_sync *s;
	int i, sent = 0;

	w->fx = fx;
	w->nconn = 8;
	w->kill_after = 300;
	w->kill_sig = SIGTERM;
	run_writers(w, 16);
	for (i = 0; i < w->nconn; i++)
		sent += w->sent[i];
	/* Every write got an answer: committed, or UNAVAILABLE. */
	assert_int_equal(w->ok + w->failed, sent);
	assert_int_equal(daemon_fx_stop(fx, 0), 0);
	daemon_fx_start(fx);
	s = sfx_connect(fx);
	writers_all_stored(s, w, "after SIGTERM");
	/* Nothing half-written: exactly the acknowledged writes exist. */
	assert_int_equal(sfx_count_risks(s), (size_t)w->ok);
	isms_sync_free(s);
	free(w);
}

/* --- hostile bytes --------------------------------------------------- */

static int
raw_connect(struct daemon_fx *fx)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {5, 0};
	int fd;

	assert_true(strlen(fx->sock) < sizeof sun.sun_path);
	memcpy(sun.sun_path, fx->sock, strlen(fx->sock) + 1);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Reads one reply frame; returns its status code, then expects EOF. */
static int
raw_error_then_close(int fd)
{
	uint8_t buf[4096];
	size_t n = 0, hlen, mlen;
	ssize_t r;
	Isms__V1__Reply *reply;
	int code;

	while ((r = read(fd, buf + n, sizeof buf - n)) > 0)
		n += (size_t)r;
	/* The server closed after its reply (read returned 0, not -1). */
	assert_int_equal(r, 0);
	assert_int_equal(frame_decode_header(buf, n, sizeof buf, &hlen, &mlen),
	                 FRAME_OK);
	assert_true(hlen + mlen <= n);
	reply = isms__v1__reply__unpack(NULL, mlen, buf + hlen);
	assert_non_null(reply);
	assert_non_null(reply->status);
	code = (int)reply->status->code;
	isms__v1__reply__free_unpacked(reply, NULL);
	return code;
}

static void
test_hostile_bytes(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_sync *s = sfx_connect(fx);
	uint8_t garbage[16], big[FRAME_HDR_MAX];
	char *id;
	int fd;

	/* Malformed varint. */
	fd = raw_connect(fx);
	memset(garbage, 0x80, sizeof garbage);
	assert_int_equal(write(fd, garbage, sizeof garbage), sizeof garbage);
	assert_int_equal(raw_error_then_close(fd), ISMS_EINVAL);
	close(fd);
	/* A well-framed message that is not a Request. */
	fd = raw_connect(fx);
	garbage[0] = 4;
	memcpy(garbage + 1, "\x0f\xff\xff\xff", 4);
	assert_int_equal(write(fd, garbage, 5), 5);
	assert_int_equal(raw_error_then_close(fd), ISMS_EINVAL);
	close(fd);
	/* An oversized frame is refused before it is read. */
	fd = raw_connect(fx);
	assert_int_equal(frame_encode_header(big, 64u << 20), 4);
	assert_int_equal(write(fd, big, 4), 4);
	assert_int_equal(raw_error_then_close(fd), ISMS_EEXHAUSTED);
	close(fd);
	/* The well-behaved client on its own connection was not disturbed. */
	id = sfx_add_risk(s, "still here", "alice", 1);
	assert_non_null(id);
	free(id);
	isms_sync_free(s);
}

static void
test_second_daemon_refused(void **state)
{
	struct daemon_fx *fx = *state;
	char out[512];

	/* Same socket: refused, and the first keeps its socket. */
	assert_int_equal(
	    daemon_fx_sh(fx, out, sizeof out,
	                 "'%s' --data-dir '%s/other' --listen 'unix:%s' "
	                 "--foreground 2>&1",
	                 ISMSD_BIN, fx->dir, fx->sock),
	    1);
	assert_non_null(strstr(out, "already listening"));
	/* Same data dir: refused. */
	assert_int_equal(
	    daemon_fx_sh(fx, out, sizeof out,
	                 "'%s' --data-dir '%s' --listen 'unix:%s/b.sock' "
	                 "--foreground 2>&1",
	                 ISMSD_BIN, fx->dir, fx->dir),
	    1);
	assert_non_null(strstr(out, "another ismsd is using"));
	assert_int_equal(
	    daemon_fx_sh(fx, out, sizeof out,
	                 "\"$ISMSCTL\" status >/dev/null; echo $?"),
	    0);
	assert_string_equal(out, "0\n");
}

/* Puts a risk with a 1,500-byte description; returns the reply. */

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_crud_and_conflict,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_values_refused,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_long_mask_planned_once,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_restart_keeps_everything,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_group_commit_many_writers,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_kill9_keeps_acknowledged,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_lone_writer_polled_and_not,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_sigterm_answers_every_write,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_bytes,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_second_daemon_refused,
	                                    sfx_setup_owners, sfx_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
