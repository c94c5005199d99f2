/* finding.c: audit findings (ISO 27001 9.2). */
/* Review every 30 days: an open finding needs a response soon. */
#include <stdio.h>

#include "pbfield.h"
#include "registers.h"

#define S(x) ISMS__V1__FINDING_STATUS__FINDING_STATUS_##x

/* A nonconformity finding is answered before it closes (10.2). */
static int
finding_check(struct register_ctx *ctx, Isms__V1__Record *rec,
              const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__Finding *f = rec->finding;
	char kind[32];

	(void)ctx;
	if (old == NULL || old->finding->status != S(OPEN) ||
	    f->status != S(CLOSED))
		return 0;
	if (f->kind != ISMS__V1__FINDING_KIND__FINDING_KIND_MAJOR_NC &&
	    f->kind != ISMS__V1__FINDING_KIND__FINDING_KIND_MINOR_NC)
		return 0;
	if (pb_enum_name(&isms__v1__finding_kind__descriptor, f->kind, kind,
	                 sizeof kind) == NULL)
		snprintf(kind, sizeof kind, "%d", f->kind);
	return isms_err_set(err, ISMS_EINVAL,
	                    "field 'status' cannot move from open to closed "
	                    "for %s %s finding: a nonconformity is responded "
	                    "to first (10.2)",
	                    reglist_article(kind), kind);
}

static const char *const finding_required[] = {"kind", NULL};

/* A response may be rejected (back to open). Observations and
 * opportunities may close unanswered; nonconformities may not (see
 * finding_check). Closed is final: follow-up lives in the NC. */
static const struct register_move finding_moves[] = {
    {S(OPEN), S(RESPONDED)},
    {S(OPEN), S(CLOSED)},
    {S(RESPONDED), S(OPEN)},
    {S(RESPONDED), S(CLOSED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state finding_states[] = {
    {S(CLOSED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_finding = {
    .review_days = 30,
    .initial_status = S(OPEN),
    .required = finding_required,
    .moves = finding_moves,
    .check = finding_check,
    .states = finding_states,
    REGISTER_ROW(finding),
};
