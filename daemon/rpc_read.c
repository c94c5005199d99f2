/* rpc_read.c: Get, List, History and Links, on a short read txn. */
#include "conn.h"
#include "links.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"
#include "server.h"

int
rpc_get_exec(struct rpc_call *call)
{
	const Isms__V1__Get *g = call->req->get;
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	rc = records_get(&txn, g->id, g->has_rev ? g->rev : 0,
	                 &call->reply->record, &call->err);
	store_read_end(&txn);
	if (rc == 0)
		call->reply->result_case = ISMS__V1__REPLY__RESULT_RECORD;
	return rc;
}

int
rpc_list_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	call->reply->list =
	    (Isms__V1__ListResult *)pb_new(&isms__v1__list_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_LIST;
	rc = records_list(&txn, call->req->list, call->reply->list, &call->err);
	store_read_end(&txn);
	return rc;
}

int
rpc_history_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	call->reply->history = (Isms__V1__HistoryResult *)pb_new(
	    &isms__v1__history_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_HISTORY;
	rc = records_history(&txn, call->req->history->id, call->reply->history,
	                     &call->err);
	store_read_end(&txn);
	return rc;
}

int
rpc_links_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	call->reply->links = (Isms__V1__LinksResult *)pb_new(
	    &isms__v1__links_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_LINKS;
	rc = links_query(&txn, call->req->links->id, call->reply->links,
	                 &call->err);
	store_read_end(&txn);
	return rc;
}
