/*
 * report_review.c: the management review inputs of 9.3.2 a-g compiled
 * from live data, each with its counts by status and the records behind
 * them, and the records changed since the last closed review (updated
 * after its approval, or after the end of the day it was held).
 */
#include <stdlib.h>
#include <string.h>

#include "report_kinds.h"
#include "timefmt.h"
#include "xmalloc.h"

/* Whether an action was decided in a management review. */
static bool
pick_review_action(const Isms__V1__Record *r)
{
	size_t i;

	for (i = 0; i < r->n_links; i++)
		if (strcmp(r->links[i]->rel, "decided_in") == 0 &&
		    rsnap_is(r->links[i]->target, "mreview"))
			return true;
	return false;
}

static bool
pick_corrective(const Isms__V1__Record *r)
{
	const Isms__V1__Action *a = RSNAP_BODY(r, action, ACTION);

	return RSNAP_BODY(r, nonconformity, NONCONFORMITY) != NULL ||
	       (a != NULL &&
	        a->kind == ISMS__V1__ACTION_KIND__ACTION_KIND_CORRECTIVE);
}

static bool
pick_improvement(const Isms__V1__Record *r)
{
	const Isms__V1__Action *a = RSNAP_BODY(r, action, ACTION);
	const Isms__V1__Finding *f = RSNAP_BODY(r, finding, FINDING);

	return (a != NULL &&
	        a->kind == ISMS__V1__ACTION_KIND__ACTION_KIND_IMPROVEMENT) ||
	       (f != NULL &&
	        f->kind == ISMS__V1__FINDING_KIND__FINDING_KIND_OPPORTUNITY);
}

/* One input of 9.3.2: the live records of up to three registers that
 * pick accepts (NULL: all of them). */
static const struct review_input {
	const char *id, *title;
	const char *regs[3];
	bool (*pick)(const Isms__V1__Record *);
} review_inputs[] = {
    {"inputs-9.3.2-a",
     "a) Status of actions from previous management "
     "reviews",
     {"action"},
     pick_review_action},
    {"inputs-9.3.2-b",
     "b) Changes in external and internal issues",
     {"issue"},
     NULL},
    {"inputs-9.3.2-c",
     "c) Changes in needs and expectations of interested parties",
     {"party", "legal"},
     NULL},
    {"inputs-9.3.2-d1",
     "d) 1) Nonconformities and corrective actions",
     {"nonconformity", "action"},
     pick_corrective},
    {"inputs-9.3.2-d2",
     "d) 2) Monitoring and measurement results",
     {"metric", "objective"},
     NULL},
    {"inputs-9.3.2-d3", "d) 3) Audit results", {"audit", "finding"}, NULL},
    {"inputs-9.3.2-d4",
     "d) 4) Fulfilment of information security "
     "objectives",
     {"objective"},
     NULL},
    {"inputs-9.3.2-e",
     "e) Feedback from interested parties",
     {"communication", "incident"},
     NULL},
    {"inputs-9.3.2-f",
     "f) Results of risk assessment and status of the "
     "risk treatment plan",
     {"risk", "treatment"},
     NULL},
    {"inputs-9.3.2-g",
     "g) Opportunities for continual improvement",
     {"action", "finding"},
     pick_improvement},
};

#define REVIEW_NINPUTS (sizeof review_inputs / sizeof review_inputs[0])

/* Status counts of a set of records, as "3 open, 1 done". */
static char *
review_counts(Isms__V1__Record *const *recs, size_t n)
{
	char(*names)[32] = xcalloc(n + 1, sizeof *names), st[32], *s, *t;
	size_t *cnt = xcalloc(n + 1, sizeof *cnt), k, j, m = 0;

	for (k = 0; k < n; k++) {
		rsnap_status(recs[k], st, sizeof st);
		for (j = 0; j < m && strcmp(names[j], st) != 0; j++)
			;
		if (j == m)
			snprintf(names[m++], sizeof names[0], "%s",
			         *st ? st : "no status");
		cnt[j]++;
	}
	s = xstrdup("");
	for (j = 0; j < m; j++) {
		t = xasprintf("%s%s%zu %s", s, j ? ", " : "", cnt[j], names[j]);
		free(s);
		s = t;
	}
	free(names);
	free(cnt);
	return s;
}

/* The records of an input, in its registers' order. */
static Isms__V1__Record **
review_pick(const struct rsnap *snap, const struct review_input *in, size_t *n)
{
	Isms__V1__Record **out = NULL;
	const struct reglist_row *row;
	const struct rsnap_reg *g;
	size_t i, k;

	*n = 0;
	for (i = 0; i < 3 && in->regs[i] != NULL; i++) {
		if ((row = reglist_by_name(in->regs[i])) == NULL)
			continue;
		g = &snap->reg[row - reglist];
		for (k = 0; k < g->n; k++) {
			if (in->pick != NULL && !in->pick(g->recs[k]))
				continue;
			out = xreallocarray(out, *n + 1, sizeof *out);
			out[(*n)++] = g->recs[k];
		}
	}
	return out;
}

/* The last closed review and the instant its changes are counted from. */
static const Isms__V1__Record *
review_last(const struct rsnap *snap, int64_t *since)
{
	const struct rsnap_reg *g = RSNAP_REG(snap, mreview);
	const Isms__V1__Record *best = NULL;
	int64_t t, day;
	size_t k;

	*since = 0;
	for (k = 0; k < g->n; k++) {
		const Isms__V1__Mreview *m = g->recs[k]->mreview;

		if (m == NULL ||
		    m->status !=
		        ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_CLOSED)
			continue;
		if (m->approval != NULL && m->approval->has_at)
			t = m->approval->at;
		else if (m->held_on != NULL &&
		         timefmt_parse_instant(m->held_on, &day) == 0)
			t = day + 86400 - 1;
		else
			t = g->recs[k]->updated_at;
		if (best == NULL || t > *since) {
			best = g->recs[k];
			*since = t;
		}
	}
	return best;
}

/* Every live record changed after since (reviews themselves aside). */
static void
review_changes(struct report *rep, const struct rsnap *snap,
               const Isms__V1__Record *last, int64_t since)
{
	struct rsection *sec =
	    report_section(rep, "changes", "Changes since the last review");
	Isms__V1__Record **recs = NULL;
	char at[TIMEFMT_INSTANT_LEN];
	size_t i, k, n = 0;

	if (last == NULL) {
		sec->text = xstrdup("No management review has been closed "
		                    "yet: every record is new to it.");
		return;
	}
	for (i = 0; i < REGLIST_COUNT; i++)
		for (k = 0; k < snap->reg[i].n; k++) {
			Isms__V1__Record *r = snap->reg[i].recs[k];

			if (RSNAP_BODY(r, mreview, MREVIEW) != NULL ||
			    r->updated_at <= since)
				continue;
			recs = xreallocarray(recs, n + 1, sizeof *recs);
			recs[n++] = r;
		}
	timefmt_instant(since, at, sizeof at);
	sec->text = xasprintf("%zu record%s changed since %s (closed; counted "
	                      "from %s).",
	                      n, n == 1 ? "" : "s", last->id, at);
	rsnap_records_table(sec, recs, n);
	free(recs);
}

void
report_build_review(struct report *rep, const struct rsnap *snap)
{
	const Isms__V1__Record *last;
	Isms__V1__Record **recs;
	struct rsection *sec;
	int64_t since;
	char *counts;
	size_t i, n, k, changed;

	last = review_last(snap, &since);
	for (i = 0; i < REVIEW_NINPUTS; i++) {
		sec = report_section(rep, review_inputs[i].id,
		                     review_inputs[i].title);
		recs = review_pick(snap, &review_inputs[i], &n);
		for (k = changed = 0; k < n; k++)
			changed += last != NULL && recs[k]->updated_at > since;
		counts = review_counts(recs, n);
		sec->text = xasprintf(
		    "%zu record%s%s%s; %zu changed since the last review.", n,
		    n == 1 ? "" : "s", n ? ": " : "", counts,
		    last != NULL ? changed : n);
		free(counts);
		rsnap_records_table(sec, recs, n);
		free(recs);
	}
	review_changes(rep, snap, last, since);
}
