/* scheduler.c: turning dates into journaled due notices. */
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "due_index.h"
#include "log.h"
#include "records.h"
#include "server.h"
#include "scheduler.h"
#include "store.h"
#include "writer.h"
#include "xmalloc.h"

struct sched_op {
	struct wop op;
	struct server *srv;
	char today[11];
	int64_t now;
	size_t fired;
};

/* Writer thread: journals what is due today. */
static int
sched_apply(struct store_txn *txn, struct wop *op)
{
	struct sched_op *s = op->arg;
	struct records_actor who = {"ismsd", s->now};

	return due_fire(txn, s->today, s->srv->cfg.overdue_grace_days, &who,
	                &s->fired, &op->err);
}

/* Loop thread: the notices are durable (and fanned out by now). */
static void
sched_done(struct wop *op)
{
	struct sched_op *s = op->arg;

	s->srv->sched_busy = false;
	s->srv->sched_passes++;
	if (op->rc != 0)
		log_err("scheduler: %s", op->err.msg);
	else if (s->fired > 0)
		log_info("scheduler: %zu due notice(s) for %s", s->fired,
		         s->today);
	free(s);
}

static void
sched_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct sched_op *s;
	struct store_txn txn;
	char today[11];
	bool pending;

	(void)fd;
	(void)what;
	if (srv->sched_busy || srv->stopping || srv->writer == NULL)
		return;
	server_today(today);
	if (store_read_begin(srv->store, &txn) != 0)
		return;
	pending = due_pending(&txn, today, srv->cfg.overdue_grace_days);
	store_read_end(&txn);
	if (!pending) {
		srv->sched_passes++;
		return;
	}
	s = xcalloc(1, sizeof *s);
	s->op.apply = sched_apply;
	s->op.done = sched_done;
	s->op.arg = s;
	s->srv = srv;
	s->now = server_now();
	snprintf(s->today, sizeof s->today, "%s", today);
	if (writer_submit(srv->writer, &s->op) != 0) {
		free(s);
		return;
	}
	srv->sched_busy = true;
}

int
sched_start(struct server *srv, struct isms_err *err)
{
	struct timeval tv = {SCHED_PERIOD_SECS, 0};

	srv->sched_timer =
	    event_new(srv->base, -1, EV_PERSIST, sched_tick, srv);
	if (srv->sched_timer == NULL)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot make the scheduler's timer");
	evtimer_add(srv->sched_timer, &tv);
	sched_tick(-1, 0, srv);
	return 0;
}

void
sched_stop(struct server *srv)
{
	if (srv->sched_timer != NULL)
		event_free(srv->sched_timer);
	srv->sched_timer = NULL;
}
