/*
 * report_incidents.c: information security incidents (A.5.24-A.5.28) as
 * a report: counts by severity with the mean time to resolve, the open
 * incidents with their age, and the resolved ones with their time to
 * resolve (from detected_at, else the record's creation, to resolved_at).
 */
#include <stdlib.h>
#include <string.h>

#include "pbfield.h"
#include "report_kinds.h"
#include "timefmt.h"
#include "xmalloc.h"

#define INC_NSEV 5 /* unspecified, low, medium, high, critical */

/* Whether an incident is still open (not resolved, not closed). */
static bool
inc_open(const Isms__V1__Incident *i)
{
	return i->status !=
	           ISMS__V1__INCIDENT_STATUS__INCIDENT_STATUS_RESOLVED &&
	       i->status != ISMS__V1__INCIDENT_STATUS__INCIDENT_STATUS_CLOSED;
}

/* When it started: detected_at, else the record's creation. */
static int64_t
inc_start(const Isms__V1__Record *rec)
{
	return rec->incident->has_detected_at ? rec->incident->detected_at
	                                      : rec->created_at;
}

/* Days (with a fraction) from a to b. */
static double
inc_days(int64_t a, int64_t b)
{
	return b > a ? (double)(b - a) / 86400.0 : 0.0;
}

static void
inc_by_severity(struct rsection *sec, const struct rsnap *snap)
{
	static const char *const cols[] = {"Severity", "Open", "Resolved",
	                                   "Total", "Mean days to resolve"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_NUMBER, RCELL_NUMBER, RCELL_NUMBER, RCELL_NUMBER};
	const struct rsnap_reg *g = RSNAP_REG(snap, incident);
	size_t open[INC_NSEV] = {0}, res[INC_NSEV] = {0}, timed[INC_NSEV] = {0};
	double days[INC_NSEV] = {0};
	struct rtable *t = report_table(sec, 5, cols, types);
	struct rcell *c;
	char buf[32];
	size_t k, s;

	for (k = 0; k < g->n; k++) {
		const Isms__V1__Incident *i = g->recs[k]->incident;

		if (i == NULL || (unsigned)i->severity >= INC_NSEV)
			continue;
		s = (size_t)i->severity;
		if (inc_open(i)) {
			open[s]++;
			continue;
		}
		res[s]++;
		if (i->has_resolved_at) {
			days[s] +=
			    inc_days(inc_start(g->recs[k]), i->resolved_at);
			timed[s]++;
		}
	}
	for (s = INC_NSEV; s-- > 0;) {
		if (s == 0 && open[0] + res[0] == 0)
			continue;
		c = report_row(t);
		rcell_text(&c[0], s == 0 ? "not set"
		                         : pb_enum_name(
		                               &isms__v1__severity__descriptor,
		                               (int)s, buf, sizeof buf));
		rcell_num(&c[1], (double)open[s]);
		if (open[s] > 0 && s >= 3)
			c[1].tone = RTONE_BAD;
		rcell_num(&c[2], (double)res[s]);
		rcell_num(&c[3], (double)(open[s] + res[s]));
		if (timed[s] > 0)
			rcell_num(&c[4], (double)(int64_t)(10 * days[s] /
			                                   (double)timed[s]) /
			                     10);
	}
}

/* The open incidents (open true) or the resolved ones. */
static void
inc_list(struct rsection *sec, const struct rsnap *snap, bool open)
{
	static const char *const cols[] = {"ID",       "Title",  "Owner",
	                                   "Severity", "Status", "Detected",
	                                   "Resolved", "Days"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_TEXT,
	    RCELL_TEXT, RCELL_DATE, RCELL_DATE, RCELL_NUMBER};
	const struct rsnap_reg *g = RSNAP_REG(snap, incident);
	struct rtable *t = report_table(sec, 8, cols, types);
	char buf[32], day[TIMEFMT_DATE_LEN];
	struct rcell *c;
	size_t k;

	for (k = 0; k < g->n; k++) {
		const Isms__V1__Record *rec = g->recs[k];
		const Isms__V1__Incident *i = rec->incident;

		if (i == NULL || inc_open(i) != open)
			continue;
		c = report_row(t);
		rcell_text(&c[0], rec->id);
		rcell_text(&c[1], rec->title);
		rcell_text(&c[2], rec->owner);
		rcell_text(&c[3], rsnap_enum(rec, "severity", buf, sizeof buf));
		c[3].tone = open && i->severity >= 3 ? RTONE_BAD : RTONE_NONE;
		rcell_text(&c[4], rsnap_status(rec, buf, sizeof buf));
		timefmt_date_add(inc_start(rec), 0, day, sizeof day);
		rcell_text(&c[5], day);
		if (i->has_resolved_at) {
			timefmt_date_add(i->resolved_at, 0, day, sizeof day);
			rcell_text(&c[6], day);
		}
		if (open || i->has_resolved_at)
			rcell_num(
			    &c[7],
			    (double)(int64_t)(10 *
			                      inc_days(inc_start(rec),
			                               open ? snap->now
			                                    : i->resolved_at)) /
			        10);
	}
}

void
report_build_incidents(struct report *rep, const struct rsnap *snap)
{
	const struct rsnap_reg *g = RSNAP_REG(snap, incident);
	struct rsection *sec;
	size_t k, open = 0;

	for (k = 0; k < g->n; k++)
		open += g->recs[k]->incident && inc_open(g->recs[k]->incident);
	sec = report_section(rep, "by-severity", "Incidents by severity");
	sec->text = xasprintf("%zu incidents: %zu open, %zu resolved or "
	                      "closed.",
	                      g->n, open, g->n - open);
	inc_by_severity(sec, snap);
	inc_list(report_section(rep, "open", "Open incidents"), snap, true);
	inc_list(report_section(rep, "resolved",
	                        "Resolved incidents and time to resolve"),
	         snap, false);
}
