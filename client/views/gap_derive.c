/*
 * gap_derive.c: what the registers say of the requirements the evidence
 * can decide, and the evidence defects: records whose state lacks what it
 * needs. Both are tables: a derivation per requirement, a defect check
 * per register state.
 *
 *   4.3   met by an approved scope (a scope not approved: partial)
 *   9.1   each active metric measured within its period (frequency)
 *   9.2   an audit reported in the last 12 months (one planned: partial)
 *   9.3   a closed management review with decisions (held: partial)
 *   10.2  every closed nonconformity with verified effectiveness and its
 *         actions done (open ones: partial); none recorded: by hand
 */
#include <stdlib.h>
#include <string.h>

#include "gap.h"
#include "kpi.h"
#include "pbfield.h"
#include "timefmt.h"
#include "xmalloc.h"

#define ST(x) ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_##x

/* Records the defect ref: msg. */
static void
gap_defect(struct gap *g, const char *ref, char *msg)
{
	g->def = xreallocarray(g->def, g->ndef + 1, sizeof *g->def);
	g->def[g->ndef].ref = xstrdup(ref != NULL ? ref : "?");
	g->def[g->ndef++].msg = msg;
}

/* The records of reg in in. */
#define RECS(in, r)  ((in)->reg[r].recs)
#define NRECS(in, r) ((in)->reg[r].n)

/* 4.3: an approved scope. */
static int
derive_scope(struct gap *g, const struct gap_input *in, char **basis)
{
	const Isms__V1__Record *r;
	size_t i;

	(void)g;
	for (i = 0; i < NRECS(in, GAP_SCOPE); i++) {
		r = RECS(in, GAP_SCOPE)[i];
		if (r->scope != NULL &&
		    r->scope->status ==
		        ISMS__V1__SCOPE_STATUS__SCOPE_STATUS_APPROVED) {
			*basis = xasprintf("%s approved", r->id);
			return ST(MET);
		}
	}
	if (NRECS(in, GAP_SCOPE) > 0) {
		*basis =
		    xasprintf("%s not approved", RECS(in, GAP_SCOPE)[0]->id);
		return ST(PARTIAL);
	}
	*basis = xstrdup("no scope");
	return ST(NOT_MET);
}

/* Whether metric r (latest measurement on latest, or NULL) is measured
 * within its period as of today; else a defect says why. */
static bool
metric_current(struct gap *g, const Isms__V1__Record *r, const char *latest,
               const char *today)
{
	const char *f = r->metric != NULL ? r->metric->frequency : NULL;
	struct kpi_period p;
	char next[11];

	if (!kpi_period_parse(f, &p)) {
		gap_defect(g, r->id,
		           xasprintf("active metric with no frequency ismsd "
		                     "schedules ('%s')",
		                     f != NULL ? f : ""));
		return false;
	}
	if (latest == NULL) {
		gap_defect(g, r->id, xstrdup("active metric never measured"));
		return false;
	}
	if (kpi_period_next(&p, latest, next, sizeof next) &&
	    strcmp(next, today) < 0) {
		gap_defect(g, r->id,
		           xasprintf("last measured %s: a measurement was due "
		                     "%s",
		                     latest, next));
		return false;
	}
	return true;
}

/* 9.1: every active metric measured within its period. */
static int
derive_metrics(struct gap *g, const struct gap_input *in, char **basis)
{
	const Isms__V1__Record *r;
	size_t i, active = 0, ok = 0;

	if (in->today == NULL || in->metric_latest == NULL)
		return 0;
	for (i = 0; i < NRECS(in, GAP_METRIC); i++) {
		r = RECS(in, GAP_METRIC)[i];
		if (r->metric == NULL ||
		    r->metric->status !=
		        ISMS__V1__METRIC_STATUS__METRIC_STATUS_ACTIVE)
			continue;
		active++;
		ok += metric_current(g, r, in->metric_latest[i], in->today);
	}
	if (active == 0) {
		*basis = xstrdup("no active metric");
		return ST(NOT_MET);
	}
	*basis = xasprintf("%zu of %zu active metrics measured in their "
	                   "period",
	                   ok, active);
	return ok == active ? ST(MET) : ok > 0 ? ST(PARTIAL) : ST(NOT_MET);
}

/* 9.2: an audit reported in the 12 months up to today. */
static int
derive_audits(struct gap *g, const struct gap_input *in, char **basis)
{
	const Isms__V1__Record *r, *planned = NULL;
	const Isms__V1__Audit *a;
	char from[11];
	int64_t t;
	size_t i;

	(void)g;
	if (in->today == NULL || timefmt_parse_instant(in->today, &t) != 0)
		return 0;
	timefmt_date_add(t, -365, from, sizeof from);
	for (i = 0; i < NRECS(in, GAP_AUDIT); i++) {
		r = RECS(in, GAP_AUDIT)[i];
		if ((a = r->audit) == NULL)
			continue;
		if ((a->status ==
		         ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_REPORTED ||
		     a->status ==
		         ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_CLOSED) &&
		    a->performed_on != NULL &&
		    strcmp(a->performed_on, from) >= 0 &&
		    strcmp(a->performed_on, in->today) <= 0) {
			*basis = xasprintf("%s reported, performed %s", r->id,
			                   a->performed_on);
			return ST(MET);
		}
		if (a->status != ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_CLOSED &&
		    a->status != ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_REPORTED)
			planned = r;
	}
	if (planned != NULL) {
		*basis = xasprintf("%s planned, none reported since %s",
		                   planned->id, from);
		return ST(PARTIAL);
	}
	*basis = xasprintf("no audit reported since %s", from);
	return ST(NOT_MET);
}

/* 9.3: a closed management review with decisions. */
static int
derive_mreviews(struct gap *g, const struct gap_input *in, char **basis)
{
	const Isms__V1__Record *r, *held = NULL;
	size_t i;

	(void)g;
	for (i = 0; i < NRECS(in, GAP_MREVIEW); i++) {
		r = RECS(in, GAP_MREVIEW)[i];
		if (r->mreview == NULL)
			continue;
		if (r->mreview->status ==
		        ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_CLOSED &&
		    r->mreview->decisions != NULL &&
		    r->mreview->decisions[0] != '\0') {
			*basis = xasprintf("%s closed with decisions", r->id);
			return ST(MET);
		}
		if (r->mreview->status ==
		    ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_HELD)
			held = r;
	}
	if (held != NULL) {
		*basis = xasprintf("%s held, not closed", held->id);
		return ST(PARTIAL);
	}
	*basis = xstrdup("no management review closed with decisions");
	return ST(NOT_MET);
}

/* The action called id, or NULL. */
static const Isms__V1__Record *
gap_action(const struct gap_input *in, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < NRECS(in, GAP_ACTION); i++)
		if (strcmp(RECS(in, GAP_ACTION)[i]->id, id) == 0)
			return RECS(in, GAP_ACTION)[i];
	return NULL;
}

/* Counts the actions linked with nc either way, and those done. */
static void
nc_actions(const struct gap_input *in, const Isms__V1__Record *nc, size_t *n,
           size_t *done)
{
	const Isms__V1__Record *a;
	size_t i;

	*n = *done = 0;
	for (i = 0; i < nc->n_links + nc->n_linked_from; i++) {
		a = gap_action(in,
		               i < nc->n_links
		                   ? nc->links[i]->target
		                   : nc->linked_from[i - nc->n_links]->target);
		if (a == NULL || a->action == NULL)
			continue;
		(*n)++;
		*done += a->action->status ==
		         ISMS__V1__ACTION_STATUS__ACTION_STATUS_DONE;
	}
}

/* Whether a closed nonconformity shows its evidence; else defects. */
static bool
nc_closed_ok(struct gap *g, const struct gap_input *in,
             const Isms__V1__Record *r)
{
	const Isms__V1__Effectiveness *e = r->nonconformity->effectiveness;
	size_t n, done;
	bool ok = true;

	if (e == NULL || e->by == NULL || e->by[0] == '\0' || !e->has_at) {
		gap_defect(g, r->id,
		           xstrdup("closed without its effectiveness verified "
		                   "(by, at)"));
		ok = false;
	}
	nc_actions(in, r, &n, &done);
	if (n == 0 || done < n) {
		gap_defect(g, r->id,
		           n == 0
		               ? xstrdup("closed without a linked corrective "
		                         "action")
		               : xasprintf("closed with %zu of %zu linked "
		                           "actions not done",
		                           n - done, n));
		ok = false;
	}
	return ok;
}

/* 10.2: closed nonconformities with verified effectiveness, actions
 * done; nothing derived when none is recorded. */
static int
derive_ncs(struct gap *g, const struct gap_input *in, char **basis)
{
	const Isms__V1__Record *r;
	size_t i, closed = 0, good = 0, open = 0;

	for (i = 0; i < NRECS(in, GAP_NONCONFORMITY); i++) {
		r = RECS(in, GAP_NONCONFORMITY)[i];
		if (r->nonconformity == NULL)
			continue;
		if (r->nonconformity->status !=
		    ISMS__V1__NONCONFORMITY_STATUS__NONCONFORMITY_STATUS_CLOSED) {
			open++;
			continue;
		}
		closed++;
		good += nc_closed_ok(g, in, r);
	}
	if (closed + open == 0)
		return 0;
	*basis = xasprintf("%zu of %zu closed nonconformities verified and "
	                   "actioned, %zu open",
	                   good, closed, open);
	if (good < closed)
		return ST(NOT_MET);
	return open > 0 ? ST(PARTIAL) : ST(MET);
}

/* The requirements derived, by id prefix: "9.2" covers 9.2, 9.2.1 and
 * 9.2.2. */
static const struct gap_derivation {
	const char *req;
	int (*derive)(struct gap *, const struct gap_input *, char **basis);
} gap_derivations[] = {
    {"4.3", derive_scope},    {"9.1", derive_metrics}, {"9.2", derive_audits},
    {"9.3", derive_mreviews}, {"10.2", derive_ncs},
};

#define GAP_NDERIV (sizeof gap_derivations / sizeof gap_derivations[0])

/* The derivation of requirement id, or NULL. */
static const struct gap_derivation *
gap_derivation(const char *id)
{
	size_t i, n;

	for (i = 0; id != NULL && i < GAP_NDERIV; i++) {
		n = strlen(gap_derivations[i].req);
		if (strncmp(id, gap_derivations[i].req, n) == 0 &&
		    (id[n] == '\0' || id[n] == '.'))
			return &gap_derivations[i];
	}
	return NULL;
}

/* Whether s holds text. */
static bool
has_text(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* What a record in a state lacks, or NULL (malloc'ed otherwise). */
static char *
lacks_accepted(const Isms__V1__Record *r)
{
	const Isms__V1__Acceptance *a = r->risk->acceptance;

	return a == NULL || !has_text(a->by) || !a->has_at
	           ? xstrdup("accepted without an acceptance (by, at)")
	           : NULL;
}

static char *
lacks_approved(const Isms__V1__Record *r)
{
	const Isms__V1__Approval *a = r->document->approval;

	return a == NULL || !has_text(a->by) || !a->has_at
	           ? xstrdup("approved without an approval (by, at)")
	           : NULL;
}

static char *
lacks_reported(const Isms__V1__Record *r)
{
	if (!has_text(r->audit->performed_on))
		return xstrdup("reported or closed without performed_on");
	return has_text(r->audit->conclusion)
	           ? NULL
	           : xstrdup("reported or closed without a conclusion");
}

static char *
lacks_held(const Isms__V1__Record *r)
{
	const Isms__V1__Mreview *m = r->mreview;

	return !has_text(m->input_previous_actions) ||
	               !has_text(m->input_changes) ||
	               !has_text(m->input_party_needs) ||
	               !has_text(m->input_performance) ||
	               !has_text(m->input_party_feedback) ||
	               !has_text(m->input_risk) ||
	               !has_text(m->input_improvement)
	           ? xstrdup("held without every 9.3.2 input (a-g)")
	           : NULL;
}

static char *
lacks_decisions(const Isms__V1__Record *r)
{
	return has_text(r->mreview->decisions)
	           ? NULL
	           : xstrdup("closed without decisions");
}

static char *
lacks_lessons(const Isms__V1__Record *r)
{
	return has_text(r->incident->lessons_learned)
	           ? NULL
	           : xstrdup("closed without lessons learned");
}

static char *
lacks_correction(const Isms__V1__Record *r)
{
	if (!has_text(r->nonconformity->correction))
		return xstrdup("closed without a correction");
	return has_text(r->nonconformity->root_cause)
	           ? NULL
	           : xstrdup("closed without a root cause");
}

/* Whether r links, either way, to a record whose id starts with pre. */
static bool
links_to(const Isms__V1__Record *r, const char *pre)
{
	size_t i, n = strlen(pre);

	for (i = 0; i < r->n_links; i++)
		if (r->links[i]->target != NULL &&
		    strncmp(r->links[i]->target, pre, n) == 0)
			return true;
	for (i = 0; i < r->n_linked_from; i++)
		if (r->linked_from[i]->target != NULL &&
		    strncmp(r->linked_from[i]->target, pre, n) == 0)
			return true;
	return false;
}

static char *
lacks_nc(const Isms__V1__Record *r)
{
	int k = r->finding->kind;

	if (k != ISMS__V1__FINDING_KIND__FINDING_KIND_MAJOR_NC &&
	    k != ISMS__V1__FINDING_KIND__FINDING_KIND_MINOR_NC)
		return NULL;
	return links_to(r, "NC-") ? NULL
	                          : xstrdup("a nonconformity finding closed "
	                                    "without a linked nonconformity");
}

/* Per register state, what the state needs (closed nonconformities'
 * effectiveness and actions: derive_ncs). */
static const struct gap_need {
	enum gap_reg reg;
	int status;
	char *(*lacks)(const Isms__V1__Record *);
} gap_needs[] = {
    {GAP_RISK, ISMS__V1__RISK_STATUS__RISK_STATUS_ACCEPTED, lacks_accepted},
    {GAP_DOCUMENT, ISMS__V1__DOCUMENT_STATUS__DOCUMENT_STATUS_APPROVED,
     lacks_approved},
    {GAP_AUDIT, ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_REPORTED, lacks_reported},
    {GAP_AUDIT, ISMS__V1__AUDIT_STATUS__AUDIT_STATUS_CLOSED, lacks_reported},
    {GAP_MREVIEW, ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_HELD, lacks_held},
    {GAP_MREVIEW, ISMS__V1__MREVIEW_STATUS__MREVIEW_STATUS_CLOSED,
     lacks_decisions},
    {GAP_INCIDENT, ISMS__V1__INCIDENT_STATUS__INCIDENT_STATUS_CLOSED,
     lacks_lessons},
    {GAP_NONCONFORMITY,
     ISMS__V1__NONCONFORMITY_STATUS__NONCONFORMITY_STATUS_CLOSED,
     lacks_correction},
    {GAP_FINDING, ISMS__V1__FINDING_STATUS__FINDING_STATUS_CLOSED, lacks_nc},
};

/* The status of a record's body (0 when it has none). */
static int
body_status(const Isms__V1__Record *r)
{
	const ProtobufCFieldDescriptor *fd;
	ProtobufCMessage *body = NULL;

	fd = protobuf_c_message_descriptor_get_field(
	    &isms__v1__record__descriptor, r->body_case);
	if (fd != NULL)
		body = pb_submsg((ProtobufCMessage *)&r->base, fd, false);
	if (body == NULL ||
	    (fd = pb_field_by_name(body->descriptor, "status")) == NULL ||
	    !pb_field_present(body, fd))
		return 0;
	return *(const int *)pb_field_ptr(body, fd);
}

/* Every record whose state lacks what it needs. */
static void
gap_states(struct gap *g, const struct gap_input *in)
{
	const struct gap_need *n;
	const Isms__V1__Record *r;
	size_t k, i;
	char *msg;

	for (k = 0; k < sizeof gap_needs / sizeof gap_needs[0]; k++) {
		n = &gap_needs[k];
		for (i = 0; i < NRECS(in, n->reg); i++) {
			r = RECS(in, n->reg)[i];
			if (body_status(r) == n->status &&
			    (msg = n->lacks(r)) != NULL)
				gap_defect(g, r->id, msg);
		}
	}
}

/* The name of a requirement status, for people. */
static const char *
gap_status_name(int s)
{
	return s == ST(MET)       ? "met"
	       : s == ST(PARTIAL) ? "partial"
	       : s == ST(NOT_MET) ? "not met"
	                          : "unset";
}

/*
 * The status requirement r was given by hand, or 0: not_met is where the
 * catalog starts every requirement, so it counts as given only with a
 * justification.
 */
static int
gap_manual(const Isms__V1__Record *r)
{
	const Isms__V1__Requirement *q = r->requirement;

	if (q == NULL || q->status == 0)
		return 0;
	if (q->status == ST(NOT_MET) && !has_text(q->justification))
		return 0;
	return (int)q->status;
}

int
gap_status(const struct gap *g, const struct gap_input *in, size_t i,
           bool *derived)
{
	const Isms__V1__Record *r = RECS(in, GAP_REQUIREMENT)[i];
	const Isms__V1__Requirement *q = r->requirement;
	int d = i < g->nder ? g->der[i].status : 0;
	bool use = d != 0 && !(gap_manual(r) != 0 && q != NULL &&
	                       has_text(q->justification));

	if (derived != NULL)
		*derived = use;
	return use ? d : q != NULL ? (int)q->status : 0;
}

void
gap_derive(struct gap *g, const struct gap_input *in)
{
	int st[GAP_NDERIV];
	char *basis[GAP_NDERIV] = {0};
	const struct gap_derivation *d;
	const Isms__V1__Record *r;
	size_t i, k, n = NRECS(in, GAP_REQUIREMENT);
	int own;

	for (k = 0; k < GAP_NDERIV; k++)
		st[k] = gap_derivations[k].derive(g, in, &basis[k]);
	g->nder = n;
	g->der = xcalloc(n + 1, sizeof *g->der);
	for (i = 0; i < n; i++) {
		r = RECS(in, GAP_REQUIREMENT)[i];
		if (r->requirement == NULL ||
		    (r->requirement->has_assessable &&
		     !r->requirement->assessable) ||
		    (d = gap_derivation(r->id)) == NULL)
			continue;
		k = (size_t)(d - gap_derivations);
		if (st[k] == 0)
			continue;
		g->der[i].status = st[k];
		g->der[i].basis = xstrdup(basis[k]);
		own = gap_manual(r);
		if (own != 0 && own != st[k] &&
		    !has_text(r->requirement->justification))
			gap_defect(g, r->id,
			           xasprintf("status %s set by hand against "
			                     "the evidence (%s: %s) without a "
			                     "justification",
			                     gap_status_name(own),
			                     gap_status_name(st[k]), basis[k]));
	}
	for (k = 0; k < GAP_NDERIV; k++)
		free(basis[k]);
	gap_states(g, in);
}
