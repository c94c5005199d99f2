/*
 * report_treatment.c: the risk treatment plan (6.1.3 e): per risk not
 * closed, its owner, the controls and the actions treating it (with due
 * dates and progress), the residual risk and the owner's acceptance; then
 * every action of the plan on its own line, overdue ones marked.
 *
 * What treats a risk: its treated_by links (controls, treatments,
 * actions), and the treatments and controls that link to it with
 * mitigates, and the actions that link to it with for.
 */
#include <stdlib.h>
#include <string.h>

#include "report_kinds.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The ids treating rec from register reg (both directions), malloc'ed. */
static char *
plan_ids(const struct rsnap *snap, const Isms__V1__Record *rec, const char *reg)
{
	char *a = rsnap_links(snap, rec, "treated_by", true, reg);
	char *b = rsnap_links(snap, rec, "mitigates", false, reg);
	char *c = rsnap_links(snap, rec, "for", false, reg);
	char *s = xasprintf("%s%s%s%s%s", a, *a && *b ? " " : "", b,
	                    (*a || *b) && *c ? " " : "", c);

	free(a);
	free(b);
	free(c);
	return s;
}

/* An action's or treatment's due date, status and progress (0-100). */
struct plan_step {
	const char *due;
	char status[32];
	unsigned progress;
	bool settled; /* done or cancelled */
};

static bool
plan_step(const Isms__V1__Record *rec, struct plan_step *st)
{
	const Isms__V1__Treatment *tr = RSNAP_BODY(rec, treatment, TREATMENT);
	const Isms__V1__Action *a = RSNAP_BODY(rec, action, ACTION);

	memset(st, 0, sizeof *st);
	rsnap_status(rec, st->status, sizeof st->status);
	st->settled = strcmp(st->status, "done") == 0 ||
	              strcmp(st->status, "cancelled") == 0;
	if (tr != NULL) {
		st->due = tr->due_on;
		st->progress = tr->has_progress ? tr->progress : 0;
	} else if (a != NULL)
		st->due = a->due_on;
	else
		return false;
	if (strcmp(st->status, "done") == 0)
		st->progress = 100;
	return true;
}

/* The steps of ids (space separated) as "ID (status, due D, P%)" and
 * their mean progress and earliest open due date. */
static char *
plan_steps(const struct rsnap *snap, const char *ids, double *progress,
           const char **due, size_t *n)
{
	char *s = xstrdup(""), *t, *dup = xstrdup(ids), *id, *save = NULL;
	struct plan_step st;
	const Isms__V1__Record *r;
	double sum = 0;

	*n = 0;
	*due = NULL;
	for (id = strtok_r(dup, " ", &save); id != NULL;
	     id = strtok_r(NULL, " ", &save)) {
		if ((r = rsnap_find(snap, id)) == NULL || r->archived ||
		    !plan_step(r, &st))
			continue;
		t = xasprintf("%s%s%s (%s%s%s, %u%%)", s, *s ? "; " : "", id,
		              st.status, st.due ? ", due " : "",
		              st.due ? st.due : "", st.progress);
		free(s);
		s = t;
		sum += st.progress;
		(*n)++;
		if (!st.settled && st.due != NULL &&
		    (*due == NULL || strcmp(st.due, *due) < 0))
			*due = st.due;
	}
	free(dup);
	*progress = *n > 0 ? sum / (double)*n : 0;
	return s;
}

/* The owner's acceptance of the residual risk, for people. */
static const char *
plan_acceptance(const Isms__V1__Risk *r, char *buf, size_t len,
                enum rtone *tone)
{
	char day[TIMEFMT_DATE_LEN];

	if (r->acceptance != NULL && r->acceptance->by != NULL) {
		timefmt_date_add(r->acceptance->at, 0, day, sizeof day);
		snprintf(buf, len, "accepted by %s on %s", r->acceptance->by,
		         day);
		*tone = RTONE_GOOD;
	} else {
		snprintf(buf, len, "pending");
		*tone = RTONE_WARN;
	}
	return buf;
}

static void
plan_risk_row(struct rtable *t, const struct rsnap *snap,
              const Isms__V1__Record *rec, size_t *nsteps)
{
	const Isms__V1__Risk *r = rec->risk;
	struct rcell *c = report_row(t);
	char *controls = plan_ids(snap, rec, "control");
	char *acts = plan_ids(snap, rec, "action"),
	     *trs = plan_ids(snap, rec, "treatment");
	char *ids = xasprintf("%s %s", trs, acts), *steps, buf[160];
	const char *due;
	double progress;
	size_t n;

	steps = plan_steps(snap, ids, &progress, &due, &n);
	*nsteps += n;
	rcell_text(&c[0], rec->id);
	rcell_text(&c[1], rec->title);
	rcell_text(&c[2], rec->owner);
	rcell_text(&c[3], r->level);
	rcell_text(&c[4], rsnap_enum(rec, "treatment", buf, sizeof buf));
	rcell_text(&c[5], controls);
	rcell_text(&c[6], steps);
	rcell_text(&c[7], due);
	if (due != NULL && strcmp(due, snap->today) < 0)
		c[7].tone = RTONE_BAD;
	if (n > 0)
		rcell_num(&c[8], progress);
	rcell_text(&c[9], r->residual_level);
	if (r->has_residual_score)
		rcell_num(&c[10], r->residual_score);
	rcell_text(&c[11], plan_acceptance(r, buf, sizeof buf, &c[11].tone));
	free(controls);
	free(acts);
	free(trs);
	free(ids);
	free(steps);
}

/* Every action and treatment of the plan: id, risk, due, progress. */
static void
plan_actions(struct rsection *sec, const struct rsnap *snap, size_t *overdue)
{
	static const char *const cols[] = {
	    "ID", "Title", "Owner", "Status", "Due on", "Progress", "Risks"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_TEXT,   RCELL_TEXT, RCELL_TEXT,
	    RCELL_DATE, RCELL_NUMBER, RCELL_TEXT};
	const struct rsnap_reg *gs[2] = {RSNAP_REG(snap, treatment),
	                                 RSNAP_REG(snap, action)};
	struct rtable *t = report_table(sec, 7, cols, types);
	struct plan_step st;
	struct rcell *c;
	char *risks, *a, *b;
	size_t i, k;

	*overdue = 0;
	for (i = 0; i < 2; i++)
		for (k = 0; k < gs[i]->n; k++) {
			const Isms__V1__Record *rec = gs[i]->recs[k];

			a = rsnap_links(snap, rec, "treated_by", false, "risk");
			b = rsnap_links(snap, rec, i == 0 ? "mitigates" : "for",
			                true, "risk");
			risks = xasprintf("%s%s%s", a, *a && *b ? " " : "", b);
			free(a);
			free(b);
			if (*risks == '\0' || !plan_step(rec, &st)) {
				free(risks); /* not part of the plan */
				continue;
			}
			c = report_row(t);
			rcell_text(&c[0], rec->id);
			rcell_text(&c[1], rec->title);
			rcell_text(&c[2], rec->owner);
			rcell_text(&c[3], st.status);
			c[3].tone = rsnap_status_tone(st.status);
			rcell_text(&c[4], st.due);
			if (!st.settled && st.due != NULL &&
			    strcmp(st.due, snap->today) < 0) {
				c[4].tone = RTONE_BAD;
				(*overdue)++;
			}
			rcell_num(&c[5], st.progress);
			rcell_text(&c[6], risks);
			free(risks);
		}
}

void
report_build_treatment(struct report *rep, const struct rsnap *snap)
{
	static const char *const cols[] = {
	    "Risk",     "Title",          "Owner",          "Level",
	    "Option",   "Controls",       "Actions",        "Next due",
	    "Progress", "Residual level", "Residual score", "Acceptance"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT,   RCELL_TEXT, RCELL_TEXT,   RCELL_TEXT,
	    RCELL_TEXT,   RCELL_TEXT, RCELL_TEXT,   RCELL_DATE,
	    RCELL_NUMBER, RCELL_TEXT, RCELL_NUMBER, RCELL_TEXT};
	const struct rsnap_reg *g = RSNAP_REG(snap, risk);
	struct rtable *t;
	size_t k, risks = 0, steps = 0, overdue, summary = rep->n;

	/* Sections move as more are added: the summary is found by index. */
	report_section(rep, "summary", "Summary");
	t = report_table(
	    report_section(rep, "plan", "Risk treatment plan (6.1.3 e)"), 12,
	    cols, types);
	for (k = 0; k < g->n; k++) {
		if (g->recs[k]->risk == NULL ||
		    g->recs[k]->risk->status ==
		        ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED)
			continue;
		plan_risk_row(t, snap, g->recs[k], &steps);
		risks++;
	}
	plan_actions(report_section(rep, "actions", "Actions and treatments"),
	             snap, &overdue);
	rep->sec[summary].text =
	    xasprintf("%zu risks under treatment or assessment; %zu "
	              "actions and treatments linked; %zu overdue "
	              "(as of %s).",
	              risks, steps, overdue, snap->today);
}
