/*
 * test_ctl_plan.c: the implementation plan: progress on a given day
 * (done, due within 14 days, late, neither), target date order, the
 * standard milestones and their dates, and the printed plan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pbfield.h"
#include "plan.h"
#include "xmalloc.h"

/* A milestone; target and status may be NULL. */
static Isms__V1__Record *
ms(const char *id, const char *title, const char *phase, const char *target,
   const char *status)
{
	Isms__V1__Record *r =
	    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	Isms__V1__Milestone *m =
	    (Isms__V1__Milestone *)pb_new(&isms__v1__milestone__descriptor);
	int v;

	r->id = xstrdup(id);
	r->title = xstrdup(title);
	r->body_case = ISMS__V1__RECORD__BODY_MILESTONE;
	r->milestone = m;
	if (phase != NULL) {
		assert_int_equal(
		    pb_enum_parse(&isms__v1__phase__descriptor, phase, &v), 0);
		m->has_phase = 1;
		m->phase = (Isms__V1__Phase)v;
	}
	if (target != NULL)
		m->target_on = xstrdup(target);
	if (status != NULL) {
		assert_int_equal(
		    pb_enum_parse(&isms__v1__milestone_status__descriptor,
		                  status, &v),
		    0);
		m->has_status = 1;
		m->status = (Isms__V1__MilestoneStatus)v;
	}
	return r;
}

static void
rec_free(Isms__V1__Record *r)
{
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void
test_progress(void **state)
{
	static const struct {
		const char *target, *status;
		enum plan_progress want;
	} cases[] = {
	    {"2026-11-01", "done", PLAN_DONE}, /* done beats late */
	    {"2026-12-30", "done", PLAN_DONE},
	    {"2026-11-27", "planned", PLAN_LATE},    /* yesterday */
	    {"2026-11-28", "in_progress", PLAN_DUE}, /* today */
	    {"2026-12-12", NULL, PLAN_DUE},          /* today + 14 */
	    {"2026-12-13", "planned", PLAN_OPEN},    /* today + 15 */
	    {"2027-01-01", "planned", PLAN_OPEN},    /* across a year */
	    {NULL, "planned", PLAN_OPEN},            /* no target */
	    {"soon", "planned", PLAN_OPEN},          /* not a date */
	};
	Isms__V1__Record *r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = ms("MS-0001", "x", NULL, cases[i].target, cases[i].status);
		assert_int_equal(plan_progress(r, "2026-11-28"), cases[i].want);
		rec_free(r);
	}
	/* The window crosses a year end. */
	r = ms("MS-0001", "x", NULL, "2027-01-03", NULL);
	assert_int_equal(plan_progress(r, "2026-12-25"), PLAN_DUE);
	rec_free(r);
	assert_string_equal(plan_progress_name(PLAN_DONE), "done");
	assert_string_equal(plan_progress_name(PLAN_DUE), "due");
	assert_string_equal(plan_progress_name(PLAN_LATE), "late");
	assert_string_equal(plan_progress_name(PLAN_OPEN), "-");
}

static void
test_sort_and_table(void **state)
{
	Isms__V1__Record *r[4];
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	r[0] = ms("MS-0003", "Risk assessment", "risk_assessment", "2027-02-01",
	          "planned");
	r[1] = ms("MS-0004", "Someday", NULL, NULL, NULL);
	r[2] =
	    ms("MS-0001", "Gap analysis", "gap_analysis", "2026-11-20", "done");
	r[3] = ms("MS-0002", "Project plan", "project_plan", "2026-11-20",
	          "in_progress");
	plan_sort(r, 4);
	f = open_memstream(&buf, &len);
	plan_print_table(f, r, 4, "2026-11-28");
	fclose(f);
	assert_string_equal(
	    buf, "ID       PHASE            TITLE            TARGET      STATUS"
	         "       PROGRESS\n"
	         "MS-0001  gap_analysis     Gap analysis     2026-11-20  done  "
	         "       done\n"
	         "MS-0002  project_plan     Project plan     2026-11-20  "
	         "in_progress  late\n"
	         "MS-0003  risk_assessment  Risk assessment  2027-02-01  "
	         "planned      -\n"
	         "MS-0004  -                Someday          -           -     "
	         "       -\n");
	free(buf);

	f = open_memstream(&buf, &len);
	plan_print_csv(f, r, 2, "2026-11-28");
	fclose(f);
	assert_string_equal(
	    buf, "id,phase,title,target_on,status,progress,done_on\r\n"
	         "MS-0001,gap_analysis,Gap analysis,2026-11-20,done,done,\r\n"
	         "MS-0002,project_plan,Project plan,2026-11-20,in_progress,"
	         "late,\r\n");
	free(buf);

	f = open_memstream(&buf, &len);
	plan_print_json(f, &r[3], 1, "2026-11-28");
	fclose(f);
	assert_string_equal(
	    buf, "[\n  {\"id\": \"MS-0004\", \"phase\": null, \"title\": "
	         "\"Someday\", \"target_on\": null, \"status\": null, "
	         "\"progress\": null}\n]\n");
	free(buf);
	for (i = 0; i < 4; i++)
		rec_free(r[i]);
}

static void
test_standard_steps(void **state)
{
	static const char *const want[] = {
	    "2026-01-19", "2026-02-02", "2026-02-16",
	    "2026-03-16", "2026-04-27", "2026-05-25",
	    "2026-07-06", "2026-07-20", "2026-08-31"};
	Isms__V1__Put *put;
	size_t i;

	(void)state;
	assert_int_equal(plan_nsteps, 9);
	for (i = 0; i < plan_nsteps; i++) {
		put = plan_step_put(i, "2026-01-05");
		assert_int_equal(put->record->body_case,
		                 ISMS__V1__RECORD__BODY_MILESTONE);
		assert_null(put->record->id);
		assert_string_equal(put->record->milestone->target_on, want[i]);
		assert_int_equal(put->record->milestone->phase, (int)i + 1);
		assert_int_equal(
		    put->record->milestone->status,
		    ISMS__V1__MILESTONE_STATUS__MILESTONE_STATUS_PLANNED);
		assert_string_equal(put->record->title, plan_steps[i].title);
		protobuf_c_message_free_unpacked(&put->base, NULL);
	}
	assert_string_equal(plan_steps[0].title, "Gap analysis");
	assert_string_equal(plan_steps[8].title, "Certification audit");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_progress),
	    cmocka_unit_test(test_sort_and_table),
	    cmocka_unit_test(test_standard_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
