/* rpc_reviews.c: Review and Due: what is reviewed, and what falls due. */
#include "due_index.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "rpc.h"
#include "server.h"

int
rpc_due_read(struct store_txn *txn, const void *body, void *result,
             struct rpc_call *call)
{
	char today[11];

	server_today(today);
	return due_query(txn, body, today, result, &call->err);
}

int
rpc_review_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__Review *rv = body;

	if (rv->id == NULL || rv->id[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "review.id is required");
	return register_check_id_in(rv->id, rv->register_, &call->err);
}

int
rpc_review_apply(struct store_txn *txn, const void *body, void *result,
                 struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Record *rec = NULL;
	int rc = records_review(txn, body, &who, &rec, &call->err);

	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}
