/*
 * report_audits.c: the internal audit programme (9.2) as a report: every
 * audit with its dates, auditor, what it covers and its findings; the
 * findings counted by kind and status; every finding with its audit and
 * the nonconformity raised from it.
 */
#include <stdlib.h>
#include <string.h>

#include "pbfield.h"
#include "report_kinds.h"
#include "xmalloc.h"

#define AUD_NKINDS                                                             \
	5             /* unspecified, major_nc, minor_nc, observation,
                         opportunity */
#define AUD_NSTATES 4 /* unspecified, open, responded, closed */

static void
audits_programme(struct rsection *sec, const struct rsnap *snap)
{
	static const char *const cols[] = {
	    "ID",           "Title",   "Owner",  "Status",  "Planned on",
	    "Performed on", "Auditor", "Covers", "Findings"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_TEXT,  RCELL_DATE,
	    RCELL_DATE, RCELL_TEXT, RCELL_TEXT, RCELL_NUMBER};
	const struct rsnap_reg *g = RSNAP_REG(snap, audit);
	struct rtable *t = report_table(sec, 9, cols, types);
	struct rcell *c;
	char st[32], *covers, *finds, *p;
	size_t k, n;

	for (k = 0; k < g->n; k++) {
		const Isms__V1__Record *rec = g->recs[k];
		const Isms__V1__Audit *a = rec->audit;

		c = report_row(t);
		rcell_text(&c[0], rec->id);
		rcell_text(&c[1], rec->title);
		rcell_text(&c[2], rec->owner);
		rcell_text(&c[3], rsnap_status(rec, st, sizeof st));
		c[3].tone = rsnap_status_tone(c[3].text);
		rcell_text(&c[4], a ? a->planned_on : NULL);
		rcell_text(&c[5], a ? a->performed_on : NULL);
		rcell_text(&c[6], a ? a->auditor : NULL);
		covers = rsnap_links(snap, rec, "covers", true, NULL);
		rcell_text(&c[7], covers);
		finds = rsnap_links(snap, rec, "found_in", false, "finding");
		for (n = 0, p = finds; *p != '\0'; n++)
			p += strcspn(p, " ") + (p[strcspn(p, " ")] == ' ');
		rcell_num(&c[8], (double)n);
		free(covers);
		free(finds);
	}
}

/* Findings by kind (rows) and status (columns). */
static void
audits_by_kind(struct rsection *sec, const struct rsnap *snap)
{
	static const char *const cols[] = {"Kind", "Open", "Responded",
	                                   "Closed", "Total"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_NUMBER, RCELL_NUMBER, RCELL_NUMBER, RCELL_NUMBER};
	const struct rsnap_reg *g = RSNAP_REG(snap, finding);
	size_t n[AUD_NKINDS][AUD_NSTATES] = {{0}}, k, s;
	struct rtable *t = report_table(sec, 5, cols, types);
	struct rcell *c;
	char buf[32];
	const char *name;

	for (k = 0; k < g->n; k++) {
		const Isms__V1__Finding *f = g->recs[k]->finding;
		unsigned kind = f ? (unsigned)f->kind : 0;
		unsigned st = f ? (unsigned)f->status : 0;

		if (kind < AUD_NKINDS && st < AUD_NSTATES)
			n[kind][st]++;
	}
	for (k = 1; k <= AUD_NKINDS; k++) {
		size_t kind = k % AUD_NKINDS; /* unspecified last */

		if (kind == 0 && n[0][0] + n[0][1] + n[0][2] + n[0][3] == 0)
			continue;
		name = pb_enum_name(&isms__v1__finding_kind__descriptor,
		                    (int)kind, buf, sizeof buf);
		c = report_row(t);
		rcell_text(&c[0], kind == 0 ? "not set" : name);
		for (s = 1; s < AUD_NSTATES; s++)
			rcell_num(&c[s], (double)n[kind][s]);
		rcell_num(&c[4], (double)(n[kind][0] + n[kind][1] + n[kind][2] +
		                          n[kind][3]));
		if (n[kind][1] > 0 && kind <= 2)
			c[1].tone = RTONE_BAD;
	}
}

static void
audits_findings(struct rsection *sec, const struct rsnap *snap)
{
	static const char *const cols[] = {"ID",   "Title",  "Audit",
	                                   "Kind", "Status", "Nonconformity"};
	const struct rsnap_reg *g = RSNAP_REG(snap, finding);
	struct rtable *t = report_table(sec, 6, cols, NULL);
	struct rcell *c;
	char buf[32], *s;
	size_t k;

	for (k = 0; k < g->n; k++) {
		const Isms__V1__Record *rec = g->recs[k];

		c = report_row(t);
		rcell_text(&c[0], rec->id);
		rcell_text(&c[1], rec->title);
		s = rsnap_links(snap, rec, "found_in", true, "audit");
		rcell_text(&c[2], s);
		free(s);
		rcell_text(&c[3], rsnap_enum(rec, "kind", buf, sizeof buf));
		rcell_text(&c[4], rsnap_status(rec, buf, sizeof buf));
		c[4].tone = rsnap_status_tone(c[4].text);
		s = rsnap_links(snap, rec, "raised_from", false,
		                "nonconformity");
		rcell_text(&c[5], s);
		free(s);
	}
}

void
report_build_audits(struct report *rep, const struct rsnap *snap)
{
	struct rsection *sec;
	size_t k, done = 0;
	char st[32];

	for (k = 0; k < RSNAP_REG(snap, audit)->n; k++) {
		rsnap_status(RSNAP_REG(snap, audit)->recs[k], st, sizeof st);
		done +=
		    strcmp(st, "reported") == 0 || strcmp(st, "closed") == 0;
	}
	sec = report_section(rep, "programme", "Audit programme (9.2.2)");
	sec->text = xasprintf("%zu audits, %zu reported or closed; %zu "
	                      "findings; %zu nonconformities.",
	                      RSNAP_REG(snap, audit)->n, done,
	                      RSNAP_REG(snap, finding)->n,
	                      RSNAP_REG(snap, nonconformity)->n);
	audits_programme(sec, snap);
	audits_by_kind(report_section(rep, "findings-by-kind",
	                              "Findings by kind and status"),
	               snap);
	audits_findings(report_section(rep, "findings", "Findings"), snap);
}
