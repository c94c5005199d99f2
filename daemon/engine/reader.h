/*
 * reader.h: the read worker, a thread for long reads that need one
 * consistent snapshot across databases (the store-wide check of "journal
 * verify"). Slices on the loop thread, each its own short read txn, would
 * let writes land between them, so a check across databases could compare
 * a record with an index from another moment. Here a job runs on one read
 * txn of its own from start to end, off the loop (which goes on serving),
 * and its completion is handed back to the loop as the writer's are.
 *
 * Jobs run one at a time, in order: a second verify waits for the first
 * rather than doubling the load. A job owns its data; done frees it.
 */
#ifndef ISMS_READER_H
#define ISMS_READER_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/queue.h>

#include "errcode.h"
#include "store.h"

struct event_base;
struct reader;

struct rjob {
	TAILQ_ENTRY(rjob) entry;
	/* Worker thread: reads txn's snapshot; stops early, with
	 * -ISMS_ECANCELLED, once *cancel is set (the daemon stops). */
	int (*run)(struct store_txn *txn, struct rjob *,
	           const atomic_bool *cancel);
	/* Loop thread: called once, after run or instead of it. */
	void (*done)(struct rjob *);
	void *arg; /* the job's own data, owned by its creator */
	int rc;    /* of run, or -ISMS_EUNAVAIL when it never ran */
	struct isms_err err;
};
TAILQ_HEAD(rjob_list, rjob);

/* Starts the thread; completions are delivered on base. */
int reader_start(struct reader **, struct store *, struct event_base *base,
                 struct isms_err *err);

/* Queues job (loop thread). -ISMS_EUNAVAIL once stopping. */
int reader_submit(struct reader *, struct rjob *job);

/* Jobs queued or running, not yet delivered (loop thread). */
uint64_t reader_inflight(const struct reader *);

/* Cancels the running job, stops the thread, and delivers every job (those
 * never run fail UNAVAILABLE). Loop thread; NULL is a no-op. */
void reader_stop(struct reader *);

#endif
