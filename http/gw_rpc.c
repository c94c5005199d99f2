/*
 * gw_rpc.c: the RPCs of one HTTP request, on the caller's pooled
 * connection. The request is packed at once, so that the handler's
 * message may live on its stack, and sent packed when the connection has
 * said hello (the client library appends the call's id).
 *
 * Each call has a deadline (rpc_timeout): when ismsd has not answered by
 * then (a hung daemon), the request is answered 504 DEADLINE_EXCEEDED and
 * the connection is dropped from the pool, so later requests open a new
 * one; the old one closes when its last call is answered or given up.
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "gw_pool.h"
#include "gw_req.h"
#include "xmalloc.h"

static void gw_rpc_reply(struct isms_client *, const Isms__V1__Reply *, void *);

/*
 * The deadline of a call. Every call has the same one, so libevent keeps
 * them in one queue (a common timeout: adding and removing one is O(1),
 * not a heap operation per request).
 */
static const struct timeval *
gw_rpc_deadline(struct gw *gw)
{
	if (gw->rpc_tv == NULL) {
		gw->rpc_tv_plain.tv_sec = (time_t)gw->cfg.rpc_timeout;
		gw->rpc_tv_plain.tv_usec = 0;
		gw->rpc_tv =
		    event_base_init_common_timeout(gw->base, &gw->rpc_tv_plain);
		if (gw->rpc_tv == NULL) /* out of memory: a plain one */
			gw->rpc_tv = &gw->rpc_tv_plain;
	}
	return gw->rpc_tv;
}

/* Ends r: its peer released, r freed. */
static void
gw_rpc_end(struct gw_req *r)
{
	gw_peer_release(r->peer);
	gw_req_free(r);
}

/*
 * The call failed without a reply from ismsd (no connection, no answer
 * in time): a handler that sees every reply (webhooks) is given one made
 * up with the code; others answer the error document. Ends r.
 */
static void
gw_rpc_fail(struct gw_req *r, int code, const char *msg)
{
	Isms__V1__Reply reply = ISMS__V1__REPLY__INIT;
	Isms__V1__Status status = ISMS__V1__STATUS__INIT;

	if (code < 0)
		code = -code;
	if (r->all_replies) {
		status.has_code = 1;
		status.code = (Isms__V1__Code)code;
		status.message = (char *)msg;
		reply.status = &status;
		if (r->done(r, &reply) == 1) /* no connection to read on */
			gw_reply_error(r->req, code, "%s", msg);
	} else
		gw_reply_error(r->req, code, "%s", msg);
	gw_rpc_end(r);
}

/* Sends r's packed request on cl, under its deadline. 0, or -1 when the
 * connection is closed. */
static int
gw_rpc_send(struct gw_req *r, struct isms_client *cl)
{
	gw_peer_cork(r->peer);
	r->cl = cl;
	r->call_id =
	    isms_client_call_packed(cl, r->rpc, r->rpc_len, gw_rpc_reply, r);
	if (r->call_id == 0)
		return -1;
	if (r->deadline != NULL)
		evtimer_add(r->deadline, gw_rpc_deadline(r->gw));
	return 0;
}

/* The reply: an error status becomes the error document; a done that
 * reads on sends its next request. */
static void
gw_rpc_reply(struct isms_client *cl, const Isms__V1__Reply *reply, void *arg)
{
	struct gw_req *r = arg;
	int code = reply->status != NULL ? (int)reply->status->code : 0;
	const char *msg =
	    reply->status != NULL && reply->status->message != NULL
	        ? reply->status->message
	        : "";

	if (r->deadline != NULL)
		evtimer_del(r->deadline);
	r->call_id = 0;
	if (code == ISMS_ECONFLICT && r->if_match)
		gw_reply_status(r->req, 412, code, msg);
	else if (code != 0 && !r->all_replies)
		gw_reply_error(r->req, code, "%s", msg);
	else if (r->done(r, reply) == 1) {
		if (gw_rpc_send(r, cl) == 0)
			return; /* the next page */
		gw_rpc_fail(r, ISMS_EUNAVAIL, "ismsd closed the connection");
		return;
	}
	gw_rpc_end(r);
}

/* The caller's connection is ready (or not): sends the request. */
static void
gw_rpc_ready(struct gw_peer *peer, struct isms_client *cl,
             const struct isms_err *err, void *arg)
{
	struct gw_req *r = arg;

	r->waiting = NULL;
	r->peer = peer;
	if (cl == NULL)
		gw_rpc_fail(r, err->code, err->msg);
	else if (gw_rpc_send(r, cl) != 0)
		gw_rpc_fail(r, ISMS_EUNAVAIL, "ismsd closed the connection");
}

/* The deadline passed: ismsd did not answer (or say hello) in time. */
static void
gw_rpc_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct gw_req *r = arg;
	char msg[128];

	(void)fd;
	(void)what;
	if (r->waiting != NULL) {
		gw_peer_unwait(r->waiting, gw_rpc_ready, r);
		r->waiting = NULL;
	} else {
		if (r->call_id != 0)
			(void)isms_client_cancel(r->cl, r->call_id);
		gw_peer_drop(r->peer);
	}
	r->call_id = 0;
	snprintf(msg, sizeof msg,
	         "ismsd did not answer within %u s (rpc_timeout); retry later",
	         r->gw->cfg.rpc_timeout);
	gw_rpc_fail(r, ISMS_ETIMEDOUT, msg);
}

void
gw_req_repack(struct gw_req *r, const Isms__V1__Request *rpc)
{
	free(r->rpc);
	r->rpc_len = protobuf_c_message_get_packed_size(&rpc->base);
	r->rpc = xmalloc(r->rpc_len + 1);
	protobuf_c_message_pack(&rpc->base, r->rpc);
}

void
gw_list_fill(Isms__V1__Request *req, Isms__V1__List *list, const char *reg,
             uint32_t page_size, const ProtobufCBinaryData *token)
{
	list->register_ = (char *)reg;
	list->has_page_size = 1;
	list->page_size = page_size;
	if (token != NULL) {
		list->has_page_token = 1;
		list->page_token = *token;
	}
	req->call_case = ISMS__V1__REQUEST__CALL_LIST;
	req->list = list;
}

void
gw_rpc(struct gw_req *r, const Isms__V1__Request *rpc, gw_done_fn done)
{
	gw_req_repack(r, rpc);
	gw_rpc_packed(r, done);
}

void
gw_rpc_packed(struct gw_req *r, gw_done_fn done)
{
	struct gw_peer *waiting;

	r->done = done;
	if (r->deadline == NULL)
		r->deadline = evtimer_new(r->gw->base, gw_rpc_timeout, r);
	/* The hello's deadline, then each call's. */
	if (r->deadline != NULL)
		evtimer_add(r->deadline, gw_rpc_deadline(r->gw));
	r->waiting = NULL;
	/* Not NULL: ready waits for the hello, and r lives on. */
	waiting = gw_pool_get(r->gw->pool, r->anon ? NULL : r->token, r->anon,
	                      gw_rpc_ready, r);
	if (waiting != NULL)
		r->waiting = waiting;
}
