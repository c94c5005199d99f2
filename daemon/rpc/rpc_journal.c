/*
 * rpc_journal.c: the journal, its verification, and the events that follow
 * it (Subscribe). JournalVerify and Subscribe are execs: the one replies
 * to its conn later, from the read worker; the other makes the conn a
 * subscriber.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conn.h"
#include "journal.h"
#include "pbfield.h"
#include "reader.h"
#include "rpc.h"
#include "server.h"
#include "subs.h"
#include "xmalloc.h"

int
rpc_journal_read(struct store_txn *txn, const void *body, void *result,
                 struct rpc_call *call)
{
	return journal_query(txn, body, result, &call->err);
}

/*
 * A verification: the store-wide check (check.c) on the read worker, in one
 * read txn from start to end. The check compares databases with each other
 * (records with the journal, indexes with records), so it needs one
 * snapshot; slices on the loop, each its own read txn, would see writes
 * land between them. On the worker it never stalls the loop either.
 */
struct verify_job {
	struct rjob job;
	struct conn *conn;
	uint64_t req_id;
	struct check_opts opts;
	struct check_result res;
};

/* Read worker: runs the check. */
static int
verify_run(struct store_txn *txn, struct rjob *rj, const atomic_bool *cancel)
{
	struct verify_job *j = rj->arg;

	j->opts.cancel = cancel;
	return check_store(txn, &j->opts, &j->res, &rj->err);
}

/* Loop thread: replies with the outcome and ends the job. */
static void
verify_done(struct rjob *rj)
{
	struct verify_job *j = rj->arg;
	Isms__V1__Reply *reply;
	Isms__V1__JournalVerifyResult *r;

	if (!conn_alive(j->conn))
		goto out;
	reply = (Isms__V1__Reply *)pb_new(&isms__v1__reply__descriptor);
	if (rj->rc == 0) {
		r = (Isms__V1__JournalVerifyResult *)pb_new(
		    &isms__v1__journal_verify_result__descriptor);
		r->has_ok = r->has_entries = 1;
		r->ok = j->res.ok;
		r->entries = j->res.entries;
		if (!j->res.ok) {
			r->has_bad_seq = j->res.has_bad_seq;
			r->bad_seq = j->res.bad_seq;
			r->problem = xstrdup(j->res.problem);
		} else {
			r->has_head_seq = r->has_head_hash = 1;
			r->head_seq = j->res.head_seq;
			r->head_hash.data = xmalloc(JOURNAL_HASH_LEN);
			memcpy(r->head_hash.data, j->res.head_hash,
			       JOURNAL_HASH_LEN);
			r->head_hash.len = JOURNAL_HASH_LEN;
		}
		reply->result_case = ISMS__V1__REPLY__RESULT_VERIFY;
		reply->verify = r;
	}
	rpc_reply(j->conn, j->req_id, reply, rj->rc, &rj->err);
out:
	conn_unref(j->conn);
	free(j);
}

int
rpc_journal_verify_exec(struct rpc_call *call)
{
	const Isms__V1__JournalVerify *jv = call->req->journal_verify;
	struct verify_job *j;

	if (jv->has_head_hash != jv->has_head_seq ||
	    (jv->has_head_hash && jv->head_hash.len != JOURNAL_HASH_LEN))
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "a head is a seq with its 32-byte hash");
	j = xcalloc(1, sizeof *j);
	j->job.run = verify_run;
	j->job.done = verify_done;
	j->job.arg = j;
	j->req_id = call->req->id;
	j->opts.deep = jv->has_deep && jv->deep;
	if (jv->has_head_hash) {
		j->opts.has_head = true;
		j->opts.head_seq = jv->head_seq;
		memcpy(j->opts.head_hash, jv->head_hash.data, JOURNAL_HASH_LEN);
	}
	if (reader_submit(call->srv->reader, &j->job) != 0) {
		isms_err_set(&call->err, j->job.err.code, "%s", j->job.err.msg);
		free(j);
		return -call->err.code;
	}
	j->conn = call->conn;
	conn_ref(j->conn);
	return RPC_DEFERRED;
}

int
rpc_subscribe_exec(struct rpc_call *call)
{
	int rc;

	if ((rc = subs_add(call->conn, call->req->id, call->req->subscribe,
	                   &call->err)) != 0)
		return rc;
	/* The OK reply goes first; events follow from the fan-out. */
	return 0;
}
