/* finding.c: audit findings (ISO 27001 9.2). */
/* Review every 30 days: an open finding needs a response soon. */
#include "registers.h"

#define S(x) ISMS__V1__FINDING_STATUS__FINDING_STATUS_##x

static const char *const finding_required[] = {"kind", NULL};

/* 10.2: a nonconformity finding is answered by a nonconformity record. */
static const struct register_linked finding_nc = {"nonconformity", 0};

/* A response may be rejected (back to open). Observations and
 * opportunities may close unanswered; nonconformities close only once
 * linked with their nonconformity record (finding_states). Closed is final: follow-up lives in the NC. */
static const struct register_move finding_moves[] = {
    {S(OPEN), S(RESPONDED)},
    {S(OPEN), S(CLOSED)},
    {S(RESPONDED), S(OPEN)},
    {S(RESPONDED), S(CLOSED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state finding_states[] = {
    {S(CLOSED), REGISTER_SETTLED, "kind=major_nc|minor_nc", NULL, &finding_nc,
     NULL},
    {0, 0},
};

const struct register_def register_finding = {
    .review_days = 30,
    .initial_status = S(OPEN),
    .required = finding_required,
    .moves = finding_moves,
    .states = finding_states,
    REGISTER_ROW(finding),
};
