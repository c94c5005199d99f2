/* rpc_users.c: users and tokens (admin), and who may do what. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "conn.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"
#include "server.h"
#include "token_use.h"
#include "users.h"

static int
rpc_user_put_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__User *u = NULL;
	struct stat sb;
	int rc;

	/* The owner now, as users_bootstrap saw it at first start. */
	if (stat(w->conn->srv->cfg.data_dir, &sb) != 0)
		return isms_err_set(&op->err, ISMS_EINTERNAL, "%s: %s",
		                    w->conn->srv->cfg.data_dir,
		                    strerror(errno));
	rc = users_put(txn, w->req->user_put, sb.st_uid, &who, &u, &op->err);

	if (rc == 0)
		rpc_write_result(w, ISMS__V1__REPLY__RESULT_USER, &u->base);
	return rc;
}

int
rpc_user_put_exec(struct rpc_call *call)
{
	if (call->req->user_put->user == NULL)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "user_put.user is required");
	return rpc_write_submit(call, rpc_user_put_apply);
}

int
rpc_user_list_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	call->reply->users = (Isms__V1__UserListResult *)pb_new(
	    &isms__v1__user_list_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_USERS;
	rc = users_list(&txn, call->reply->users, &call->err);
	store_read_end(&txn);
	return rc;
}

static int
rpc_token_create_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__TokenCreateResult *r;
	int rc;

	r = (Isms__V1__TokenCreateResult *)pb_new(
	    &isms__v1__token_create_result__descriptor);
	rc = tokens_create(txn, w->req->token_create, w->conn->srv->token_key,
	                   &who, r, &op->err);
	if (rc != 0) {
		protobuf_c_message_free_unpacked(&r->base, NULL);
		return rc;
	}
	rpc_write_result(w, ISMS__V1__REPLY__RESULT_TOKEN_CREATED, &r->base);
	return 0;
}

int
rpc_token_create_exec(struct rpc_call *call)
{
	return rpc_write_submit(call, rpc_token_create_apply);
}

int
rpc_token_list_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	call->reply->tokens = (Isms__V1__TokenListResult *)pb_new(
	    &isms__v1__token_list_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_TOKENS;
	rc = tokens_list(&txn, call->reply->tokens, &call->err);
	store_read_end(&txn);
	token_use_merge(call->conn->srv->token_use, call->reply->tokens->tokens,
	                call->reply->tokens->n_tokens);
	return rc;
}

static int
rpc_token_revoke_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__Token *t = NULL;
	int rc =
	    tokens_revoke(txn, w->req->token_revoke->id, &who, &t, &op->err);

	if (rc == 0)
		rpc_write_result(w, ISMS__V1__REPLY__RESULT_TOKEN, &t->base);
	return rc;
}

int
rpc_token_revoke_exec(struct rpc_call *call)
{
	return rpc_write_submit(call, rpc_token_revoke_apply);
}
