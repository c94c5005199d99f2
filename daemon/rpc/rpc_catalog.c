/* rpc_catalog.c: loading a catalog file's rows. */
#include "catalog.h"
#include "records.h"
#include "rpc.h"

int
rpc_catalog_load_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__CatalogLoad *cl = body;

	if (cl->n_items == 0)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "catalog_load.items is empty");
	return 0;
}

int
rpc_catalog_load_apply(struct store_txn *txn, const void *body, void *result,
                       struct rpc_call *call)
{
	const Isms__V1__CatalogLoad *cl = body;
	Isms__V1__CatalogLoadResult *res = result;
	struct records_actor who = {call->actor, call->now};

	res->has_created = res->has_updated = res->has_unchanged = 1;
	return catalog_apply(txn, cl->items, cl->n_items, &who, res,
	                     &call->err);
}
