/*
 * report_kinds.c: the table of reports, and what their builders share.
 */
#include <string.h>

#include "report_kinds.h"

static const char *const soa_regs[] = {"control", "risk",     "treatment",
                                       "action",  "document", NULL};
static const char *const risks_regs[] = {"risk", NULL};
static const char *const treatment_regs[] = {"risk", "control", "treatment",
                                             "action", NULL};
static const char *const gap_regs[] = {
    "requirement", "control",   "document",   "risk",
    "treatment",   "objective", "competence", "milestone",
    "metric",      "audit",     "mreview",    "nonconformity",
    "action",      "incident",  "finding",    NULL};
static const char *const review_regs[] = {
    "mreview",   "action",        "issue",    "party",     "nonconformity",
    "metric",    "audit",         "finding",  "objective", "risk",
    "treatment", "communication", "incident", "control",   "asset",
    "document",  "requirement",   "supplier", "legal",     NULL};
static const char *const audits_regs[] = {"audit", "finding", "nonconformity",
                                          NULL};
static const char *const incidents_regs[] = {"incident", NULL};

const struct report_kind report_kinds[] = {
    {"soa", "Statement of Applicability", soa_regs, report_build_soa},
    {"risks", "Risk register", risks_regs, report_build_risks},
    {"treatment", "Risk treatment plan", treatment_regs,
     report_build_treatment},
    {"gap", "Gap analysis", gap_regs, report_build_gap},
    {"review", "Management review inputs", review_regs, report_build_review},
    {"audits", "Internal audit programme", audits_regs, report_build_audits},
    {"incidents", "Information security incidents", incidents_regs,
     report_build_incidents},
};

const size_t report_nkinds = sizeof report_kinds / sizeof report_kinds[0];

const struct report_kind *
report_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < report_nkinds; i++)
		if (strcmp(report_kinds[i].name, name) == 0)
			return &report_kinds[i];
	return NULL;
}

struct rtable *
report_counts(struct rsection *sec, const char *what, const char *const *labels,
              const size_t *counts, size_t n)
{
	const char *cols[2] = {what, "Count"};
	static const enum rcell_type types[] = {RCELL_TEXT, RCELL_NUMBER};
	struct rtable *t = report_table(sec, 2, cols, types);
	struct rcell *c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = report_row(t);
		rcell_text(&c[0], labels[i]);
		rcell_num(&c[1], (double)counts[i]);
	}
	return t;
}
