/*
 * sync.c: the synchronous wrapper over the asynchronous client, on a
 * private event base: each call runs the base until its reply arrives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ismsclient.h"
#include "xmalloc.h"

struct isms_sync {
	struct event_base *base;
	struct isms_client *client;
	Isms__V1__HelloResult *hello;
	int timeout_ms;
};

/* What a call waits for; filled by sync_reply_cb. */
struct sync_wait {
	int done;
	int timed_out;
	int lost; /* the reply was synthesized: connection gone */
	Isms__V1__Reply *reply;
};

/* Stores the reply of the call we wait for. */
static void
sync_reply_cb(struct isms_client *c, const Isms__V1__Reply *reply, void *arg)
{
	struct sync_wait *w = arg;

	w->done = 1;
	if (isms_client_error(c) != NULL) {
		w->lost = 1;
		return;
	}
	/* Sync clients own their replies (isms_client_own_replies is on
	 * from connect), and a reply not made up for a lost connection can
	 * always be taken: it is never copied. */
	if ((w->reply = isms_client_take_reply(c, reply)) == NULL)
		w->lost = 1;
}

/* The call took too long. */
static void
sync_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sync_wait *w = arg;

	(void)fd;
	(void)what;
	w->timed_out = 1;
}

/* Sends req and runs the base until its reply, a loss or the deadline. */
static Isms__V1__Reply *
sync_roundtrip(struct isms_sync *s, Isms__V1__Request *req,
               struct isms_err *err)
{
	struct sync_wait w = {0};
	struct event *timer = NULL;
	struct timeval tv;
	const struct isms_err *cerr;
	uint64_t id;

	if (s->client == NULL)
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "not connected to ismsd"),
		       NULL;
	/* Before the call: once sent, it must be waited for or cancelled. */
	if (s->timeout_ms > 0 &&
	    (timer = evtimer_new(s->base, sync_timeout_cb, &w)) == NULL)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot arm the call's timeout"),
		       NULL;
	if ((id = isms_client_call(s->client, req, sync_reply_cb, &w)) == 0) {
		if (timer != NULL)
			event_free(timer);
		cerr = isms_client_error(s->client);
		isms_err_set(err, ISMS_EUNAVAIL, "%s",
		             cerr != NULL ? cerr->msg
		                          : "connection to ismsd lost");
		return NULL;
	}
	if (timer != NULL) {
		tv.tv_sec = s->timeout_ms / 1000;
		tv.tv_usec = (s->timeout_ms % 1000) * 1000;
		evtimer_add(timer, &tv);
	}
	while (!w.done && !w.timed_out) {
		if (event_base_loop(s->base, EVLOOP_ONCE) != 0)
			break; /* nothing left to wait for */
	}
	if (timer != NULL)
		event_free(timer);
	if (w.done && !w.lost)
		return w.reply;
	if (w.timed_out) {
		isms_client_cancel(s->client, id);
		isms_err_set(err, ISMS_ETIMEDOUT,
		             "no reply from ismsd within %d ms", s->timeout_ms);
	} else {
		cerr = isms_client_error(s->client);
		isms_err_set(err, ISMS_EUNAVAIL, "%s",
		             cerr != NULL ? cerr->msg
		                          : "connection to ismsd lost");
	}
	/* The stream is out of step now: a late reply must not be taken. */
	isms_client_free(s->client);
	s->client = NULL;
	return NULL;
}

/*
 * Says hello (with a bearer token, when given) and checks the reply; 0 or
 * -code with err: the server's code when it refused.
 */
static int
sync_hello(struct isms_sync *s, const char *client, const char *token,
           struct isms_err *err)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	Isms__V1__Reply *reply;
	const Isms__V1__Status *st;
	int rc = 0;

	hello.has_protocol_major = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	hello.has_protocol_minor = 1;
	hello.protocol_minor = ISMS_PROTOCOL_MINOR;
	hello.client = (char *)client;
	hello.token = (char *)token;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	if ((reply = sync_roundtrip(s, &req, err)) == NULL)
		return -(err != NULL ? err->code : ISMS_EUNAVAIL);

	st = reply->status;
	if (st != NULL && st->has_code && st->code != ISMS__V1__CODE__OK)
		rc = isms_err_set(err, (int)st->code, "%s",
		                  st->message != NULL && *st->message != '\0'
		                      ? st->message
		                      : "hello refused");
	else if (reply->result_case != ISMS__V1__REPLY__RESULT_HELLO)
		rc = isms_err_set(
		    err, ISMS_EUNAVAIL,
		    "ismsd did not answer hello with a hello result");
	else if (reply->hello->protocol_major != ISMS_PROTOCOL_MAJOR)
		rc = isms_err_set(
		    err, ISMS_EUNAVAIL,
		    "protocol version mismatch: server speaks %u, client %u",
		    reply->hello->protocol_major, ISMS_PROTOCOL_MAJOR);
	else {
		/* Keep the hello result; the rest of the reply goes. */
		s->hello = reply->hello;
		reply->hello = NULL;
		reply->result_case = ISMS__V1__REPLY__RESULT__NOT_SET;
	}
	isms_reply_free(reply);
	return rc;
}

bool
isms_hello_token_first(const char *endpoint,
                       const struct isms_client_opts *opts)
{
	return strncmp(endpoint, "tcp:", 4) == 0 &&
	       (opts == NULL || opts->cert == NULL);
}

/* Says hello: with the token at once where only it can name us, else
 * first without it (see isms_hello_token_first). */
static int
sync_hellos(struct isms_sync *s, const char *client, const char *endpoint,
            const struct isms_client_opts *opts, struct isms_err *err)
{
	const char *token = opts != NULL ? opts->token : NULL;
	int rc;

	if (token == NULL || isms_hello_token_first(endpoint, opts))
		return sync_hello(s, client, token, err);
	rc = sync_hello(s, client, NULL, err);
	if (rc != -ISMS_EUNAUTH || s->client == NULL)
		return rc;
	return sync_hello(s, client, token, err);
}

/* Connects on a private base and says hello (with the token). */
struct isms_sync *
isms_sync_connect_opts(const char *endpoint, const char *client,
                       const struct isms_client_opts *opts,
                       struct isms_err *err)
{
	struct isms_sync *s;

	s = xcalloc(1, sizeof *s);
	if ((s->base = event_base_new()) == NULL) {
		free(s);
		isms_err_set(err, ISMS_EINTERNAL, "event_base_new failed");
		return NULL;
	}
	if (opts != NULL)
		isms_sync_set_timeout(s, opts->timeout_ms);
	if ((s->client = isms_client_connect_opts(s->base, endpoint, opts,
	                                          err)) != NULL)
		isms_client_own_replies(s->client, true);
	if (s->client == NULL ||
	    sync_hellos(s,
	                client != NULL ? client : "libismsclient " ISMS_VERSION,
	                endpoint, opts, err) != 0) {
		isms_sync_free(s);
		return NULL;
	}
	return s;
}

/* isms_sync_connect_opts without options. */
struct isms_sync *
isms_sync_connect(const char *endpoint, const char *client,
                  struct isms_err *err)
{
	return isms_sync_connect_opts(endpoint, client, NULL, err);
}

Isms__V1__Reply *
isms_sync_call(struct isms_sync *s, Isms__V1__Request *req,
               struct isms_err *err)
{
	return sync_roundtrip(s, req, err);
}

void
isms_sync_set_timeout(struct isms_sync *s, int ms)
{
	s->timeout_ms = ms < 0 ? 0 : ms;
}

const Isms__V1__HelloResult *
isms_sync_hello(const struct isms_sync *s)
{
	return s->hello;
}

void
isms_sync_free(struct isms_sync *s)
{
	if (s == NULL)
		return;
	isms_client_free(s->client);
	if (s->hello != NULL)
		protobuf_c_message_free_unpacked(&s->hello->base, NULL);
	event_base_free(s->base);
	free(s);
}

void
isms_reply_free(Isms__V1__Reply *reply)
{
	if (reply != NULL)
		protobuf_c_message_free_unpacked(&reply->base, NULL);
}
