/*
 * gw_sse.c: GET /v1/events as Server-Sent Events. Each journal entry is
 * one event whose id is its seq and whose data is the line `ismsctl watch
 * -o json` prints; a reconnecting browser sends Last-Event-ID and the
 * stream resumes after it (Subscribe with replay since that seq: no gap,
 * no duplicate). A stream has a connection to ismsd of its own, closed
 * with the stream (the protocol has no Cancel call).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "evfmt.h"
#include "fieldargs.h"
#include "gw_pool.h"
#include "gw_req.h"
#include "xmalloc.h"

#define SSE_REGISTERS_MAX 32
#define SSE_PING_S        15 /* a comment line keeps proxies from closing */

struct gw_stream {
	struct gw_req *r;
	struct evhttp_connection *evcon; /* NULL once closed */
	struct event *ping;
	bool started;  /* headers sent */
	bool closed;   /* the HTTP connection went away */
	bool answered; /* an error reply was sent instead of a stream */
	bool waiting;  /* for the connection to ismsd (stream_ready) */
};

/* Ends the stream: the connection to ismsd, the HTTP side, r. */
static void
stream_end(struct gw_stream *s)
{
	struct gw_req *r = s->r;

	if (s->ping != NULL)
		event_free(s->ping);
	if (s->evcon != NULL)
		gw_conn_on_close(r, NULL, NULL);
	if (s->answered)
		;
	else if (!s->closed && s->started)
		evhttp_send_reply_end(r->req);
	else if (s->closed && evhttp_request_get_connection(r->req) == NULL)
		evhttp_send_reply_end(r->req); /* frees the detached request */
	r->gw->streams--;
	gw_peer_release(r->peer);
	free(s);
	gw_req_free(r);
}

/* The browser went away. */
static void
stream_closed(void *arg)
{
	struct gw_stream *s = arg;

	s->closed = true;
	s->evcon = NULL;
	if (!s->waiting) /* else stream_ready ends it */
		stream_end(s);
}

static void
stream_ping(evutil_socket_t fd, short what, void *arg)
{
	struct gw_stream *s = arg;
	struct evbuffer *buf = evbuffer_new();

	(void)fd;
	(void)what;
	evbuffer_add_printf(buf, ": ping\n\n");
	evhttp_send_reply_chunk(s->r->req, buf);
	evbuffer_free(buf);
}

/* Sends the headers: the stream has begun. */
static void
stream_start(struct gw_stream *s)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(s->r->req);
	struct timeval tv = {SSE_PING_S, 0};
	struct timeval wtv = {(time_t)s->r->gw->cfg.timeout, 0};

	evhttp_add_header(h, "Content-Type", "text/event-stream");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	evhttp_send_reply_start(s->r->req, 200, "OK");
	s->started = true;
	/* A stream is quiet on the reading side: only writes have a
	 * deadline now (evhttp's read deadline would end it). */
	if (s->evcon != NULL)
		bufferevent_set_timeouts(
		    evhttp_connection_get_bufferevent(s->evcon), NULL, &wtv);
	s->ping = event_new(s->r->gw->base, -1, EV_PERSIST, stream_ping, s);
	if (s->ping != NULL)
		event_add(s->ping, &tv);
}

/* One journal entry as one event. */
static void
stream_event(struct gw_stream *s, const Isms__V1__JournalEntry *e)
{
	struct evbuffer *buf = evbuffer_new();
	char *text = NULL, tname[64];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL || buf == NULL) {
		evbuffer_free(buf);
		return;
	}
	evfmt_json(f, e);
	fclose(f);
	if (evfmt_type_name(e->type, tname, sizeof tname) == NULL)
		snprintf(tname, sizeof tname, "event");
	/* evfmt_json writes one line, its newline included. */
	evbuffer_add_printf(buf, "id: %llu\nevent: %s\ndata: %s\n",
	                    (unsigned long long)e->seq, tname, text);
	free(text);
	evhttp_send_reply_chunk(s->r->req, buf);
	evbuffer_free(buf);
}

/* Every reply on the subscription. */
static void
stream_reply(struct isms_client *cl, const Isms__V1__Reply *reply, void *arg)
{
	struct gw_stream *s = arg;
	int code = reply->status != NULL ? (int)reply->status->code : 0;
	const char *msg =
	    reply->status != NULL && reply->status->message != NULL
	        ? reply->status->message
	        : "";
	struct evbuffer *buf;

	(void)cl;
	if (s->closed)
		return;
	if (code != 0 && !s->started) {
		gw_reply_error(s->r->req, code, "%s", msg);
		s->answered = true;
		stream_end(s);
		return;
	}
	if (code != 0) {
		/* The end ("resync from seq N"): said as an event. */
		buf = evbuffer_new();
		evbuffer_add_printf(buf,
		                    "event: error\ndata: {\"code\":\"%s\"}\n\n",
		                    isms_code_name(code));
		evhttp_send_reply_chunk(s->r->req, buf);
		evbuffer_free(buf);
		stream_end(s);
		return;
	}
	if (!s->started)
		stream_start(s);
	if (reply->event != NULL)
		stream_event(s, reply->event);
}

/* The dedicated connection said hello: subscribes. */
static void
stream_ready(struct gw_peer *peer, struct isms_client *cl,
             const struct isms_err *err, void *arg)
{
	struct gw_stream *s = arg;
	Isms__V1__Request *req;

	s->r->peer = peer;
	s->waiting = false;
	if (s->closed) {
		stream_end(s);
		return;
	}
	if (cl == NULL) {
		gw_reply_error(s->r->req, err->code, "%s", err->msg);
		s->answered = true;
		stream_end(s);
		return;
	}
	req = isms__v1__request__unpack(NULL, s->r->rpc_len, s->r->rpc);
	if (req == NULL || isms_client_call_flags(cl, req, ISMS_CALL_STREAM,
	                                          stream_reply, s) == 0) {
		gw_reply_error(s->r->req, ISMS_EUNAVAIL,
		               "ismsd closed the connection");
		s->answered = true;
		stream_end(s);
	}
	if (req != NULL)
		isms__v1__request__free_unpacked(req, NULL);
}

/* Where the stream starts: Last-Event-ID (a reconnect), else ?since. */
static bool
stream_since(struct gw_req *r, Isms__V1__Subscribe *sub)
{
	const char *s = evhttp_find_header(
	    evhttp_request_get_input_headers(r->req), "Last-Event-ID");
	char *end;

	if (s == NULL)
		s = gw_query(r, "since");
	if (s == NULL)
		return true;
	if (*s < '0' || *s > '9')
		return false;
	sub->since_seq = strtoull(s, &end, 10);
	sub->has_since_seq = sub->has_replay = sub->replay = 1;
	return *end == '\0';
}

/* The registers named by ?register= (repeatable, or comma-separated). */
static bool
stream_registers(struct gw_req *r, Isms__V1__Subscribe *sub, char *names,
                 size_t len)
{
	struct evkeyval *kv;
	char *tok, *save;
	size_t used = 0;

	TAILQ_FOREACH(kv, &r->query, next)
	{
		if (strcmp(kv->key, "register") != 0)
			continue;
		if (used + strlen(kv->value) + 2 > len)
			return false;
		memcpy(names + used, kv->value, strlen(kv->value) + 1);
		for (tok = strtok_r(names + used, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			if (ctl_register_find(tok) == NULL ||
			    sub->n_registers == SSE_REGISTERS_MAX)
				return false;
			sub->registers[sub->n_registers++] = tok;
		}
		used += strlen(kv->value) + 1;
	}
	return true;
}

void
gw_sse_events(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	char *regs[SSE_REGISTERS_MAX], names[1024];
	struct gw_stream *s;

	sub.registers = regs;
	if (!stream_since(r, &sub) ||
	    !stream_registers(r, &sub, names, sizeof names)) {
		gw_reply_error(r->req, ISMS_EINVAL,
		               "since / Last-Event-ID: a journal seq; "
		               "register: register names");
		gw_req_free(r);
		return;
	}
	if (r->gw->streams >= r->gw->cfg.max_streams) {
		gw_reply_error(r->req, ISMS_EEXHAUSTED,
		               "%u event streams are open; retry later",
		               r->gw->cfg.max_streams);
		gw_req_free(r);
		return;
	}
	sub.owner = (char *)gw_query(r, "owner");
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &sub;
	r->rpc_len = protobuf_c_message_get_packed_size(&req.base);
	r->rpc = xmalloc(r->rpc_len + 1);
	protobuf_c_message_pack(&req.base, r->rpc);
	s = xcalloc(1, sizeof *s);
	s->r = r;
	r->stream = s;
	r->gw->streams++;
	s->evcon = evhttp_request_get_connection(r->req);
	gw_conn_on_close(r, stream_closed, s);
	s->waiting = true;
	gw_pool_get(r->gw->pool, r->token, true, stream_ready, s);
}
