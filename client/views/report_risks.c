/*
 * report_risks.c: the risk register as a report: every live risk with its
 * inherent and residual levels, counts by level, and the inherent and
 * residual heat maps on the risk method's scales.
 */
#include <stdlib.h>
#include <string.h>

#include "report_kinds.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The method's level name of a score ("" when none fits). */
static const char *
risks_level(const Isms__V1__RiskMethod *m, unsigned score)
{
	const char *name = "";
	size_t i;

	for (i = 0; m != NULL && i < m->n_levels; i++)
		if (m->levels[i]->has_min_score &&
		    score >= m->levels[i]->min_score)
			name = m->levels[i]->name;
	return name != NULL ? name : "";
}

/* The level's tone: the lowest band good, the highest bad. */
static enum rtone
risks_tone(const Isms__V1__RiskMethod *m, const char *level)
{
	size_t i;

	if (level == NULL || m == NULL || m->n_levels == 0 || *level == '\0')
		return RTONE_NONE;
	for (i = 0; i < m->n_levels; i++)
		if (m->levels[i]->name != NULL &&
		    strcmp(m->levels[i]->name, level) == 0)
			break;
	if (i == 0)
		return RTONE_GOOD;
	return i + 1 >= m->n_levels ? RTONE_BAD : RTONE_WARN;
}

/* A heat map of the live, open-to-accepted risks on the method's scales. */
static struct rheat *
risks_heat(const struct rsnap *snap, bool residual)
{
	const Isms__V1__RiskMethod *m = snap->method;
	const struct rsnap_reg *g = RSNAP_REG(snap, risk);
	struct rheat *h = xcalloc(1, sizeof *h);
	unsigned l, i;
	size_t k;

	h->title = xstrdup(residual ? "Residual risk" : "Inherent risk");
	h->nlik =
	    m != NULL && m->n_likelihood_labels ? m->n_likelihood_labels : 5;
	h->nimp = m != NULL && m->n_impact_labels ? m->n_impact_labels : 5;
	h->count = xcalloc(h->nlik * h->nimp, sizeof *h->count);
	h->level = xcalloc(h->nlik * h->nimp, sizeof *h->level);
	for (l = 1; l <= h->nlik; l++)
		for (i = 1; i <= h->nimp; i++)
			h->level[(l - 1) * h->nimp + i - 1] =
			    xstrdup(risks_level(m, l * i));
	for (k = 0; k < g->n; k++) {
		const Isms__V1__Risk *r = g->recs[k]->risk;

		if (r == NULL ||
		    r->status == ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED)
			continue;
		l = residual ? r->residual_likelihood : r->likelihood;
		i = residual ? r->residual_impact : r->impact;
		if (l >= 1 && l <= h->nlik && i >= 1 && i <= h->nimp)
			h->count[(l - 1) * h->nimp + i - 1]++;
	}
	return h;
}

/* Risks by level, inherent and residual. */
static void
risks_by_level(struct rsection *sec, const struct rsnap *snap)
{
	static const char *const cols[] = {"Level", "Inherent", "Residual"};
	static const enum rcell_type types[] = {RCELL_TEXT, RCELL_NUMBER,
	                                        RCELL_NUMBER};
	const Isms__V1__RiskMethod *m = snap->method;
	const struct rsnap_reg *g = RSNAP_REG(snap, risk);
	struct rtable *t = report_table(sec, 3, cols, types);
	struct rcell *c;
	size_t i, k, in, res;

	for (i = 0; m != NULL && i <= m->n_levels; i++) {
		const char *name = i < m->n_levels ? m->levels[i]->name : "";

		in = res = 0;
		for (k = 0; k < g->n; k++) {
			const Isms__V1__Risk *r = g->recs[k]->risk;

			if (r == NULL)
				continue;
			in += strcmp(r->level ? r->level : "", name) == 0;
			res +=
			    strcmp(r->residual_level ? r->residual_level : "",
			           name) == 0;
		}
		c = report_row(t);
		rcell_text(&c[0], *name ? name : "not assessed");
		c[0].tone = risks_tone(m, name);
		rcell_num(&c[1], (double)in);
		rcell_num(&c[2], (double)res);
	}
}

/* Sets a cell to n when has, else leaves it empty. */
static void
risks_num(struct rcell *c, bool has, unsigned n)
{
	if (has)
		rcell_num(c, n);
}

/* The register: one row per live risk. */
static void
risks_rows(struct rsection *sec, const struct rsnap *snap)
{
	static const char *const cols[] = {"ID",
	                                   "Title",
	                                   "Owner",
	                                   "Status",
	                                   "Likelihood",
	                                   "Impact",
	                                   "Score",
	                                   "Level",
	                                   "Treatment",
	                                   "Residual L",
	                                   "Residual I",
	                                   "Residual score",
	                                   "Residual level",
	                                   "Accepted by",
	                                   "Next review"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT,   RCELL_TEXT,   RCELL_TEXT, RCELL_TEXT, RCELL_NUMBER,
	    RCELL_NUMBER, RCELL_NUMBER, RCELL_TEXT, RCELL_TEXT, RCELL_NUMBER,
	    RCELL_NUMBER, RCELL_NUMBER, RCELL_TEXT, RCELL_TEXT, RCELL_DATE};
	const struct rsnap_reg *g = RSNAP_REG(snap, risk);
	struct rtable *t = report_table(sec, 15, cols, types);
	struct rcell *c;
	char buf[48];
	size_t k;

	for (k = 0; k < g->n; k++) {
		const Isms__V1__Record *rec = g->recs[k];
		const Isms__V1__Risk *r = rec->risk;

		if (r == NULL)
			continue;
		c = report_row(t);
		rcell_text(&c[0], rec->id);
		rcell_text(&c[1], rec->title);
		rcell_text(&c[2], rec->owner);
		rcell_text(&c[3], rsnap_status(rec, buf, sizeof buf));
		risks_num(&c[4], r->has_likelihood, r->likelihood);
		risks_num(&c[5], r->has_impact, r->impact);
		risks_num(&c[6], r->has_score, r->score);
		rcell_text(&c[7], r->level);
		c[7].tone = risks_tone(snap->method, r->level);
		rcell_text(&c[8],
		           rsnap_enum(rec, "treatment", buf, sizeof buf));
		risks_num(&c[9], r->has_residual_likelihood,
		          r->residual_likelihood);
		risks_num(&c[10], r->has_residual_impact, r->residual_impact);
		risks_num(&c[11], r->has_residual_score, r->residual_score);
		rcell_text(&c[12], r->residual_level);
		c[12].tone = risks_tone(snap->method, r->residual_level);
		rcell_text(&c[13], r->acceptance ? r->acceptance->by : NULL);
		rcell_text(&c[14], rec->next_review_on);
	}
}

void
report_build_risks(struct report *rep, const struct rsnap *snap)
{
	const struct rsnap_reg *g = RSNAP_REG(snap, risk);
	struct rsection *sec;

	sec = report_section(rep, "heatmap", "Heat maps");
	sec->text = xasprintf(
	    "%zu live risks; closed risks are left out of the heat maps. "
	    "Risk method rev %llu, acceptance threshold %u.",
	    g->n, (unsigned long long)(snap->method ? snap->method->rev : 0),
	    snap->method ? snap->method->acceptance_threshold : 0);
	sec->heat[0] = risks_heat(snap, false);
	sec->heat[1] = risks_heat(snap, true);
	sec = report_section(rep, "levels", "Risks by level");
	risks_by_level(sec, snap);
	sec = report_section(rep, "register", "Risk register");
	risks_rows(sec, snap);
}
