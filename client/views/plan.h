/*
 * plan.h: the implementation plan from milestone records: their order,
 * whether each is done, due or late on a given day, and the standard
 * milestones "ismsctl plan init" creates. No daemon needed.
 */
#ifndef ISMS_CTL_PLAN_H
#define ISMS_CTL_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

#define PLAN_DUE_DAYS 14 /* a milestone this close is "due" */

enum plan_progress {
	PLAN_OPEN, /* nothing to say: not done, not close */
	PLAN_DONE, /* status done */
	PLAN_DUE,  /* not done, target within PLAN_DUE_DAYS from today */
	PLAN_LATE, /* not done, target passed */
};

/* One standard milestone: its phase and title, weeks after the start. */
struct plan_step {
	Isms__V1__Phase phase;
	const char *title;
	int weeks;
};

extern const struct plan_step plan_steps[];
extern const size_t plan_nsteps;

/* How milestone r stands on day today (YYYY-MM-DD). */
enum plan_progress plan_progress(const Isms__V1__Record *r, const char *today);

/* "done", "due", "late", "-". */
const char *plan_progress_name(enum plan_progress);

/* Sorts milestones by target date (none last), then as given. */
void plan_sort(Isms__V1__Record **recs, size_t n);

/* Milestones as a table: ID, PHASE, TITLE, TARGET, STATUS, PROGRESS. */
void plan_print_table(FILE *, Isms__V1__Record *const *recs, size_t n,
                      const char *today);

/* The same as CSV (id,phase,title,target_on,status,progress,done_on). */
void plan_print_csv(FILE *, Isms__V1__Record *const *recs, size_t n,
                    const char *today);

/* The same as a JSON array. */
void plan_print_json(FILE *, Isms__V1__Record *const *recs, size_t n,
                     const char *today);

/*
 * A Put creating standard milestone i, its target date start + weeks
 * (start is YYYY-MM-DD). Free with protobuf_c_message_free_unpacked.
 */
Isms__V1__Put *plan_step_put(size_t i, const char *start);

#endif
