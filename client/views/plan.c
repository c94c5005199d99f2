/*
 * plan.c: the implementation plan: milestone order, progress on a day,
 * and the standard milestones.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "pbfield.h"
#include "plan.h"
#include "timefmt.h"
#include "xmalloc.h"

#define PLAN_TITLE_MAX 48

/* A typical path to certification, in weeks from the start. */
const struct plan_step plan_steps[] = {
    {ISMS__V1__PHASE__PHASE_GAP_ANALYSIS, "Gap analysis", 2},
    {ISMS__V1__PHASE__PHASE_PROJECT_PLAN, "Project plan", 4},
    {ISMS__V1__PHASE__PHASE_LEADERSHIP, "Leadership engagement", 6},
    {ISMS__V1__PHASE__PHASE_RISK_ASSESSMENT, "Risk assessment", 10},
    {ISMS__V1__PHASE__PHASE_DOCUMENTATION, "Documentation", 16},
    {ISMS__V1__PHASE__PHASE_TRAINING, "Training and awareness", 20},
    {ISMS__V1__PHASE__PHASE_INTERNAL_AUDIT, "Internal audit", 26},
    {ISMS__V1__PHASE__PHASE_MANAGEMENT_REVIEW, "Management review", 28},
    {ISMS__V1__PHASE__PHASE_CERTIFICATION_AUDIT, "Certification audit", 34},
};
const size_t plan_nsteps = sizeof plan_steps / sizeof plan_steps[0];

/* The calendar date days after date (both YYYY-MM-DD); "" if invalid. */
static void
date_add(const char *date, int days, char *buf, size_t len)
{
	int64_t t;

	buf[0] = '\0';
	if (timefmt_date_valid(date) && timefmt_parse_instant(date, &t) == 0)
		timefmt_date_add(t, days, buf, len);
}

/* The milestone body of r, or NULL. */
static const Isms__V1__Milestone *
ms_of(const Isms__V1__Record *r)
{
	return r->body_case == ISMS__V1__RECORD__BODY_MILESTONE ? r->milestone
	                                                        : NULL;
}

/* Classifies a milestone as done, late, due or neither on today. */
enum plan_progress
plan_progress(const Isms__V1__Record *r, const char *today)
{
	const Isms__V1__Milestone *m = ms_of(r);
	char soon[TIMEFMT_DATE_LEN];

	if (m == NULL)
		return PLAN_OPEN;
	if (m->status == ISMS__V1__MILESTONE_STATUS__MILESTONE_STATUS_DONE)
		return PLAN_DONE;
	if (m->target_on == NULL || !timefmt_date_valid(m->target_on))
		return PLAN_OPEN;
	/* Calendar dates YYYY-MM-DD compare as text. */
	if (strcmp(m->target_on, today) < 0)
		return PLAN_LATE;
	date_add(today, PLAN_DUE_DAYS, soon, sizeof soon);
	if (strcmp(m->target_on, soon) <= 0)
		return PLAN_DUE;
	return PLAN_OPEN;
}

/* The word for a progress class. */
const char *
plan_progress_name(enum plan_progress p)
{
	static const char *const names[] = {[PLAN_OPEN] = "-",
	                                    [PLAN_DONE] = "done",
	                                    [PLAN_DUE] = "due",
	                                    [PLAN_LATE] = "late"};

	return names[p];
}

/* The target date of r for sorting: missing ones after every date. */
static const char *
sort_key(const Isms__V1__Record *r)
{
	const Isms__V1__Milestone *m = ms_of(r);

	return m != NULL && m->target_on != NULL ? m->target_on : "~";
}

/* Orders milestones by target date, stable. */
void
plan_sort(Isms__V1__Record **recs, size_t n)
{
	Isms__V1__Record *tmp;
	size_t i, k;

	/* Insertion sort: stable, and plans are short. */
	for (i = 1; i < n; i++) {
		tmp = recs[i];
		for (k = i;
		     k > 0 && strcmp(sort_key(recs[k - 1]), sort_key(tmp)) > 0;
		     k--)
			recs[k] = recs[k - 1];
		recs[k] = tmp;
	}
}

/* An enum field of the milestone as text ("" when not set). */
static const char *
ms_enum(const ProtobufCEnumDescriptor *ed, int v, char *buf, size_t len)
{
	if (v == 0 || pb_enum_name(ed, v, buf, len) == NULL)
		buf[0] = '\0';
	return buf;
}

/* The cells of one milestone: id, phase, title, target, status, progress. */
static void
ms_cells(const Isms__V1__Record *r, const char *today, const char **cells,
         char *phase, char *status, size_t len)
{
	const Isms__V1__Milestone *m = ms_of(r);

	cells[0] = r->id != NULL ? r->id : "";
	cells[1] = ms_enum(&isms__v1__phase__descriptor,
	                   m != NULL ? (int)m->phase : 0, phase, len);
	cells[2] = r->title != NULL ? r->title : "";
	cells[3] = m != NULL && m->target_on != NULL ? m->target_on : "";
	cells[4] = ms_enum(&isms__v1__milestone_status__descriptor,
	                   m != NULL ? (int)m->status : 0, status, len);
	cells[5] = plan_progress_name(plan_progress(r, today));
}

/* Prints the milestones as a table. */
void
plan_print_table(FILE *f, Isms__V1__Record *const *recs, size_t n,
                 const char *today)
{
	static const char *const titles[] = {"ID",     "PHASE",  "TITLE",
	                                     "TARGET", "STATUS", "PROGRESS"};
	char **cells = xcalloc(n * 6 + 1, sizeof *cells), ph[64], st[64];
	const char *c[6];
	size_t i, k;

	for (i = 0; i < n; i++) {
		ms_cells(recs[i], today, c, ph, st, sizeof ph);
		for (k = 0; k < 6; k++)
			cells[i * 6 + k] =
			    ctl_out_clean(*c[k] != '\0' ? c[k] : "-",
			                  k == 2 ? PLAN_TITLE_MAX : SIZE_MAX);
	}
	ctl_out_table(f, titles, 6, cells, n);
	for (i = 0; i < n * 6; i++)
		free(cells[i]);
	free(cells);
}

/* Writes the milestones as CSV. */
void
plan_print_csv(FILE *f, Isms__V1__Record *const *recs, size_t n,
               const char *today)
{
	const Isms__V1__Milestone *m;
	char ph[64], st[64];
	const char *c[6];
	size_t i, k;

	fputs("id,phase,title,target_on,status,progress,done_on\r\n", f);
	for (i = 0; i < n; i++) {
		ms_cells(recs[i], today, c, ph, st, sizeof ph);
		if (strcmp(c[5], "-") == 0)
			c[5] = "";
		for (k = 0; k < 6; k++) {
			ctl_out_csv_cell(f, c[k]);
			fputc(',', f);
		}
		m = ms_of(recs[i]);
		ctl_out_csv_cell(f, m != NULL && m->done_on != NULL ? m->done_on
		                                                    : "");
		fputs("\r\n", f);
	}
}

/* Writes the milestones as a JSON array. */
void
plan_print_json(FILE *f, Isms__V1__Record *const *recs, size_t n,
                const char *today)
{
	static const char *const keys[] = {"id",        "phase",  "title",
	                                   "target_on", "status", "progress"};
	char ph[64], st[64];
	const char *c[6];
	size_t i, k;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		ms_cells(recs[i], today, c, ph, st, sizeof ph);
		if (strcmp(c[5], "-") == 0)
			c[5] = "";
		fputs(i > 0 ? ",\n  {" : "\n  {", f);
		for (k = 0; k < 6; k++) {
			fprintf(f, "%s\"%s\": ", k > 0 ? ", " : "", keys[k]);
			if (*c[k] == '\0')
				fputs("null", f);
			else
				ctl_out_json_string(f, c[k]);
		}
		fputc('}', f);
	}
	fputs(n > 0 ? "\n]\n" : "]\n", f);
}

/* A Put creating standard milestone i dated from start. */
Isms__V1__Put *
plan_step_put(size_t i, const char *start)
{
	Isms__V1__Put *put;
	Isms__V1__Record *rec;
	Isms__V1__Milestone *m;
	char date[TIMEFMT_DATE_LEN];

	put = (Isms__V1__Put *)pb_new(&isms__v1__put__descriptor);
	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	put->record = rec;
	m = (Isms__V1__Milestone *)pb_new(&isms__v1__milestone__descriptor);
	rec->body_case = ISMS__V1__RECORD__BODY_MILESTONE;
	rec->milestone = m;
	rec->title = xstrdup(plan_steps[i].title);
	m->has_status = 1;
	m->status = ISMS__V1__MILESTONE_STATUS__MILESTONE_STATUS_PLANNED;
	m->has_phase = 1;
	m->phase = plan_steps[i].phase;
	date_add(start, plan_steps[i].weeks * 7, date, sizeof date);
	m->target_on = xstrdup(date);
	return put;
}
