/*
 * writer.h: the writer thread, owner of every LMDB write transaction.
 *
 * The loop thread queues operations; the writer takes everything queued,
 * applies it in one write txn (each op in its own nested txn, so a failing
 * op is rolled back alone), commits with fsync, and hands the operations
 * back to the loop thread, which replies. A reply to a write therefore
 * always follows a durable commit (group commit).
 */
#ifndef ISMS_WRITER_H
#define ISMS_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "errcode.h"
#include "store.h"

struct event_base;
struct writer;

#define WRITER_BATCH_MAX 1024 /* ops per txn: bounds one commit's latency */
#define WRITER_HIST      12   /* batch size histogram: 1, 2-3, 4-7, ... */

struct wop {
	TAILQ_ENTRY(wop) entry;
	/* Writer thread: applies the op inside txn. 0 or -ISMS_E*. */
	int (*apply)(struct store_txn *txn, struct wop *);
	/* Loop thread: called once the op is durable or failed. */
	void (*done)(struct wop *);
	void *arg; /* the op's own data, owned by its creator */
	int rc;    /* result of apply, or of the commit */
	struct isms_err err;
	uint64_t queued_ns;
	uint32_t batch; /* size of the batch it was committed in */
};
TAILQ_HEAD(wop_list, wop);

struct writer_stats {
	uint64_t commits;
	uint64_t ops;
	uint64_t failed_commits;
	uint64_t batch_hist[WRITER_HIST];
	uint64_t max_batch;
	/* queued → durable of recent writes, in µs: p50, p90, p99, max */
	uint64_t lat_us[4];
};

#define WRITER_LAT_RING 4096

/*
 * Starts the thread; completions are delivered on base. After a commit
 * that left the queue empty the thread polls poll_ns for the next op
 * (yielding the CPU to anything runnable) before it sleeps, so a client
 * that writes again at once does not wait for it to wake; 0: never.
 */
int writer_start(struct writer **, struct store *, struct event_base *base,
                 uint64_t poll_ns, struct isms_err *err);

/* Calls fn(arg) in the loop thread after each batch is delivered. */
void writer_on_delivered(struct writer *, void (*fn)(void *), void *arg);

/* Queues op (loop thread). -ISMS_EUNAVAIL once the writer is stopping. */
int writer_submit(struct writer *, struct wop *op);

/*
 * Commits what is queued, stops the thread and delivers the last
 * completions (loop thread). NULL is a no-op.
 */
void writer_stop(struct writer *);

/* Operations queued or being committed, not yet delivered. */
uint64_t writer_inflight(const struct writer *);

/*
 * Loop thread, before each pass of the loop: polls is true when the pass
 * will not block. Delivers the completions that are ready; while the
 * loop polls, the writer leaves them for this call instead of waking it.
 */
void writer_loop_polls(struct writer *, bool polls);

/* Operations ever queued (loop thread). */
uint64_t writer_submitted(const struct writer *);

void writer_get_stats(struct writer *, struct writer_stats *);

#endif
