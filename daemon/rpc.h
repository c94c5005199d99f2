/*
 * rpc.h: the handlers of the RPC table, one small file per group.
 */
#ifndef ISMS_RPC_H
#define ISMS_RPC_H

#include "dispatch.h"
#include "store.h"
#include "users.h"
#include "writer.h"

int rpc_hello_exec(struct rpc_call *);
int rpc_info_exec(struct rpc_call *);
int rpc_get_exec(struct rpc_call *);
int rpc_list_exec(struct rpc_call *);
int rpc_history_exec(struct rpc_call *);
int rpc_put_exec(struct rpc_call *);
int rpc_archive_exec(struct rpc_call *);
int rpc_link_exec(struct rpc_call *);
int rpc_links_exec(struct rpc_call *);
int rpc_method_get_exec(struct rpc_call *);
int rpc_method_set_exec(struct rpc_call *);
int rpc_catalog_load_exec(struct rpc_call *);
int rpc_subscribe_exec(struct rpc_call *);
int rpc_journal_exec(struct rpc_call *);
int rpc_journal_verify_exec(struct rpc_call *);
int rpc_review_exec(struct rpc_call *);
int rpc_due_exec(struct rpc_call *);
int rpc_user_put_exec(struct rpc_call *);
int rpc_user_list_exec(struct rpc_call *);
int rpc_token_create_exec(struct rpc_call *);
int rpc_token_list_exec(struct rpc_call *);
int rpc_token_revoke_exec(struct rpc_call *);

/*
 * Queues a write whose apply runs in the writer thread and whose result
 * record becomes the reply. Takes call->req. Returns RPC_DEFERRED or an
 * error.
 */
int rpc_write_submit(struct rpc_call *,
                     int (*apply)(struct store_txn *, struct wop *));

/* What a write's apply works on. */
struct rpc_write {
	struct wop op;
	struct conn *conn;
	Isms__V1__Request *req;
	size_t req_bytes;         /* what req holds: queued on its conn */
	ProtobufCMessage *result; /* the reply's result, owned */
	uint32_t result_case;     /* ISMS__V1__REPLY__RESULT_* */
	char actor[USER_NAME_MAX + 1];
	int64_t now;
};

/* Sets a write's result: the Reply oneof member and its message. */
void rpc_write_result(struct rpc_write *, uint32_t result_case,
                      ProtobufCMessage *result);

#endif
