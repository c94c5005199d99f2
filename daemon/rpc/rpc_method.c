/* rpc_method.c: reading and changing the risk method (6.1.2). */
#include "method.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"

int
rpc_method_get_read(struct store_txn *txn, const void *body, void *result,
                    struct rpc_call *call)
{
	Isms__V1__RiskMethod *m = NULL;
	int rc;

	(void)body;
	if ((rc = method_load(txn, &m, &call->err)) == 0)
		pb_move(result, &m->base);
	return rc;
}

int
rpc_method_set_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__MethodSet *set = body;

	/* Refuse a malformed method before queueing it. */
	if (set->method == NULL)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "method_set.method is required");
	return method_check(set->method, &call->err);
}

int
rpc_method_set_apply(struct store_txn *txn, const void *body, void *result,
                     struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__RiskMethod *m = NULL;
	int rc = method_set(txn, body, &who, &m, &call->err);

	if (rc == 0)
		pb_move(result, &m->base);
	return rc;
}
