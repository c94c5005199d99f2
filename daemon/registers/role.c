/* role.c: roles, responsibilities and authorities (ISO 27001 5.3). */
/* Review every 365 days, and whenever people change (a vacant role). */
#include "registers.h"

#define S(x) ISMS__V1__ROLE_STATUS__ROLE_STATUS_##x

/* 5.3 assigns responsibilities and authorities: a role without them is
 * a name only. */
static const char *const role_required[] = {"responsibilities", NULL};

/* Holders come and go; a retired role may be re-established. */
static const struct register_move role_moves[] = {
    {S(ACTIVE), S(VACANT)},
    {S(ACTIVE), S(RETIRED)},
    {S(VACANT), S(ACTIVE)},
    {S(VACANT), S(RETIRED)},
    {S(RETIRED), S(ACTIVE)},
    {S(RETIRED), S(VACANT)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state role_states[] = {
    {S(RETIRED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_role = {
    .review_days = 365,
    .initial_status = S(ACTIVE),
    .required = role_required,
    .moves = role_moves,
    .states = role_states,
    REGISTER_ROW(role),
};
