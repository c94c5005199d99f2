/* rpc_journal.c: the journal, its verification, events, reviews, due. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "conn.h"
#include "due.h"
#include "journal.h"
#include "log.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"
#include "server.h"
#include "subs.h"
#include "xmalloc.h"

#define VERIFY_SLICE 2000 /* entries per slice: a few ms, then yield */

int
rpc_journal_exec(struct rpc_call *call)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	call->reply->journal = (Isms__V1__JournalResult *)pb_new(
	    &isms__v1__journal_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_JOURNAL;
	rc = journal_query(&txn, call->req->journal, call->reply->journal,
	                   &call->err);
	store_read_end(&txn);
	return rc;
}

/* A verification in progress: one slice per loop iteration. */
struct verify_job {
	struct conn *conn;
	uint64_t req_id;
	struct journal_verify v;
	bool check_head;
	uint64_t head_seq;
	uint8_t head_hash[JOURNAL_HASH_LEN];
	struct event *ev;
};

/* Checks that the verified chain holds the published head. */
static void
verify_head(struct store_txn *txn, struct verify_job *j)
{
	Isms__V1__JournalEntry *e = NULL;
	struct isms_err err;

	if (j->v.failed || !j->check_head)
		return;
	if (journal_get(txn, j->head_seq, &e, &err) != 0 || !e->has_hash ||
	    e->hash.len != JOURNAL_HASH_LEN ||
	    memcmp(e->hash.data, j->head_hash, JOURNAL_HASH_LEN) != 0) {
		j->v.failed = true;
		j->v.bad_seq = j->head_seq;
		snprintf(j->v.problem, sizeof j->v.problem,
		         "the journal does not hold the given head at seq %llu",
		         (unsigned long long)j->head_seq);
	}
	if (e != NULL)
		protobuf_c_message_free_unpacked(&e->base, NULL);
}

/* Replies with the outcome and ends the job. */
static void
verify_finish(struct verify_job *j, struct store_txn *txn, int rc,
              const struct isms_err *err)
{
	Isms__V1__Reply *reply;
	Isms__V1__JournalVerifyResult *r;
	uint8_t hash[JOURNAL_HASH_LEN];
	uint64_t seq;

	reply = (Isms__V1__Reply *)pb_new(&isms__v1__reply__descriptor);
	if (rc == 0) {
		verify_head(txn, j);
		r = (Isms__V1__JournalVerifyResult *)pb_new(
		    &isms__v1__journal_verify_result__descriptor);
		r->has_ok = r->has_entries = 1;
		r->ok = !j->v.failed;
		r->entries = j->v.checked;
		if (j->v.failed) {
			r->has_bad_seq = 1;
			r->bad_seq = j->v.bad_seq;
			r->problem = xstrdup(j->v.problem);
		} else if (journal_head(txn, &seq, hash) == 0) {
			r->has_head_seq = r->has_head_hash = 1;
			/* The chain verified up to its last entry. */
			r->head_seq = j->v.next - 1;
			r->head_hash.data = xmalloc(JOURNAL_HASH_LEN);
			memcpy(r->head_hash.data, j->v.prev, JOURNAL_HASH_LEN);
			r->head_hash.len = JOURNAL_HASH_LEN;
		}
		reply->result_case = ISMS__V1__REPLY__RESULT_VERIFY;
		reply->verify = r;
	}
	rpc_reply(j->conn, j->req_id, reply, rc, err);
	conn_unref(j->conn);
	event_free(j->ev);
	free(j);
}

static void
verify_slice(evutil_socket_t fd, short what, void *arg)
{
	struct verify_job *j = arg;
	struct store_txn txn;
	struct isms_err err;
	struct timeval now = {0, 0};
	int rc;

	(void)fd;
	(void)what;
	if (!conn_alive(j->conn) ||
	    (rc = store_read_begin(j->conn->srv->store, &txn)) != 0) {
		/* The client left, or the store failed: stop quietly. */
		conn_unref(j->conn);
		event_free(j->ev);
		free(j);
		return;
	}
	rc = journal_verify_slice(&txn, &j->v, VERIFY_SLICE, &err);
	if (rc == 0) {
		store_read_end(&txn);
		evtimer_add(j->ev, &now);
		return;
	}
	verify_finish(j, &txn, rc < 0 ? rc : 0, &err);
	store_read_end(&txn);
}

int
rpc_journal_verify_exec(struct rpc_call *call)
{
	const Isms__V1__JournalVerify *jv = call->req->journal_verify;
	struct verify_job *j;
	struct timeval now = {0, 0};

	if (jv->has_head_hash != jv->has_head_seq ||
	    (jv->has_head_hash && jv->head_hash.len != JOURNAL_HASH_LEN))
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "a head is a seq with its 32-byte hash");
	j = xcalloc(1, sizeof *j);
	j->conn = call->conn;
	conn_ref(j->conn);
	j->req_id = call->req->id;
	journal_verify_init(&j->v);
	if (jv->has_head_hash) {
		j->check_head = true;
		j->head_seq = jv->head_seq;
		memcpy(j->head_hash, jv->head_hash.data, JOURNAL_HASH_LEN);
	}
	j->ev = evtimer_new(call->conn->srv->base, verify_slice, j);
	evtimer_add(j->ev, &now);
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

static int
rpc_review_apply(struct store_txn *txn, struct wop *op)
{
	struct rpc_write *w = op->arg;
	struct records_actor who = {w->actor, w->now};
	Isms__V1__Record *rec = NULL;
	int rc = records_review(txn, w->req->review, &who, &rec, &op->err);

	if (rc == 0)
		rpc_write_result(w, ISMS__V1__REPLY__RESULT_RECORD, &rec->base);
	return rc;
}

int
rpc_review_exec(struct rpc_call *call)
{
	if (call->req->review->id == NULL || call->req->review->id[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "review.id is required");
	return rpc_write_submit(call, rpc_review_apply);
}

int
rpc_due_exec(struct rpc_call *call)
{
	struct store_txn txn;
	char today[11];
	int rc;

	if ((rc = store_read_begin(call->conn->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	server_today(today);
	call->reply->due =
	    (Isms__V1__DueResult *)pb_new(&isms__v1__due_result__descriptor);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_DUE;
	rc = due_query(&txn, call->req->due, today, call->reply->due,
	               &call->err);
	store_read_end(&txn);
	return rc;
}
