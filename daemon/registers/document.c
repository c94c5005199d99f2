/* document.c: documented information (ISO 27001 5.2, 7.5). */
/* Review every 365 days: policies are reviewed at planned intervals
 * (5.2, A.5.1), yearly in practice. */
#include <string.h>

#include "registers.h"

#define S(x) ISMS__V1__DOCUMENT_STATUS__DOCUMENT_STATUS_##x

/* Whether two optional strings differ. */
static bool
document_differs(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

/* 7.5.2 c / 7.5.3: approval before use, change control after. */
static int
document_check(struct register_ctx *ctx, Isms__V1__Record *rec,
               const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Document *d = rec->document;
	const Isms__V1__Document *o = old != NULL ? old->document : NULL;

	/* A new version in draft carries no approval (history keeps it). */
	if (old != NULL &&
	    register_entering(&register_document, rec, old, S(DRAFT)) &&
	    d->approval != NULL) {
		protobuf_c_message_free_unpacked(&d->approval->base, NULL);
		d->approval = NULL;
	}
	if (d->status != S(APPROVED))
		return 0;
	if (d->approval == NULL || !register_has_text(d->approval->by))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'approval.by' is required for an "
		                    "approved document");
	if (register_entering(&register_document, rec, old, S(APPROVED)) &&
	    (!d->approval->has_at ||
	     (o != NULL && o->approval != NULL && o->approval->has_at &&
	      o->approval->at == d->approval->at))) {
		d->approval->has_at = 1;
		d->approval->at = ctx->now;
	}
	if (o != NULL && o->status == S(APPROVED)) {
		if (document_differs(d->version, o->version))
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field 'version' cannot change on an "
			    "approved document; move it to draft "
			    "for a new version");
		if (document_differs(d->content_hash, o->content_hash))
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field 'content_hash' cannot change "
			    "on an approved document; move it to "
			    "draft for a new version");
	}
	return 0;
}

static const char *const document_required[] = {"kind", NULL};

/* approved -> draft starts a new version; a retired document is
 * reinstated only through draft and a fresh approval. */
static const struct register_move document_moves[] = {
    {S(DRAFT), S(APPROVED)},   {S(DRAFT), S(RETIRED)}, {S(APPROVED), S(DRAFT)},
    {S(APPROVED), S(RETIRED)}, {S(RETIRED), S(DRAFT)}, {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state document_states[] = {
    {S(RETIRED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_document = {
    .owner_required = true,
    .review_days = 365,
    .initial_status = S(DRAFT),
    .required = document_required,
    .moves = document_moves,
    .check = document_check,
    .states = document_states,
    REGISTER_ROW(document),
};
