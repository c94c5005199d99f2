/*
 * report_gap.c: the gap analysis (gap.c, gap_derive.c) as a report: met,
 * partial and not met per clause and per Annex A theme as bars and
 * tables, every requirement with its status and basis, and the mandatory
 * documented information that is missing. Measurements are not in a
 * snapshot: a metric's latest measurement date is not used here.
 */
#include <stdlib.h>
#include <string.h>

#include "gap.h"
#include "pbfield.h"
#include "report_kinds.h"
#include "reglist.h"
#include "xmalloc.h"

/* Whether a summary line is an Annex A theme (or own controls). */
static bool
gap_is_theme(const struct gap_summary *s)
{
	return strncmp(s->key, "A.", 2) == 0 || strcmp(s->key, "own") == 0;
}

/* Bars and a table of the summary lines of one kind. */
static void
gap_summary_section(struct rsection *sec, const struct gap *g, bool themes)
{
	static const char *const cols[] = {"Ref",     "Title",   "Met",
	                                   "Partial", "Not met", "% met"};
	static const enum rcell_type types[] = {RCELL_TEXT,   RCELL_TEXT,
	                                        RCELL_NUMBER, RCELL_NUMBER,
	                                        RCELL_NUMBER, RCELL_NUMBER};
	struct rtable *t = report_table(sec, 6, cols, types);
	struct rbars *b = xcalloc(1, sizeof *b);
	struct rbar *bar;
	struct rcell *c;
	size_t i, total;
	int pct;

	b->title = xstrdup(themes ? "Controls implemented per theme"
	                          : "Requirements met per clause");
	for (i = 0; i < g->nsum; i++) {
		const struct gap_summary *s = &g->sum[i];

		if (gap_is_theme(s) != themes)
			continue;
		total = s->met + s->partial + s->not_met;
		pct = gap_percent(s);
		c = report_row(t);
		rcell_text(&c[0], s->key);
		rcell_text(&c[1], s->title);
		rcell_num(&c[2], (double)s->met);
		rcell_num(&c[3], (double)s->partial);
		rcell_num(&c[4], (double)s->not_met);
		if (pct >= 0)
			rcell_num(&c[5], pct);
		c[5].tone = pct >= 100  ? RTONE_GOOD
		            : pct >= 50 ? RTONE_WARN
		                        : RTONE_BAD;
		b->bar = xreallocarray(b->bar, b->n + 1, sizeof *b->bar);
		bar = &b->bar[b->n++];
		bar->label = strncmp(s->title, s->key, strlen(s->key)) == 0
		                 ? xstrdup(s->title)
		                 : xasprintf("%s %s", s->key, s->title);
		bar->value = (double)s->met;
		bar->max = (double)total;
		bar->tone = c[5].tone;
	}
	sec->bars = b;
}

/* Every assessable requirement: its status and what it rests on. */
static void
gap_requirements(struct rsection *sec, const struct gap_input *in,
                 const struct gap *g)
{
	static const char *const cols[] = {"Ref", "Title", "Status", "Derived",
	                                   "Evidence"};
	struct rtable *t = report_table(sec, 5, cols, NULL);
	struct rcell *c;
	const char *st;
	char buf[48];
	bool derived;
	size_t i;

	for (i = 0; i < in->reg[GAP_REQUIREMENT].n; i++) {
		const Isms__V1__Record *r = in->reg[GAP_REQUIREMENT].recs[i];
		const Isms__V1__Requirement *q = r->requirement;

		if (q != NULL && q->has_assessable && !q->assessable)
			continue;
		st = pb_enum_name(&isms__v1__requirement_status__descriptor,
		                  gap_status(g, in, i, &derived), buf,
		                  sizeof buf);
		c = report_row(t);
		rcell_text(&c[0], r->id);
		rcell_text(&c[1], r->title);
		rcell_text(&c[2], st != NULL && strcmp(st, "unspecified") != 0
		                      ? st
		                      : "not assessed");
		c[2].tone = rsnap_status_tone(c[2].text);
		rcell_text(&c[3], derived ? "yes" : "no");
		rcell_text(&c[4], i < g->nder && g->der[i].basis != NULL
		                      ? g->der[i].basis
		                  : q != NULL ? q->evidence
		                              : NULL);
	}
}

void
report_build_gap(struct report *rep, const struct rsnap *snap)
{
	static const char *const mcols[] = {"Clause", "Missing"};
	struct gap_input in = {0};
	struct rsection *sec;
	struct rtable *t;
	struct rcell *c;
	struct gap g;
	size_t i;
	int k;

	for (i = 0; i < GAP_NREGS; i++) {
		const struct reglist_row *row =
		    reglist_by_name(gap_reg_names[i]);
		const struct rsnap_reg *rg =
		    row != NULL ? &snap->reg[row - reglist] : NULL;

		in.reg[i].recs = rg != NULL ? rg->recs : NULL;
		in.reg[i].n = rg != NULL ? rg->n : 0;
	}
	in.today = snap->today;
	gap_build(&g, &in);
	gap_summary_section(report_section(rep, "clauses", "Clauses 4 to 10"),
	                    &g, false);
	gap_summary_section(report_section(rep, "themes", "Annex A themes"), &g,
	                    true);
	gap_requirements(report_section(rep, "requirements", "Requirements"),
	                 &in, &g);
	sec = report_section(rep, "missing",
	                     "Missing mandatory documented information");
	t = report_table(sec, 2, mcols, NULL);
	for (i = 0; i < g.nmiss; i++) {
		c = report_row(t);
		rcell_text(&c[0], g.miss[i].clause);
		rcell_text(&c[1], g.miss[i].msg);
		c[1].tone = RTONE_BAD;
	}
	k = (int)g.nmiss;
	sec->text = xasprintf("%d item%s missing.", k, k == 1 ? "" : "s");
	gap_free(&g);
}
