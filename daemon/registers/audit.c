/* audit.c: internal audits (ISO 27001 9.2). */
/* Review every 365 days: the audit programme (9.2.2) covers the ISMS at
 * least yearly. */
#include "registers.h"

#define S(x) ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_##x

/* Checks the dates. */
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
/* 9.2.2 c: a reported audit says when it ran and what it found. */
static const char *const audit_reported[] = {"performed_on", "conclusion",
                                             NULL};

static const struct register_state audit_states[] = {
    {S(REPORTED), 0, NULL, audit_reported, NULL, NULL},
    {S(CLOSED), REGISTER_SETTLED, NULL, audit_reported, NULL, NULL},
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
