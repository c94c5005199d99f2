/* objective.c: information security objectives (ISO 27001 6.2). */
/* Review every 90 days: 6.2 d asks for objectives to be monitored, and a
 * quarter is the usual reporting cycle. */
#include <string.h>

#include "kpi.h"
#include "registers.h"

#define S(x) ISMS__V1__OBJECTIVE_STATUS__OBJECTIVE_STATUS_##x

/* Checks the due date; an evaluated objective states its result. */
static int
objective_check(struct register_ctx *ctx, Isms__V1__Record *rec,
                const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__Objective *o = rec->objective;
	struct kpi_target t;
	int rc;

	(void)ctx;
	if ((rc = register_check_date("due_on", o->due_on, err)) != 0)
		return rc;
	/* A target the server can compare a measurement with; one stored
	 * before this rule stays until the target is changed. */
	if (o->target != NULL &&
	    (old == NULL || old->objective == NULL ||
	     old->objective->target == NULL ||
	     strcmp(old->objective->target, o->target) != 0) &&
	    !kpi_target_parse(o->target, &t))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'target' must be %s, not '%s'",
		                    KPI_TARGETS, o->target);
	if ((o->status == S(ACHIEVED) || o->status == S(MISSED)) &&
	    !register_has_text(o->result))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'result' is required to mark an "
		                    "objective %s (6.2: how results are "
		                    "evaluated)",
		                    o->status == S(ACHIEVED) ? "achieved"
		                                             : "missed");
	return 0;
}

static const char *const objective_required[] = {"measure", "target", NULL};

/* Filled on reads from the measured_by metric, never stored. */
static const char *const objective_derived[] = {"progress", NULL};

/* Tracked between on_track and at_risk until evaluated; achieved and
 * missed are final: the next period gets a new objective. */
static const struct register_move objective_moves[] = {
    {S(PLANNED), S(ON_TRACK)},
    {S(PLANNED), S(AT_RISK)},
    {S(PLANNED), S(ACHIEVED)},
    {S(PLANNED), S(MISSED)},
    {S(ON_TRACK), S(AT_RISK)},
    {S(ON_TRACK), S(ACHIEVED)},
    {S(ON_TRACK), S(MISSED)},
    {S(AT_RISK), S(ON_TRACK)},
    {S(AT_RISK), S(ACHIEVED)},
    {S(AT_RISK), S(MISSED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state objective_states[] = {
    {S(ACHIEVED), REGISTER_SETTLED},
    {S(MISSED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_objective = {
    .owner_required = true,
    .review_days = 90,
    .initial_status = S(PLANNED),
    .required = objective_required,
    .moves = objective_moves,
    .check = objective_check,
    .derived = objective_derived,
    .states = objective_states,
    REGISTER_ROW(objective),
};
