/* reader.c: the read worker thread (see reader.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "reader.h"
#include "xmalloc.h"

struct reader {
	struct store *store;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct rjob_list queue; /* loop → worker, under lock */
	struct rjob_list done;  /* worker → loop, under lock */
	bool stopping;          /* under lock */
	atomic_bool cancel;     /* read by running jobs without the lock */
	struct event *done_ev;
	uint64_t inflight; /* loop thread only */
};

/* Runs one job on a snapshot of its own. */
static void
reader_run(struct reader *r, struct rjob *job)
{
	struct store_txn txn;

	if ((job->rc = store_snapshot_begin(r->store, &txn)) != 0)
		isms_err_set(&job->err, -job->rc, "%s", txn.msg);
	else
		job->rc = job->run(&txn, job, &r->cancel);
	store_snapshot_end(&txn);
}

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	struct rjob *job;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (TAILQ_EMPTY(&r->queue) && !r->stopping)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stopping)
			break;
		job = TAILQ_FIRST(&r->queue);
		TAILQ_REMOVE(&r->queue, job, entry);
		pthread_mutex_unlock(&r->lock);
		reader_run(r, job);
		pthread_mutex_lock(&r->lock);
		TAILQ_INSERT_TAIL(&r->done, job, entry);
		/* Under the lock, so reader_stop's event_free cannot run
		 * between our insert and this call. */
		event_active(r->done_ev, EV_READ, 0);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Loop thread: delivers finished jobs. */
static void
reader_deliver(evutil_socket_t fd, short what, void *arg)
{
	struct reader *r = arg;
	struct rjob_list done;
	struct rjob *job;

	(void)fd;
	(void)what;
	TAILQ_INIT(&done);
	pthread_mutex_lock(&r->lock);
	TAILQ_CONCAT(&done, &r->done, entry);
	pthread_mutex_unlock(&r->lock);
	while ((job = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, job, entry);
		r->inflight--;
		job->done(job);
	}
}

int
reader_start(struct reader **out, struct store *st, struct event_base *base,
             struct isms_err *err)
{
	struct reader *r = xcalloc(1, sizeof *r);
	int rc;

	r->store = st;
	TAILQ_INIT(&r->queue);
	TAILQ_INIT(&r->done);
	atomic_init(&r->cancel, false);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if ((r->done_ev = event_new(base, -1, 0, reader_deliver, r)) == NULL)
		rc = ENOMEM;
	else if ((rc = pthread_create(&r->thread, NULL, reader_main, r)) != 0)
		event_free(r->done_ev);
	if (rc != 0) {
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->cond);
		free(r);
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot start the read worker: %s",
		                    strerror(rc));
	}
	*out = r;
	return 0;
}

int
reader_submit(struct reader *r, struct rjob *job)
{
	pthread_mutex_lock(&r->lock);
	if (r->stopping) {
		pthread_mutex_unlock(&r->lock);
		return isms_err_set(&job->err, ISMS_EUNAVAIL,
		                    "ismsd is shutting down");
	}
	TAILQ_INSERT_TAIL(&r->queue, job, entry);
	pthread_mutex_unlock(&r->lock);
	pthread_cond_signal(&r->cond);
	r->inflight++;
	return 0;
}

uint64_t
reader_inflight(const struct reader *r)
{
	return r != NULL ? r->inflight : 0;
}

void
reader_stop(struct reader *r)
{
	struct rjob *job;

	if (r == NULL)
		return;
	atomic_store(&r->cancel, true);
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	/* Jobs never started fail; then everyone hears back. */
	while ((job = TAILQ_FIRST(&r->queue)) != NULL) {
		TAILQ_REMOVE(&r->queue, job, entry);
		job->rc = isms_err_set(&job->err, ISMS_EUNAVAIL,
		                       "ismsd is shutting down");
		TAILQ_INSERT_TAIL(&r->done, job, entry);
	}
	reader_deliver(-1, 0, r);
	event_free(r->done_ev);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r);
}
