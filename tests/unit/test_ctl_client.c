/*
 * test_ctl_client.c: libismsclient against a scripted fake server on a
 * Unix socket in a temp dir (a thread of this process): replies matched
 * by id out of order, streams, connection loss, oversized frames, freeing
 * from a callback, and the synchronous hello / version check.
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

#include "frame.h"
#include "ismsclient.h"

/* cmocka's asserts must not run on the server thread: count failures. */
static volatile int fake_failures;

#define FAKE_CHECK(x)                                                          \
	do {                                                                   \
		if (!(x)) {                                                    \
			fprintf(stderr, "%s:%d: fake server: %s failed\n",     \
			        __FILE__, __LINE__, #x);                       \
			fake_failures++;                                       \
		}                                                              \
	} while (0)

struct fake {
	char dir[64];
	char path[108];
	char endpoint[128];
	int lfd;
	pthread_t th;
	void (*script)(int fd, void *arg);
	void *arg;
};

/* Reads exactly len bytes; 0 or -1 at EOF. */
static int
read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, buf, len)) <= 0)
			return -1;
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/* The server side: reads one Request frame (NULL at EOF). */
static Isms__V1__Request *
fake_read(int fd)
{
	uint8_t hdr[FRAME_HDR_MAX], *buf;
	size_t i, hlen, mlen;
	Isms__V1__Request *req;

	for (i = 0; i < sizeof hdr; i++) {
		if (read_full(fd, &hdr[i], 1) != 0)
			return NULL;
		if (frame_decode_header(hdr, i + 1, FRAME_MAX_DEFAULT, &hlen,
		                        &mlen) == FRAME_OK)
			break;
	}
	buf = malloc(mlen + 1);
	if (read_full(fd, buf, mlen) != 0) {
		free(buf);
		return NULL;
	}
	req = isms__v1__request__unpack(NULL, mlen, buf);
	free(buf);
	return req;
}

/* The server side: reads and drops requests until the client is gone. */
static void
fake_drain(int fd)
{
	Isms__V1__Request *q;

	while ((q = fake_read(fd)) != NULL)
		isms__v1__request__free_unpacked(q, NULL);
}

/* The server side: sends one Reply frame. */
static void
fake_send(int fd, const Isms__V1__Reply *r)
{
	size_t len = protobuf_c_message_get_packed_size(&r->base);
	uint8_t *buf = malloc(len + FRAME_HDR_MAX);
	size_t h = frame_encode_header(buf, len);

	protobuf_c_message_pack(&r->base, buf + h);
	if (write(fd, buf, h + len) != (ssize_t)(h + len))
		fprintf(stderr, "fake_send: short write\n");
	free(buf);
}

/* Sends a reply to id with status code and message. */
static void
fake_status(int fd, uint64_t id, Isms__V1__Code code, const char *msg)
{
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__Status st = ISMS__V1__STATUS__INIT;

	st.has_code = 1;
	st.code = code;
	st.message = (char *)msg;
	r.has_id = 1;
	r.id = id;
	r.status = &st;
	fake_send(fd, &r);
}

static void *
fake_thread(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->lfd, NULL, NULL);

	if (fd != -1) {
		f->script(fd, f->arg);
		close(fd);
	}
	return NULL;
}

static void
fake_start(struct fake *f, void (*script)(int, void *), void *arg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	snprintf(f->dir, sizeof f->dir, "/tmp/test_ctl_client.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/s.sock", f->dir);
	snprintf(f->endpoint, sizeof f->endpoint, "unix:%s", f->path);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_not_equal(f->lfd, -1);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	f->script = script;
	f->arg = arg;
	assert_int_equal(pthread_create(&f->th, NULL, fake_thread, f), 0);
}

static void
fake_stop(struct fake *f)
{
	pthread_join(f->th, NULL);
	assert_int_equal(fake_failures, 0);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
}

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

/* Answers hello with protocol major *(int *)arg, then one Get. */
static void
script_hello(int fd, void *arg)
{
	Isms__V1__Request *q;
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__HelloResult hr = ISMS__V1__HELLO_RESULT__INIT;

	q = fake_read(fd);
	FAKE_CHECK(q != NULL && q->call_case == ISMS__V1__REQUEST__CALL_HELLO);
	if (q == NULL)
		return;
	FAKE_CHECK(q->hello->protocol_major == 1);
	FAKE_CHECK(strcmp(q->hello->client, "test 1.0") == 0);
	hr.has_protocol_major = 1;
	hr.protocol_major = (uint32_t) * (int *)arg;
	hr.user = "tester";
	r.has_id = 1;
	r.id = q->id;
	r.result_case = ISMS__V1__REPLY__RESULT_HELLO;
	r.hello = &hr;
	fake_send(fd, &r);
	isms__v1__request__free_unpacked(q, NULL);
	if ((q = fake_read(fd)) == NULL)
		return;
	fake_status(fd, q->id, ISMS__V1__CODE__NOT_FOUND, "no record RSK-0009");
	isms__v1__request__free_unpacked(q, NULL);
	/* Then the daemon dies: the next call must fail, not hang. */
}

static void
test_sync_hello_and_calls(void **state)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get get = ISMS__V1__GET__INIT;
	struct isms_err err = {0};
	struct isms_sync *s;
	Isms__V1__Reply *r;
	struct fake f;
	int major = 1;

	(void)state;
	fake_start(&f, script_hello, &major);
	assert_non_null(s = isms_sync_connect(f.endpoint, "test 1.0", &err));
	assert_string_equal(isms_sync_hello(s)->user, "tester");
	get.id = "RSK-0009";
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &get;
	/* An error status is a reply, not a failure. */
	assert_non_null(r = isms_sync_call(s, &req, &err));
	assert_int_equal(r->status->code, ISMS__V1__CODE__NOT_FOUND);
	assert_string_equal(r->status->message, "no record RSK-0009");
	isms_reply_free(r);
	assert_null(isms_sync_call(s, &req, &err));
	assert_int_equal(err.code, ISMS_EUNAVAIL);
	/* EOF or EPIPE, whichever the loop sees first. */
	assert_memory_equal(err.msg, "connection to ismsd lost", 24);
	isms_sync_free(s);
	fake_stop(&f);

	major = 2;
	fake_start(&f, script_hello, &major);
	assert_null(isms_sync_connect(f.endpoint, "test 1.0", &err));
	assert_int_equal(err.code, ISMS_EUNAVAIL);
	assert_string_equal(
	    err.msg, "protocol version mismatch: server speaks 2, client 1");
	fake_stop(&f);
}

/* How script_pipelined answers the first hello. */
enum pipe_mode { PIPE_OK, PIPE_FALLBACK, PIPE_UNAUTH, PIPE_VERSION };

/* Sends a hello result naming user, with protocol major. */
static void
fake_hello_ok(int fd, uint64_t id, uint32_t major, const char *user)
{
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__HelloResult hr = ISMS__V1__HELLO_RESULT__INIT;

	hr.has_protocol_major = 1;
	hr.protocol_major = major;
	hr.user = (char *)user;
	r.has_id = 1;
	r.id = id;
	r.result_case = ISMS__V1__REPLY__RESULT_HELLO;
	r.hello = &hr;
	fake_send(fd, &r);
}

/*
 * Reads a hello and a Get before it answers either: a client that waits
 * for the hello's reply before its request would hang here (and time
 * out). Checks the hello's token is want_token (NULL: none).
 */
static int
fake_read_pair(int fd, const char *want_token, Isms__V1__Request **h,
               Isms__V1__Request **q)
{
	*q = NULL;
	*h = fake_read(fd);
	FAKE_CHECK(*h != NULL &&
	           (*h)->call_case == ISMS__V1__REQUEST__CALL_HELLO);
	if (*h == NULL || (*h)->call_case != ISMS__V1__REQUEST__CALL_HELLO)
		return -1;
	FAKE_CHECK(want_token == NULL
	               ? (*h)->hello->token == NULL ||
	                     *(*h)->hello->token == '\0'
	               : (*h)->hello->token != NULL &&
	                     strcmp((*h)->hello->token, want_token) == 0);
	*q = fake_read(fd);
	FAKE_CHECK(*q != NULL &&
	           (*q)->call_case == ISMS__V1__REQUEST__CALL_GET);
	if (*q == NULL || (*q)->call_case != ISMS__V1__REQUEST__CALL_GET)
		return -1;
	FAKE_CHECK((*q)->id == (*h)->id + 1);
	return 0;
}

/* A hello pipelined with a Get, answered as *(enum pipe_mode *)arg says;
 * in PIPE_FALLBACK the token hello and the Get again, the same way. */
static void
script_pipelined(int fd, void *arg)
{
	enum pipe_mode mode = *(enum pipe_mode *)arg;
	Isms__V1__Request *h, *q;

	if (fake_read_pair(fd, NULL, &h, &q) != 0)
		goto out;
	switch (mode) {
	case PIPE_OK:
		fake_hello_ok(fd, h->id, 1, "tester");
		fake_status(fd, q->id, ISMS__V1__CODE__NOT_FOUND,
		            "no record RSK-0009");
		break;
	case PIPE_FALLBACK:
	case PIPE_UNAUTH:
		fake_status(fd, h->id, ISMS__V1__CODE__UNAUTHENTICATED,
		            "uid 1234 is no user");
		fake_status(fd, q->id, ISMS__V1__CODE__UNAUTHENTICATED,
		            "uid 1234 is no user");
		if (mode == PIPE_UNAUTH)
			break;
		isms__v1__request__free_unpacked(h, NULL);
		isms__v1__request__free_unpacked(q, NULL);
		if (fake_read_pair(fd, "tok", &h, &q) != 0)
			goto out;
		FAKE_CHECK(strcmp(q->get->id, "RSK-0009") == 0);
		fake_hello_ok(fd, h->id, 1, "gw");
		fake_status(fd, q->id, ISMS__V1__CODE__NOT_FOUND,
		            "no record RSK-0009");
		break;
	case PIPE_VERSION:
		fake_hello_ok(fd, h->id, 2, "tester");
		fake_status(fd, q->id, ISMS__V1__CODE__NOT_FOUND,
		            "no record RSK-0009");
		break;
	}
out:
	if (h != NULL)
		isms__v1__request__free_unpacked(h, NULL);
	if (q != NULL)
		isms__v1__request__free_unpacked(q, NULL);
	fake_drain(fd);
}

/* isms_sync_open_opts, then one Get against script_pipelined in mode:
 * the Get's reply, or NULL with err. */
static Isms__V1__Reply *
pipelined_get(enum pipe_mode mode, const char *token, struct isms_err *err,
              char *user, size_t userlen)
{
	struct isms_client_opts o = {.token = token, .timeout_ms = 5000};
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get get = ISMS__V1__GET__INIT;
	struct isms_sync *s;
	Isms__V1__Reply *r;
	struct fake f;

	fake_start(&f, script_pipelined, &mode);
	assert_non_null(
	    s = isms_sync_open_opts(f.endpoint, "test 1.0", &o, err));
	/* No hello said yet: it goes with the first call. */
	assert_null(isms_sync_hello(s));
	get.id = "RSK-0009";
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &get;
	r = isms_sync_call(s, &req, err);
	snprintf(user, userlen, "%s",
	         isms_sync_hello(s) != NULL ? isms_sync_hello(s)->user : "");
	isms_sync_free(s);
	fake_stop(&f);
	return r;
}

static void
test_sync_open_pipelines_hello(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Reply *r;
	char user[32];

	(void)state;
	/* The Get reaches the server before the hello's reply. */
	assert_non_null(r = pipelined_get(PIPE_OK, NULL, &err, user, 32));
	assert_int_equal(r->status->code, ISMS__V1__CODE__NOT_FOUND);
	assert_string_equal(user, "tester");
	isms_reply_free(r);

	/* On a Unix socket the token goes only after an UNAUTHENTICATED
	 * hello, with the Get again (the server refused it too). */
	assert_non_null(
	    r = pipelined_get(PIPE_FALLBACK, "tok", &err, user, 32));
	assert_int_equal(r->status->code, ISMS__V1__CODE__NOT_FOUND);
	assert_string_equal(r->status->message, "no record RSK-0009");
	assert_string_equal(user, "gw");
	isms_reply_free(r);

	/* No token to fall back on: the hello's error, not the Get's. */
	assert_null(pipelined_get(PIPE_UNAUTH, NULL, &err, user, 32));
	assert_int_equal(err.code, ISMS_EUNAUTH);
	assert_string_equal(err.msg, "uid 1234 is no user");

	assert_null(pipelined_get(PIPE_VERSION, NULL, &err, user, 32));
	assert_int_equal(err.code, ISMS_EUNAVAIL);
	assert_string_equal(
	    err.msg, "protocol version mismatch: server speaks 2, client 1");
	assert_int_equal(fake_failures, 0);
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
	    cmocka_unit_test(test_sync_hello_and_calls),
	    cmocka_unit_test(test_sync_open_pipelines_hello),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
