/* rpc_users.c: users and tokens (admin), and who may do what. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "pbfield.h"
#include "records.h"
#include "rpc.h"
#include "server.h"
#include "token_use.h"
#include "users.h"

int
rpc_user_list_read(struct store_txn *txn, const void *body, void *result,
                   struct rpc_call *call)
{
	(void)body;
	return users_list(txn, result, &call->err);
}

int
rpc_user_put_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__UserPut *up = body;

	if (up->user == NULL)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "user_put.user is required");
	return 0;
}

int
rpc_user_put_apply(struct store_txn *txn, const void *body, void *result,
                   struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	const char *dir = call->srv->cfg.data_dir;
	Isms__V1__User *u = NULL;
	struct stat sb;
	int rc;

	/* The owner now, as users_bootstrap saw it at first start. */
	if (stat(dir, &sb) != 0)
		return isms_err_set(&call->err, ISMS_EINTERNAL, "%s: %s", dir,
		                    strerror(errno));
	rc = users_put(txn, body, sb.st_uid, &who, &u, &call->err);
	if (rc == 0)
		pb_move(result, &u->base);
	return rc;
}

int
rpc_token_list_read(struct store_txn *txn, const void *body, void *result,
                    struct rpc_call *call)
{
	Isms__V1__TokenListResult *r = result;
	int rc;

	(void)body;
	rc = tokens_list(txn, r, &call->err);
	/* Last uses not yet stored are in memory (token_use.h). */
	token_use_merge(call->srv->token_use, r->tokens, r->n_tokens);
	return rc;
}

int
rpc_token_create_apply(struct store_txn *txn, const void *body, void *result,
                       struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};

	return tokens_create(txn, body, call->srv->token_key, &who, result,
	                     &call->err);
}

int
rpc_token_revoke_apply(struct store_txn *txn, const void *body, void *result,
                       struct rpc_call *call)
{
	const Isms__V1__TokenRevoke *tr = body;
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Token *t = NULL;
	int rc = tokens_revoke(txn, tr->id, &who, &t, &call->err);

	if (rc == 0)
		pb_move(result, &t->base);
	return rc;
}
