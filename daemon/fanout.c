/* fanout.c: a helper thread for the sends of a large fan-out. */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <errno.h>

#include "fanout.h"
#include "xmalloc.h"

struct fanout {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t posted; /* work, or stop */
	pthread_cond_t done;   /* the work is done */
	struct fanout_job *jobs;
	size_t n;
	bool work, stop;
};

/* Makes the sends of jobs[0..n). */
static void
fanout_run(struct fanout_job *jobs, size_t n)
{
	struct msghdr mh;
	ssize_t r;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = (struct iovec *)jobs[i].iov;
		mh.msg_iovlen = (size_t)jobs[i].iovcnt;
		do
			r = sendmsg(jobs[i].fd, &mh,
			            MSG_DONTWAIT | MSG_NOSIGNAL);
		while (r == -1 && errno == EINTR);
		jobs[i].sent = r > 0 ? (size_t)r : 0;
	}
}

static void *
fanout_main(void *arg)
{
	struct fanout *f = arg;
	struct fanout_job *jobs;
	size_t n;

	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (!f->work && !f->stop)
			pthread_cond_wait(&f->posted, &f->lock);
		if (!f->work)
			break;
		jobs = f->jobs;
		n = f->n;
		pthread_mutex_unlock(&f->lock);
		fanout_run(jobs, n);
		pthread_mutex_lock(&f->lock);
		f->work = false;
		pthread_cond_signal(&f->done);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int
fanout_start(struct fanout **out, struct isms_err *err)
{
	struct fanout *f = xcalloc(1, sizeof *f);
	sigset_t all, old;
	int rc;

	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->posted, NULL);
	pthread_cond_init(&f->done, NULL);
	/* Signals stay with the loop thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&f->thread, NULL, fanout_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&f->done);
		pthread_cond_destroy(&f->posted);
		pthread_mutex_destroy(&f->lock);
		free(f);
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot start the fan-out thread: %s",
		                    strerror(rc));
	}
	*out = f;
	return 0;
}

void
fanout_stop(struct fanout *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_signal(&f->posted);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->done);
	pthread_cond_destroy(&f->posted);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void
fanout_send(struct fanout *f, struct fanout_job *jobs, size_t n)
{
	size_t half = n / 2;

	if (f == NULL || n < FANOUT_MIN_SPLIT) {
		fanout_run(jobs, n);
		return;
	}
	pthread_mutex_lock(&f->lock);
	f->jobs = jobs + half;
	f->n = n - half;
	f->work = true;
	pthread_mutex_unlock(&f->lock);
	pthread_cond_signal(&f->posted);
	fanout_run(jobs, half);
	pthread_mutex_lock(&f->lock);
	while (f->work)
		pthread_cond_wait(&f->done, &f->lock);
	pthread_mutex_unlock(&f->lock);
}
