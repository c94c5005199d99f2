/*
 * ctl_import_batch.c: an import's users and puts as one Batch, through
 * the client library's isms_sync_batch (which stages a large import over
 * several frames), and the server's refusals as messages naming file and
 * line.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl_import.h"
#include "xmalloc.h"

/* The errors of a refused (or dry run) batch into errs. */
static void
batch_errors(const Isms__V1__BatchResult *br, const struct import_puts *p,
             const struct import_users *users, struct import_errs *errs)
{
	const Isms__V1__BatchError *e;
	const char *msg;
	size_t i;

	for (i = 0; i < br->n_errors; i++) {
		e = br->errors[i];
		msg = e->message != NULL ? e->message : "refused";
		if (e->has_user_index && e->user_index < users->n)
			import_errs_add(
			    errs,
			    xasprintf("user %s: %s",
			              users->up[e->user_index]->user->name,
			              msg));
		else
			import_errs_server(errs, p, e->index, e->field, msg);
	}
	if (br->error_count > br->n_errors)
		import_errs_add(
		    errs, xasprintf("... and %u more errors",
		                    br->error_count - (uint32_t)br->n_errors));
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

int
ctl_import_batch(struct ctl_ctx *ctx, const struct import_puts *p,
                 const struct import_users *users, bool dry_run, bool upsert,
                 struct import_errs *errs, Isms__V1__Reply **out)
{
	struct isms_batch_opts bo = {0};
	struct isms_err err = {0};
	const Isms__V1__Status *st;
	Isms__V1__Reply *r;
	int rc;

	*out = NULL;
	if ((rc = ctl_connect(ctx)) != 0)
		return rc;
	bo.dry_run = dry_run;
	bo.upsert = upsert;
	bo.keep_ids = p->any_id;
	bo.users = users->up;
	bo.n_users = users->n;
	if ((r = isms_sync_batch(ctx->sync, p->put, p->n, &bo, &err)) == NULL)
		return ctl_error(CTL_EXIT_UNAVAIL, "batch: %s", err.msg);
	st = r->status;
	if (r->result_case != ISMS__V1__REPLY__RESULT_BATCH || r->batch == NULL)
		rc = reply_refusal(r);
	else if (r->batch->n_errors > 0)
		batch_errors(r->batch, p, users, errs);
	else if (st != NULL && st->has_code && st->code != ISMS__V1__CODE__OK)
		rc = reply_refusal(r);
	else {
		*out = r;
		return 0;
	}
	isms_reply_free(r);
	return rc;
}
