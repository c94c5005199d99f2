/* dispatch.c: from a decoded request to its handler, and replies. */
#include <stdlib.h>

#include "authz.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "pbfield.h"
#include "refusal.h"
#include "rpc.h"
#include "server.h"
#include "users.h"
#include "xmalloc.h"

const struct rpc_entry *
rpc_lookup(uint32_t call)
{
	const struct rpc_entry *e;

	for (e = rpc_table; e->name != NULL; e++)
		if (e->call == call)
			return e;
	return NULL;
}

/* rpc_reply, keeping the result on an error when keep. */
static void
rpc_reply_send(struct conn *c, uint64_t id, Isms__V1__Reply *reply, int rc,
               const struct isms_err *err, bool keep)
{
	Isms__V1__Status *st;

	reply->has_id = 1;
	reply->id = id;
	st = (Isms__V1__Status *)pb_new(&isms__v1__status__descriptor);
	st->has_code = 1;
	st->code = rc < 0 ? -rc : 0;
	if (rc < 0) {
		/* An error carries no result. */
		if (!keep &&
		    reply->result_case != ISMS__V1__REPLY__RESULT__NOT_SET)
			pb_field_clear((ProtobufCMessage *)reply,
			               protobuf_c_message_descriptor_get_field(
			                   &isms__v1__reply__descriptor,
			                   reply->result_case));
		st->message = xstrdup(err->msg);
	}
	reply->status = st;
	conn_send(c, reply);
	protobuf_c_message_free_unpacked((ProtobufCMessage *)reply, NULL);
}

void
rpc_reply(struct conn *c, uint64_t id, Isms__V1__Reply *reply, int rc,
          const struct isms_err *err)
{
	rpc_reply_send(c, id, reply, rc, err, false);
}

void
rpc_reply_keep(struct conn *c, uint64_t id, Isms__V1__Reply *reply, int rc,
               const struct isms_err *err)
{
	rpc_reply_send(c, id, reply, rc, err, true);
}

/* Whether role ranks at least need (admin always; ingest only by flag,
 * checked by the caller). */
static bool
rpc_role_ok(int need, int role)
{
	return role == ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN ||
	       (role != ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_INGEST &&
	        role >= need);
}

int
rpc_allowed(const struct rpc_entry *e, int role, const char *user,
            struct isms_err *err)
{
	if (role == ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_INGEST &&
	    (e->flags & RPC_INGEST))
		return 0;
	if (rpc_role_ok(e->role, role))
		return 0;
	return isms_err_set(err, ISMS_EPERM, "%s needs role %s; %s is %s",
	                    e->name, users_role_name(e->role), user,
	                    users_role_name(role));
}

/* Refuses a field of req that needs more than its call's role
 * (rpc_field_roles): set, and true when a bool. */
static int
rpc_fields_allowed(const struct rpc_entry *e, const Isms__V1__Request *req,
                   int role, const char *user, struct isms_err *err)
{
	const struct rpc_field_role *f;
	const ProtobufCFieldDescriptor *fd;
	const ProtobufCMessage *m;

	for (f = rpc_field_roles; f->field != NULL; f++) {
		if (f->call != e->call || rpc_role_ok(f->role, role))
			continue;
		fd = protobuf_c_message_descriptor_get_field(
		    &isms__v1__request__descriptor, e->call);
		m = *(const ProtobufCMessage **)pb_field_ptr(&req->base, fd);
		fd = pb_field_by_name(m->descriptor, f->field);
		if (!pb_field_present(m, fd) ||
		    (fd->type == PROTOBUF_C_TYPE_BOOL &&
		     !*(const protobuf_c_boolean *)pb_field_ptr(m, fd)))
			continue;
		return isms_err_set(err, ISMS_EPERM,
		                    "%s with %s needs role %s (%s); %s is %s",
		                    e->name, f->field, users_role_name(f->role),
		                    f->why, user, users_role_name(role));
	}
	return 0;
}

const ProtobufCMessage *
rpc_body(const Isms__V1__Request *req)
{
	return *(const ProtobufCMessage **)pb_field_ptr(
	    &req->base, protobuf_c_message_descriptor_get_field(
	                    &isms__v1__request__descriptor, req->call_case));
}

/* Answers a read on one read txn, into the result its entry names. */
static int
rpc_read(const struct rpc_entry *e, struct rpc_call *call)
{
	struct store_txn txn;
	ProtobufCMessage *result;
	int rc;

	if ((rc = store_read_begin(call->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	result = pb_submsg(&call->reply->base,
	                   protobuf_c_message_descriptor_get_field(
	                       &isms__v1__reply__descriptor, e->result),
	                   true);
	rc = e->read(&txn, rpc_body(call->req), result, call);
	store_read_end(&txn);
	return rc;
}

/* Runs an allowed call by its kind: exec, read, or write (checked, then
 * queued). */
static int
rpc_run(const struct rpc_entry *e, struct rpc_call *call)
{
	int rc;

	if (e->exec != NULL)
		return e->exec(call);
	if (!(e->flags & RPC_WRITE))
		return rpc_read(e, call);
	if (e->check != NULL &&
	    (rc = e->check(rpc_body(call->req), call)) != 0) {
		rpc_call_prep_free(call); /* not queued: no apply will use it */
		return rc;
	}
	return rpc_write_submit(e, call);
}

void
dispatch(struct conn *c, Isms__V1__Request *req, size_t req_bytes)
{
	struct rpc_call call = {.srv = c->srv,
	                        .actor = c->user,
	                        .now = server_now(),
	                        .req = req,
	                        .req_bytes = req_bytes,
	                        .conn = c};
	const struct rpc_entry *e = NULL;
	uint64_t id = req->id;
	int rc;

	call.reply = (Isms__V1__Reply *)pb_new(&isms__v1__reply__descriptor);
	(void)authz_current(c);
	call.role = c->role; /* as authz_current left it */
	if (req->call_case == ISMS__V1__REQUEST__CALL__NOT_SET)
		rc = isms_err_set(&call.err, ISMS_EINVAL,
		                  "request names no call");
	else if ((e = rpc_lookup(req->call_case)) == NULL)
		rc = isms_err_set(&call.err, ISMS_EUNIMPL,
		                  "call %u is not known to this server",
		                  (unsigned)req->call_case);
	else if (c->role == 0 && !(e->flags & RPC_NOAUTH)) {
		rc = isms_err_set(&call.err, ISMS_EUNAUTH, "%s", c->auth_hint);
		/* Its identity is over and cannot be replaced: cut. */
		if (authz_expired(c))
			conn_close_after_flush(c);
	} else if ((rc = rpc_allowed(e, c->role, c->user, &call.err)) != 0)
		;
	else if ((rc = rpc_fields_allowed(e, req, c->role, c->user,
	                                  &call.err)) != 0)
		;
	else if ((e->flags & RPC_WRITE) && c->srv->stopping)
		rc = isms_err_set(&call.err, ISMS_EUNAVAIL,
		                  "ismsd is shutting down");
	else
		rc = rpc_run(e, &call);
	if (rc == RPC_DEFERRED) {
		protobuf_c_message_free_unpacked((ProtobufCMessage *)call.reply,
		                                 NULL);
		/* exec kept what it needed (a write took req: NULL). */
		if (call.req != NULL)
			protobuf_c_message_free_unpacked(
			    (ProtobufCMessage *)call.req, NULL);
		return;
	}
	if (e != NULL && refusal_is(rc))
		refusal_log(c, c->user, e->name, rc, call.err.msg);
	else if (rc < 0 && e != NULL)
		log_debug("%s from %s: %s: %s", e->name, c->user,
		          isms_code_name(rc), call.err.msg);
	rpc_reply(c, id, call.reply, rc, &call.err);
	if (call.req != NULL)
		protobuf_c_message_free_unpacked((ProtobufCMessage *)call.req,
		                                 NULL);
}
