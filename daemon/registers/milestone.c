/* milestone.c: the implementation plan's milestones. */
/* Review every 30 days: the plan is a project, tracked monthly. */
#include <stdlib.h>

#include "registers.h"

#define S(x) ISMS__V1__MILESTONE_STATUS__MILESTONE_STATUS_##x

/* Checks dates; done stamps done_on, reopening clears it. */
static int
milestone_check(struct register_ctx *ctx, Isms__V1__Record *rec,
                const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Milestone *m = rec->milestone;
	int rc;

	if ((rc = register_check_date("target_on", m->target_on, err)) != 0 ||
	    (rc = register_check_date("done_on", m->done_on, err)) != 0)
		return rc;
	if (register_leaving(&register_milestone, rec, old, S(DONE))) {
		free(m->done_on);
		m->done_on = NULL;
	}
	if (register_entering(&register_milestone, rec, old, S(DONE)))
		register_stamp_date(ctx, &m->done_on, NULL);
	return 0;
}

static const char *const milestone_required[] = {"phase", "target_on", NULL};

/* A milestone may be postponed, or reopened when it was ticked too soon
 * (an audit stage to repeat). */
static const struct register_move milestone_moves[] = {
    {S(PLANNED), S(IN_PROGRESS)}, {S(PLANNED), S(DONE)},
    {S(IN_PROGRESS), S(PLANNED)}, {S(IN_PROGRESS), S(DONE)},
    {S(DONE), S(IN_PROGRESS)},    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state milestone_states[] = {
    {S(DONE), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_milestone = {
    .review_days = 30,
    .initial_status = S(PLANNED),
    .required = milestone_required,
    .moves = milestone_moves,
    .check = milestone_check,
    .states = milestone_states,
    REGISTER_ROW(milestone),
};
