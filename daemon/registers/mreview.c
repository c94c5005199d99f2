/* mreview.c: management review (ISO 27001 9.3). */
/* Review every 365 days: top management reviews the ISMS at planned
 * intervals (9.3.1), yearly at least. */
#include "registers.h"

#define S(x) ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_##x

/* Checks the date. */
static int
mreview_check(struct register_ctx *ctx, Isms__V1__Record *rec,
              const Isms__V1__Record *old, struct isms_err *err)
{
	(void)ctx;
	(void)old;
	return register_check_date("held_on", rec->mreview->held_on, err);
}

static const char *const mreview_derived[] = {"approval", NULL};

/* "ismsctl mreview approve ID": top management approves the minutes
 * (the decisions), which closes the review; changed decisions reopen it. */
static const char *const mreview_covers[] = {"decisions", NULL};

static const struct register_signoff mreview_signoff = {
    .verb = "approve",
    .done = "approved",
    .field = "approval",
    .to = S(CLOSED),
    .fallback = S(HELD),
    .covers = mreview_covers,
};

/* 9.3.2 a-g: the inputs the review considered, when and who attended. */
#define MREVIEW_INPUTS                                                         \
	"held_on", "attendees", "input_previous_actions", "input_changes",     \
	    "input_party_needs", "input_performance", "input_party_feedback",  \
	    "input_risk", "input_improvement"

static const char *const mreview_held[] = {
    MREVIEW_INPUTS,
    NULL,
};

/* 9.3.3: the decisions, approved. */
static const char *const mreview_closed[] = {
    MREVIEW_INPUTS, "decisions", "approval.by", "approval.at", NULL,
};

/* planned -> held -> closed (minutes and actions issued); final. */
static const struct register_move mreview_moves[] = {
    {S(PLANNED), S(HELD)},
    {S(HELD), S(CLOSED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state mreview_states[] = {
    {S(HELD), 0, NULL, mreview_held, NULL, NULL},
    {S(CLOSED), REGISTER_SETTLED, NULL, mreview_closed, NULL, NULL},
    {0, 0},
};

const struct register_def register_mreview = {
    .review_days = 365,
    .initial_status = S(PLANNED),
    .moves = mreview_moves,
    .check = mreview_check,
    .derived = mreview_derived,
    .signoff = &mreview_signoff,
    .states = mreview_states,
    REGISTER_ROW(mreview),
};
