/*
 * ctl_programme.c: "ismsctl audit programme [--from DATE] [--to DATE]":
 * lists the audits, findings, requirements and controls and lets
 * programme.c compute and print the audit programme (9.2.2).
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "ctl.h"
#include "programme.h"
#include "timefmt.h"
#include "xmalloc.h"

enum { P_AUDIT, P_FINDING, P_REQ, P_CTL, P_N };

static const char *const prog_regs[P_N] = {"audit", "finding", "requirement",
                                           "control"};

/* The window: --from/--to, by default this calendar year. */
static int
prog_window(const struct ctl_args *a, char from[11], char to[11])
{
	char today[TIMEFMT_DATE_LEN];

	timefmt_date_add((int64_t)time(NULL), 0, today, sizeof today);
	snprintf(from, 11, "%.4s-01-01", today);
	snprintf(to, 11, "%.4s-12-31", today);
	if (a->opt.from != NULL) {
		if (!timefmt_date_valid(a->opt.from))
			return ctl_error(CTL_EXIT_USAGE,
			                 "--from must be a date YYYY-MM-DD");
		snprintf(from, 11, "%s", a->opt.from);
	}
	if (a->opt.to != NULL) {
		if (!timefmt_date_valid(a->opt.to))
			return ctl_error(CTL_EXIT_USAGE,
			                 "--to must be a date YYYY-MM-DD");
		snprintf(to, 11, "%s", a->opt.to);
	}
	if (strcmp(from, to) > 0)
		return ctl_error(CTL_EXIT_USAGE, "--from %s is after --to %s",
		                 from, to);
	return 0;
}

int
ctl_audit_programme_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	struct ctl_recs r[P_N] = {0};
	struct prog_input in = {0};
	Isms__V1__Record **items = NULL;
	struct programme p;
	char from[11], to[11];
	size_t i;
	int rc;

	if ((rc = prog_window(a, from, to)) != 0)
		return rc;
	for (i = 0; i < P_N && rc == 0; i++)
		rc = ctl_list_all(ctx, prog_regs[i], &r[i]);
	if (rc == 0) {
		items = xreallocarray(NULL, r[P_REQ].n + r[P_CTL].n + 1,
		                      sizeof *items);
		if (r[P_REQ].n > 0)
			memcpy(items, r[P_REQ].recs,
			       r[P_REQ].n * sizeof *items);
		if (r[P_CTL].n > 0)
			memcpy(items + r[P_REQ].n, r[P_CTL].recs,
			       r[P_CTL].n * sizeof *items);
		in = (struct prog_input){r[P_AUDIT].recs,
		                         r[P_AUDIT].n,
		                         r[P_FINDING].recs,
		                         r[P_FINDING].n,
		                         items,
		                         r[P_REQ].n + r[P_CTL].n,
		                         from,
		                         to};
		prog_build(&p, &in);
		if (ctx->format == CTL_FORMAT_JSON)
			prog_print_json(ctx->out, &in, &p);
		else if (ctx->format == CTL_FORMAT_CSV)
			prog_print_csv(ctx->out, &in, &p);
		else
			prog_print_table(ctx->out, &in, &p);
		prog_free(&p);
	}
	free(items);
	for (i = 0; i < P_N; i++)
		ctl_recs_free(&r[i]);
	return rc;
}
