/* action.c: corrective and improvement actions (ISO 27001 10.1, 10.2). */
/* Review every 30 days: actions have due dates and owners to chase. */
#include <stdlib.h>

#include "registers.h"

#define S(x) ISMS__V1__ACTION_STATUS__ACTION_STATUS_##x

/* Checks dates; done stamps done_on, reopening clears it. */
static int
action_check(struct register_ctx *ctx, Isms__V1__Record *rec,
             const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Action *a = rec->action;
	int rc;

	if ((rc = register_check_date("due_on", a->due_on, err)) != 0 ||
	    (rc = register_check_date("done_on", a->done_on, err)) != 0)
		return rc;
	if (register_leaving(&register_action, rec, old, S(DONE))) {
		free(a->done_on);
		a->done_on = NULL;
	}
	if (register_entering(&register_action, rec, old, S(DONE)))
		register_stamp_date(ctx, &a->done_on, NULL);
	return 0;
}

static const char *const action_required[] = {"kind", "due_on", NULL};

/* A done action reopens when it proves ineffective (10.2 d); a
 * cancelled one may be reopened. */
static const struct register_move action_moves[] = {
    {S(OPEN), S(IN_PROGRESS)},
    {S(OPEN), S(DONE)},
    {S(OPEN), S(CANCELLED)},
    {S(IN_PROGRESS), S(OPEN)},
    {S(IN_PROGRESS), S(DONE)},
    {S(IN_PROGRESS), S(CANCELLED)},
    {S(DONE), S(IN_PROGRESS)},
    {S(CANCELLED), S(OPEN)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state action_states[] = {
    {S(DONE), REGISTER_SETTLED},
    {S(CANCELLED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_action = {
    .owner_required = true,
    .review_days = 30,
    .initial_status = S(OPEN),
    .required = action_required,
    .moves = action_moves,
    .check = action_check,
    .states = action_states,
    /* An action is chased by its due date: one reminder, not two. */
    .due_replaces_review = true,
    REGISTER_ROW(action),
};
