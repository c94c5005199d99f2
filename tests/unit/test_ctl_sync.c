/*
 * test_ctl_sync.c: libismsclient's synchronous API against a scripted
 * fake server (fake_srv.c): hello and the version check, calls after the
 * server dies, and the hello pipelined with the first request.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_srv.h"
#include "ismsclient.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sync_hello_and_calls),
	    cmocka_unit_test(test_sync_open_pipelines_hello),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
