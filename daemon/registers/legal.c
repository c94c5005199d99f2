/* legal.c: legal, statutory, regulatory and contractual requirements
 * (ISO 27001 A.5.31). */
/* Review every 365 days: the register of obligations is kept up to date
 * at least yearly (laws change; A.5.31). */
#include "registers.h"

#define S(x) ISMS__V1__LEGAL_STATUS__LEGAL_STATUS_##x

/* A claim of compliance says how the requirement is met. */
static int
legal_check(struct register_ctx *ctx, Isms__V1__Record *rec,
            const Isms__V1__Record *old, struct isms_err *err)
{
	(void)ctx;
	(void)old;
	if (rec->legal->status == S(COMPLIANT) &&
	    !register_has_text(rec->legal->how_met))
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'how_met' is required for a compliant "
		    "requirement");
	return 0;
}

static const char *const legal_required[] = {"kind", "reference", NULL};

/* Compliance is assessed and reassessed; a repealed law or ended
 * contract retires, and comes back as identified if it applies again. */
static const struct register_move legal_moves[] = {
    {S(IDENTIFIED), S(COMPLIANT)},
    {S(IDENTIFIED), S(GAP)},
    {S(IDENTIFIED), S(RETIRED)},
    {S(COMPLIANT), S(GAP)},
    {S(COMPLIANT), S(RETIRED)},
    {S(GAP), S(COMPLIANT)},
    {S(GAP), S(RETIRED)},
    {S(RETIRED), S(IDENTIFIED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state legal_states[] = {
    {S(RETIRED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_legal = {
    .review_days = 365,
    .initial_status = S(IDENTIFIED),
    .required = legal_required,
    .moves = legal_moves,
    .check = legal_check,
    .states = legal_states,
    REGISTER_ROW(legal),
};
