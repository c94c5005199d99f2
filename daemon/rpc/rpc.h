/*
 * rpc.h: the handlers the RPC table names, one file per subject.
 *
 * A read or an apply is an rpc_handler (dispatch.h): dispatch opens the
 * txn and allocates the result; the handler fills it. A check refuses a
 * write before it is queued. An exec manages its connection itself.
 */
#ifndef ISMS_RPC_H
#define ISMS_RPC_H

#include "dispatch.h"
#include "store.h"
#include "users.h"
#include "writer.h"

/* rpc_hello.c */
int rpc_hello_exec(struct rpc_call *);
rpc_handler rpc_info_read;

/* rpc_records.c */
rpc_handler rpc_get_read, rpc_list_read, rpc_history_read;
rpc_handler rpc_put_apply, rpc_archive_apply, rpc_unarchive_apply;
int rpc_put_check(const void *body, struct rpc_call *);
int rpc_archive_check(const void *body, struct rpc_call *);
int rpc_unarchive_check(const void *body, struct rpc_call *);

/* rpc_links.c */
rpc_handler rpc_links_read, rpc_link_apply;
int rpc_link_check(const void *body, struct rpc_call *);

/* rpc_journal.c */
rpc_handler rpc_journal_read;
int rpc_journal_verify_exec(struct rpc_call *);
int rpc_subscribe_exec(struct rpc_call *);

/* rpc_reviews.c */
rpc_handler rpc_due_read, rpc_review_apply;
int rpc_review_check(const void *body, struct rpc_call *);

/* rpc_signoff.c */
rpc_handler rpc_signoff_apply, rpc_describe_read;
int rpc_signoff_check(const void *body, struct rpc_call *);
/* rpc_metrics.c */
rpc_handler rpc_metric_values_read, rpc_metric_record_apply;
int rpc_metric_record_check(const void *body, struct rpc_call *);

/* rpc_ingest.c */
rpc_handler rpc_ingest_apply;
int rpc_ingest_check(const void *body, struct rpc_call *);
int rpc_health_exec(struct rpc_call *);

/* rpc_snapshot.c: a stream of pages from one read txn; stop_all ends
 * those under way (shutdown), each with an error reply. */
int rpc_snapshot_exec(struct rpc_call *);
void rpc_snapshot_stop_all(struct server *);

/* rpc_method.c */
rpc_handler rpc_method_get_read, rpc_method_set_apply;
int rpc_method_set_check(const void *body, struct rpc_call *);

/* rpc_catalog.c */
rpc_handler rpc_catalog_load_apply;
int rpc_catalog_load_check(const void *body, struct rpc_call *);

/* rpc_batch.c */
rpc_handler rpc_batch_apply;
int rpc_batch_check(const void *body, struct rpc_call *);

/* rpc_users.c */
rpc_handler rpc_user_list_read, rpc_user_put_apply;
int rpc_user_put_check(const void *body, struct rpc_call *);
rpc_handler rpc_token_list_read, rpc_token_create_apply, rpc_token_revoke_apply;

/* rpc_session.c: web sign-in; the Argon2 work on the auth thread. */
int rpc_session_open_exec(struct rpc_call *);
int rpc_session_close_exec(struct rpc_call *);
int rpc_password_set_exec(struct rpc_call *);

/* rpc_backup.c */
int rpc_backup_exec(struct rpc_call *);
/* Ends the backups still streaming (at close, before the store goes). */
void rpc_backup_stop_all(struct server *);

/*
 * Queues call, a write of entry e, to the writer, which calls e->apply;
 * the reply follows the commit. Takes call->req. Returns RPC_DEFERRED or
 * an error (dispatch.c's only way to the writer).
 */
int rpc_write_submit(const struct rpc_entry *e, struct rpc_call *call);

/* Frees call->prep (if any) and clears it. */
void rpc_call_prep_free(struct rpc_call *call);

#endif
