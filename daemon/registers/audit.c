/* audit.c: internal audits (ISO 27001 9.2). */
/* Review every 365 days: the audit programme (9.2.2) covers the ISMS at
 * least yearly. */
#include "registers.h"

#define S(x) ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_##x

/* Checks dates; a reported audit says when it ran and what it found. */
static int
audit_check(struct register_ctx *ctx, Isms__V1__Record *rec,
            const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__Audit *a = rec->audit;
	int rc;

	(void)ctx;
	(void)old;
	if ((rc = register_check_date("planned_on", a->planned_on, err)) != 0 ||
	    (rc = register_check_date("performed_on", a->performed_on, err)) !=
	        0)
		return rc;
	if (a->status != S(REPORTED) && a->status != S(CLOSED))
		return 0;
	if (!register_has_text(a->performed_on))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'performed_on' is required for a "
		                    "reported audit");
	if (!register_has_text(a->conclusion))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'conclusion' is required for a "
		                    "reported audit (9.2.2 c: results are "
		                    "reported)");
	return 0;
}

static const char *const audit_required[] = {"planned_on", NULL};

/* Fieldwork may be postponed (back to planned) or reopened after the
 * report; closed (findings handed over) is final. A planned audit that
 * will not happen is archived, not closed as if it had run. */
static const struct register_move audit_moves[] = {
    {S(PLANNED), S(IN_PROGRESS)},  {S(IN_PROGRESS), S(PLANNED)},
    {S(IN_PROGRESS), S(REPORTED)}, {S(REPORTED), S(IN_PROGRESS)},
    {S(REPORTED), S(CLOSED)},      {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state audit_states[] = {
    {S(CLOSED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_audit = {
    .review_days = 365,
    .initial_status = S(PLANNED),
    .required = audit_required,
    .moves = audit_moves,
    .check = audit_check,
    .states = audit_states,
    REGISTER_ROW(audit),
};
