/*
 * scheduler.h: the scheduler. A loop timer (at start, then every minute) looks
 * at the due index; when a date has come it queues one write that
 * journals the review_due / action_due notices (and *_overdue after the
 * grace period), once per record per cycle, so subscribers that were
 * offline get them on replay.
 */
#ifndef ISMS_SCHEDULER_H
#define ISMS_SCHEDULER_H

struct server;

#define SCHED_PERIOD_SECS 60

struct isms_err;

/* Runs the scheduler now and every SCHED_PERIOD_SECS: 0, or -code with
 * err when its timer cannot be made. */
int sched_start(struct server *, struct isms_err *err);
void sched_stop(struct server *);

#endif
