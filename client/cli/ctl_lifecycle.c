/*
 * ctl_lifecycle.c: the lifecycle part of "ismsctl help REGISTER": the id
 * prefix, the states with their moves, the evidence each state requires
 * and the sign-off, as the server's own tables say (Describe), so there is
 * one source of truth. Without a daemon, help shows the fields only.
 */
#include <string.h>

#include "ctl.h"

/* Prints a list of strings joined by sep. */
static void
lifecycle_join(FILE *f, char *const *v, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i > 0 ? sep : "", v[i]);
}

/* Prints one state: its moves, then its evidence. */
static void
lifecycle_state(FILE *f, const Isms__V1__StateInfo *st)
{
	fprintf(f, "  %-24s -> ", st->status);
	if (st->n_moves_to == 0)
		fputs("(final)", f);
	lifecycle_join(f, st->moves_to, st->n_moves_to, ", ");
	if (st->settled)
		fputs("  [settled: nothing due]", f);
	fputc('\n', f);
	if (st->signed_by != NULL)
		fprintf(f, "      entered by the sign-off '%s'\n",
		        st->signed_by);
	if (st->n_evidence == 0)
		return;
	fputs("      needs: ", f);
	lifecycle_join(f, st->evidence, st->n_evidence, "; ");
	if (st->when != NULL)
		fprintf(f, " (when %s)", st->when);
	fputc('\n', f);
}

/* Prints what Describe says of reg. */
static void
lifecycle_print(FILE *f, const Isms__V1__RegisterInfo *ri)
{
	size_t i;

	fprintf(f,
	        "\nIds: %s-0001, %s-0002, ...\n"
	        "\nLifecycle (a new record starts %s; 'set status=S' moves "
	        "it):\n",
	        ri->prefix, ri->prefix, ri->initial_status);
	for (i = 0; i < ri->n_states; i++)
		lifecycle_state(f, ri->states[i]);
	fputs("Every write that stores a record (add included) needs its "
	      "state's evidence.\n",
	      f);
	if (ri->signoff_verb != NULL) {
		fprintf(f,
		        "\nSign-off: 'ismsctl %s %s ID' by the owner or an "
		        "admin; the server\nwrites %s.by (the signer) and "
		        "%s.at (its clock).\n",
		        ri->register_, ri->signoff_verb, ri->signoff_field,
		        ri->signoff_field);
		if (ri->n_signoff_covers > 0) {
			fputs("A change of ", f);
			lifecycle_join(f, ri->signoff_covers,
			               ri->n_signoff_covers, ", ");
			fputs(" voids it (the record falls back).\n", f);
		}
	}
	if (ri->n_derived > 0) {
		fputs("Written by the server only: ", f);
		lifecycle_join(f, ri->derived, ri->n_derived, ", ");
		fputc('\n', f);
	}
}

int
ctl_lifecycle_help(struct ctl_ctx *ctx, const char *reg)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Describe d = ISMS__V1__DESCRIBE__INIT;
	Isms__V1__Reply *reply;
	int rc;

	d.register_ = (char *)reg;
	req.call_case = ISMS__V1__REQUEST__CALL_DESCRIBE;
	req.describe = &d;
	if ((rc = ctl_call_expect(ctx, &req,
	                          ISMS__V1__REPLY__RESULT_REGISTER_INFO,
	                          &reply)) != 0) {
		fputs("\n(The lifecycle and the evidence of each state come "
		      "from ismsd: start it,\nor set --endpoint, to see "
		      "them.)\n",
		      ctx->out);
		return CTL_EXIT_OK; /* the fields were help enough */
	}
	lifecycle_print(ctx->out, reply->register_info);
	isms_reply_free(reply);
	return 0;
}
