/* scope.c: the ISMS scope (ISO 27001 4.3). */
/* Review every 365 days: the scope is confirmed at each management review. */
#include "registers.h"

#define S(x) ISMS__V1__SCOPE_STATUS__SCOPE_STATUS_##x

/* 4.3: every exclusion names what is left out and why. */
static int
scope_check(struct register_ctx *ctx, Isms__V1__Record *rec,
            const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__Scope *s = rec->scope;
	size_t i;

	(void)ctx;
	(void)old;
	for (i = 0; i < s->n_exclusions; i++) {
		const Isms__V1__Exclusion *x = s->exclusions[i];

		if (!register_has_text(x->what))
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field 'exclusions.what' is required: "
			    "exclusion %zu names nothing",
			    i + 1);
		if (!register_has_text(x->justification))
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field 'exclusions.justification' is "
			    "required: excluding '%s' needs a "
			    "justification",
			    x->what);
	}
	return 0;
}

static const char *const scope_required[] = {"statement", NULL};

/* A draft is approved; a revision goes back to draft; a new scope
 * record supersedes the old one for good. */
static const struct register_move scope_moves[] = {
    {S(DRAFT), S(APPROVED)},
    {S(DRAFT), S(SUPERSEDED)},
    {S(APPROVED), S(DRAFT)},
    {S(APPROVED), S(SUPERSEDED)},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state scope_states[] = {
    {S(SUPERSEDED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_scope = {
    .review_days = 365,
    .initial_status = S(DRAFT),
    .required = scope_required,
    .moves = scope_moves,
    .check = scope_check,
    .states = scope_states,
    REGISTER_ROW(scope),
};
