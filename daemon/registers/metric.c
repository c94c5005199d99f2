/* metric.c: monitoring and measurement (ISO 27001 9.1). */
/* Review every 90 days: is it still measured, does it still tell us
 * something? Measurements themselves are separate append-only entries. */
#include <string.h>

#include "kpi.h"
#include "registers.h"

#define S(x) ISMS__V1__METRIC_STATUS__METRIC_STATUS_##x

/* A frequency the server can schedule measurements by; one stored
 * before this rule stays readable until it is changed. */
static int
metric_check(struct register_ctx *ctx, Isms__V1__Record *rec,
             const Isms__V1__Record *old, struct isms_err *err)
{
	const char *f = rec->metric->frequency;
	struct kpi_period p;

	(void)ctx;
	if (f == NULL ||
	    (old != NULL && old->metric != NULL &&
	     old->metric->frequency != NULL &&
	     strcmp(old->metric->frequency, f) == 0) ||
	    kpi_period_parse(f, &p))
		return 0;
	return isms_err_set(err, ISMS_EINVAL,
	                    "field 'frequency' must be %s, not '%s'",
	                    KPI_FREQUENCIES, f);
}

static const char *const metric_required[] = {"measure", NULL};

static const struct register_move metric_moves[] = {
    {S(ACTIVE), S(RETIRED)},
    {S(RETIRED), S(ACTIVE)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state metric_states[] = {
    {S(RETIRED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_metric = {
    .review_days = 90,
    .initial_status = S(ACTIVE),
    .required = metric_required,
    .moves = metric_moves,
    .states = metric_states,
    .check = metric_check,
    REGISTER_ROW(metric),
};
