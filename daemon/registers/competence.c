/* competence.c: competence and awareness (ISO 27001 7.2, 7.3). */
/* Review every 365 days: awareness is refreshed yearly; expiry dates of
 * qualifications are on the record. */
#include <string.h>

#include "registers.h"

#define S(x) ISMS__V1__COMPETENCE_STATUS__COMPETENCE_STATUS_##x

/* Checks dates; completing stamps completed_on unless a new one is sent. */
static int
competence_check(struct register_ctx *ctx, Isms__V1__Record *rec,
                 const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Competence *c = rec->competence;
	int rc;

	if ((rc = register_check_date("completed_on", c->completed_on, err)) !=
	        0 ||
	    (rc = register_check_date("expires_on", c->expires_on, err)) != 0)
		return rc;
	/* A renewal (expired -> completed) needs a new date, not the old. */
	if (register_entering(&register_competence, rec, old, S(COMPLETED)))
		register_stamp_date(ctx, &c->completed_on,
		                    old != NULL ? old->competence->completed_on
		                                : NULL);
	if (register_has_text(c->completed_on) &&
	    register_has_text(c->expires_on) &&
	    strcmp(c->expires_on, c->completed_on) < 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'expires_on' (%s) is before "
		                    "completed_on (%s)",
		                    c->expires_on, c->completed_on);
	return 0;
}

static const char *const competence_required[] = {"person", "training", NULL};

/* A qualification expires and is renewed (planned again, or completed
 * straight away); it never goes back from completed to planned. */
static const struct register_move competence_moves[] = {
    {S(PLANNED), S(COMPLETED)},
    {S(COMPLETED), S(EXPIRED)},
    {S(EXPIRED), S(PLANNED)},
    {S(EXPIRED), S(COMPLETED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state competence_states[] = {
    {S(EXPIRED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_competence = {
    .review_days = 365,
    .initial_status = S(PLANNED),
    .required = competence_required,
    .moves = competence_moves,
    .check = competence_check,
    .states = competence_states,
    REGISTER_ROW(competence),
};
