/* asset.c: the asset inventory (ISO 27001 A.5.9). */
#include "registers.h"

#define CIA_SCALE 5

static int
asset_check(struct register_ctx *ctx, Isms__V1__Record *rec,
            const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Asset *a = rec->asset;
	int rc;

	(void)old;
	(void)ctx;
	if ((rc = register_check_scale(
	         "confidentiality", a->has_confidentiality, a->confidentiality,
	         CIA_SCALE, err)) != 0 ||
	    (rc = register_check_scale("integrity", a->has_integrity,
	                               a->integrity, CIA_SCALE, err)) != 0 ||
	    (rc = register_check_scale("availability", a->has_availability,
	                               a->availability, CIA_SCALE, err)) != 0)
		return rc;
	return 0;
}

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state asset_states[] = {
    {ISMS__V1__ASSET_STATUS__ASSET_STATUS_RETIRED, REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_asset = {
    .owner_required = true,
    .review_days = 365,
    .initial_status = ISMS__V1__ASSET_STATUS__ASSET_STATUS_ACTIVE,
    .check = asset_check,
    .states = asset_states,
    REGISTER_ROW(asset),
};
