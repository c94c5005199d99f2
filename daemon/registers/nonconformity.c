/* nonconformity.c: nonconformity and corrective action (ISO 27001 10.2). */
/* Review every 30 days: corrective action is tracked to closure. */
#include "registers.h"

#define S(x) ISMS__V1__NONCONFORMITY_STATUS__NONCONFORMITY_STATUS_##x

static const char *const nonconformity_required[] = {"description", "source",
                                                     NULL};

static const char *const nonconformity_derived[] = {"effectiveness", NULL};

/* "ismsctl nonconformity verify ID [result=...]" (10.2 d). */
static const struct register_signoff nonconformity_signoff = {
    .verb = "verify",
    .done = "verified",
    .field = "effectiveness",
    .to = S(EFFECTIVENESS_VERIFIED),
    .fallback = S(ACTION_PLANNED),
    .note = "result",
};

/* The 10.2 steps each leave their evidence before the next. */
static const char *const nonconformity_correction[] = {"correction", NULL};
static const char *const nonconformity_planned[] = {"root_cause", NULL};
static const char *const nonconformity_verified[] = {
    "correction",       "root_cause",           "effectiveness.by",
    "effectiveness.at", "effectiveness.result", NULL};

/* 10.2 c, f: the corrective action taken, done. */
static const struct register_linked nonconformity_action = {
    "action", ISMS__V1__ACTION_STATUS__ACTION_STATUS_DONE};

/* open -> correction_done -> action_planned -> effectiveness_verified ->
 * closed. Correction is "as applicable" (10.2 a), so open may go to
 * action_planned; a failed effectiveness check goes back to
 * action_planned. A nonconformity closes only once a done corrective
 * action was verified effective. Closed is final: a recurrence is a new
 * nonconformity. */
static const struct register_move nonconformity_moves[] = {
    {S(OPEN), S(CORRECTION_DONE)},
    {S(OPEN), S(ACTION_PLANNED)},
    {S(CORRECTION_DONE), S(ACTION_PLANNED)},
    {S(ACTION_PLANNED), S(EFFECTIVENESS_VERIFIED)},
    {S(EFFECTIVENESS_VERIFIED), S(ACTION_PLANNED)},
    {S(EFFECTIVENESS_VERIFIED), S(CLOSED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state nonconformity_states[] = {
    {S(CORRECTION_DONE), 0, NULL, nonconformity_correction, NULL, NULL},
    {S(ACTION_PLANNED), 0, NULL, nonconformity_planned, NULL, NULL},
    {S(EFFECTIVENESS_VERIFIED), 0, NULL, nonconformity_verified,
     &nonconformity_action, NULL},
    {S(CLOSED), REGISTER_SETTLED, NULL, nonconformity_verified,
     &nonconformity_action, NULL},
    {0, 0},
};

const struct register_def register_nonconformity = {
    .owner_required = true,
    .review_days = 30,
    .initial_status = S(OPEN),
    .required = nonconformity_required,
    .moves = nonconformity_moves,
    .derived = nonconformity_derived,
    .signoff = &nonconformity_signoff,
    .states = nonconformity_states,
    REGISTER_ROW(nonconformity),
};
