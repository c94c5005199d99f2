/*
 * report_soa.c: the Statement of Applicability (6.1.3 d) as a report:
 * every control with its applicability, justification, implementation
 * status and the evidence implementing it; counts by status.
 */
#include <stdlib.h>
#include <string.h>

#include "report_kinds.h"
#include "soa.h"
#include "xmalloc.h"

#define SOA_NSTATUS 5

/* Its status's tone: implemented good; partial, planned warn; the rest
 * of an applicable control bad; an excluded control muted. */
static enum rtone
soa_tone(const struct soa_row *r)
{
	if (r->applicable == SOA_NO)
		return RTONE_MUTED;
	switch (r->status) {
	case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_IMPLEMENTED:
		return RTONE_GOOD;
	case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_PARTIAL:
	case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_PLANNED:
		return RTONE_WARN;
	default:
		return r->applicable == SOA_YES ? RTONE_BAD : RTONE_NONE;
	}
}

/* The evidence implementing a control: its own text, then the records
 * that implement it or document it. */
static char *
soa_evidence(const struct rsnap *snap, const struct soa_row *r)
{
	const Isms__V1__Record *rec = rsnap_find(snap, r->id);
	char *impl, *docs, *s;

	impl = rec != NULL ? rsnap_links(snap, rec, "implements", false, NULL)
	                   : xstrdup("");
	docs = rec != NULL ? rsnap_links(snap, rec, "documented_in", true, NULL)
	                   : xstrdup("");
	s = xasprintf(
	    "%s%s%s%s%s", r->evidence != NULL ? r->evidence : "",
	    r->evidence != NULL && *r->evidence && (*impl || *docs) ? "; " : "",
	    impl, *impl && *docs ? " " : "", docs);
	free(impl);
	free(docs);
	return s;
}

/* The SoA table, one row per control. */
static void
soa_rows(struct rsection *sec, const struct rsnap *snap, const struct soa *s)
{
	static const char *const cols[] = {
	    "ID",     "Title",    "Theme", "Applicable", "Justification",
	    "Status", "Evidence", "Owner", "Risks",      "Last tested"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_TEXT,
	    RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_DATE};
	struct rtable *t = report_table(sec, 10, cols, types);
	struct rcell *c;
	char st[32], *ev;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct soa_row *r = &s->rows[i];

		c = report_row(t);
		rcell_text(&c[0], r->id);
		rcell_text(&c[1], r->title);
		rcell_text(&c[2], r->theme);
		rcell_text(&c[3], soa_applicable_name(r->applicable));
		c[3].tone = r->applicable == SOA_NO ? RTONE_MUTED : RTONE_NONE;
		rcell_text(&c[4], r->justification);
		rcell_text(&c[5], soa_status_name(r->status, st, sizeof st));
		c[5].tone = soa_tone(r);
		ev = soa_evidence(snap, r);
		rcell_text(&c[6], ev);
		free(ev);
		rcell_text(&c[7], r->owner);
		rcell_text(&c[8], r->risks);
		rcell_text(&c[9], r->last_tested_on);
	}
}

void
report_build_soa(struct report *rep, const struct rsnap *snap)
{
	const struct rsnap_reg *g = RSNAP_REG(snap, control);
	static const char *const stl[SOA_NSTATUS] = {
	    "implemented", "partial", "planned", "not_started", "not set"};
	static const char *const apl[3] = {"yes", "no", "undecided"};
	size_t stn[SOA_NSTATUS] = {0}, apn[3] = {0}, i;
	struct rsection *sec;
	struct soa s;

	soa_build(&s, g->recs, g->n);
	for (i = 0; i < s.n; i++) {
		switch (s.rows[i].status) {
		case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_IMPLEMENTED:
			stn[0]++;
			break;
		case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_PARTIAL:
			stn[1]++;
			break;
		case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_PLANNED:
			stn[2]++;
			break;
		case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_NOT_STARTED:
			stn[3]++;
			break;
		default:
			stn[4]++;
		}
		apn[s.rows[i].applicable == SOA_YES  ? 0
		    : s.rows[i].applicable == SOA_NO ? 1
		                                     : 2]++;
	}
	sec = report_section(rep, "summary", "Summary");
	sec->text = xasprintf("%zu controls: %zu applicable, %zu excluded, "
	                      "%zu undecided; %zu implemented.",
	                      s.n, apn[0], apn[1], apn[2], stn[0]);
	report_counts(sec, "Status", stl, stn, SOA_NSTATUS);
	sec = report_section(rep, "applicability", "Applicability");
	report_counts(sec, "Applicable", apl, apn, 3);
	sec = report_section(rep, "soa", "Statement of Applicability");
	soa_rows(sec, snap, &s);
	soa_free(&s);
}
