/*
 * ctl_gap.c: "ismsctl gap": fetches the registers a gap analysis reads
 * (gap_reg_names) and lets gap.c compute and print it. The server holds
 * no gap analysis of its own: this is the client's reading of the
 * registers.
 */
#include "ctl.h"
#include "gap.h"

/* Lists each register of gap_reg_names, then computes and prints. */
static int
gap_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct ctl_recs regs[GAP_NREGS] = {0};
	struct gap_input in = {0};
	struct ctl_opts o;
	struct gap g;
	size_t i;
	int rc;

	(void)cmd;
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

const struct ctl_cmd ctl_cmd_gap = {
    .name = "gap",
    .usage = "gap",
    .help = "gap analysis: clauses 4-10, Annex A themes, missing documents",
    .detail =
        "Computed by ismsctl from the registers (requirement, control, "
        "scope,\n"
        "document, risk, treatment, objective, competence, milestone, "
        "metric,\n"
        "audit, mreview, nonconformity); the server keeps no gap "
        "analysis.\n"
        "1. Every requirement (4 ... 10.2) with its status and evidence;\n"
        "   headings (4, 6.1, 7.5 ...) are shown but not assessed.\n"
        "2. Per clause 4-10 and per Annex A theme: met, partial, not met "
        "and\n"
        "   the percentage met. Requirements without a status count as "
        "not\n"
        "   met. Controls: implemented = met, partial or planned = "
        "partial,\n"
        "   not started or unset = not met; applicable=no controls are "
        "left\n"
        "   out.\n"
        "3. Missing mandatory documented information, when the register\n"
        "   holds no record that shows it:\n"
        "   4.3    a scope record, and one with status approved\n"
        "   5.2    a document with kind policy and status approved\n"
        "   6.1.2  a risk with likelihood and impact (assessed)\n"
        "   6.1.3  a treatment record; and every control's applicability\n"
        "          decided (the count of undecided ones is shown)\n"
        "   6.2    an objective        7.2    a competence record\n"
        "   7.5.1  a document          9.1    a metric\n"
        "   8.1    a milestone, or a document with kind plan\n"
        "   8.2    a risk with likelihood and impact\n"
        "   8.3    a treatment record\n"
        "   9.2.2  an audit with status reported or closed\n"
        "   9.3.3  an mreview with status held or closed\n"
        "   10.2   a nonconformity (record them when they occur)\n"
        "-o csv: section,ref,title,status,evidence,met,partial,not_met,\n"
        "percent_met rows (section requirement, summary or missing).\n",
    .exec = gap_exec,
};
