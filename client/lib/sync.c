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
	/* A hello still to say, with the first call (isms_sync_open_opts). */
	bool hello_due;
	bool token_first; /* the first hello carries the token */
	char *name;       /* the client's name in hello */
	char *token;      /* owned, wiped when freed; NULL: none */
};

/* What an exchange waits for: its calls' replies, or the deadline. */
struct sync_batch {
	size_t left; /* replies still to come */
	int timed_out;
};

/* One call of an exchange; filled by sync_reply_cb. */
struct sync_wait {
	struct sync_batch *batch;
	uint64_t id;
	int done;
	int lost; /* the reply was synthesized: connection gone */
	Isms__V1__Reply *reply;
};

/* Stores the reply of a call we wait for. */
static void
sync_reply_cb(struct isms_client *c, const Isms__V1__Reply *reply, void *arg)
{
	struct sync_wait *w = arg;

	w->done = 1;
	w->batch->left--;
	if (isms_client_error(c) != NULL) {
		w->lost = 1;
		return;
	}
	/* Sync clients own their replies, and a reply not made up for a
	 * lost connection can always be taken: it is never copied. */
	if ((w->reply = isms_client_take_reply(c, reply)) == NULL)
		w->lost = 1;
}

/* The exchange took too long. */
static void
sync_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sync_batch *b = arg;

	(void)fd;
	(void)what;
	b->timed_out = 1;
}

/* Sets err to why the connection is gone; -ISMS_EUNAVAIL. */
static int
sync_lost(struct isms_sync *s, struct isms_err *err)
{
	const struct isms_err *cerr =
	    s->client != NULL ? isms_client_error(s->client) : NULL;

	return isms_err_set(err, ISMS_EUNAVAIL, "%s",
	                    cerr != NULL ? cerr->msg
	                                 : "connection to ismsd lost");
}

/*
 * Sends the n requests back to back (no wait between them: the server
 * answers a connection's frames in order) and runs the base until every
 * reply, a loss or the deadline. 0 with every w[i].reply set; else -code
 * with err, the connection closed, and the replies that did come in w.
 */
static int
sync_exchange(struct isms_sync *s, Isms__V1__Request **reqs,
              struct sync_wait *w, size_t n, struct isms_err *err)
{
	struct sync_batch b = {0};
	struct event *timer = NULL;
	struct timeval tv;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		w[i] = (struct sync_wait){.batch = &b};
	if (s->client == NULL)
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "not connected to ismsd");
	/* Before the calls: once sent, they must be waited for or
	 * cancelled. */
	if (s->timeout_ms > 0 &&
	    (timer = evtimer_new(s->base, sync_timeout_cb, &b)) == NULL)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot arm the call's timeout");
	/* The calls leave in one write. */
	if (n > 1)
		isms_client_cork(s->client, true);
	for (i = 0; i < n; i++) {
		b.left++;
		w[i].id =
		    isms_client_call(s->client, reqs[i], sync_reply_cb, &w[i]);
		if (w[i].id == 0) {
			/* Closed: the calls before it were answered lost. */
			b.left--;
			w[i].done = w[i].lost = 1;
			break;
		}
	}
	/* A failure closes the client: the calls are answered lost. */
	if (n > 1)
		(void)isms_client_cork(s->client, false);
	if (timer != NULL && i == n) {
		tv.tv_sec = s->timeout_ms / 1000;
		tv.tv_usec = (s->timeout_ms % 1000) * 1000;
		evtimer_add(timer, &tv);
	}
	while (b.left > 0 && !b.timed_out && i == n) {
		if (event_base_loop(s->base, EVLOOP_ONCE) != 0)
			break; /* nothing left to wait for */
	}
	if (timer != NULL)
		event_free(timer);
	for (i = 0; i < n && w[i].done && !w[i].lost; i++)
		;
	if (i == n)
		return 0;
	if (b.timed_out) {
		for (i = 0; i < n; i++)
			if (!w[i].done)
				isms_client_cancel(s->client, w[i].id);
		rc = isms_err_set(err, ISMS_ETIMEDOUT,
		                  "no reply from ismsd within %d ms",
		                  s->timeout_ms);
	} else
		rc = sync_lost(s, err);
	/* The stream is out of step now: a late reply must not be taken. */
	isms_client_free(s->client);
	s->client = NULL;
	return rc;
}

/* Sends req and runs the base until its reply, a loss or the deadline. */
static Isms__V1__Reply *
sync_roundtrip(struct isms_sync *s, Isms__V1__Request *req,
               struct isms_err *err)
{
	struct sync_wait w;

	/* A failed exchange of one call has no reply to free. */
	if (sync_exchange(s, &req, &w, 1, err) != 0)
		return NULL;
	return w.reply;
}

/* Fills req with a hello (with a bearer token, when given). */
static void
sync_hello_req(Isms__V1__Request *req, Isms__V1__Hello *hello,
               const char *client, const char *token)
{
	hello->has_protocol_major = 1;
	hello->protocol_major = ISMS_PROTOCOL_MAJOR;
	hello->has_protocol_minor = 1;
	hello->protocol_minor = ISMS_PROTOCOL_MINOR;
	hello->client = (char *)client;
	hello->token = (char *)token;
	req->call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req->hello = hello;
}

/*
 * Checks a hello's reply and keeps its result; 0 or -code with err: the
 * server's code when it refused.
 */
static int
sync_hello_check(struct isms_sync *s, Isms__V1__Reply *reply,
                 struct isms_err *err)
{
	const Isms__V1__Status *st = reply->status;

	if (st != NULL && st->has_code && st->code != ISMS__V1__CODE__OK)
		return isms_err_set(err, (int)st->code, "%s",
		                    st->message != NULL && *st->message != '\0'
		                        ? st->message
		                        : "hello refused");
	if (reply->result_case != ISMS__V1__REPLY__RESULT_HELLO)
		return isms_err_set(
		    err, ISMS_EUNAVAIL,
		    "ismsd did not answer hello with a hello result");
	if (reply->hello->protocol_major != ISMS_PROTOCOL_MAJOR)
		return isms_err_set(
		    err, ISMS_EUNAVAIL,
		    "protocol version mismatch: server speaks %u, client %u",
		    reply->hello->protocol_major, ISMS_PROTOCOL_MAJOR);
	/* Keep the hello result; the rest of the reply goes. */
	if (s->hello != NULL)
		protobuf_c_message_free_unpacked(&s->hello->base, NULL);
	s->hello = reply->hello;
	reply->hello = NULL;
	reply->result_case = ISMS__V1__REPLY__RESULT__NOT_SET;
	return 0;
}

/* Whether reply is an UNAUTHENTICATED refusal. */
static bool
sync_unauthenticated(const Isms__V1__Reply *reply)
{
	return reply != NULL && reply->status != NULL &&
	       reply->status->has_code &&
	       reply->status->code == ISMS__V1__CODE__UNAUTHENTICATED;
}

/*
 * Says hello with token (or none) and, in the same write, req when given:
 * the hello's reply comes first. 0 with req's reply in *out; else -code
 * with err: the hello's error when it was refused, else the
 * connection's. *out is NULL then.
 */
static int
sync_hello_with(struct isms_sync *s, const char *token, Isms__V1__Request *req,
                Isms__V1__Reply **out, struct isms_err *err)
{
	Isms__V1__Request hreq = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	Isms__V1__Request *reqs[2] = {&hreq, req};
	struct sync_wait w[2];
	struct isms_err xerr = {0};
	size_t n = req != NULL ? 2 : 1;
	int rc, hrc;

	*out = NULL;
	sync_hello_req(&hreq, &hello, s->name, token);
	rc = sync_exchange(s, reqs, w, n, &xerr);
	/* The hello's answer says more than a loss after it (a refused
	 * version closes the connection behind its reply). */
	if (w[0].reply != NULL &&
	    (hrc = sync_hello_check(s, w[0].reply, err)) != 0) {
		rc = hrc;
		/* A request the server did not refuse with its hello may
		 * have run: it must not go again after a token hello. */
		if (rc == -ISMS_EUNAUTH && n == 2 && s->client != NULL &&
		    !sync_unauthenticated(w[1].reply)) {
			isms_client_free(s->client);
			s->client = NULL;
		}
	} else if (rc != 0 && err != NULL)
		*err = xerr;
	else if (n == 2) {
		*out = w[1].reply;
		w[1].reply = NULL;
	}
	isms_reply_free(w[0].reply);
	if (n == 2)
		isms_reply_free(w[1].reply);
	return rc;
}

/*
 * The hello due on s, and req with it (NULL: the hello alone): with the
 * token at once where only it can name us, else first without it and,
 * when that one was UNAUTHENTICATED, again with it (and req again: the
 * server refused it with the hello). See isms_hello_token_first.
 */
static int
sync_hellos(struct isms_sync *s, Isms__V1__Request *req, Isms__V1__Reply **out,
            struct isms_err *err)
{
	int rc;

	s->hello_due = false;
	if (s->token == NULL || s->token_first)
		rc = sync_hello_with(s, s->token, req, out, err);
	else if ((rc = sync_hello_with(s, NULL, req, out, err)) ==
	             -ISMS_EUNAUTH &&
	         s->client != NULL)
		rc = sync_hello_with(s, s->token, req, out, err);
	if (rc != 0 && s->client != NULL) {
		/* Nobody to talk to as: later calls fail as not connected. */
		isms_client_free(s->client);
		s->client = NULL;
	}
	return rc;
}

bool
isms_hello_token_first(const char *endpoint,
                       const struct isms_client_opts *opts)
{
	return strncmp(endpoint, "tcp:", 4) == 0 &&
	       (opts == NULL || opts->cert == NULL);
}

/* Connects on a private base; the hello is left due. */
struct isms_sync *
isms_sync_open_opts(const char *endpoint, const char *client,
                    const struct isms_client_opts *opts, struct isms_err *err)
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
	                                          err)) == NULL) {
		isms_sync_free(s);
		return NULL;
	}
	isms_client_own_replies(s->client, true);
	s->hello_due = true;
	s->token_first = isms_hello_token_first(endpoint, opts);
	s->name =
	    xstrdup(client != NULL ? client : "libismsclient " ISMS_VERSION);
	if (opts != NULL && opts->token != NULL)
		s->token = xstrdup(opts->token);
	return s;
}

/* Connects on a private base and says hello (with the token). */
struct isms_sync *
isms_sync_connect_opts(const char *endpoint, const char *client,
                       const struct isms_client_opts *opts,
                       struct isms_err *err)
{
	struct isms_sync *s;
	Isms__V1__Reply *none;

	if ((s = isms_sync_open_opts(endpoint, client, opts, err)) == NULL)
		return NULL;
	if (sync_hellos(s, NULL, &none, err) != 0) {
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
	Isms__V1__Reply *reply;

	if (!s->hello_due)
		return sync_roundtrip(s, req, err);
	if (sync_hellos(s, req, &reply, err) != 0)
		return NULL;
	return reply;
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
	free(s->name);
	if (s->token != NULL) {
		explicit_bzero(s->token, strlen(s->token));
		free(s->token);
	}
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

/* A Snapshot call under way: its pages, and whether it has ended. */
struct sync_snap {
	struct isms_snapshot *out;
	struct event *timer;
	int timeout_ms;
	bool ended, lost, timed_out;
	int code; /* the server's error code, or 0 */
	char msg[256];
};

/* Re-arms the per-page deadline. */
static void
sync_snap_arm(struct sync_snap *w)
{
	struct timeval tv;

	if (w->timer == NULL)
		return;
	tv.tv_sec = w->timeout_ms / 1000;
	tv.tv_usec = (w->timeout_ms % 1000) * 1000;
	evtimer_add(w->timer, &tv);
}

static void
sync_snap_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct sync_snap *w = arg;

	(void)fd;
	(void)what;
	w->timed_out = true;
}

/* Keeps one page; the last one, an error or a loss ends the call. */
static void
sync_snap_cb(struct isms_client *c, const Isms__V1__Reply *reply, void *arg)
{
	struct sync_snap *w = arg;
	struct isms_snapshot *o = w->out;
	Isms__V1__Reply *r;
	const Isms__V1__Status *st = reply->status;

	if (w->ended)
		return;
	if (isms_client_error(c) != NULL ||
	    (r = isms_client_take_reply(c, reply)) == NULL) {
		w->ended = w->lost = true;
		return;
	}
	if (st != NULL && st->has_code && st->code != ISMS__V1__CODE__OK) {
		w->code = (int)st->code;
		snprintf(w->msg, sizeof w->msg, "%s",
		         st->message != NULL ? st->message : "snapshot failed");
		w->ended = true;
		isms_reply_free(r);
		return;
	}
	if (r->result_case != ISMS__V1__REPLY__RESULT_SNAPSHOT) {
		w->code = ISMS_EINTERNAL;
		snprintf(w->msg, sizeof w->msg,
		         "a snapshot reply without a page");
		w->ended = true;
		isms_reply_free(r);
		return;
	}
	o->pages = xreallocarray(o->pages, o->npages + 1, sizeof *o->pages);
	o->pages[o->npages++] = r;
	w->ended = r->snapshot->done;
	sync_snap_arm(w);
}

/* Gathers the records of every page, in order. */
static void
sync_snap_records(struct isms_snapshot *o)
{
	size_t i, j, n = 0;

	for (i = 0; i < o->npages; i++)
		n += o->pages[i]->snapshot->n_records;
	o->recs = xcalloc(n + 1, sizeof *o->recs);
	for (i = 0; i < o->npages; i++)
		for (j = 0; j < o->pages[i]->snapshot->n_records; j++)
			o->recs[o->nrecs++] = o->pages[i]->snapshot->records[j];
	o->head = o->pages[0]->snapshot;
}

int
isms_sync_snapshot(struct isms_sync *s, const Isms__V1__Snapshot *snap,
                   struct isms_snapshot *out, struct isms_err *err)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	struct sync_snap w = {.out = out, .timeout_ms = s->timeout_ms};
	Isms__V1__Reply *none;
	uint64_t id;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (s->hello_due && (rc = sync_hellos(s, NULL, &none, err)) != 0)
		return rc;
	if (s->client == NULL)
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "not connected to ismsd");
	req.call_case = ISMS__V1__REQUEST__CALL_SNAPSHOT;
	req.snapshot = (Isms__V1__Snapshot *)snap;
	if (w.timeout_ms > 0 &&
	    (w.timer = evtimer_new(s->base, sync_snap_timeout, &w)) == NULL)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot arm the call's timeout");
	id = isms_client_call_flags(s->client, &req, ISMS_CALL_STREAM,
	                            sync_snap_cb, &w);
	if (id == 0)
		w.ended = w.lost = true;
	sync_snap_arm(&w);
	while (!w.ended && !w.timed_out)
		if (event_base_loop(s->base, EVLOOP_ONCE) != 0)
			break;
	if (w.timer != NULL)
		event_free(w.timer);
	if (w.ended && !w.lost && w.code == 0) {
		isms_client_cancel(s->client, id); /* done: no more replies */
		sync_snap_records(out);
		return 0;
	}
	if (w.code != 0)
		rc = isms_err_set(err, w.code, "%s", w.msg);
	else if (w.timed_out)
		rc = isms_err_set(err, ISMS_ETIMEDOUT,
		                  "no snapshot page from ismsd within %d ms",
		                  s->timeout_ms);
	else
		rc = sync_lost(s, err);
	if (w.code == 0) {
		/* Replies may still come: the stream is out of step. */
		isms_client_free(s->client);
		s->client = NULL;
	}
	isms_snapshot_free(out);
	return rc;
}

void
isms_snapshot_free(struct isms_snapshot *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->npages; i++)
		isms_reply_free(o->pages[i]);
	free(o->pages);
	free(o->recs);
	memset(o, 0, sizeof *o);
}

/* One stream's state, for sync_stream_cb. */
struct sync_stream {
	isms_stream_cb cb;
	void *arg;
	bool done, lost;
};

/* Hands each reply of a stream on; notes its end. */
static void
sync_stream_cb(struct isms_client *c, const Isms__V1__Reply *reply, void *arg)
{
	struct sync_stream *ss = arg;

	if (ss->done)
		return;
	if (isms_client_error(c) != NULL) {
		ss->done = ss->lost = true;
		return;
	}
	if (ss->cb(reply, ss->arg) ||
	    (reply->status != NULL && reply->status->has_code &&
	     reply->status->code != ISMS__V1__CODE__OK))
		ss->done = true;
}

int
isms_sync_stream(struct isms_sync *s, Isms__V1__Request *req, isms_stream_cb cb,
                 void *arg, struct isms_err *err)
{
	struct sync_stream ss = {cb, arg, false, false};
	Isms__V1__Reply *none = NULL;
	uint64_t id;
	int rc;

	if (s->hello_due && (rc = sync_hellos(s, NULL, &none, err)) != 0)
		return rc;
	if (s->client == NULL)
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "not connected to ismsd");
	id = isms_client_call_flags(s->client, req, ISMS_CALL_STREAM,
	                            sync_stream_cb, &ss);
	if (id == 0)
		return sync_lost(s, err);
	while (!ss.done)
		if (event_base_loop(s->base, EVLOOP_ONCE) != 0)
			break; /* nothing left to wait for */
	if (ss.done && !ss.lost) {
		/* An OK last reply leaves the id registered. */
		(void)isms_client_cancel(s->client, id);
		return 0;
	}
	rc = sync_lost(s, err);
	isms_client_free(s->client);
	s->client = NULL;
	return rc;
}
