/* rpc_records.c: Get, List, History, Put, Archive and Unarchive: the
 * records. */
#include <stdio.h>
#include <stdlib.h>

#include "owners.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "rpc.h"
#include "xmalloc.h"

int
rpc_get_read(struct store_txn *txn, const void *body, void *result,
             struct rpc_call *call)
{
	const Isms__V1__Get *g = body;
	Isms__V1__Record *rec = NULL;
	int rc;

	if ((rc = register_check_id_in(g->id, g->register_, &call->err)) != 0)
		return rc;
	rc = records_get(txn, g->id, g->has_rev ? g->rev : 0, &rec, &call->err);
	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}

int
rpc_list_read(struct store_txn *txn, const void *body, void *result,
              struct rpc_call *call)
{
	Isms__V1__List q = *(const Isms__V1__List *)body; /* shallow */
	char *name;
	int rc;

	/* owner=tom@example.org means tom's records. */
	q.owner = (char *)owners_filter(txn, q.owner, &name);
	rc = records_list(txn, &q, result, &call->err);
	free(name);
	return rc;
}

int
rpc_history_read(struct store_txn *txn, const void *body, void *result,
                 struct rpc_call *call)
{
	const Isms__V1__History *h = body;
	int rc;

	if ((rc = register_check_id_in(h->id, h->register_, &call->err)) != 0)
		return rc;
	return records_history(txn, h->id, result, &call->err);
}

/* prep_free of a put's plan. */
static void
rpc_put_plan_free(void *arg)
{
	records_put_plan_clear(arg);
	free(arg);
}

/* Plans the put once: the writer's apply uses the plan (call->prep). */
int
rpc_put_check(const void *body, struct rpc_call *call)
{
	struct records_put_plan *plan = xmalloc(sizeof *plan);
	int rc;

	records_put_plan_init(plan);
	if ((rc = records_put_plan(body, plan, &call->err)) != 0) {
		rpc_put_plan_free(plan);
		return rc;
	}
	call->prep = plan;
	call->prep_free = rpc_put_plan_free;
	return 0;
}

/* Writes the put on the plan its check left (or plans it, if none). */
int
rpc_put_apply(struct store_txn *txn, const void *body, void *result,
              struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Record *rec = NULL;
	int rc;

	if (call->prep != NULL)
		rc = records_put_planned(txn, body, call->prep, &who, &rec,
		                         &call->err);
	else
		rc = records_put(txn, body, &who, &rec, &call->err);
	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}

int
rpc_archive_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__Archive *a = body;

	if (a->id == NULL || a->id[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "archive.id is required");
	return register_check_id_in(a->id, a->register_, &call->err);
}

int
rpc_archive_apply(struct store_txn *txn, const void *body, void *result,
                  struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Record *rec = NULL;
	int rc = records_archive(txn, body, &who, &rec, &call->err);

	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}

int
rpc_unarchive_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__Unarchive *u = body;

	if (u->id == NULL || u->id[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "unarchive.id is required");
	return register_check_id_in(u->id, u->register_, &call->err);
}

int
rpc_unarchive_apply(struct store_txn *txn, const void *body, void *result,
                    struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Record *rec = NULL;
	int rc = records_unarchive(txn, body, &who, &rec, &call->err);

	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}
