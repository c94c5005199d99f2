/* authq.c: the auth thread (see authq.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "authq.h"
#include "xmalloc.h"

struct authq {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ajob_list queue; /* loop → thread, under lock */
	struct ajob_list done;  /* thread → loop, under lock */
	bool stopping;          /* under lock */
	struct event *done_ev;
	size_t inflight, cap; /* loop thread only */
};

static void *
authq_main(void *arg)
{
	struct authq *q = arg;
	struct ajob *job;

	/* Below the loop and the writer when cores are short: a burst of
	 * sign-ins waits, the clients being served do not (Linux nice is
	 * per thread; raising it needs no privilege). */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), AUTHQ_NICE);
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (TAILQ_EMPTY(&q->queue) && !q->stopping)
			pthread_cond_wait(&q->cond, &q->lock);
		if (q->stopping)
			break;
		job = TAILQ_FIRST(&q->queue);
		TAILQ_REMOVE(&q->queue, job, entry);
		pthread_mutex_unlock(&q->lock);
		job->run(job);
		pthread_mutex_lock(&q->lock);
		TAILQ_INSERT_TAIL(&q->done, job, entry);
		/* Under the lock, so authq_stop's event_free cannot run
		 * between our insert and this call. */
		event_active(q->done_ev, EV_READ, 0);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Loop thread: delivers finished jobs. */
static void
authq_deliver(evutil_socket_t fd, short what, void *arg)
{
	struct authq *q = arg;
	struct ajob_list done;
	struct ajob *job;

	(void)fd;
	(void)what;
	TAILQ_INIT(&done);
	pthread_mutex_lock(&q->lock);
	TAILQ_CONCAT(&done, &q->done, entry);
	pthread_mutex_unlock(&q->lock);
	while ((job = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, job, entry);
		q->inflight--;
		job->done(job);
	}
}

int
authq_start(struct authq **out, struct event_base *base, size_t cap,
            struct isms_err *err)
{
	struct authq *q = xcalloc(1, sizeof *q);
	int rc;

	q->cap = cap;
	TAILQ_INIT(&q->queue);
	TAILQ_INIT(&q->done);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	if ((q->done_ev = event_new(base, -1, 0, authq_deliver, q)) == NULL)
		rc = ENOMEM;
	else if ((rc = pthread_create(&q->thread, NULL, authq_main, q)) != 0)
		event_free(q->done_ev);
	if (rc != 0) {
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->cond);
		free(q);
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot start the auth thread: %s",
		                    strerror(rc));
	}
	*out = q;
	return 0;
}

int
authq_submit(struct authq *q, struct ajob *job, struct isms_err *err)
{
	if (q->inflight >= q->cap)
		return isms_err_set(err, ISMS_EEXHAUSTED,
		                    "sign-in is busy; retry in a second");
	pthread_mutex_lock(&q->lock);
	if (q->stopping) {
		pthread_mutex_unlock(&q->lock);
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "ismsd is shutting down");
	}
	TAILQ_INSERT_TAIL(&q->queue, job, entry);
	pthread_mutex_unlock(&q->lock);
	pthread_cond_signal(&q->cond);
	q->inflight++;
	return 0;
}

size_t
authq_inflight(const struct authq *q)
{
	return q != NULL ? q->inflight : 0;
}

void
authq_stop(struct authq *q)
{
	struct ajob *job;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	/* Jobs never started fail; then everyone hears back. */
	while ((job = TAILQ_FIRST(&q->queue)) != NULL) {
		TAILQ_REMOVE(&q->queue, job, entry);
		job->rc = -ISMS_EUNAVAIL;
		TAILQ_INSERT_TAIL(&q->done, job, entry);
	}
	authq_deliver(-1, 0, q);
	event_free(q->done_ev);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
