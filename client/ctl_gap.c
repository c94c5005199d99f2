/*
 * ctl_gap.c: "ismsctl gap": fetches the registers a gap analysis reads
 * (gap_reg_names) and lets gap.c compute and print it. The server holds
 * no gap analysis of its own: this is the client's reading of the
 * registers.
 */
#include "ctl.h"
#include "gap.h"

/* Lists each register of gap_reg_names, then computes and prints. */
int
ctl_gap_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct ctl_recs regs[GAP_NREGS] = {0};
	struct gap_input in = {0};
	struct ctl_opts o;
	struct gap g;
	size_t i;
	int rc;

	if ((rc = ctl_opts_parse(ctx, "gap", 0, argc - 1, argv + 1, &o)) != 0)
		goto out;
	if (o.help || o.npos > 0) {
		if (o.help)
			fputs("usage: ismsctl gap [-o table|json|csv]\n",
			      ctx->out);
		else
			rc =
			    ctl_error(CTL_EXIT_USAGE,
			              "usage: ismsctl gap [-o table|json|csv]");
		goto out;
	}
	for (i = 0; i < GAP_NREGS && rc == 0; i++) {
		rc = ctl_list_all(ctx, gap_reg_names[i], &regs[i]);
		in.reg[i].recs = regs[i].recs;
		in.reg[i].n = regs[i].n;
	}
	if (rc != 0)
		goto out;
	gap_build(&g, &in);
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		gap_print_table(ctx->out, &in, &g);
		break;
	case CTL_FORMAT_JSON:
		gap_print_json(ctx->out, &in, &g);
		break;
	case CTL_FORMAT_CSV:
		gap_print_csv(ctx->out, &in, &g);
		break;
	}
	gap_free(&g);
out:
	for (i = 0; i < GAP_NREGS; i++)
		ctl_recs_free(&regs[i]);
	ctl_opts_free(&o);
	return rc;
}
