/* nonconformity.c: nonconformity and corrective action (ISO 27001 10.2). */
/* Review every 30 days: corrective action is tracked to closure. */
#include "registers.h"

#define S(x) ISMS__V1__NONCONFORMITY_STATUS__NONCONFORMITY_STATUS_##x

/* The 10.2 steps each leave their evidence before the next. */
static int
nonconformity_check(struct register_ctx *ctx, Isms__V1__Record *rec,
                    const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Nonconformity *n = rec->nonconformity;
	const Isms__V1__Effectiveness *was =
	    old != NULL ? old->nonconformity->effectiveness : NULL;
	Isms__V1__Effectiveness *e = n->effectiveness;

	if (n->status == S(CORRECTION_DONE) &&
	    !register_has_text(n->correction))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'correction' is required once the "
		                    "correction is done (10.2 a)");
	if (n->status == S(ACTION_PLANNED) && !register_has_text(n->root_cause))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'root_cause' is required to plan "
		                    "corrective action (10.2 b)");
	if (old != NULL && old->nonconformity->status == S(CORRECTION_DONE) &&
	    n->status == S(CLOSED) && !register_has_text(n->root_cause))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'root_cause' is required to close "
		                    "without corrective action: it records why "
		                    "none is needed (10.2 b)");
	if (n->status != S(EFFECTIVENESS_VERIFIED))
		return 0;
	if (e == NULL || !register_has_text(e->by))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'effectiveness.by' is required to "
		                    "verify effectiveness (10.2 d)");
	if (!register_has_text(e->result))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'effectiveness.result' is required "
		                    "to verify effectiveness (10.2 d)");
	/* The check's time is now unless the client sent a new one. */
	if (register_entering(&register_nonconformity, rec, old,
	                      S(EFFECTIVENESS_VERIFIED)) &&
	    (!e->has_at || (was != NULL && was->has_at && was->at == e->at))) {
		e->has_at = 1;
		e->at = ctx->now;
	}
	return 0;
}

static const char *const nonconformity_required[] = {"description", "source",
                                                     NULL};

/* open -> correction_done -> action_planned -> effectiveness_verified ->
 * closed. Correction is "as applicable" (10.2 a), so open may go to
 * action_planned; a correction alone may close when the evaluation of
 * causes finds no action needed (10.2 b); a failed effectiveness check
 * goes back to action_planned. Closed is final: a recurrence is a new
 * nonconformity. */
static const struct register_move nonconformity_moves[] = {
    {S(OPEN), S(CORRECTION_DONE)},
    {S(OPEN), S(ACTION_PLANNED)},
    {S(CORRECTION_DONE), S(ACTION_PLANNED)},
    {S(CORRECTION_DONE), S(CLOSED)},
    {S(ACTION_PLANNED), S(EFFECTIVENESS_VERIFIED)},
    {S(EFFECTIVENESS_VERIFIED), S(ACTION_PLANNED)},
    {S(EFFECTIVENESS_VERIFIED), S(CLOSED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state nonconformity_states[] = {
    {S(CLOSED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_nonconformity = {
    .owner_required = true,
    .review_days = 30,
    .initial_status = S(OPEN),
    .required = nonconformity_required,
    .moves = nonconformity_moves,
    .check = nonconformity_check,
    .states = nonconformity_states,
    REGISTER_ROW(nonconformity),
};
