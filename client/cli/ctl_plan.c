/*
 * ctl_plan.c: "ismsctl plan", the milestones in target date order with
 * their progress, and "ismsctl plan init --start DATE", which creates the
 * standard milestones of plan.c when there are none yet.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "plan.h"
#include "timefmt.h"

/* Prints the milestones, sorted by target date. */
static int
plan_show(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	char today[TIMEFMT_DATE_LEN];
	struct ctl_recs ms;
	int rc;

	(void)a;
	if ((rc = ctl_list_all(ctx, "milestone", &ms)) != 0)
		return rc;
	timefmt_date_add((int64_t)time(NULL), 0, today, sizeof today);
	plan_sort(ms.recs, ms.n);
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		if (ms.n == 0)
			fputs("no milestones; 'ismsctl plan init --start "
			      "YYYY-MM-DD' creates the standard ones\n",
			      stderr);
		else
			plan_print_table(ctx->out, ms.recs, ms.n, today);
		break;
	case CTL_FORMAT_JSON:
		plan_print_json(ctx->out, ms.recs, ms.n, today);
		break;
	case CTL_FORMAT_CSV:
		plan_print_csv(ctx->out, ms.recs, ms.n, today);
		break;
	}
	ctl_recs_free(&ms);
	return 0;
}

/* Creates the standard milestones from start, unless any exists. */
static int
plan_init(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const char *start = a->opt.start;
	struct ctl_recs ms;
	Isms__V1__Put *put;
	char *id;
	size_t i, n;
	int rc;

	if (start == NULL)
		return ctl_error(CTL_EXIT_USAGE,
		                 "plan init: --start YYYY-MM-DD is required");
	if ((rc = ctl_list_all(ctx, "milestone", &ms)) != 0)
		return rc;
	n = ms.n;
	ctl_recs_free(&ms);
	if (n > 0)
		return ctl_error(CTL_EXIT_REPLY,
		                 "plan init: the plan already has %zu "
		                 "milestone%s; change them with 'ismsctl "
		                 "milestone set', see them with 'ismsctl plan'",
		                 n, n == 1 ? "" : "s");
	for (i = 0; i < plan_nsteps; i++) {
		put = plan_step_put(i, start);
		rc = ctl_put_create(ctx, put, &id);
		if (rc == 0 && ctx->format == CTL_FORMAT_TABLE)
			fprintf(ctx->out, "%s  %s  %s\n", id,
			        put->record->milestone->target_on,
			        plan_steps[i].title);
		protobuf_c_message_free_unpacked(&put->base, NULL);
		if (rc != 0)
			return ctl_error(rc,
			                 "plan init: stopped after %zu of "
			                 "%zu milestones",
			                 i, plan_nsteps);
		free(id);
	}
	return ctx->format == CTL_FORMAT_TABLE ? 0 : plan_show(ctx, a);
}

static const struct ctl_verb plan_verbs[] = {
    {NULL, "[-o table|json|csv]",
     "every milestone in target date order with its progress", 0, 0, 0, false,
     NULL, plan_show},
    {"init", "--start YYYY-MM-DD",
     "create the standard milestones when there is none yet", CTL_OPT_START, 0,
     0, false, NULL, plan_init},
};

const struct ctl_cmd ctl_cmd_plan = {
    .name = "plan",
    .usage = "plan [init --start YYYY-MM-DD]",
    .help = "the implementation plan: milestones and their progress",
    .detail =
        "plan: every milestone in target date order with its progress: "
        "done\n"
        "(status done), due (target within 14 days), late (target passed "
        "and\n"
        "not done).\n"
        "plan init --start DATE: when there is no milestone yet, creates "
        "the\n"
        "standard ones, target dates in weeks from DATE: gap analysis +2,\n"
        "project plan +4, leadership engagement +6, risk assessment +10,\n"
        "documentation +16, training and awareness +20, internal audit "
        "+26,\n"
        "management review +28, certification audit +34.\n",
    .verbs = plan_verbs,
    .nverbs = CTL_NVERBS(plan_verbs),
    .exec = ctl_verbs_exec_cmd,
};
