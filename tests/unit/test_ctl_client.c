/*
 * test_ctl_client.c: libismsclient against a scripted fake server on a
 * Unix socket in a temp dir (a thread of this process): replies matched
 * by id out of order, streams, connection loss, oversized frames, freeing
 * from a callback. The synchronous API: test_ctl_sync.c.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "fake_srv.h"
#include "frame.h"
#include "ismsclient.h"

/* What one callback saw. */
struct seen {
	int calls;
	uint64_t id;
	int code;
	char msg[256];
	char rec_id[32];
	size_t rec_id_len;
	int closed; /* isms_client_error was set */
	int free_client;
};

static void
seen_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->id = r->id;
	s->code = r->status != NULL ? (int)r->status->code : 0;
	snprintf(s->msg, sizeof s->msg, "%s",
	         r->status != NULL && r->status->message ? r->status->message
	                                                 : "");
	if (r->result_case == ISMS__V1__REPLY__RESULT_RECORD &&
	    r->record->id != NULL) {
		snprintf(s->rec_id, sizeof s->rec_id, "%s", r->record->id);
		s->rec_id_len = strlen(r->record->id);
	}
	s->closed = isms_client_error(c) != NULL;
	if (s->free_client)
		isms_client_free(c);
}

/* Replies to three Gets in the order 3, 1, 2, naming each record. */
static void
script_out_of_order(int fd, void *arg)
{
	Isms__V1__Request *req[3];
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	static const int order[] = {2, 0, 1};
	int i;

	(void)arg;
	for (i = 0; i < 3; i++) {
		FAKE_CHECK((req[i] = fake_read(fd)) != NULL);
		if (req[i] == NULL)
			return;
	}
	for (i = 0; i < 3; i++) {
		Isms__V1__Request *q = req[order[i]];

		r.has_id = 1;
		r.id = q->id;
		r.result_case = ISMS__V1__REPLY__RESULT_RECORD;
		rec.id = q->get->id; /* echo what was asked */
		r.record = &rec;
		fake_send(fd, &r);
	}
	for (i = 0; i < 3; i++)
		isms__v1__request__free_unpacked(req[i], NULL);
	/* Then wait for the client to go away. */
	fake_drain(fd);
}

/* Runs base until every callback of s[0..n) was called. */
static void
loop_until(struct event_base *base, struct seen *s, int n)
{
	int i, done, rounds = 0;

	do {
		event_base_loop(base, EVLOOP_ONCE);
		for (done = 1, i = 0; i < n; i++)
			done &= s[i].calls > 0;
	} while (!done && ++rounds < 1000);
	assert_true(done);
}

static void
test_ids_and_out_of_order_replies(void **state)
{
	struct event_base *base = event_base_new();
	struct isms_err err = {0};
	struct seen s[3];
	struct fake f;
	struct isms_client *c;
	char ids[3][16];
	int i;

	(void)state;
	memset(s, 0, sizeof s);
	fake_start(&f, script_out_of_order, NULL);
	c = isms_client_connect(base, f.endpoint, &err);
	assert_non_null(c);
	for (i = 0; i < 3; i++) {
		Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
		Isms__V1__Get get = ISMS__V1__GET__INIT;

		snprintf(ids[i], sizeof ids[i], "RSK-%d", i + 1);
		get.id = ids[i];
		req.call_case = ISMS__V1__REQUEST__CALL_GET;
		req.get = &get;
		/* Ids start at 1 and increase. */
		assert_int_equal(isms_client_call(c, &req, seen_cb, &s[i]),
		                 i + 1);
		assert_int_equal(req.id, i + 1);
	}
	assert_int_equal(isms_client_pending(c), 3);
	loop_until(base, s, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(s[i].calls, 1);
		assert_int_equal(s[i].id, i + 1);
		assert_string_equal(s[i].rec_id, ids[i]);
		assert_int_equal(s[i].closed, 0);
	}
	assert_int_equal(isms_client_pending(c), 0);
	assert_null(isms_client_error(c));
	isms_client_free(c);
	fake_stop(&f);
	event_base_free(base);
}

/* What take_cb took, and whether it could. */
struct took {
	int calls;
	Isms__V1__Reply *reply;
	int again; /* a second take of the same reply succeeded */
};

static void
take_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct took *t = arg;

	t->calls++;
	t->reply = isms_client_take_reply(c, r);
	t->again = isms_client_take_reply(c, r) != NULL;
}

/* Three Gets answered out of order, each callback taking its reply. */
static void
take_three(bool own, struct took *t, char ids[3][16])
{
	struct event_base *base = event_base_new();
	struct isms_err err = {0};
	struct fake f;
	struct isms_client *c;
	int i, rounds = 0;

	memset(t, 0, 3 * sizeof *t);
	fake_start(&f, script_out_of_order, NULL);
	c = isms_client_connect(base, f.endpoint, &err);
	assert_non_null(c);
	isms_client_own_replies(c, own);
	for (i = 0; i < 3; i++) {
		Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
		Isms__V1__Get get = ISMS__V1__GET__INIT;

		snprintf(ids[i], 16, "RSK-%d", i + 1);
		get.id = ids[i];
		req.call_case = ISMS__V1__REQUEST__CALL_GET;
		req.get = &get;
		assert_int_not_equal(isms_client_call(c, &req, take_cb, &t[i]),
		                     0);
	}
	while ((t[0].calls == 0 || t[1].calls == 0 || t[2].calls == 0) &&
	       ++rounds < 1000)
		event_base_loop(base, EVLOOP_ONCE);
	isms_client_free(c);
	fake_stop(&f);
	event_base_free(base);
}

/* A reply taken in its callback outlives it (own replies on), once; with
 * own replies off none can be taken. */
static void
test_take_reply(void **state)
{
	struct took t[3];
	char ids[3][16];
	int i;

	(void)state;
	take_three(true, t, ids);
	for (i = 0; i < 3; i++) {
		assert_int_equal(t[i].calls, 1);
		assert_non_null(t[i].reply);
		assert_int_equal(t[i].again, 0);
		assert_string_equal(t[i].reply->record->id, ids[i]);
		protobuf_c_message_free_unpacked(&t[i].reply->base, NULL);
	}
	take_three(false, t, ids);
	for (i = 0; i < 3; i++) {
		assert_int_equal(t[i].calls, 1);
		assert_null(t[i].reply);
	}
}

/* A stream: two OK replies and an error end; then a plain call is lost. */
static void
script_stream_then_close(int fd, void *arg)
{
	Isms__V1__Request *a, *b;

	(void)arg;
	FAKE_CHECK((a = fake_read(fd)) != NULL);
	FAKE_CHECK((b = fake_read(fd)) != NULL);
	if (a == NULL || b == NULL)
		return;
	fake_status(fd, a->id, ISMS__V1__CODE__OK, "event 1");
	fake_status(fd, a->id, ISMS__V1__CODE__OK, "event 2");
	fake_status(fd, a->id, ISMS__V1__CODE__CANCELLED, "stream over");
	fake_status(fd, a->id, ISMS__V1__CODE__OK, "too late: dropped");
	/* A connection-level error, then the connection closes. */
	fake_status(fd, 0, ISMS__V1__CODE__UNAVAILABLE, "shutting down");
	isms__v1__request__free_unpacked(a, NULL);
	isms__v1__request__free_unpacked(b, NULL);
}

static void
test_stream_and_connection_lost(void **state)
{
	struct event_base *base = event_base_new();
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err = {0};
	struct seen stream = {0}, plain = {0}, after = {0};
	struct fake f;
	struct isms_client *c;

	(void)state;
	fake_start(&f, script_stream_then_close, NULL);
	assert_non_null(c = isms_client_connect(base, f.endpoint, &err));
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	assert_int_equal(
	    isms_client_call_flags(c, &req, ISMS_CALL_STREAM, seen_cb, &stream),
	    1);
	assert_int_equal(isms_client_call(c, &req, seen_cb, &plain), 2);
	loop_until(base, &plain, 1);

	/* Three replies reached the stream; the fourth came after its end. */
	assert_int_equal(stream.calls, 3);
	assert_int_equal(stream.code, ISMS__V1__CODE__CANCELLED);
	assert_string_equal(stream.msg, "stream over");
	/* The plain call was lost with the connection. */
	assert_int_equal(plain.calls, 1);
	assert_int_equal(plain.id, 2);
	assert_int_equal(plain.code, ISMS__V1__CODE__UNAVAILABLE);
	assert_int_equal(plain.closed, 1);
	assert_string_equal(plain.msg, "connection to ismsd lost (server "
	                               "said UNAVAILABLE: shutting down)");
	assert_non_null(isms_client_error(c));
	assert_int_equal(isms_client_pending(c), 0);
	/* Calls on a closed connection fail at once. */
	assert_int_equal(isms_client_call(c, &req, seen_cb, &after), 0);
	assert_int_equal(after.calls, 0);
	isms_client_free(c);
	fake_stop(&f);
	event_base_free(base);
}

/* Announces a frame bigger than the client accepts. */
static void
script_big_frame(int fd, void *arg)
{
	Isms__V1__Request *a;
	uint8_t hdr[FRAME_HDR_MAX];
	size_t h = frame_encode_header(hdr, 1000);

	(void)arg;
	FAKE_CHECK((a = fake_read(fd)) != NULL);
	if (a == NULL)
		return;
	if (write(fd, hdr, h) != (ssize_t)h)
		fprintf(stderr, "short write\n");
	isms__v1__request__free_unpacked(a, NULL);
	fake_drain(fd);
}

static void
test_oversized_frame_closes(void **state)
{
	struct event_base *base = event_base_new();
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err = {0};
	struct seen s = {0};
	struct fake f;
	struct isms_client *c;

	(void)state;
	fake_start(&f, script_big_frame, NULL);
	assert_non_null(c = isms_client_connect(base, f.endpoint, &err));
	isms_client_set_max_frame(c, 64);
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	isms_client_call(c, &req, seen_cb, &s);
	loop_until(base, &s, 1);
	assert_int_equal(s.code, ISMS__V1__CODE__UNAVAILABLE);
	assert_string_equal(s.msg, "ismsd sent a frame over 64 bytes");
	isms_client_free(c);
	fake_stop(&f);
	event_base_free(base);
}

/* Answers one request, then waits for EOF. */
static void
script_answer_one(int fd, void *arg)
{
	Isms__V1__Request *a;

	(void)arg;
	FAKE_CHECK((a = fake_read(fd)) != NULL);
	if (a == NULL)
		return;
	fake_status(fd, a->id, ISMS__V1__CODE__OK, "");
	isms__v1__request__free_unpacked(a, NULL);
	fake_drain(fd);
}

/* A max frame near SIZE_MAX sets no small unpack budget: its budget,
 * four times the frame, wrapped (2^62 + 1 frames four times to 4
 * bytes) and refused every reply. */
static void
test_huge_max_frame(void **state)
{
	struct event_base *base = event_base_new();
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err = {0};
	struct seen s = {0};
	struct fake f;
	struct isms_client *c;

	(void)state;
	fake_start(&f, script_answer_one, NULL);
	assert_non_null(c = isms_client_connect(base, f.endpoint, &err));
	isms_client_set_max_frame(c, SIZE_MAX / 4 + 2);
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	isms_client_call(c, &req, seen_cb, &s);
	loop_until(base, &s, 1);
	assert_int_equal(s.code, ISMS__V1__CODE__OK);
	isms_client_free(c);
	fake_stop(&f);
	event_base_free(base);
}

static void
test_free_from_callback(void **state)
{
	struct event_base *base = event_base_new();
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err = {0};
	struct seen first = {0}, second = {0};
	struct fake f;
	struct isms_client *c;

	(void)state;
	fake_start(&f, script_answer_one, NULL);
	assert_non_null(c = isms_client_connect(base, f.endpoint, &err));
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	first.free_client = 1;
	isms_client_call(c, &req, seen_cb, &first);
	isms_client_call(c, &req, seen_cb, &second);
	loop_until(base, &first, 1);
	/* Freeing in a callback failed the other call, once, and is safe. */
	assert_int_equal(first.calls, 1);
	assert_int_equal(first.code, ISMS__V1__CODE__OK);
	assert_int_equal(second.calls, 1);
	assert_int_equal(second.code, ISMS__V1__CODE__UNAVAILABLE);
	fake_stop(&f);
	event_base_free(base);
}

static void
test_connect_refused(void **state)
{
	struct event_base *base = event_base_new();
	struct isms_err err = {0};

	(void)state;
	assert_null(
	    isms_client_connect(base, "unix:/nonexistent/dir/s.sock", &err));
	assert_int_equal(err.code, ISMS_EUNAVAIL);
	assert_string_equal(err.msg, "cannot connect to unix:/nonexistent/dir/"
	                             "s.sock: No such file or directory");
	/* tcp:// is TLS now: nothing listens on port 1. */
	assert_null(isms_client_connect(base, "tcp://127.0.0.1:1", &err));
	assert_int_equal(err.code, ISMS_EUNAVAIL);
	assert_non_null(strstr(err.msg, "cannot connect to tcp://127.0.0.1:1"));
	event_base_free(base);
}

/* Replies to three Gets, the second naming a 100,000-byte id, in one
 * stream cut at awkward places: inside the first length prefix, just past
 * the first frame, inside the second; its end and the third together. */
static void
script_pieces(int fd, void *arg)
{
	Isms__V1__Request *req[3];
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	size_t len, at = 0, frame1 = 0, cuts[4], i, k;
	uint8_t *buf;
	char *big;

	(void)arg;
	for (i = 0; i < 3; i++) {
		FAKE_CHECK((req[i] = fake_read(fd)) != NULL);
		if (req[i] == NULL)
			return;
	}
	big = malloc(100001);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	buf = malloc(3 * (100000 + 64));
	for (i = 0; i < 3; i++) {
		r.has_id = 1;
		r.id = req[i]->id;
		r.result_case = ISMS__V1__REPLY__RESULT_RECORD;
		rec.id = i == 1 ? big : req[i]->get->id;
		r.record = &rec;
		len = protobuf_c_message_get_packed_size(&r.base);
		at += frame_encode_header(buf + at, len);
		at += protobuf_c_message_pack(&r.base, buf + at);
		if (i == 0)
			frame1 = at;
	}
	cuts[0] = 1;
	cuts[1] = frame1 + 1;
	cuts[2] = frame1 + 50000;
	cuts[3] = at;
	for (k = 0, i = 0; i < 4; i++) {
		FAKE_CHECK(write(fd, buf + k, cuts[i] - k) ==
		           (ssize_t)(cuts[i] - k));
		k = cuts[i];
		usleep(20000); /* each piece its own read */
	}
	free(buf);
	free(big);
	for (i = 0; i < 3; i++)
		isms__v1__request__free_unpacked(req[i], NULL);
	fake_drain(fd);
}

static void
test_frames_in_pieces(void **state)
{
	struct event_base *base = event_base_new();
	struct isms_err err = {0};
	struct seen s[3];
	struct fake f;
	struct isms_client *c;
	int i;

	(void)state;
	memset(s, 0, sizeof s);
	fake_start(&f, script_pieces, NULL);
	assert_non_null(c = isms_client_connect(base, f.endpoint, &err));
	for (i = 0; i < 3; i++) {
		Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
		Isms__V1__Get get = ISMS__V1__GET__INIT;

		get.id = "RSK-0001";
		req.call_case = ISMS__V1__REQUEST__CALL_GET;
		req.get = &get;
		assert_int_equal(isms_client_call(c, &req, seen_cb, &s[i]),
		                 i + 1);
	}
	loop_until(base, s, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(s[i].calls, 1);
		assert_int_equal(s[i].id, i + 1);
		assert_int_equal(s[i].closed, 0);
	}
	assert_string_equal(s[0].rec_id, "RSK-0001");
	assert_int_equal(s[1].rec_id_len, 100000);
	assert_string_equal(s[2].rec_id, "RSK-0001");
	assert_null(isms_client_error(c));
	isms_client_free(c);
	fake_stop(&f);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_and_out_of_order_replies),
	    cmocka_unit_test(test_take_reply),
	    cmocka_unit_test(test_stream_and_connection_lost),
	    cmocka_unit_test(test_frames_in_pieces),
	    cmocka_unit_test(test_oversized_frame_closes),
	    cmocka_unit_test(test_huge_max_frame),
	    cmocka_unit_test(test_free_from_callback),
	    cmocka_unit_test(test_connect_refused),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
