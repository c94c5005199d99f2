/*
 * rpc_hello.c: protocol version and identity; server information. Hello
 * is an exec: it authenticates its conn, and may close it.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "authz.h"
#include "conn.h"
#include "journal.h"
#include "log.h"
#include "users.h"
#include "pbfield.h"
#include "protocol.h"
#include "records.h"
#include "registers.h"
#include "rpc.h"
#include "server.h"
#include "store.h"
#include "token_use.h"
#include "writer.h"
#include "xmalloc.h"

/* Authenticates the conn by a token secret. */
static int
rpc_hello_token(struct rpc_call *call, const char *secret)
{
	struct conn *c = call->conn;
	struct store_txn txn;
	struct identity id;
	char tok[32];
	int rc;

	if ((rc = store_read_begin(call->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	rc = users_identify_token(&txn, call->srv->token_key, secret,
	                          server_now(), &id, tok, &call->err);
	store_read_end(&txn);
	if (rc != 0) {
		log_notice("conn %llu: token refused: %s",
		           (unsigned long long)c->serial, call->err.msg);
		return rc;
	}
	authz_token_set(c, tok, &id);
	if ((rc = conn_user_cap(c, &call->err)) != 0) {
		conn_close_after_flush(c);
		return rc;
	}
	/* In memory; stored at most once a minute (token_use.h). */
	token_use_note(call->srv, tok, server_now());
	return 0;
}

/* The display name of user name, or NULL (malloc'ed). */
static char *
rpc_hello_display_name(struct server *srv, const char *name)
{
	struct store_txn txn;
	Isms__V1__User *u = NULL;
	char *dn = NULL;

	if (store_read_begin(srv->store, &txn) != 0)
		return NULL;
	if (users_get(&txn, name, &u) == 0 && u->display_name != NULL &&
	    u->display_name[0] != '\0')
		dn = xstrdup(u->display_name);
	store_read_end(&txn);
	if (u != NULL)
		protobuf_c_message_free_unpacked(&u->base, NULL);
	return dn;
}

/* What named conn: a token, a certificate or its Unix uid. */
static const char *
rpc_hello_named_by(const struct conn *c)
{
	if (c->token_id[0] != '\0')
		return "a token";
	if (c->cert_cn[0] != '\0')
		return "its client certificate";
	return "its Unix uid";
}

int
rpc_hello_exec(struct rpc_call *call)
{
	const Isms__V1__Hello *h = call->req->hello;
	Isms__V1__HelloResult *r;
	int rc;

	if (h->has_protocol_major && h->protocol_major != ISMS_PROTOCOL_MAJOR) {
		/* A version error closes the connection after the reply. */
		conn_close_after_flush(call->conn);
		return isms_err_set(
		    &call->err, ISMS_EPRECOND,
		    "protocol version %u is not supported; this server "
		    "speaks %u",
		    h->protocol_major, ISMS_PROTOCOL_MAJOR);
	}
	if (h->token != NULL && h->token[0] != '\0') {
		/*
		 * Set once: a token names a connection nothing named yet
		 * (TCP, or a Unix peer whose uid is no user). Refused, not
		 * ignored, so that a client never believes it acts as the
		 * token's user; FAILED_PRECONDITION, as the call is fine
		 * on a new connection.
		 */
		if (authz_identity_fixed(call->conn))
			return isms_err_set(
			    &call->err, ISMS_EPRECOND,
			    "this connection is %s already (by %s); a token "
			    "cannot change who a connection is: present it "
			    "on a new connection",
			    call->conn->user, rpc_hello_named_by(call->conn));
		if ((rc = rpc_hello_token(call, h->token)) != 0)
			return rc;
	}
	if (call->conn->role == 0)
		return isms_err_set(&call->err, ISMS_EUNAUTH, "%s",
		                    call->conn->auth_hint);
	r = (Isms__V1__HelloResult *)pb_new(
	    &isms__v1__hello_result__descriptor);
	r->has_protocol_major = r->has_protocol_minor = 1;
	r->protocol_major = ISMS_PROTOCOL_MAJOR;
	r->protocol_minor = ISMS_PROTOCOL_MINOR;
	r->server_version = xstrdup(ISMS_VERSION);
	r->user = xstrdup(call->conn->user);
	r->has_role = 1;
	r->role = call->conn->role;
	r->instance_id = xstrdup(call->srv->instance_id);
	r->display_name = rpc_hello_display_name(call->srv, call->conn->user);
	call->reply->result_case = ISMS__V1__REPLY__RESULT_HELLO;
	call->reply->hello = r;
	return 0;
}

/* The batch size histogram: bucket h holds sizes 2^h .. 2^(h+1)-1. */
static void
rpc_info_batches(Isms__V1__InfoResult *r, const struct writer_stats *ws)
{
	Isms__V1__BatchBucket *b;
	int h;

	for (h = 0; h < WRITER_HIST; h++) {
		if (ws->batch_hist[h] == 0)
			continue;
		b = (Isms__V1__BatchBucket *)pb_new(
		    &isms__v1__batch_bucket__descriptor);
		b->has_min_size = b->has_max_size = b->has_commits = 1;
		b->min_size = 1u << h;
		b->max_size = h == WRITER_HIST - 1 ? WRITER_BATCH_MAX
		                                   : (1u << (h + 1)) - 1;
		b->commits = ws->batch_hist[h];
		r->batch_sizes =
		    xreallocarray(r->batch_sizes, r->n_batch_sizes + 1,
		                  sizeof *r->batch_sizes);
		r->batch_sizes[r->n_batch_sizes++] = b;
	}
}

int
rpc_info_read(struct store_txn *txn, const void *body, void *result,
              struct rpc_call *call)
{
	struct server *srv = call->srv;
	const struct register_def *const *reg;
	Isms__V1__InfoResult *r = result;
	Isms__V1__RegisterCount *rc;
	struct writer_stats ws;

	(void)body;
	for (reg = registers; *reg != NULL; reg++) {
		rc = (Isms__V1__RegisterCount *)pb_new(
		    &isms__v1__register_count__descriptor);
		rc->register_ = xstrdup((*reg)->name);
		rc->has_live = rc->has_archived = 1;
		records_count(txn, register_code(*reg), &rc->live,
		              &rc->archived);
		r->counts = xreallocarray(r->counts, r->n_counts + 1,
		                          sizeof *r->counts);
		r->counts[r->n_counts++] = rc;
	}
	{
		uint8_t hash[JOURNAL_HASH_LEN];

		/* Unreadable, the head is left out rather than shown as 0. */
		r->has_journal_head =
		    journal_head(txn, &r->journal_head, hash) == 0;
	}
	writer_get_stats(srv->writer, &ws);
	r->server_version = xstrdup(ISMS_VERSION);
	r->data_dir = xstrdup(srv->cfg.data_dir);
	r->instance_id = xstrdup(srv->instance_id);
	r->has_started_at = r->has_connections = 1;
	r->started_at = srv->started_at;
	r->connections = srv->nconns;
	r->has_commits = r->has_committed_ops = 1;
	r->commits = ws.commits;
	r->committed_ops = ws.ops;
	rpc_info_batches(r, &ws);
	r->has_commit_p50_us = r->has_commit_p90_us = 1;
	r->has_commit_p99_us = r->has_commit_max_us = 1;
	r->commit_p50_us = ws.lat_us[0];
	r->commit_p90_us = ws.lat_us[1];
	r->commit_p99_us = ws.lat_us[2];
	r->commit_max_us = ws.lat_us[3];
	r->has_subscribers = 1;
	r->subscribers = srv->nsubs;
	r->has_scheduler_passes = 1;
	r->scheduler_passes = srv->sched_passes;
	{
		struct mallinfo2 mi = mallinfo2();

		r->has_heap_bytes = 1;
		r->heap_bytes = mi.uordblks + mi.hblkhd;
	}
	return 0;
}
