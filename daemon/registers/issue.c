/* issue.c: internal and external issues (ISO 27001 4.1). */
/* Review every 180 days: the context changes faster than the scope. */
#include "registers.h"

#define S(x) ISMS__V1__ISSUE_STATUS__ISSUE_STATUS_##x

static const char *const issue_required[] = {"kind", NULL};

/* An issue is watched or closed; a closed one may come back when the
 * context changes (4.1 is re-determined, not archived). */
static const struct register_move issue_moves[] = {
    {S(OPEN), S(MONITORED)},   {S(OPEN), S(CLOSED)}, {S(MONITORED), S(OPEN)},
    {S(MONITORED), S(CLOSED)}, {S(CLOSED), S(OPEN)}, {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state issue_states[] = {
    {S(CLOSED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_issue = {
    .review_days = 180,
    .initial_status = S(OPEN),
    .required = issue_required,
    .moves = issue_moves,
    .states = issue_states,
    REGISTER_ROW(issue),
};
