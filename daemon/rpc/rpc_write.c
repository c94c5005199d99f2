/* rpc_write.c: the one path of every write, from the loop thread to the
 * writer and back. */
#include <stdio.h>
#include <stdlib.h>

#include "authz.h"
#include "conn.h"
#include "pbfield.h"
#include "refusal.h"
#include "rpc.h"
#include "server.h"
#include "xmalloc.h"

/* A queued write: its entry, its call as the writer sees it, its result. */
struct rpc_write {
	struct wop op;
	const struct rpc_entry *entry;
	struct conn *conn;
	struct rpc_call call;     /* a copy: no conn, no reply */
	ProtobufCMessage *result; /* the reply's result, owned */
	char actor[USER_NAME_MAX + 1];
};

/* The Reply member e's result goes in. */
static const ProtobufCFieldDescriptor *
rpc_result_field(const struct rpc_entry *e)
{
	return protobuf_c_message_descriptor_get_field(
	    &isms__v1__reply__descriptor, e->result);
}

/* Writer thread: runs the entry's apply on its own result. */
static int
rpc_write_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	ProtobufCMessage *result =
	    pb_new(rpc_result_field(w->entry)->descriptor);
	int rc;

	rc = w->entry->apply(txn, rpc_body(w->call.req), result, &w->call);
	if (rc != 0) {
		op->err = w->call.err;
		if (w->entry->flags & RPC_ERR_RESULT)
			w->result = result;
		else
			protobuf_c_message_free_unpacked(result, NULL);
		return rc;
	}
	w->result = result;
	return 0;
}

/* Loop thread: the write is durable (or failed): reply and clean up. */
static void
rpc_write_done(struct wop *op)
{
	struct rpc_write *w = op->arg;
	Isms__V1__Reply *reply;

	reply = (Isms__V1__Reply *)pb_new(&isms__v1__reply__descriptor);
	if ((op->rc == 0 || (w->entry->flags & RPC_ERR_RESULT)) &&
	    w->result != NULL) {
		/* The result goes in the Reply oneof member the entry names. */
		reply->result_case = w->entry->result;
		*(ProtobufCMessage **)pb_field_ptr(
		    &reply->base, rpc_result_field(w->entry)) = w->result;
		w->result = NULL;
	}
	/* A change of users or tokens re-checks every conn's identity. */
	if (op->rc == 0 && (w->entry->flags & RPC_AUTHZ))
		w->call.srv->users_gen++;
	if (refusal_is(op->rc))
		refusal_log(w->conn, w->actor, w->entry->name, op->rc,
		            op->err.msg);
	if (w->entry->flags & RPC_ERR_RESULT)
		rpc_reply_keep(w->conn, w->call.req->id, reply, op->rc,
		               &op->err);
	else
		rpc_reply(w->conn, w->call.req->id, reply, op->rc, &op->err);
	conn_write_done(w->conn, w->call.req_bytes);
	/* After the reply: an ended web session's connections go now. */
	if (op->rc == 0 && (w->entry->flags & RPC_AUTHZ))
		authz_sessions_sweep(w->call.srv);
	conn_unref(w->conn);
	if (w->result != NULL)
		protobuf_c_message_free_unpacked(w->result, NULL);
	rpc_call_prep_free(&w->call);
	protobuf_c_message_free_unpacked((ProtobufCMessage *)w->call.req, NULL);
	free(w);
}

void
rpc_call_prep_free(struct rpc_call *call)
{
	if (call->prep != NULL && call->prep_free != NULL)
		call->prep_free(call->prep);
	call->prep = NULL;
	call->prep_free = NULL;
}

int
rpc_write_submit(const struct rpc_entry *e, struct rpc_call *call)
{
	struct rpc_write *w = xcalloc(1, sizeof *w);
	int rc;

	w->op.apply = rpc_write_apply;
	w->op.done = rpc_write_done;
	w->op.arg = w;
	w->entry = e;
	w->conn = call->conn;
	w->call = *call;
	/* The writer keeps its own actor: the conn may be gone by then. */
	snprintf(w->actor, sizeof w->actor, "%s", call->actor);
	w->call.actor = w->actor;
	w->call.conn = NULL;
	w->call.reply = NULL;
	if ((rc = writer_submit(call->srv->writer, &w->op)) != 0) {
		call->err = w->op.err;
		free(w);
		rpc_call_prep_free(call);
		return rc;
	}
	/* The writer's copy owns the request and the prep now. */
	call->req = NULL;
	call->prep = NULL;
	call->prep_free = NULL;
	conn_ref(w->conn);
	conn_write_queued(w->conn, w->call.req_bytes);
	return RPC_DEFERRED;
}
