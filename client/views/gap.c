/*
 * gap.c: the gap analysis from the registers. The rules for "missing
 * mandatory documented information" are one table: a clause, the register
 * that must hold a record (one satisfying a predicate, when set), and the
 * message shown when none does.
 */
#include <stdlib.h>
#include <string.h>

#include "gap.h"
#include "output.h"
#include "soa.h"
#include "xmalloc.h"

#define GAP_TITLE_MAX 56
#define GAP_EVID_MAX  40

const char *const gap_reg_names[GAP_NREGS] = {
    [GAP_REQUIREMENT] = "requirement",
    [GAP_CONTROL] = "control",
    [GAP_SCOPE] = "scope",
    [GAP_DOCUMENT] = "document",
    [GAP_RISK] = "risk",
    [GAP_TREATMENT] = "treatment",
    [GAP_OBJECTIVE] = "objective",
    [GAP_COMPETENCE] = "competence",
    [GAP_MILESTONE] = "milestone",
    [GAP_METRIC] = "metric",
    [GAP_AUDIT] = "audit",
    [GAP_MREVIEW] = "mreview",
    [GAP_NONCONFORMITY] = "nonconformity",
    [GAP_ACTION] = "action",
    [GAP_INCIDENT] = "incident",
    [GAP_FINDING] = "finding",
};

static bool scope_approved(const Isms__V1__Record *);
static bool policy_approved(const Isms__V1__Record *);
static bool risk_assessed(const Isms__V1__Record *);
static bool control_decided(const Isms__V1__Record *);
static bool document_plan(const Isms__V1__Record *);
static bool audit_performed(const Isms__V1__Record *);
static bool mreview_held(const Isms__V1__Record *);

/*
 * A rule passes when some record of reg satisfies ok (NULL: any record) or
 * some record of alt satisfies alt_ok. With every set, each record of reg
 * must satisfy ok, and msg gets the count of those that do not. With
 * after set, a rule is checked only when the one before it passed.
 */
static const struct gap_rule {
	const char *clause;
	enum gap_reg reg;
	bool (*ok)(const Isms__V1__Record *);
	enum gap_reg alt;
	bool (*alt_ok)(const Isms__V1__Record *);
	bool every;
	bool after;
	const char *msg;
} gap_rules[] = {
    {"4.3", GAP_SCOPE, NULL, GAP_NREGS, NULL, false, false,
     "no scope recorded"},
    {"4.3", GAP_SCOPE, scope_approved, GAP_NREGS, NULL, false, true,
     "no approved scope (scope with status approved)"},
    {"5.2", GAP_DOCUMENT, policy_approved, GAP_NREGS, NULL, false, false,
     "no approved information security policy (document with kind "
     "policy, status approved)"},
    {"6.1.2", GAP_RISK, risk_assessed, GAP_NREGS, NULL, false, false,
     "no risk assessed (no risk with likelihood and impact)"},
    {"6.1.3", GAP_TREATMENT, NULL, GAP_NREGS, NULL, false, false,
     "no risk treatment recorded"},
    {"6.1.3", GAP_CONTROL, control_decided, GAP_NREGS, NULL, true, false,
     "%zu control%s with undecided applicability (see ismsctl soa)"},
    {"6.2", GAP_OBJECTIVE, NULL, GAP_NREGS, NULL, false, false,
     "no objective recorded"},
    {"7.2", GAP_COMPETENCE, NULL, GAP_NREGS, NULL, false, false,
     "no competence recorded"},
    {"7.5.1", GAP_DOCUMENT, NULL, GAP_NREGS, NULL, false, false,
     "no document recorded"},
    {"8.1", GAP_MILESTONE, NULL, GAP_DOCUMENT, document_plan, false, false,
     "no plan recorded (no milestone, no document with kind plan)"},
    {"8.2", GAP_RISK, risk_assessed, GAP_NREGS, NULL, false, false,
     "no risk assessed (no risk with likelihood and impact)"},
    {"8.3", GAP_TREATMENT, NULL, GAP_NREGS, NULL, false, false,
     "no risk treatment recorded"},
    {"9.1", GAP_METRIC, NULL, GAP_NREGS, NULL, false, false,
     "no metric recorded"},
    {"9.2.2", GAP_AUDIT, audit_performed, GAP_NREGS, NULL, false, false,
     "no internal audit performed (no audit with status reported or "
     "closed)"},
    {"9.3.3", GAP_MREVIEW, mreview_held, GAP_NREGS, NULL, false, false,
     "no management review held (no mreview with status held or closed)"},
    {"10.2", GAP_NONCONFORMITY, NULL, GAP_NREGS, NULL, false, false,
     "no nonconformity recorded (record them when they occur)"},
};

#define GAP_NRULES (sizeof gap_rules / sizeof gap_rules[0])

/* A scope with status approved. */
static bool
scope_approved(const Isms__V1__Record *r)
{
	return r->scope != NULL &&
	       r->scope->status ==
	           ISMS__V1__SCOPE_STATUS__SCOPE_STATUS_APPROVED;
}

/* An approved document of kind policy. */
static bool
policy_approved(const Isms__V1__Record *r)
{
	return r->document != NULL &&
	       r->document->kind ==
	           ISMS__V1__DOCUMENT_KIND__DOCUMENT_KIND_POLICY &&
	       r->document->status ==
	           ISMS__V1__DOCUMENT_STATUS__DOCUMENT_STATUS_APPROVED;
}

/* A risk with likelihood and impact. */
static bool
risk_assessed(const Isms__V1__Record *r)
{
	return r->risk != NULL && r->risk->has_likelihood &&
	       r->risk->has_impact && r->risk->likelihood > 0 &&
	       r->risk->impact > 0;
}

/* A control whose applicability is decided (yes or no). */
static bool
control_decided(const Isms__V1__Record *r)
{
	return r->control != NULL && r->control->has_applicable;
}

/* A document of kind plan. */
static bool
document_plan(const Isms__V1__Record *r)
{
	return r->document != NULL &&
	       r->document->kind == ISMS__V1__DOCUMENT_KIND__DOCUMENT_KIND_PLAN;
}

/* An audit that has reported or closed. */
static bool
audit_performed(const Isms__V1__Record *r)
{
	return r->audit != NULL &&
	       (r->audit->status ==
	            ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_REPORTED ||
	        r->audit->status ==
	            ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_CLOSED);
}

/* A management review held or closed. */
static bool
mreview_held(const Isms__V1__Record *r)
{
	return r->mreview != NULL &&
	       (r->mreview->status ==
	            ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_HELD ||
	        r->mreview->status ==
	            ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_CLOSED);
}

/* Number of records of reg satisfying ok (NULL: all of them). */
static size_t
gap_count(const struct gap_input *in, enum gap_reg reg,
          bool (*ok)(const Isms__V1__Record *))
{
	size_t i, n = 0;

	if (reg == GAP_NREGS)
		return 0;
	for (i = 0; i < in->reg[reg].n; i++)
		if (ok == NULL || ok(in->reg[reg].recs[i]))
			n++;
	return n;
}

/* Adds a missing item. */
static void
gap_miss(struct gap *g, const char *clause, char *msg)
{
	g->miss = xreallocarray(g->miss, g->nmiss + 1, sizeof *g->miss);
	g->miss[g->nmiss].clause = clause;
	g->miss[g->nmiss++].msg = msg;
}

/* Applies the rules; a rule's result decides whether the next "after" runs. */
static void
gap_rules_apply(struct gap *g, const struct gap_input *in)
{
	const struct gap_rule *r;
	bool passed = true;
	size_t i, bad;

	for (i = 0; i < GAP_NRULES; i++) {
		r = &gap_rules[i];
		if (r->after && !passed)
			continue;
		if (r->every) {
			bad = in->reg[r->reg].n - gap_count(in, r->reg, r->ok);
			passed = bad == 0;
			if (!passed)
				gap_miss(g, r->clause,
				         xasprintf(r->msg, bad,
				                   bad == 1 ? "" : "s"));
			continue;
		}
		passed = gap_count(in, r->reg, r->ok) > 0 ||
		         gap_count(in, r->alt, r->alt_ok) > 0;
		if (!passed)
			gap_miss(g, r->clause, xstrdup(r->msg));
	}
}

/* The summary line for key, added (with title) when new. */
static struct gap_summary *
gap_line(struct gap *g, const char *key, size_t keylen, const char *title)
{
	size_t i;

	for (i = 0; i < g->nsum; i++)
		if (strlen(g->sum[i].key) == keylen &&
		    strncmp(g->sum[i].key, key, keylen) == 0)
			return &g->sum[i];
	g->sum = xreallocarray(g->sum, g->nsum + 1, sizeof *g->sum);
	memset(&g->sum[g->nsum], 0, sizeof g->sum[0]);
	g->sum[g->nsum].key = xstrndup(key, keylen);
	g->sum[g->nsum].title = xstrdup(title != NULL ? title : "");
	return &g->sum[g->nsum++];
}

/* Whether a requirement is assessed (headings such as 6.1 are not). */
static bool
req_assessable(const Isms__V1__Record *r)
{
	return r->requirement == NULL || !r->requirement->has_assessable ||
	       r->requirement->assessable;
}

/* The title of the requirement whose id is key (a clause heading). */
static const char *
req_title(const struct gap_input *in, const char *key, size_t keylen)
{
	const Isms__V1__Record *r;
	size_t i;

	for (i = 0; i < in->reg[GAP_REQUIREMENT].n; i++) {
		r = in->reg[GAP_REQUIREMENT].recs[i];
		if (r->id != NULL && strlen(r->id) == keylen &&
		    strncmp(r->id, key, keylen) == 0)
			return r->title;
	}
	return NULL;
}

/* Counts the requirements into one line per clause, 4 to 10. */
static void
gap_clauses(struct gap *g, const struct gap_input *in)
{
	const Isms__V1__Record *r;
	struct gap_summary *s;
	size_t i, k;

	for (i = 0; i < in->reg[GAP_REQUIREMENT].n; i++) {
		r = in->reg[GAP_REQUIREMENT].recs[i];
		if (r->id == NULL ||
		    r->body_case != ISMS__V1__RECORD__BODY_REQUIREMENT)
			continue;
		k = strcspn(r->id, ".");
		s = gap_line(g, r->id, k, req_title(in, r->id, k));
		if (!req_assessable(r))
			continue;
		switch (gap_status(g, in, i, NULL)) {
		case ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_MET:
			s->met++;
			break;
		case ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_PARTIAL:
			s->partial++;
			break;
		default:
			s->not_met++;
		}
	}
}

/* Counts the applicable controls into one line per theme. */
static void
gap_themes(struct gap *g, const struct gap_input *in)
{
	const struct soa_row *r;
	struct gap_summary *s;
	struct soa soa;
	char key[16];
	size_t i;

	soa_build(&soa, in->reg[GAP_CONTROL].recs, in->reg[GAP_CONTROL].n);
	for (i = 0; i < soa.n; i++) {
		r = &soa.rows[i];
		if (r->applicable == SOA_NO)
			continue;
		if (r->group == SOA_OWN_GROUP)
			snprintf(key, sizeof key, "own");
		else
			snprintf(key, sizeof key, "A.%d", r->group);
		s = gap_line(g, key, strlen(key), r->theme);
		switch (r->status) {
		case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_IMPLEMENTED:
			s->met++;
			break;
		case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_PARTIAL:
		case ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_PLANNED:
			s->partial++;
			break;
		default:
			s->not_met++;
		}
	}
	soa_free(&soa);
}

/* Where a summary line goes: clauses 4-10, then themes, then own. */
static long
sum_rank(const struct gap_summary *s)
{
	if (strcmp(s->key, "own") == 0)
		return 3000000;
	if (strncmp(s->key, "A.", 2) == 0)
		return 1000000 + strtol(s->key + 2, NULL, 10);
	return strtol(s->key, NULL, 10);
}

/* Computes the summary lines (sorted) and the missing items. */
void
gap_build(struct gap *g, const struct gap_input *in)
{
	struct gap_summary tmp;
	size_t i, k;

	memset(g, 0, sizeof *g);
	gap_derive(g, in);
	gap_clauses(g, in);
	gap_themes(g, in);
	/* A stable insertion sort: the input order breaks ties. */
	for (i = 1; i < g->nsum; i++) {
		tmp = g->sum[i];
		for (k = i; k > 0 && sum_rank(&g->sum[k - 1]) > sum_rank(&tmp);
		     k--)
			g->sum[k] = g->sum[k - 1];
		g->sum[k] = tmp;
	}
	gap_rules_apply(g, in);
}

/* Frees the summary lines and missing items. */
void
gap_free(struct gap *g)
{
	size_t i;

	for (i = 0; i < g->nsum; i++) {
		free(g->sum[i].key);
		free(g->sum[i].title);
	}
	for (i = 0; i < g->nmiss; i++)
		free(g->miss[i].msg);
	for (i = 0; i < g->nder; i++)
		free(g->der[i].basis);
	for (i = 0; i < g->ndef; i++) {
		free(g->def[i].ref);
		free(g->def[i].msg);
	}
	free(g->sum);
	free(g->miss);
	free(g->der);
	free(g->def);
	memset(g, 0, sizeof *g);
}

/* Percent met, rounded to the nearest; -1 when nothing counts. */
int
gap_percent(const struct gap_summary *s)
{
	size_t total = s->met + s->partial + s->not_met;

	if (total == 0)
		return -1;
	return (int)((s->met * 200 + total) / (total * 2));
}

/*
 * A requirement's status: for people ("not met", "not assessed") or, with
 * data set, by its enum name ("not_met", "" when unset); "" for a heading.
 */
static const char *
req_status(const Isms__V1__Record *r, int status, bool data)
{
	if (!req_assessable(r))
		return "";
	switch (status) {
	case ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_MET:
		return "met";
	case ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_PARTIAL:
		return "partial";
	case ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_NOT_MET:
		return data ? "not_met" : "not met";
	default:
		return data ? "" : "not assessed";
	}
}

/* The evidence of requirement i, "" if none: with a derived status,
 * what it was derived from ("derived: SCOPE-0001 approved"). malloc'ed. */
static char *
req_evidence(const struct gap *g, const struct gap_input *in, size_t i)
{
	const Isms__V1__Record *r = in->reg[GAP_REQUIREMENT].recs[i];
	bool derived;

	gap_status(g, in, i, &derived);
	if (derived)
		return xasprintf("derived: %s", g->der[i].basis);
	if (r->requirement == NULL || r->requirement->evidence == NULL)
		return xstrdup("");
	return xstrdup(r->requirement->evidence);
}

/* The summary line's label: "4 Context of the organization", a theme. */
static char *
sum_label(const struct gap_summary *s)
{
	char *t, *c;

	if (strcmp(s->key, "own") == 0 || strncmp(s->key, "A.", 2) == 0)
		return ctl_out_clean(s->title, SIZE_MAX);
	t = xasprintf("%s %s", s->key, s->title);
	c = ctl_out_clean(t, SIZE_MAX);
	free(t);
	return c;
}

/* The requirements, one row each; headings carry no status. */
static void
print_requirements(FILE *f, const struct gap_input *in, const struct gap *g)
{
	static const char *const titles[] = {"CLAUSE", "TITLE", "STATUS",
	                                     "EVIDENCE"};
	size_t n = in->reg[GAP_REQUIREMENT].n, i, c, depth;
	char **cells = xcalloc(n * 4 + 1, sizeof *cells), *t, *ev;
	const Isms__V1__Record *r;
	size_t *w;

	for (i = 0; i < n; i++) {
		r = in->reg[GAP_REQUIREMENT].recs[i];
		t = ctl_out_clean(r->id != NULL ? r->id : "?", SIZE_MAX);
		for (depth = 0, c = 0; t[c] != '\0'; c++)
			depth += t[c] == '.';
		cells[i * 4] = xasprintf("%*s%s", (int)depth * 2, "", t);
		free(t);
		cells[i * 4 + 1] = ctl_out_clean(
		    r->title != NULL ? r->title : "", GAP_TITLE_MAX);
		cells[i * 4 + 2] =
		    xstrdup(req_status(r, gap_status(g, in, i, NULL), false));
		ev = req_evidence(g, in, i);
		cells[i * 4 + 3] = ctl_out_clean(
		    req_assessable(r) && *ev == '\0' ? "-" : ev, GAP_EVID_MAX);
		free(ev);
	}
	w = ctl_out_table_widths(titles, 4, cells, n);
	ctl_out_table_row(f, titles, 4, w);
	for (i = 0; i < n; i++)
		ctl_out_table_row(f, (const char *const *)&cells[i * 4], 4, w);
	for (i = 0; i < n * 4; i++)
		free(cells[i]);
	free(cells);
	free(w);
}

/* The summary table: met, partial, not met and percent met per line. */
static void
print_summary(FILE *f, const struct gap *g)
{
	static const char *const titles[] = {"SUMMARY", "MET", "PARTIAL",
	                                     "NOT MET", "MET %"};
	char **cells = xcalloc(g->nsum * 5 + 1, sizeof *cells);
	size_t i;
	int pct;

	for (i = 0; i < g->nsum; i++) {
		pct = gap_percent(&g->sum[i]);
		cells[i * 5] = sum_label(&g->sum[i]);
		cells[i * 5 + 1] = xasprintf("%zu", g->sum[i].met);
		cells[i * 5 + 2] = xasprintf("%zu", g->sum[i].partial);
		cells[i * 5 + 3] = xasprintf("%zu", g->sum[i].not_met);
		cells[i * 5 + 4] =
		    pct < 0 ? xstrdup("-") : xasprintf("%d%%", pct);
	}
	ctl_out_table(f, titles, 5, cells, g->nsum);
	for (i = 0; i < g->nsum * 5; i++)
		free(cells[i]);
	free(cells);
}

/* Prints the requirements, the summary and the missing items. */
void
gap_print_table(FILE *f, const struct gap_input *in, const struct gap *g)
{
	size_t i;

	if (in->reg[GAP_REQUIREMENT].n > 0) {
		print_requirements(f, in, g);
		fputc('\n', f);
	}
	if (g->nsum > 0) {
		print_summary(f, g);
		fputc('\n', f);
	}
	fputs("missing mandatory documented information:", f);
	if (g->nmiss == 0)
		fputs(" none\n", f);
	else
		fputc('\n', f);
	for (i = 0; i < g->nmiss; i++)
		fprintf(f, "  %s: %s\n", g->miss[i].clause, g->miss[i].msg);
	if (g->ndef > 0)
		fputs("\nevidence defects (records lacking what their state "
		      "needs):\n",
		      f);
	for (i = 0; i < g->ndef; i++) {
		fprintf(f, "  %s: ", g->def[i].ref);
		ctl_out_text(f, g->def[i].msg);
		fputc('\n', f);
	}
}

/* Writes requirements, summary and missing items as JSON. */
void
gap_print_json(FILE *f, const struct gap_input *in, const struct gap *g)
{
	const Isms__V1__Record *r;
	size_t i, n = in->reg[GAP_REQUIREMENT].n;
	const char *st;
	char *ev;
	int pct;

	fputs("{\n  \"requirements\": [", f);
	for (i = 0; i < n; i++) {
		r = in->reg[GAP_REQUIREMENT].recs[i];
		fputs(i > 0 ? ",\n    {\"id\": " : "\n    {\"id\": ", f);
		ctl_out_json_string(f, r->id != NULL ? r->id : "");
		fputs(", \"title\": ", f);
		ctl_out_json_string(f, r->title != NULL ? r->title : "");
		fprintf(f, ", \"assessable\": %s, \"status\": ",
		        req_assessable(r) ? "true" : "false");
		st = req_status(r, gap_status(g, in, i, NULL), true);
		if (*st == '\0')
			fputs("null", f);
		else
			ctl_out_json_string(f, st);
		fputs(", \"evidence\": ", f);
		ev = req_evidence(g, in, i);
		ctl_out_json_string(f, ev);
		free(ev);
		fprintf(f, ", \"derived\": %s",
		        i < g->nder && g->der[i].status != 0 ? "true"
		                                             : "false");
		fputc('}', f);
	}
	fputs(n > 0 ? "\n  ],\n  \"summary\": [" : "],\n  \"summary\": [", f);
	for (i = 0; i < g->nsum; i++) {
		pct = gap_percent(&g->sum[i]);
		fputs(i > 0 ? ",\n    {\"key\": " : "\n    {\"key\": ", f);
		ctl_out_json_string(f, g->sum[i].key);
		fputs(", \"title\": ", f);
		ctl_out_json_string(f, g->sum[i].title);
		fprintf(f,
		        ", \"met\": %zu, \"partial\": %zu, \"not_met\": %zu, "
		        "\"percent_met\": ",
		        g->sum[i].met, g->sum[i].partial, g->sum[i].not_met);
		if (pct < 0)
			fputs("null}", f);
		else
			fprintf(f, "%d}", pct);
	}
	fputs(g->nsum > 0 ? "\n  ],\n  \"missing\": [" : "],\n  \"missing\": [",
	      f);
	for (i = 0; i < g->nmiss; i++) {
		fputs(i > 0 ? ",\n    {\"clause\": " : "\n    {\"clause\": ",
		      f);
		ctl_out_json_string(f, g->miss[i].clause);
		fputs(", \"message\": ", f);
		ctl_out_json_string(f, g->miss[i].msg);
		fputc('}', f);
	}
	fputs(g->nmiss > 0 ? "\n  ],\n  \"defects\": ["
	                   : "],\n  \"defects\": [",
	      f);
	for (i = 0; i < g->ndef; i++) {
		fputs(i > 0 ? ",\n    {\"ref\": " : "\n    {\"ref\": ", f);
		ctl_out_json_string(f, g->def[i].ref);
		fputs(", \"message\": ", f);
		ctl_out_json_string(f, g->def[i].msg);
		fputc('}', f);
	}
	fputs(g->ndef > 0 ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* Writes requirements, summary and missing items as CSV rows. */
void
gap_print_csv(FILE *f, const struct gap_input *in, const struct gap *g)
{
	const Isms__V1__Record *r;
	char met[24], partial[24], not_met[24], pct[24], *ev;
	size_t i;

	fputs("section,ref,title,status,evidence,met,partial,not_met,"
	      "percent_met\r\n",
	      f);
	for (i = 0; i < in->reg[GAP_REQUIREMENT].n; i++) {
		r = in->reg[GAP_REQUIREMENT].recs[i];
		ev = req_evidence(g, in, i);
		ctl_out_csv_row(
		    f,
		    (const char *const[]){
		        "requirement", r->id, r->title,
		        req_status(r, gap_status(g, in, i, NULL), true), ev, "",
		        "", "", ""},
		    9);
		free(ev);
	}
	for (i = 0; i < g->nsum; i++) {
		snprintf(met, sizeof met, "%zu", g->sum[i].met);
		snprintf(partial, sizeof partial, "%zu", g->sum[i].partial);
		snprintf(not_met, sizeof not_met, "%zu", g->sum[i].not_met);
		if (gap_percent(&g->sum[i]) < 0)
			pct[0] = '\0';
		else
			snprintf(pct, sizeof pct, "%d",
			         gap_percent(&g->sum[i]));
		ctl_out_csv_row(f,
		                (const char *const[]){
		                    "summary", g->sum[i].key, g->sum[i].title,
		                    "", "", met, partial, not_met, pct},
		                9);
	}
	for (i = 0; i < g->nmiss; i++)
		ctl_out_csv_row(f,
		                (const char *const[]){
		                    "missing", g->miss[i].clause,
		                    g->miss[i].msg, "", "", "", "", "", ""},
		                9);
	for (i = 0; i < g->ndef; i++)
		ctl_out_csv_row(f,
		                (const char *const[]){"defect", g->def[i].ref,
		                                      g->def[i].msg, "", "", "",
		                                      "", "", ""},
		                9);
}
