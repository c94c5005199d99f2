/* incident.c: information security incidents (ISO 27001 A.5.24-5.28). */
/* Review every 30 days: an open incident is looked at monthly at least;
 * its severity drives the real pace. */
#include "registers.h"

#define S(x) ISMS__V1__INCIDENT_STATUS__INCIDENT_STATUS_##x

/* Stamps resolved_at on resolution, clears it on reopening. */
static int
incident_check(struct register_ctx *ctx, Isms__V1__Record *rec,
               const Isms__V1__Record *old, struct isms_err *err)
{
	Isms__V1__Incident *i = rec->incident;

	if (register_leaving(&register_incident, rec, old, S(RESOLVED)) &&
	    i->status != S(CLOSED)) {
		i->has_resolved_at = 0;
		i->resolved_at = 0;
	}
	if (register_entering(&register_incident, rec, old, S(RESOLVED)) &&
	    !i->has_resolved_at) {
		i->has_resolved_at = 1;
		i->resolved_at = ctx->now;
	}
	if (i->has_resolved_at && i->has_detected_at &&
	    i->resolved_at < i->detected_at)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'resolved_at' is before detected_at");
	return 0;
}

static const char *const incident_required[] = {"severity", NULL};

/* The dedupe key and what counts the pushes: only Ingest writes them
 * (ingest.h), so the dedupe index derives from the records alone. */
static const char *const incident_derived[] = {
    "source",       "external_id",        "link", "repeat_count",
    "last_seen_at", "source_resolved_at", NULL,
};

/* new -> triaged -> contained -> resolved -> closed. An event assessed
 * as no incident (A.5.25) closes from new or triaged; containment that
 * fails goes back to triage, and so does a resolved incident that
 * recurs before closing. Closed is final: a recurrence is a new one. */
static const struct register_move incident_moves[] = {
    {S(NEW), S(TRIAGED)},        {S(NEW), S(CLOSED)},
    {S(TRIAGED), S(CONTAINED)},  {S(TRIAGED), S(RESOLVED)},
    {S(TRIAGED), S(CLOSED)},     {S(CONTAINED), S(TRIAGED)},
    {S(CONTAINED), S(RESOLVED)}, {S(RESOLVED), S(TRIAGED)},
    {S(RESOLVED), S(CLOSED)},    {0, 0},
};

/* Settled: nothing is due any more, no review, no reminder. */
/* A.5.27: what the incident taught, before it closes. */
static const char *const incident_closed[] = {"lessons_learned", NULL};

static const struct register_state incident_states[] = {
    {S(CLOSED), REGISTER_SETTLED, NULL, incident_closed, NULL, NULL},
    {0, 0},
};

const struct register_def register_incident = {
    .review_days = 30,
    .initial_status = S(NEW),
    .required = incident_required,
    .moves = incident_moves,
    .check = incident_check,
    .states = incident_states,
    .derived = incident_derived,
    REGISTER_ROW(incident),
};
