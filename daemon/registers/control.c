/* control.c: the Statement of Applicability (ISO 27001 6.1.3 d): the
 * Annex A controls (A.5.1 ... A.8.34, from the catalog) and the
 * organisation's own (CTL-0001). */
/* Review every 365 days: the SoA is confirmed yearly (and after changes). */
#include <ctype.h>

#include "registers.h"

#define S(x) ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_##x

/* Skips one run of digits without a leading zero; NULL if there is none. */
static const char *
control_number(const char *p)
{
	if (!isdigit((unsigned char)*p) || *p == '0')
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

/* Whether id is an Annex A control id: A.<digits>.<digits>. */
static bool
control_owns_id(const char *id)
{
	const char *p;

	if (id[0] != 'A' || id[1] != '.' ||
	    (p = control_number(id + 2)) == NULL || *p != '.' ||
	    (p = control_number(p + 1)) == NULL)
		return false;
	return *p == '\0';
}

/* The SoA's consistency: applicability, its justification, status. */
static int
control_check(struct register_ctx *ctx, Isms__V1__Record *rec,
              const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__Control *c = rec->control;
	bool excluded = c->has_applicable && !c->applicable;
	int rc;

	(void)ctx;
	if ((rc = register_check_derived(&register_control, rec, old, err)) !=
	        0 ||
	    (rc = register_check_date("last_tested_on", c->last_tested_on,
	                              err)) != 0)
		return rc;
	if (excluded && !register_has_text(c->justification))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'justification' is required: "
		                    "excluding a control needs a justification "
		                    "(6.1.3 d)");
	if (excluded && c->status != S(NOT_STARTED))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'status' must be not_started for a "
		                    "control that is not applicable");
	if (c->status == S(IMPLEMENTED) && !c->applicable)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'applicable' must be yes for an "
		                    "implemented control");
	return 0;
}

static const char *const control_derived[] = {"theme", "text", "edition", NULL};

/* Forward in any step (a control may already be in place when first
 * assessed); back one step when a test finds gaps; any state back to
 * not_started when the control is withdrawn or excluded. An implemented
 * control that degrades is partial, not merely planned. */
static const struct register_move control_moves[] = {
    {S(NOT_STARTED), S(PLANNED)},     {S(NOT_STARTED), S(PARTIAL)},
    {S(NOT_STARTED), S(IMPLEMENTED)}, {S(PLANNED), S(NOT_STARTED)},
    {S(PLANNED), S(PARTIAL)},         {S(PLANNED), S(IMPLEMENTED)},
    {S(PARTIAL), S(NOT_STARTED)},     {S(PARTIAL), S(PLANNED)},
    {S(PARTIAL), S(IMPLEMENTED)},     {S(IMPLEMENTED), S(NOT_STARTED)},
    {S(IMPLEMENTED), S(PARTIAL)},     {0, 0},
};

const struct register_def register_control = {
    .review_days = 365,
    .initial_status = S(NOT_STARTED),
    .owner_required = true,
    .owner_when = "applicable",
    .moves = control_moves,
    .derived = control_derived,
    .owns_id = control_owns_id,
    .check = control_check,
    REGISTER_ROW(control),
};
