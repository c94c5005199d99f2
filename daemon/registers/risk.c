/* risk.c: the risk register (ISO 27001 6.1.2, 8.2). */
#include <stdlib.h>
#include <string.h>

#include "method.h"
#include "registers.h"
#include "timefmt.h"
#include "xmalloc.h"

/* Derives score and level of one likelihood and impact pair. */
static void
risk_derive(const Isms__V1__RiskMethod *m, protobuf_c_boolean has_l, uint32_t l,
            protobuf_c_boolean has_i, uint32_t i, protobuf_c_boolean *has_score,
            uint32_t *score, char **level)
{
	const Isms__V1__RiskLevel *band;

	free(*level);
	*level = NULL;
	*has_score = has_l && has_i;
	*score = *has_score ? l * i : 0;
	if (*has_score && (band = method_level(m, *score)) != NULL)
		*level = xstrdup(band->name);
}

/* 6.1.3 f: above the method's acceptance threshold, only the risk owner
 * accepts the residual risk. */
static int
risk_accepted_by_owner(const struct register_ctx *ctx,
                       const Isms__V1__Record *rec, struct isms_err *err)
{
	const Isms__V1__Risk *r = rec->risk;
	const Isms__V1__Acceptance *a = r->acceptance;
	uint32_t score;

	score = r->has_residual_score ? r->residual_score : r->score;
	if (ctx->method == NULL || !ctx->method->has_acceptance_threshold ||
	    score <= ctx->method->acceptance_threshold)
		return 0;
	if (a == NULL || a->by == NULL || rec->owner == NULL ||
	    strcmp(a->by, rec->owner) != 0)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "score %u is above the acceptance threshold "
		    "%u: only the risk owner (%s) accepts it",
		    score, ctx->method->acceptance_threshold,
		    rec->owner ? rec->owner : "none set");
	return 0;
}

static int
risk_check(struct register_ctx *ctx, Isms__V1__Record *rec,
           const Isms__V1__Record *old, struct isms_err *err)
{
	const Isms__V1__RiskMethod *m = ctx->method;
	const Isms__V1__RiskLevel *band;
	Isms__V1__Risk *r = rec->risk;
	uint32_t ls = (uint32_t)m->n_likelihood_labels;
	uint32_t is = (uint32_t)m->n_impact_labels;
	int rc;

	(void)old;
	if ((rc = register_check_scale("likelihood", r->has_likelihood,
	                               r->likelihood, ls, err)) != 0 ||
	    (rc = register_check_scale("impact", r->has_impact, r->impact, is,
	                               err)) != 0 ||
	    (rc = register_check_scale("residual_likelihood",
	                               r->has_residual_likelihood,
	                               r->residual_likelihood, ls, err)) != 0 ||
	    (rc =
	         register_check_scale("residual_impact", r->has_residual_impact,
	                              r->residual_impact, is, err)) != 0)
		return rc;
	if (r->acceptance != NULL &&
	    (rc = register_check_date("acceptance.until", r->acceptance->until,
	                              err)) != 0)
		return rc;
	risk_derive(m, r->has_likelihood, r->likelihood, r->has_impact,
	            r->impact, &r->has_score, &r->score, &r->level);
	risk_derive(m, r->has_residual_likelihood, r->residual_likelihood,
	            r->has_residual_impact, r->residual_impact,
	            &r->has_residual_score, &r->residual_score,
	            &r->residual_level);
	r->has_method_rev = 1;
	r->method_rev = m->rev;
	/* The review interval follows the level (residual if assessed). */
	band = method_level(m, r->has_residual_score ? r->residual_score
	                                             : r->score);
	if (band != NULL) {
		rec->has_review_interval_days = 1;
		rec->review_interval_days = band->review_days;
	}
	return 0;
}

static const char *const risk_derived[] = {
    "score",      "level", "residual_score", "residual_level", "method_rev",
    "acceptance", NULL,
};

/* The acceptance covers the scores it accepted. */
static const char *const risk_covers[] = {
    "likelihood", "impact", "residual_likelihood", "residual_impact", NULL,
};

/* "ismsctl risk accept ID [--until DATE] [note=...]". */
static const struct register_signoff risk_signoff = {
    .verb = "accept",
    .done = "accepted",
    .field = "acceptance",
    .to = ISMS__V1__RISK_STATUS__RISK_STATUS_ACCEPTED,
    .fallback = ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED,
    .covers = risk_covers,
    .note = "note",
    .until = true,
};

static const char *const risk_accepted_evidence[] = {"acceptance.by",
                                                     "acceptance.at", NULL};

static const struct register_rule risk_owner_rule = {
    "above the method's acceptance threshold, acceptance.by is the risk "
    "owner",
    risk_accepted_by_owner,
};

static const struct register_move risk_moves[] = {
    {ISMS__V1__RISK_STATUS__RISK_STATUS_OPEN,
     ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_OPEN,
     ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED,
     ISMS__V1__RISK_STATUS__RISK_STATUS_TREATING},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED,
     ISMS__V1__RISK_STATUS__RISK_STATUS_ACCEPTED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED,
     ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_TREATING,
     ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_TREATING,
     ISMS__V1__RISK_STATUS__RISK_STATUS_ACCEPTED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_TREATING,
     ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_ACCEPTED,
     ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_ACCEPTED,
     ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED,
     ISMS__V1__RISK_STATUS__RISK_STATUS_OPEN},
    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state risk_states[] = {
    {ISMS__V1__RISK_STATUS__RISK_STATUS_ACCEPTED, 0, NULL,
     risk_accepted_evidence, NULL, &risk_owner_rule},
    {ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED, REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_risk = {
    .owner_required = true,
    .review_days = 90,
    .initial_status = ISMS__V1__RISK_STATUS__RISK_STATUS_OPEN,
    .moves = risk_moves,
    .derived = risk_derived,
    .signoff = &risk_signoff,
    .uses_method = true,
    .check = risk_check,
    .states = risk_states,
    REGISTER_ROW(risk),
};
