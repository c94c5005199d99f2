/* rpc_write.c: Put, Archive and Link, queued to the writer thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "links.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "rpc.h"
#include "server.h"
#include "xmalloc.h"

/* Loop thread: the write is durable (or failed): reply and clean up. */
static void
rpc_write_done(struct wop *op)
{
	struct rpc_write *w = op->arg;
	Isms__V1__Reply *reply;

	reply = (Isms__V1__Reply *)pb_new(&isms__v1__reply__descriptor);
	if (op->rc == 0 && w->result != NULL) {
		/* The result goes in the Reply oneof member the op named. */
		reply->result_case = w->result_case;
		*(ProtobufCMessage **)pb_field_ptr(
		    &reply->base, protobuf_c_message_descriptor_get_field(
		                      &isms__v1__reply__descriptor,
		                      w->result_case)) = w->result;
		w->result = NULL;
	}
	/* A change of users or tokens re-checks every conn's identity. */
	if (op->rc == 0 && (rpc_lookup(w->req->call_case)->flags & RPC_AUTHZ))
		w->conn->srv->users_gen++;
	rpc_reply(w->conn, w->req->id, reply, op->rc, &op->err);
	conn_write_done(w->conn, w->req_bytes);
	conn_unref(w->conn);
	if (w->result != NULL)
		protobuf_c_message_free_unpacked(w->result, NULL);
	protobuf_c_message_free_unpacked((ProtobufCMessage *)w->req, NULL);
	free(w);
}

int
rpc_write_submit(struct rpc_call *call,
                 int (*apply)(struct store_txn *, struct wop *))
{
	struct rpc_write *w = xcalloc(1, sizeof *w);
	int rc;

	w->op.apply = apply;
	w->op.done = rpc_write_done;
	w->op.arg = w;
	w->conn = call->conn;
	w->req = call->req;
	w->req_bytes = call->req_bytes;
	snprintf(w->actor, sizeof w->actor, "%s", call->conn->user);
	w->now = server_now();
	if ((rc = writer_submit(call->conn->srv->writer, &w->op)) != 0) {
		call->err = w->op.err;
		free(w);
		return rc;
	}
	call->req = NULL;
	conn_ref(call->conn);
	conn_write_queued(call->conn, w->req_bytes);
	return RPC_DEFERRED;
}

void
rpc_write_result(struct rpc_write *w, uint32_t result_case,
                 ProtobufCMessage *result)
{
	w->result_case = result_case;
	w->result = result;
}

/* Stores the record an op produced as its result. */
static int
rpc_record_result(struct rpc_write *w, int rc, Isms__V1__Record *rec)
{
	if (rc == 0)
		rpc_write_result(w, ISMS__V1__REPLY__RESULT_RECORD,
		                 (ProtobufCMessage *)rec);
	return rc;
}

static int
rpc_put_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__Record *rec = NULL;

	int rc = records_put(txn, w->req->put, &who, &rec, &op->err);

	return rpc_record_result(w, rc, rec);
}

/* Whether the put's register lets role writers (REGISTER_WRITE_*) put it:
 * the register of its id on an update, of its body on a create. */
static bool
rpc_put_writable_by(const Isms__V1__Put *put, unsigned writers)
{
	const Isms__V1__Record *r = put->record;
	const struct register_def *reg;

	if (r->id != NULL && r->id[0] != '\0')
		reg = register_by_id(r->id);
	else
		reg = register_by_case(r->body_case);
	return reg != NULL && register_writable_by(reg, writers);
}

/* Refuses a put to a role that may write only some registers, naming
 * them: "the ingest role may only put incidents". */
static int
rpc_put_refuse(struct rpc_call *call, unsigned writers, const char *role)
{
	const struct register_def *const *r;
	char names[256] = "";
	size_t n = 0;

	for (r = registers; *r != NULL && n < sizeof names; r++)
		if (register_writable_by(*r, writers))
			n += (size_t)snprintf(names + n, sizeof names - n,
			                      "%s%ss", n > 0 ? ", " : "",
			                      (*r)->name);
	return isms_err_set(&call->err, ISMS_EPERM,
	                    "the %s role may only put %s", role, names);
}

int
rpc_put_exec(struct rpc_call *call)
{
	int rc;

	/* Refuse what needs no store access before queueing it. */
	if ((rc = records_put_precheck(call->req->put, &call->err)) != 0)
		return rc;
	if (call->conn->role == ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_INGEST &&
	    !rpc_put_writable_by(call->req->put, REGISTER_WRITE_INGEST))
		return rpc_put_refuse(call, REGISTER_WRITE_INGEST, "ingest");
	return rpc_write_submit(call, rpc_put_apply);
}

static int
rpc_archive_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__Record *rec = NULL;

	int rc = records_archive(txn, w->req->archive, &who, &rec, &op->err);

	return rpc_record_result(w, rc, rec);
}

int
rpc_archive_exec(struct rpc_call *call)
{
	const Isms__V1__Archive *a = call->req->archive;

	if (a->id == NULL || a->id[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "archive.id is required");
	return rpc_write_submit(call, rpc_archive_apply);
}

static int
rpc_link_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__Record *rec = NULL;

	int rc = links_edit(txn, w->req->link, &who, &rec, &op->err);

	return rpc_record_result(w, rc, rec);
}

int
rpc_link_exec(struct rpc_call *call)
{
	const Isms__V1__LinkEdit *le = call->req->link;

	if (le->source == NULL || le->source[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "link.source is required");
	return rpc_write_submit(call, rpc_link_apply);
}
