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

void sched_start(struct server *);
void sched_stop(struct server *);

#endif
