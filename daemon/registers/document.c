/* document.c: documented information (ISO 27001 5.2, 7.5). */
/* Review every 365 days: policies are reviewed at planned intervals
 * (5.2, A.5.1), yearly in practice. */
#include "registers.h"

#define S(x) ISMS__V1__DOCUMENT_STATUS__DOCUMENT_STATUS_##x

/* 7.5.3: a new version in draft carries no approval (history keeps it). */
static int
document_check(struct register_ctx *ctx, Isms__V1__Record *rec,
               const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Document *d = rec->document;

	(void)ctx;
	(void)err;
	if (old != NULL &&
	    register_entering(&register_document, rec, old, S(DRAFT)) &&
	    d->approval != NULL) {
		protobuf_c_message_free_unpacked(&d->approval->base, NULL);
		d->approval = NULL;
	}
	return 0;
}

static const char *const document_required[] = {"kind", NULL};

static const char *const document_derived[] = {"approval", NULL};

/* 7.5.2 c: approval before use; a new version or content needs a new one. */
static const char *const document_covers[] = {"version", "content_hash", NULL};

/* "ismsctl document approve ID". */
static const struct register_signoff document_signoff = {
    .verb = "approve",
    .done = "approved",
    .field = "approval",
    .to = S(APPROVED),
    .fallback = S(DRAFT),
    .covers = document_covers,
};

static const char *const document_approved_evidence[] = {"approval.by",
                                                         "approval.at", NULL};

/* approved -> draft starts a new version; a retired document is
 * reinstated only through draft and a fresh approval. */
static const struct register_move document_moves[] = {
    {S(DRAFT), S(APPROVED)},   {S(DRAFT), S(RETIRED)}, {S(APPROVED), S(DRAFT)},
    {S(APPROVED), S(RETIRED)}, {S(RETIRED), S(DRAFT)}, {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
static const struct register_state document_states[] = {
    {S(APPROVED), 0, NULL, document_approved_evidence, NULL, NULL},
    {S(RETIRED), REGISTER_SETTLED},
    {0, 0},
};

const struct register_def register_document = {
    .owner_required = true,
    .review_days = 365,
    .initial_status = S(DRAFT),
    .required = document_required,
    .moves = document_moves,
    .derived = document_derived,
    .signoff = &document_signoff,
    .check = document_check,
    .states = document_states,
    REGISTER_ROW(document),
};
