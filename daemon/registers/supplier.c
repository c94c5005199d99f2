/* supplier.c: suppliers (ISO 27001 A.5.19-5.22). */
/* Review every 365 days: A.5.22 monitors and reviews suppliers yearly at
 * least; critical ones get a shorter interval on the record itself. */
#include "registers.h"

#define S(x) ISMS__V1__SUPPLIER_STATUS__SUPPLIER_STATUS_##x

/* Checks the dates. */
static int
supplier_check(struct register_ctx *ctx, Isms__V1__Record *rec,
               const Isms__V1__Record *old, struct isms_err *err)
{
	(void)ctx;
	(void)old;
	return register_check_date("last_assessed_on",
	                           rec->supplier->last_assessed_on, err);
}

static const char *const supplier_required[] = {"service", "criticality", NULL};

/* An offboarded supplier comes back through onboarding (due diligence
 * again, A.5.19), never straight to active. */
static const struct register_move supplier_moves[] = {
    {S(ONBOARDING), S(ACTIVE)},
    {S(ONBOARDING), S(OFFBOARDED)},
    {S(ACTIVE), S(OFFBOARDED)},
    {S(OFFBOARDED), S(ONBOARDING)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state supplier_states[] = {
    {S(OFFBOARDED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_supplier = {
    .review_days = 365,
    .initial_status = S(ONBOARDING),
    .required = supplier_required,
    .moves = supplier_moves,
    .check = supplier_check,
    .states = supplier_states,
    REGISTER_ROW(supplier),
};
