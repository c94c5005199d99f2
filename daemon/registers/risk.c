/* risk.c: the risk register (ISO 27001 6.1.2, 8.2). */
#include <stdlib.h>
#include <string.h>

#include "registers.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The default method: 1-5 x 1-5, bands on the score. */
#define RISK_SCALE 5

static const struct {
	uint32_t min_score;
	const char *level;
} risk_bands[] = {
    {20, "critical"},
    {10, "high"},
    {5, "medium"},
    {1, "low"},
};

/* Derives score and level from a likelihood and impact pair. */
static void
risk_derive(protobuf_c_boolean has_l, uint32_t l, protobuf_c_boolean has_i,
            uint32_t i, protobuf_c_boolean *has_score, uint32_t *score,
            char **level)
{
	size_t b;

	free(*level);
	*level = NULL;
	*has_score = has_l && has_i;
	*score = *has_score ? l * i : 0;
	if (!*has_score)
		return;
	for (b = 0; b < sizeof risk_bands / sizeof risk_bands[0]; b++)
		if (*score >= risk_bands[b].min_score) {
			*level = xstrdup(risk_bands[b].level);
			return;
		}
}

static int
risk_check(Isms__V1__Record *rec, const Isms__V1__Record *old,
           struct isms_err *err)
{
	Isms__V1__Risk *r = rec->risk;
	int rc;

	(void)old;
	if ((rc = register_check_scale("likelihood", r->has_likelihood,
	                               r->likelihood, RISK_SCALE, err)) != 0 ||
	    (rc = register_check_scale("impact", r->has_impact, r->impact,
	                               RISK_SCALE, err)) != 0 ||
	    (rc = register_check_scale(
	         "residual_likelihood", r->has_residual_likelihood,
	         r->residual_likelihood, RISK_SCALE, err)) != 0 ||
	    (rc = register_check_scale(
	         "residual_impact", r->has_residual_impact, r->residual_impact,
	         RISK_SCALE, err)) != 0)
		return rc;
	if (r->acceptance != NULL && r->acceptance->until != NULL &&
	    !timefmt_date_valid(r->acceptance->until))
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'acceptance.until' must be a date YYYY-MM-DD");
	risk_derive(r->has_likelihood, r->likelihood, r->has_impact, r->impact,
	            &r->has_score, &r->score, &r->level);
	risk_derive(r->has_residual_likelihood, r->residual_likelihood,
	            r->has_residual_impact, r->residual_impact,
	            &r->has_residual_score, &r->residual_score,
	            &r->residual_level);
	r->has_method_rev = 1;
	r->method_rev = 1;
	return 0;
}

static const char *const risk_derived[] = {
	"score", "level", "residual_score", "residual_level", "method_rev", NULL,
};

const struct register_def register_risk = {
    .name = "risk",
    .prefix = "RSK",
    .body_case = ISMS__V1__RECORD__BODY_RISK,
    .review_days = 90,
    .initial_status = ISMS__V1__RISK_STATUS__RISK_STATUS_OPEN,
    .check = risk_check,
    .derived = risk_derived,
};
