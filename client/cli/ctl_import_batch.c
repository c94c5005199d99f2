/*
 * ctl_import_batch.c: an import's puts as one Batch, through the client
 * library's isms_sync_batch (which stages a large import over several
 * frames), and the server's refusals as messages naming file and line.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl_import.h"
#include "xmalloc.h"
/* Whether error e refuses an owner the import is about to create. */
static bool
fresh_owner_error(const Isms__V1__BatchError *e, const struct import_puts *p,
                  const struct import_owners *fresh)
{
	const char *owner;

	if (fresh == NULL || e->index >= p->n)
		return false;
	owner = p->put[e->index]->record->owner;
	return ctl_import_owner_fresh(fresh, owner) &&
	       ((e->field != NULL && strcmp(e->field, "owner") == 0) ||
	        (e->message != NULL && strstr(e->message, owner) != NULL));
}

/* The errors of a refused (or dry run) batch into errs; the number kept. */
static size_t
batch_errors(const Isms__V1__BatchResult *br, const struct import_puts *p,
             const struct import_owners *fresh, struct import_errs *errs)
{
	size_t i, n0 = errs->n;

	for (i = 0; i < br->n_errors; i++)
		if (!fresh_owner_error(br->errors[i], p, fresh))
			import_errs_server(errs, p, br->errors[i]->index,
			                   br->errors[i]->field,
			                   br->errors[i]->message != NULL
			                       ? br->errors[i]->message
			                       : "refused");
	if (br->error_count > br->n_errors)
		import_errs_add(
		    errs, xasprintf("... and %u more errors",
		                    br->error_count - (uint32_t)br->n_errors));
	return errs->n - n0;
}

/* Whether a reply is OK; else prints its status and returns false. */
static bool
reply_ok(const Isms__V1__Reply *r)
{
	const Isms__V1__Status *st = r->status;

	if (st == NULL || !st->has_code || st->code == ISMS__V1__CODE__OK)
		return true;
	return false;
}

/* Prints a reply's refusal; the exit code. */
static int
reply_refusal(const Isms__V1__Reply *r)
{
	const Isms__V1__Status *st = r->status;

	return ctl_error(CTL_EXIT_REPLY, "%s: %s",
	                 isms_code_name(st != NULL ? (int)st->code : 2),
	                 st != NULL && st->message != NULL ? st->message
	                                                   : "(no message)");
}

/* One batch; fresh: a dry run's owners that are not users yet. */
static int
import_batch(struct ctl_ctx *ctx, const struct import_puts *p, bool dry_run,
             bool upsert, const struct import_owners *fresh,
             struct import_errs *errs, Isms__V1__Reply **out)
{
	struct isms_batch_opts bo = {0};
	struct isms_err err = {0};
	Isms__V1__Reply *r;
	int rc;

	*out = NULL;
	if ((rc = ctl_connect(ctx)) != 0)
		return rc;
	bo.dry_run = dry_run;
	bo.upsert = upsert;
	bo.keep_ids = p->any_id;
	if ((r = isms_sync_batch(ctx->sync, p->put, p->n, &bo, &err)) == NULL)
		return ctl_error(CTL_EXIT_UNAVAIL, "batch: %s", err.msg);
	if (r->result_case == ISMS__V1__REPLY__RESULT_BATCH &&
	    r->batch != NULL && r->batch->n_errors > 0 &&
	    (batch_errors(r->batch, p, fresh, errs) > 0 || !dry_run)) {
		isms_reply_free(r);
		return 0;
	}
	if (dry_run && r->result_case == ISMS__V1__REPLY__RESULT_BATCH &&
	    r->batch != NULL) {
		*out = r; /* only a fresh owner's refusals */
		return 0;
	}
	if (!reply_ok(r) || r->result_case != ISMS__V1__REPLY__RESULT_BATCH) {
		rc = reply_refusal(r);
		isms_reply_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int
ctl_import_batch(struct ctl_ctx *ctx, const struct import_puts *p, bool dry_run,
                 bool upsert, struct import_errs *errs, Isms__V1__Reply **out)
{
	return import_batch(ctx, p, dry_run, upsert, NULL, errs, out);
}

/*
 * The dry run before fresh owners exist: their records go with the
 * caller as owner (a user, so the rest of each record is checked and
 * counted as it will be), put back after.
 */
int
ctl_import_batch_check(struct ctl_ctx *ctx, const struct import_puts *p,
                       bool upsert, const struct import_owners *fresh,
                       struct import_errs *errs, Isms__V1__Reply **out)
{
	const Isms__V1__HelloResult *h;
	char **saved;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = ctl_connect(ctx)) != 0)
		return rc;
	h = isms_sync_hello(ctx->sync);
	saved = xcalloc(p->n > 0 ? p->n : 1, sizeof *saved);
	for (i = 0; h != NULL && h->user != NULL && i < p->n; i++)
		if (ctl_import_owner_fresh(fresh, p->put[i]->record->owner)) {
			saved[i] = p->put[i]->record->owner;
			p->put[i]->record->owner = h->user;
		}
	rc = import_batch(ctx, p, true, upsert, fresh, errs, out);
	for (i = 0; i < p->n; i++)
		if (saved[i] != NULL)
			p->put[i]->record->owner = saved[i];
	free(saved);
	return rc;
}
