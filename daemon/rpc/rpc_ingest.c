/* rpc_ingest.c: Ingest (incidents pushed by integrations) and Health. */
#include "ingest.h"
#include "rpc.h"
#include "server.h"

int
rpc_ingest_check(const void *body, struct rpc_call *call)
{
	return ingest_check(body, &call->err);
}

int
rpc_ingest_apply(struct store_txn *txn, const void *body, void *result,
                 struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};

	return ingest_apply(txn, body, &who, result, &call->err);
}

/* OK while ismsd serves and its store answers; UNAVAILABLE while it shuts
 * down. Says nothing else: any role may ask, ingest included. */
int
rpc_health_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if (call->srv->stopping)
		return isms_err_set(&call->err, ISMS_EUNAVAIL,
		                    "ismsd is shutting down");
	if ((rc = store_read_begin(call->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, ISMS_EUNAVAIL,
		                    "the store does not answer: %s", txn.msg);
	store_read_end(&txn);
	return 0;
}
