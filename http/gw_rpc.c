/*
 * gw_rpc.c: the RPCs of one HTTP request, on the caller's pooled
 * connection. The request is packed at once, so that the handler's
 * message may live on its stack, and sent packed when the connection has
 * said hello (the client library appends the call's id).
 */
#include <stdlib.h>

#include "gw_pool.h"
#include "gw_req.h"
#include "xmalloc.h"

static void gw_rpc_reply(struct isms_client *, const Isms__V1__Reply *, void *);

/* Sends r's packed request on cl. 0, or -1 (answered) when it cannot. */
static int
gw_rpc_send(struct gw_req *r, struct isms_client *cl)
{
	gw_peer_cork(r->peer);
	if (isms_client_call_packed(cl, r->rpc, r->rpc_len, gw_rpc_reply, r) ==
	    0) {
		gw_reply_error(r->req, ISMS_EUNAVAIL,
		               "ismsd closed the connection");
		return -1;
	}
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

	if (code == ISMS_ECONFLICT && r->if_match)
		gw_reply_status(r->req, 412, code, msg);
	else if (code != 0 && !r->all_replies)
		gw_reply_error(r->req, code, "%s", msg);
	else if (r->done(r, reply) == 1 && gw_rpc_send(r, cl) == 0)
		return; /* the next page */
	gw_peer_release(r->peer);
	gw_req_free(r);
}

/* The caller's connection is ready (or not): sends the request. */
static void
gw_rpc_ready(struct gw_peer *peer, struct isms_client *cl,
             const struct isms_err *err, void *arg)
{
	struct gw_req *r = arg;

	r->peer = peer;
	if (cl == NULL)
		gw_reply_error(r->req, err->code, "%s", err->msg);
	else if (gw_rpc_send(r, cl) == 0)
		return;
	gw_peer_release(peer);
	gw_req_free(r);
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
gw_rpc(struct gw_req *r, const Isms__V1__Request *rpc, gw_done_fn done)
{
	r->done = done;
	gw_req_repack(r, rpc);
	gw_pool_get(r->gw->pool, r->token, false, gw_rpc_ready, r);
}
