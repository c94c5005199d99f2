/* rpc_links.c: Links and Link: the links between records. */
#include "links.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"

int
rpc_links_read(struct store_txn *txn, const void *body, void *result,
               struct rpc_call *call)
{
	const Isms__V1__Links *l = body;

	return links_query(txn, l->id, result, &call->err);
}

int
rpc_link_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__LinkEdit *le = body;

	if (le->source == NULL || le->source[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "link.source is required");
	return 0;
}

int
rpc_link_apply(struct store_txn *txn, const void *body, void *result,
               struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Record *rec = NULL;
	int rc = links_edit(txn, body, &who, &rec, &call->err);

	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}
