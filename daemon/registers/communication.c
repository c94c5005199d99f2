/* communication.c: internal and external communication (ISO 27001 7.4). */
/* Review every 180 days: a plan of what is said to whom drifts quickly. */
#include "registers.h"

#define S(x) ISMS__V1__COMMUNICATION_STATUS__COMMUNICATION_STATUS_##x

static const char *const communication_required[] = {"what", NULL};

/* done -> planned: a recurring communication plans its next occurrence;
 * a cancelled one may be planned again. */
static const struct register_move communication_moves[] = {
    {S(PLANNED), S(DONE)},
    {S(PLANNED), S(CANCELLED)},
    {S(DONE), S(PLANNED)},
    {S(CANCELLED), S(PLANNED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state communication_states[] = {
    {S(DONE), REGISTER_SETTLED},
    {S(CANCELLED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_communication = {
    .review_days = 180,
    .initial_status = S(PLANNED),
    .required = communication_required,
    .moves = communication_moves,
    .states = communication_states,
    REGISTER_ROW(communication),
};
