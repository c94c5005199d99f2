/* treatment.c: the risk treatment plan (ISO 27001 6.1.3 e, 8.3). */
/* Review every 30 days: treatment items are work in progress. */
#include "registers.h"

#define S(x) ISMS__V1__TREATMENT_STATUS__TREATMENT_STATUS_##x

/* Checks dates and progress; a done treatment is at 100 percent. */
static int
treatment_check(struct register_ctx *ctx, Isms__V1__Record *rec,
                const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Treatment *t = rec->treatment;
	const Isms__V1__Treatment *o = old != NULL ? old->treatment : NULL;
	int rc;

	(void)ctx;
	if ((rc = register_check_date("due_on", t->due_on, err)) != 0)
		return rc;
	if (t->has_progress && t->progress > 100)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'progress' must be between 0 and 100 "
		    "(percent), got %u",
		    t->progress);
	/* Entering done: 100 unless the client sent another value now. */
	if (register_entering(&register_treatment, rec, old, S(DONE)) &&
	    (!t->has_progress ||
	     (o != NULL && o->has_progress && o->progress == t->progress))) {
		t->has_progress = 1;
		t->progress = 100;
	}
	if (t->status == S(DONE) && t->progress != 100)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'progress' must be 100 for a done "
		                    "treatment, got %u",
		                    t->progress);
	return 0;
}

static const char *const treatment_required[] = {"action", NULL};

/* done -> in_progress: the residual risk turned out unacceptable (8.3);
 * a cancelled item may be planned again. */
static const struct register_move treatment_moves[] = {
    {S(PLANNED), S(IN_PROGRESS)},
    {S(PLANNED), S(DONE)},
    {S(PLANNED), S(CANCELLED)},
    {S(IN_PROGRESS), S(PLANNED)},
    {S(IN_PROGRESS), S(DONE)},
    {S(IN_PROGRESS), S(CANCELLED)},
    {S(DONE), S(IN_PROGRESS)},
    {S(CANCELLED), S(PLANNED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state treatment_states[] = {
    {S(DONE), REGISTER_SETTLED},
    {S(CANCELLED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_treatment = {
    .owner_required = true,
    .review_days = 30,
    .initial_status = S(PLANNED),
    .required = treatment_required,
    .moves = treatment_moves,
    .check = treatment_check,
    .states = treatment_states,
    REGISTER_ROW(treatment),
};
