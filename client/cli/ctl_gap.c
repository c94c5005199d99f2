/*
 * ctl_gap.c: "ismsctl gap": fetches the registers a gap analysis reads
 * (gap_reg_names) and lets gap.c compute and print it. The server holds
 * no gap analysis of its own: this is the client's reading of the
 * registers.
 */
#include <stdlib.h>
#include <time.h>

#include "ctl.h"
#include "gap.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The date of each metric's latest measurement (NULL: none) into
 * latest[i] (borrowed from pages[i], which the caller frees). */
static int
gap_latest(struct ctl_ctx *ctx, const struct ctl_recs *metrics,
           const char **latest, struct ctl_pages *pages)
{
	Isms__V1__Measurement **m;
	size_t i;
	int rc = 0;

	for (i = 0; i < metrics->n && rc == 0; i++) {
		rc = ctl_metric_values_read(ctx, metrics->recs[i]->id,
		                            UINT64_MAX, &pages[i]);
		m = pages[i].items;
		/* By date: the last is the latest. */
		latest[i] =
		    rc == 0 && pages[i].n > 0 ? m[pages[i].n - 1]->at : NULL;
	}
	return rc;
}

/* Lists each register of gap_reg_names, then computes and prints. */
static int
gap_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct ctl_recs regs[GAP_NREGS] = {0};
	struct gap_input in = {0};
	struct ctl_pages *pages = NULL;
	const char **latest = NULL;
	char today[TIMEFMT_DATE_LEN];
	struct ctl_opts o;
	struct gap g;
	size_t i, nm = 0;
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
	nm = regs[GAP_METRIC].n;
	pages = xcalloc(nm + 1, sizeof *pages);
	latest = xcalloc(nm + 1, sizeof *latest);
	if ((rc = gap_latest(ctx, &regs[GAP_METRIC], latest, pages)) != 0)
		goto out;
	in.metric_latest = latest;
	timefmt_date_add((int64_t)time(NULL), 0, today, sizeof today);
	in.today = today;
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
	for (i = 0; pages != NULL && i < nm; i++)
		ctl_pages_free(&pages[i]);
	free(pages);
	free(latest);
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
        "4. Where the registers decide it, a requirement's status is\n"
        "   derived (evidence: 'derived: ...'):\n"
        "   4.3   met by an approved scope (one not approved: partial)\n"
        "   9.1   every active metric measured within its frequency\n"
        "   9.2   an audit reported in the last 12 months (planned: "
        "partial)\n"
        "   9.3   a management review closed with decisions (held: "
        "partial)\n"
        "   10.2  closed nonconformities with effectiveness verified and\n"
        "         their linked actions done (open ones: partial)\n"
        "   A status set by hand stands when the requirement has a\n"
        "   justification (requirement set ID status=met justification=...);\n"
        "   without one it is listed as a defect and the derived one counts.\n"
        "5. Evidence defects: records whose state lacks what it needs (an\n"
        "   accepted risk without acceptance, an approved document without\n"
        "   approval, a reported audit without conclusion, a held review\n"
        "   without its 9.3.2 inputs, a closed review without decisions, a\n"
        "   closed incident without lessons learned, a closed\n"
        "   nonconformity without correction, root cause, verified\n"
        "   effectiveness or done actions, a closed NC finding without its\n"
        "   nonconformity, an active metric not measured in its period).\n"
        "-o csv: section,ref,title,status,evidence,met,partial,not_met,\n"
        "percent_met rows (section requirement, summary, missing or "
        "defect).\n",
    .exec = gap_exec,
};
