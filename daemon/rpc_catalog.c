/* rpc_catalog.c: loading a catalog file's rows. */
#include "catalog.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"

static int
rpc_catalog_load_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	const Isms__V1__CatalogLoad *cl = w->req->catalog_load;
	Isms__V1__CatalogLoadResult *res;
	int rc;

	res = (Isms__V1__CatalogLoadResult *)pb_new(
	    &isms__v1__catalog_load_result__descriptor);
	res->has_created = res->has_updated = res->has_unchanged = 1;
	rc = catalog_apply(txn, cl->items, cl->n_items, &who, res, &op->err);
	if (rc != 0) {
		protobuf_c_message_free_unpacked(&res->base, NULL);
		return rc;
	}
	rpc_write_result(w, ISMS__V1__REPLY__RESULT_CATALOG, &res->base);
	return 0;
}

int
rpc_catalog_load_exec(struct rpc_call *call)
{
	if (call->req->catalog_load->n_items == 0)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "catalog_load.items is empty");
	return rpc_write_submit(call, rpc_catalog_load_apply);
}
