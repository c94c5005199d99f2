/* rpc_method.c: reading and changing the risk method (6.1.2). */
#include "conn.h"
#include "method.h"
#include "records.h"
#include "rpc.h"
#include "server.h"

int
rpc_method_get_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	rc = method_load(&txn, &call->reply->method, &call->err);
	store_read_end(&txn);
	if (rc == 0)
		call->reply->result_case = ISMS__V1__REPLY__RESULT_METHOD;
	return rc;
}

static int
rpc_method_set_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__RiskMethod *m = NULL;
	int rc;

	rc = method_set(txn, w->req->method_set, &who, &m, &op->err);
	if (rc == 0)
		rpc_write_result(w, ISMS__V1__REPLY__RESULT_METHOD,
		                 (ProtobufCMessage *)m);
	return rc;
}

int
rpc_method_set_exec(struct rpc_call *call)
{
	const Isms__V1__MethodSet *set = call->req->method_set;
	int rc;

	/* Refuse a malformed method before queueing it. */
	if (set->method == NULL)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "method_set.method is required");
	if ((rc = method_check(set->method, &call->err)) != 0)
		return rc;
	return rpc_write_submit(call, rpc_method_set_apply);
}
