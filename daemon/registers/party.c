/* party.c: interested parties and their requirements (ISO 27001 4.2). */
/* Review every 365 days, with the scope that rests on them (4.3 b). */
#include "registers.h"

#define S(x) ISMS__V1__PARTY_STATUS__PARTY_STATUS_##x

static const char *const party_required[] = {"party", NULL};

static const struct register_move party_moves[] = {
    {S(ACTIVE), S(INACTIVE)},
    {S(INACTIVE), S(ACTIVE)},
    {0, 0},
};

const struct register_def register_party = {
    .review_days = 365,
    .initial_status = S(ACTIVE),
    .required = party_required,
    .moves = party_moves,
    REGISTER_ROW(party),
};
