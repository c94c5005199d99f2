/* rpc_hello.c: protocol version and identity; server information. */
#include "conn.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "rpc.h"
#include "server.h"
#include "store.h"
#include "writer.h"
#include "xmalloc.h"

#define PROTOCOL_MAJOR 1
#define PROTOCOL_MINOR 0

int
rpc_hello_exec(struct rpc_call *call)
{
	const Isms__V1__Hello *h = call->req->hello;
	Isms__V1__HelloResult *r;

	if (h->has_protocol_major && h->protocol_major != PROTOCOL_MAJOR) {
		/* A version error closes the connection after the reply. */
		conn_close_after_flush(call->conn);
		return isms_err_set(
		    &call->err, ISMS_EPRECOND,
		    "protocol version %u is not supported; this server "
		    "speaks %u",
		    h->protocol_major, PROTOCOL_MAJOR);
	}
	r = (Isms__V1__HelloResult *)pb_new(
	    &isms__v1__hello_result__descriptor);
	r->has_protocol_major = r->has_protocol_minor = 1;
	r->protocol_major = PROTOCOL_MAJOR;
	r->protocol_minor = PROTOCOL_MINOR;
	r->server_version = xstrdup(ISMS_VERSION);
	r->user = xstrdup(call->conn->user);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_HELLO;
	call->reply->hello = r;
	return 0;
}

int
rpc_info_exec(struct rpc_call *call)
{
	struct server *srv = call->conn->srv;
	const struct register_def *const *reg;
	Isms__V1__InfoResult *r;
	Isms__V1__RegisterCount *rc;
	struct writer_stats ws;
	struct store_txn txn;
	int ret;

	if ((ret = store_read_begin(srv->store, &txn)) != 0)
		return isms_err_set(&call->err, ret, "%s", txn.msg);
	r = (Isms__V1__InfoResult *)pb_new(&isms__v1__info_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_INFO;
	call->reply->info = r;
	for (reg = registers; *reg != NULL; reg++) {
		rc = (Isms__V1__RegisterCount *)pb_new(
		    &isms__v1__register_count__descriptor);
		rc->register_ = xstrdup((*reg)->name);
		rc->has_live = rc->has_archived = 1;
		records_count(&txn, register_code(*reg), &rc->live,
		              &rc->archived);
		r->counts = xreallocarray(r->counts, r->n_counts + 1,
		                          sizeof *r->counts);
		r->counts[r->n_counts++] = rc;
	}
	store_read_end(&txn);
	writer_get_stats(srv->writer, &ws);
	r->server_version = xstrdup(ISMS_VERSION);
	r->data_dir = xstrdup(srv->cfg.data_dir);
	r->has_started_at = r->has_connections = 1;
	r->started_at = srv->started_at;
	r->connections = srv->nconns;
	r->has_commits = r->has_committed_ops = 1;
	r->commits = ws.commits;
	r->committed_ops = ws.ops;
	return 0;
}
