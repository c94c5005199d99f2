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

#define PLAN_USAGE                                                             \
	"usage: ismsctl plan [-o table|json|csv]\n"                            \
	"       ismsctl plan init --start YYYY-MM-DD\n"

/* Prints the milestones, sorted by target date. */
static int
plan_show(struct ctl_ctx *ctx)
{
	char today[TIMEFMT_DATE_LEN];
	struct ctl_recs ms;
	int rc;

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
plan_init(struct ctl_ctx *ctx, const char *start)
{
	struct ctl_recs ms;
	Isms__V1__Put *put;
	char *id;
	size_t i, n;
	int rc;

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
	return ctx->format == CTL_FORMAT_TABLE ? 0 : plan_show(ctx);
}

/* "ismsctl plan" and "ismsctl plan init --start DATE". */
int
ctl_plan_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct ctl_opts o;
	int rc;

	rc = ctl_opts_parse(ctx, "plan", CTL_OPT_START, argc - 1, argv + 1, &o);
	if (rc != 0)
		goto out;
	if (o.help)
		fputs(PLAN_USAGE, ctx->out);
	else if (o.npos == 0 && o.start == NULL)
		rc = plan_show(ctx);
	else if (o.npos == 1 && strcmp(o.pos[0], "init") == 0 &&
	         o.start != NULL)
		rc = plan_init(ctx, o.start);
	else
		rc = ctl_error(CTL_EXIT_USAGE, "%s", PLAN_USAGE);
out:
	ctl_opts_free(&o);
	return rc;
}
