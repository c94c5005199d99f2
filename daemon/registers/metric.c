/* metric.c: monitoring and measurement (ISO 27001 9.1). */
/* Review every 90 days: is it still measured, does it still tell us
 * something? Measurements themselves are separate append-only entries. */
#include "registers.h"

#define S(x) ISMS__V1__METRIC_STATUS__METRIC_STATUS_##x

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
    REGISTER_ROW(metric),
};
