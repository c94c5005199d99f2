/*
 * authq.h: the auth thread, where Argon2 work runs (verifying a sign-in,
 * hashing a new password): tens of milliseconds of CPU and 19 MiB each,
 * which must stall neither the loop (every client's reads) nor the
 * writer (every client's writes). One thread, jobs in order; at most cap
 * in flight (queued or running), past that a job is refused at once
 * rather than queued without bound. Completions come back to the loop
 * thread as the writer's do (event_active on the loop's base).
 */
#ifndef ISMS_AUTHQ_H
#define ISMS_AUTHQ_H

#include <stddef.h>
#include <sys/queue.h>

#include "errcode.h"

struct event_base;
struct authq;

#define AUTHQ_CAP  8
#define AUTHQ_NICE 10 /* the thread's niceness: the loop comes first */

struct ajob {
	TAILQ_ENTRY(ajob) entry;
	/* Auth thread: the work; touches only the job's own data. */
	void (*run)(struct ajob *);
	/* Loop thread: called once, after run, or instead of it with
	 * rc -ISMS_EUNAVAIL when the daemon stops first. */
	void (*done)(struct ajob *);
	void *arg; /* the job's own data, owned by its creator */
	int rc;
};
TAILQ_HEAD(ajob_list, ajob);

/* Starts the thread; completions are delivered on base. */
int authq_start(struct authq **, struct event_base *base, size_t cap,
                struct isms_err *err);

/* Queues job (loop thread): 0, -ISMS_EEXHAUSTED when cap jobs are in
 * flight, -ISMS_EUNAVAIL once stopping (err set). */
int authq_submit(struct authq *, struct ajob *job, struct isms_err *err);

/* Jobs queued or running, not yet delivered (loop thread). */
size_t authq_inflight(const struct authq *);

/* Stops the thread after the running job and delivers every job (loop
 * thread). NULL is a no-op. */
void authq_stop(struct authq *);

#endif
