/* mreview.c: management review (ISO 27001 9.3). */
/* Review every 365 days: top management reviews the ISMS at planned
 * intervals (9.3.1), yearly at least. */
#include "registers.h"

#define S(x) ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_##x

/* Checks the date; a held review records when and who attended. */
static int
mreview_check(struct register_ctx *ctx, Isms__V1__Record *rec,
              const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__Mreview *m = rec->mreview;
	int rc;

	(void)ctx;
	(void)old;
	if ((rc = register_check_date("held_on", m->held_on, err)) != 0)
		return rc;
	if (m->status != S(HELD) && m->status != S(CLOSED))
		return 0;
	if (!register_has_text(m->held_on))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'held_on' is required for a held "
		                    "management review");
	if (m->n_attendees == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'attendees' is required for a held "
		                    "management review (9.3: top management "
		                    "attends)");
	return 0;
}

/* planned -> held -> closed (minutes and actions issued); final. */
static const struct register_move mreview_moves[] = {
    {S(PLANNED), S(HELD)},
    {S(HELD), S(CLOSED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state mreview_states[] = {
    {S(CLOSED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_mreview = {
    .review_days = 365,
    .initial_status = S(PLANNED),
    .moves = mreview_moves,
    .check = mreview_check,
    .states = mreview_states,
    REGISTER_ROW(mreview),
};
