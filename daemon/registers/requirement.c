/* requirement.c: the clause 4-10 requirements (4.1 ... 10.2), the gap
 * analysis. Records come only from the catalog. */
/* Review every 365 days: the gap analysis is redone at least yearly,
 * before the management review. */
#include <ctype.h>

#include "registers.h"

#define S(x) ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_##x

/* Whether id is a clause number: 4, 4.1, 6.1.2, 10.2 (no leading 0). */
static bool
requirement_owns_id(const char *id)
{
	const char *p = id;

	for (;;) {
		if (!isdigit((unsigned char)*p) || *p == '0')
			return false;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			return true;
		if (*p++ != '.')
			return false;
	}
}

/* A met clause shows its evidence; headings are not assessed. */
static int
requirement_check(struct register_ctx *ctx, Isms__V1__Record *rec,
                  const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__Requirement *r = rec->requirement;
	int rc;

	(void)ctx;
	if ((rc = register_check_derived(&register_requirement, rec, old,
	                                 err)) != 0)
		return rc;
	if (old != NULL && r->has_assessable && !r->assessable &&
	    r->status != old->requirement->status)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'status' cannot be set on %s: it is a "
		    "heading, assess its subclauses",
		    rec->id);
	if (r->status == S(MET) && !register_has_text(r->evidence))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'evidence' is required for a met "
		                    "requirement");
	return 0;
}

static const char *const requirement_derived[] = {"parent", "assessable",
                                                  "text", "edition", NULL};

/* The status is an assessment, not a workflow: any state may follow any
 * other (an audit can find a met clause not met at all). */
static const struct register_move requirement_moves[] = {
    {S(NOT_MET), S(PARTIAL)},
    {S(NOT_MET), S(MET)},
    {S(PARTIAL), S(NOT_MET)},
    {S(PARTIAL), S(MET)},
    {S(MET), S(NOT_MET)},
    {S(MET), S(PARTIAL)},
    {0, 0},
};

const struct register_def register_requirement = {
    .review_days = 365,
    .initial_status = S(NOT_MET),
    .moves = requirement_moves,
    .derived = requirement_derived,
    .owns_id = requirement_owns_id,
    .catalog_only = true,
    .check = requirement_check,
    REGISTER_ROW(requirement),
};
