/* writer.c: group commit on a dedicated thread. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"
#include "writer.h"
#include "xmalloc.h"

struct writer {
	struct store *store;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct wop_list queue; /* loop → writer */
	struct wop_list done;  /* writer → loop */
	bool stopping;
	struct event *done_ev;
	uint64_t inflight;              /* loop thread only */
	atomic_uint_fast64_t submitted; /* ops ever queued */
	atomic_bool done_ready;         /* w->done holds ops */
	atomic_bool loop_polls;         /* see writer_loop_polls */
	uint64_t poll_ns;               /* after a commit, see writer_start */
	void (*delivered)(void *);      /* after each delivery, loop thread */
	void *delivered_arg;
	struct writer_stats stats;          /* under lock */
	uint32_t lat_ring[WRITER_LAT_RING]; /* µs, under lock */
	size_t lat_n, lat_next;
};

static uint64_t
writer_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Applies one batch in one transaction and commits it. */
static void
writer_commit_batch(struct writer *w, struct wop_list *batch, uint32_t n)
{
	struct store_txn txn, child;
	struct wop *op;
	uint64_t now;
	int rc, h;

	rc = store_write_begin(w->store, NULL, &txn);
	TAILQ_FOREACH(op, batch, entry)
	{
		op->batch = n;
		if (rc != 0) {
			op->rc = isms_err_set(&op->err, rc, "%s", txn.msg);
			continue;
		}
		if ((op->rc = store_write_begin(w->store, &txn, &child)) != 0) {
			isms_err_set(&op->err, op->rc, "%s", child.msg);
			continue;
		}
		op->rc = op->apply(&child, op);
		if (op->rc == 0 && child.ret != 0)
			op->rc =
			    isms_err_set(&op->err, child.ret, "%s", child.msg);
		if (op->rc == 0) {
			if ((op->rc = store_commit(&child)) != 0)
				isms_err_set(&op->err, op->rc, "%s", child.msg);
		} else
			store_abort(&child);
	}
	if (rc == 0 && (rc = store_commit(&txn)) != 0) {
		log_err("commit of %u operation(s) failed: %s", n, txn.msg);
		/* Nothing of the batch is stored: every op fails. */
		TAILQ_FOREACH(op, batch, entry)
		if (op->rc == 0)
			op->rc = isms_err_set(&op->err, rc, "not stored: %s",
			                      txn.msg);
	}
	now = writer_now_ns();
	pthread_mutex_lock(&w->lock);
	TAILQ_FOREACH(op, batch, entry)
	{
		uint64_t us = (now - op->queued_ns) / 1000;

		w->lat_ring[w->lat_next] =
		    us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
		w->lat_next = (w->lat_next + 1) % WRITER_LAT_RING;
		if (w->lat_n < WRITER_LAT_RING)
			w->lat_n++;
	}
	if (rc == 0) {
		w->stats.commits++;
		w->stats.ops += n;
		for (h = 0; h < WRITER_HIST - 1 && (1u << (h + 1)) <= n; h++)
			;
		w->stats.batch_hist[h]++;
		if (n > w->stats.max_batch)
			w->stats.max_batch = n;
	} else
		w->stats.failed_commits++;
	TAILQ_CONCAT(&w->done, batch, entry);
	atomic_store(&w->done_ready, true);
	pthread_mutex_unlock(&w->lock);
	/* A polling loop looks at done_ready itself: no wake-up, and no
	 * wait for the event base's lock, which the loop holds. */
	if (!atomic_load(&w->loop_polls))
		event_active(w->done_ev, EV_READ, 0);
}

/* Polls up to w->poll_ns for an op queued after seen ops, so a client
 * that writes again at once does not have to wake us. */
static void
writer_poll(struct writer *w, uint64_t seen)
{
	uint64_t until = writer_now_ns() + w->poll_ns;

	while (atomic_load(&w->submitted) == seen && writer_now_ns() < until)
		sched_yield();
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct wop_list batch;
	struct wop *op;
	uint64_t seen = 0;
	bool poll = false;
	uint32_t n;

	for (;;) {
		if (poll)
			writer_poll(w, seen);
		pthread_mutex_lock(&w->lock);
		while (TAILQ_EMPTY(&w->queue) && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (TAILQ_EMPTY(&w->queue)) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		TAILQ_INIT(&batch);
		for (n = 0; n < WRITER_BATCH_MAX &&
		            (op = TAILQ_FIRST(&w->queue)) != NULL;
		     n++) {
			TAILQ_REMOVE(&w->queue, op, entry);
			TAILQ_INSERT_TAIL(&batch, op, entry);
		}
		/* Nothing left behind the batch: poll for the next op. */
		poll = w->poll_ns > 0 && TAILQ_EMPTY(&w->queue);
		seen = atomic_load(&w->submitted);
		pthread_mutex_unlock(&w->lock);
		writer_commit_batch(w, &batch, n);
	}
	return NULL;
}

/* Loop thread: delivers finished operations. */
static void
writer_deliver(evutil_socket_t fd, short what, void *arg)
{
	struct writer *w = arg;
	struct wop_list done;
	struct wop *op;

	(void)fd;
	(void)what;
	TAILQ_INIT(&done);
	pthread_mutex_lock(&w->lock);
	TAILQ_CONCAT(&done, &w->done, entry);
	atomic_store(&w->done_ready, false);
	pthread_mutex_unlock(&w->lock);
	while ((op = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, op, entry);
		w->inflight--;
		op->done(op);
	}
	/* Replies are queued; now the events of what was committed. */
	if (w->delivered != NULL)
		w->delivered(w->delivered_arg);
}

int
writer_start(struct writer **out, struct store *st, struct event_base *base,
             uint64_t poll_ns, struct isms_err *err)
{
	struct writer *w = xcalloc(1, sizeof *w);
	int rc;

	w->store = st;
	w->poll_ns = poll_ns;
	TAILQ_INIT(&w->queue);
	TAILQ_INIT(&w->done);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if ((w->done_ev = event_new(base, -1, 0, writer_deliver, w)) == NULL)
		rc = ENOMEM;
	else if ((rc = pthread_create(&w->thread, NULL, writer_main, w)) != 0)
		event_free(w->done_ev);
	if (rc != 0) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		free(w);
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot start the writer thread: %s",
		                    strerror(rc));
	}
	*out = w;
	return 0;
}

void
writer_on_delivered(struct writer *w, void (*fn)(void *), void *arg)
{
	w->delivered = fn;
	w->delivered_arg = arg;
}

int
writer_submit(struct writer *w, struct wop *op)
{
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return isms_err_set(&op->err, ISMS_EUNAVAIL,
		                    "ismsd is shutting down");
	}
	op->queued_ns = writer_now_ns();
	TAILQ_INSERT_TAIL(&w->queue, op, entry);
	atomic_fetch_add(&w->submitted, 1);
	pthread_mutex_unlock(&w->lock);
	/* Signalled after the unlock: the writer wakes to a free lock
	 * instead of blocking on ours at once. */
	pthread_cond_signal(&w->cond);
	w->inflight++;
	return 0;
}

void
writer_stop(struct writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	writer_deliver(-1, 0, w);
	event_free(w->done_ev);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

uint64_t
writer_inflight(const struct writer *w)
{
	return w->inflight;
}

void
writer_loop_polls(struct writer *w, bool polls)
{
	/* Either the writer sees polls false and wakes the loop, or the
	 * loop sees done_ready below (both sequentially consistent). */
	atomic_store(&w->loop_polls, polls);
	if (atomic_load(&w->done_ready))
		writer_deliver(-1, 0, w);
}

uint64_t
writer_submitted(const struct writer *w)
{
	return atomic_load(&w->submitted);
}

static int
writer_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
writer_get_stats(struct writer *w, struct writer_stats *out)
{
	uint32_t *lat;
	size_t n;

	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	n = w->lat_n;
	lat = xcalloc(n + 1, sizeof *lat);
	memcpy(lat, w->lat_ring, n * sizeof *lat);
	pthread_mutex_unlock(&w->lock);
	/* Exact percentiles of the recent window, off the writer's lock. */
	qsort(lat, n, sizeof *lat, writer_cmp_u32);
	if (n > 0) {
		out->lat_us[0] = lat[n * 50 / 100];
		out->lat_us[1] = lat[n * 90 / 100];
		out->lat_us[2] = lat[n * 99 / 100];
		out->lat_us[3] = lat[n - 1];
	}
	free(lat);
}
