/*
 * test_register_rules.c: each register's own rules (incident, nonconformity,
 * document, done_on dates, treatment, control, requirement and the rest)
 * driven through the real engine on a temp LMDB store; the fixture is in
 * reg_fx.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "reg_fx.h"

/* Incident: new -> triaged -> contained -> resolved -> closed. */
static void
test_incident(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_incident;
	struct records_actor later = {"bob", who.now + 3600};
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record *rec, *out = NULL;
	struct isms_err err;
	char id[64], at[32];

	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	assert_stored(&fx->txn, id, "incident.status", "new");
	assert_stored(&fx->txn, id, "incident.resolved_at", NULL);
	/* No shortcut from new to resolved. */
	assert_einval(set1(&fx->txn, id, reg, "status=resolved", NULL, &err),
	              &err, "field 'status'", "triaged");
	set_ok(&fx->txn, id, reg, "status=triaged", NULL);
	set_ok(&fx->txn, id, reg, "status=contained", NULL);
	set_ok(&fx->txn, id, reg, "status=resolved", NULL);
	snprintf(at, sizeof at, "%lld", (long long)who.now);
	assert_stored(&fx->txn, id, "incident.resolved_at", at);
	/* It recurs: back to triage, no longer resolved. */
	set_ok(&fx->txn, id, reg, "status=triaged", NULL);
	assert_stored(&fx->txn, id, "incident.resolved_at", NULL);
	/* Resolved again, later: the new time. */
	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	rec->id = strdup(id);
	set_path(&rec->base, "incident.status", "resolved");
	put.record = rec;
	assert_int_equal(records_put(&fx->txn, &put, &later, &out, &err), 0);
	assert_int_equal(out->incident->resolved_at, later.now);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	/* A resolution before detection is refused. */
	assert_einval(
	    set1(&fx->txn, id, reg, "resolved_at=1764300000", NULL, &err), &err,
	    "field 'resolved_at'", "detected_at");
	set_ok(&fx->txn, id, reg, "status=closed", NULL);
	/* Closed is final. */
	assert_einval(set1(&fx->txn, id, reg, "status=triaged", NULL, &err),
	              &err, "field 'status'", "nothing");
	/* A resolved_at the client gives is kept. */
	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	set_ok(&fx->txn, id, reg, "status=triaged", NULL);
	set_ok(&fx->txn, id, reg, "status=resolved", "resolved_at=1764315000");
	assert_stored(&fx->txn, id, "incident.resolved_at", "1764315000");
	/* A false positive closes from new without a resolution. */
	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	set_ok(&fx->txn, id, reg, "status=closed", NULL);
	assert_stored(&fx->txn, id, "incident.resolved_at", NULL);
}

/* Nonconformity: each 10.2 step leaves its evidence; effectiveness is
 * verified by a sign-off once a linked corrective action is done. */
static void
test_nonconformity(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_nonconformity;
	const char *bare[] = {"correction=", "root_cause=", NULL};
	struct isms_err err;
	char id[64], at[32];

	add_ok(&fx->txn, reg, bare, id, sizeof id);
	assert_stored(&fx->txn, id, "nonconformity.status", "open");
	assert_einval(
	    set1(&fx->txn, id, reg, "status=correction_done", NULL, &err), &err,
	    "field 'correction'", "status 'correction_done'");
	set_ok(&fx->txn, id, reg, "status=correction_done",
	       "correction=Restored the job");
	assert_einval(
	    set1(&fx->txn, id, reg, "status=action_planned", NULL, &err), &err,
	    "field 'root_cause'", NULL);
	/* No closing on the correction alone: 10.2 c-f come first. */
	assert_einval(set1(&fx->txn, id, reg, "status=closed", NULL, &err),
	              &err, "field 'status'", "action_planned");
	set_ok(&fx->txn, id, reg, "status=action_planned",
	       "root_cause=No owner for backups");
	/* The effectiveness is the signer's, never a client's. */
	assert_einval(set1(&fx->txn, id, reg, "status=effectiveness_verified",
	                   "effectiveness.by=carol", &err),
	              &err, "field 'effectiveness'", "derived");
	assert_einval(set1(&fx->txn, id, reg, "status=effectiveness_verified",
	                   NULL, &err),
	              &err, "field 'effectiveness.by'",
	              "a linked action in status done");
	/* Verifying needs the result, and the done action. */
	assert_einval(sign(&fx->txn, id, "root", true, NULL, NULL, &err), &err,
	              "field 'effectiveness.result'",
	              "a linked action in status done");
	assert_int_equal(
	    move_to(
	        &fx->txn, id, reg,
	        ISMS__V1__NONCONFORMITY_STATUS__NONCONFORMITY_STATUS_EFFECTIVENESS_VERIFIED,
	        &err),
	    0);
	snprintf(at, sizeof at, "%lld", (long long)who.now);
	assert_stored(&fx->txn, id, "nonconformity.effectiveness.at", at);
	assert_stored(&fx->txn, id, "nonconformity.effectiveness.by", "root");
	/* The check failed: plan again; the failed result stays on record. */
	set_ok(&fx->txn, id, reg, "status=action_planned", NULL);
	assert_stored(&fx->txn, id, "nonconformity.effectiveness.result",
	              "effective");
	assert_int_equal(sign(&fx->txn, id, "root", true,
	                      "no recurrence in 90 days", NULL, &err),
	                 0);
	set_ok(&fx->txn, id, reg, "status=closed", NULL);
	assert_stored(&fx->txn, id, "nonconformity.status", "closed");
	assert_einval(set1(&fx->txn, id, reg, "status=open", NULL, &err), &err,
	              "field 'status'", NULL);
}

/* Document: draft -> approved (a sign-off) -> retired; a new version
 * voids the approval and goes back to draft. */
static void
test_document(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_document;
	struct isms_err err;
	char id[64], at[32];

	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	assert_einval(set1(&fx->txn, id, reg, "status=approved", NULL, &err),
	              &err, "field 'approval.by'", "status 'approved'");
	assert_einval(set1(&fx->txn, id, reg, "approval.by=ceo", NULL, &err),
	              &err, "field 'approval'", "derived");
	assert_int_equal(sign(&fx->txn, id, "ceo", true, NULL, NULL, &err), 0);
	snprintf(at, sizeof at, "%lld", (long long)who.now);
	assert_stored(&fx->txn, id, "document.status", "approved");
	assert_stored(&fx->txn, id, "document.approval.at", at);
	assert_stored(&fx->txn, id, "document.approval.by", "ceo");
	set_ok(&fx->txn, id, reg, "location=https://intra/isp", NULL);
	assert_stored(&fx->txn, id, "document.approval.by", "ceo");
	/* A new version voids the approval: back to draft. */
	set_ok(&fx->txn, id, reg, "version=2.0", NULL);
	assert_stored(&fx->txn, id, "document.status", "draft");
	assert_stored(&fx->txn, id, "document.approval.by", NULL);
	assert_int_equal(sign(&fx->txn, id, "board", true, NULL, NULL, &err),
	                 0);
	set_ok(&fx->txn, id, reg, "content_hash=sha256:00", NULL);
	assert_stored(&fx->txn, id, "document.status", "draft");
	assert_int_equal(sign(&fx->txn, id, "board", true, NULL, NULL, &err),
	                 0);
	set_ok(&fx->txn, id, reg, "status=retired", NULL);
	assert_einval(set1(&fx->txn, id, reg, "status=approved", NULL, &err),
	              &err, "field 'status'", "draft");
	/* Creating an approved document needs an approval: none can be
	 * sent, so it is approved after. */
	{
		const char *extra[] = {"status=approved", NULL};

		assert_einval(
		    add(&fx->txn, reg, extra, NULL, id, sizeof id, &err), &err,
		    "field 'approval.by'", NULL);
	}
}

/* Action and milestone: done stamps done_on today, reopening clears it. */
static void
test_done_on(void **state)
{
	struct fx *fx = *state;
	const struct register_def *regs[] = {&register_action,
	                                     &register_milestone};
	char id[64], path[64];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s.done_on", regs[i]->name);
		add_ok(&fx->txn, regs[i], NULL, id, sizeof id);
		set_ok(&fx->txn, id, regs[i], "status=in_progress", NULL);
		assert_stored(&fx->txn, id, path, NULL);
		set_ok(&fx->txn, id, regs[i], "status=done", NULL);
		assert_stored(&fx->txn, id, path, TODAY);
		set_ok(&fx->txn, id, regs[i], "status=in_progress", NULL);
		assert_stored(&fx->txn, id, path, NULL);
		/* A date the client gives is kept. */
		set_ok(&fx->txn, id, regs[i], "status=done",
		       "done_on=2025-11-20");
		assert_stored(&fx->txn, id, path, "2025-11-20");
	}
}

/* Treatment: progress is a percentage; done is 100. */
static void
test_treatment(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_treatment;
	struct isms_err err;
	char id[64];

	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	assert_einval(set1(&fx->txn, id, reg, "progress=101", NULL, &err), &err,
	              "field 'progress'", "101");
	set_ok(&fx->txn, id, reg, "status=in_progress", "progress=60");
	assert_einval(
	    set1(&fx->txn, id, reg, "status=done", "progress=80", &err), &err,
	    "field 'progress'", "80");
	set_ok(&fx->txn, id, reg, "status=done", NULL);
	assert_stored(&fx->txn, id, "treatment.progress", "100");
	assert_einval(set1(&fx->txn, id, reg, "progress=90", NULL, &err), &err,
	              "field 'progress'", "done");
	set_ok(&fx->txn, id, reg, "status=in_progress", "progress=90");
	assert_stored(&fx->txn, id, "treatment.progress", "90");
}

/* Control: the SoA's applicability rules and catalog fields. */
static void
test_control(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_control;
	const char *bare[] = {"applicable=", "justification=", NULL};
	const char *catalog[] = {"theme=A.5 Organizational controls",
	                         "edition=ISO/IEC 27001:2022",
	                         "applicable=", NULL};
	struct isms_err err;
	char id[64];

	add_ok(&fx->txn, reg, bare, id, sizeof id);
	assert_string_equal(id, "CTL-0001");
	assert_einval(set1(&fx->txn, id, reg, "applicable=false", NULL, &err),
	              &err, "field 'justification'", "excluding");
	set_ok(&fx->txn, id, reg, "applicable=false",
	       "justification=No development done in house");
	assert_einval(set1(&fx->txn, id, reg, "status=planned", NULL, &err),
	              &err, "field 'status'", "not applicable");
	/* Implemented means applicable: unset is not enough. */
	set_ok(&fx->txn, id, reg, "applicable=", NULL);
	assert_einval(set1(&fx->txn, id, reg, "status=implemented", NULL, &err),
	              &err, "field 'applicable'", "implemented");
	set_ok(&fx->txn, id, reg, "status=implemented", "applicable=true");
	/* Excluding it again, in one change. */
	{
		const char *sets[] = {"status=not_started", "applicable=false",
		                      NULL};

		assert_int_equal(change(&fx->txn, id, reg, sets, false, &err),
		                 0);
	}
	/* The catalog fields are the server's. */
	{
		/* Sent on create: refused, nothing stored. */
		const char *extra[] = {"theme=A.5", NULL};
		uint64_t live, archived, was;

		assert_int_equal(records_count(&fx->txn, register_code(reg),
		                               &was, &archived),
		                 0);
		assert_einval(
		    add(&fx->txn, reg, extra, NULL, id, sizeof id, &err), &err,
		    "field 'theme'", "derived");
		assert_int_equal(records_count(&fx->txn, register_code(reg),
		                               &live, &archived),
		                 0);
		assert_int_equal(live, was);
	}
	assert_int_equal(add_rec(&fx->txn, reg, new_record(reg, catalog, NULL),
	                         true, id, sizeof id, &err),
	                 0);
	assert_string_equal(id, "A.5.1");
	assert_ptr_equal(register_by_id(id), reg);
	assert_einval(set1(&fx->txn, id, reg, "theme=A.6", NULL, &err), &err,
	              "field 'theme'", "derived");
	{
		/* A whole-record put (no mask) cannot send them either. */
		const char *sets[] = {"edition=ISO/IEC 27001:2013", NULL};

		assert_einval(change(&fx->txn, id, reg, sets, true, &err), &err,
		              "field 'edition'", "derived");
		assert_stored(&fx->txn, id, "control.edition",
		              "ISO/IEC 27001:2022");
	}
	{
		/* Not even the catalog's values sent back unchanged: a put
		 * sends what it changes. */
		const char *sets[] = {"theme=A.5 Organizational controls",
		                      "applicable=true", "status=implemented",
		                      NULL};

		assert_einval(change(&fx->txn, id, reg, sets, true, &err), &err,
		              "field 'theme'", "derived");
		sets[0] = "applicable=true";
		sets[1] = "status=implemented";
		sets[2] = NULL;
		assert_int_equal(change(&fx->txn, id, reg, sets, true, &err),
		                 0);
	}
	assert_stored(&fx->txn, id, "control.theme",
	              "A.5 Organizational controls");
	assert_stored(&fx->txn, id, "control.status", "implemented");
	/* implemented -> planned skips partial. */
	assert_einval(set1(&fx->txn, id, reg, "status=planned", NULL, &err),
	              &err, "field 'status'", "partial");
}

/* Requirement: catalog only; met needs evidence; headings not assessed. */
static void
test_requirement(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_requirement;
	const char *heading[] = {"assessable=false", "parent=", NULL};
	const char *bare[] = {"evidence=", NULL};
	struct isms_err err;
	uint64_t live, archived;
	char id[64];
	int rc;

	assert_ptr_equal(register_by_id("6.1.2"), reg);
	/* requirement add: refused, nothing stored. */
	rc = add_rec(&fx->txn, reg, new_record(reg, NULL, NULL), false, id,
	             sizeof id, &err);
	assert_einval(rc, &err, "catalog", "cannot be added");
	assert_int_equal(
	    records_count(&fx->txn, register_code(reg), &live, &archived), 0);
	assert_int_equal(live, 0);
	/* The catalog's record. */
	assert_int_equal(add_rec(&fx->txn, reg, new_record(reg, bare, NULL),
	                         true, id, sizeof id, &err),
	                 0);
	assert_string_equal(id, "6.1.2");
	assert_stored(&fx->txn, id, "requirement.status", "not_met");
	assert_stored(&fx->txn, id, "requirement.parent", "6.1");
	assert_einval(set1(&fx->txn, id, reg, "status=met", NULL, &err), &err,
	              "field 'evidence'", "met");
	set_ok(&fx->txn, id, reg, "status=partial", NULL);
	set_ok(&fx->txn, id, reg, "status=met", "evidence=Risk method v2");
	assert_einval(set1(&fx->txn, id, reg, "text=licensed", NULL, &err),
	              &err, "field 'text'", "derived");
	{
		const char *sets[] = {"parent=6", NULL};

		assert_einval(change(&fx->txn, id, reg, sets, true, &err), &err,
		              "field 'parent'", "derived");
	}
	assert_stored(&fx->txn, id, "requirement.parent", "6.1");
	/* A heading (6) holds no status of its own. */
	{
		Isms__V1__Record *rec = new_record(reg, heading, NULL);

		rec->id = strdup("6");
		rec->has_review_interval_days = 1;
		rec->review_interval_days = reg->review_days;
		set_path(&rec->base, "requirement.status", "not_met");
		assert_int_equal(
		    records_validate(&fx->txn, reg, rec, NULL, &who, &err), 0);
		assert_int_equal(
		    records_store_new(&fx->txn, reg, rec, &who, &err), 0);
		protobuf_c_message_free_unpacked(&rec->base, NULL);
	}
	assert_einval(set1(&fx->txn, "6", reg, "status=partial", NULL, &err),
	              &err, "field 'status'", "heading");
	set_ok(&fx->txn, "6", reg, "notes=see 6.1 to 6.3", NULL);
}

/* The smaller rules of the other registers. */
static void
test_other_rules(void **state)
{
	struct fx *fx = *state;
	struct isms_err err;
	char id[64];

	/* Competence: completing stamps today; expiry after completion. */
	{
		const char *bare[] = {"completed_on=", "expires_on=", NULL};

		add_ok(&fx->txn, &register_competence, bare, id, sizeof id);
		set_ok(&fx->txn, id, &register_competence, "status=completed",
		       NULL);
		assert_stored(&fx->txn, id, "competence.completed_on", TODAY);
		assert_einval(set1(&fx->txn, id, &register_competence,
		                   "expires_on=2025-01-01", NULL, &err),
		              &err, "field 'expires_on'", "completed_on");
		set_ok(&fx->txn, id, &register_competence,
		       "expires_on=2026-11-28", NULL);
		/* Renewal: the old completion date is not reused. */
		set_ok(&fx->txn, id, &register_competence, "status=expired",
		       "completed_on=2024-11-01");
		set_ok(&fx->txn, id, &register_competence, "status=completed",
		       NULL);
		assert_stored(&fx->txn, id, "competence.completed_on", TODAY);
		assert_einval(set1(&fx->txn, id, &register_competence,
		                   "status=planned", NULL, &err),
		              &err, "field 'status'", "expired");
	}
	/* Finding: a nonconformity is answered before it closes. */
	{
		const char *major[] = {"kind=major_nc", NULL};

		add_ok(&fx->txn, &register_finding, major, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_finding,
		                   "status=closed", NULL, &err),
		              &err, "status 'closed'",
		              "a linked nonconformity");
		set_ok(&fx->txn, id, &register_finding, "status=responded",
		       NULL);
		assert_einval(set1(&fx->txn, id, &register_finding,
		                   "status=closed", NULL, &err),
		              &err, "status 'closed'",
		              "a linked nonconformity");
		/* Linked with its nonconformity, it closes. */
		assert_int_equal(
		    move_to(&fx->txn, id, &register_finding,
		            ISMS__V1__FINDING_STATUS__FINDING_STATUS_CLOSED,
		            &err),
		    0);
		/* An observation closes unanswered. */
		add_ok(&fx->txn, &register_finding, NULL, id, sizeof id);
		set_ok(&fx->txn, id, &register_finding, "status=closed", NULL);
	}
	/* Objective: an evaluated objective states its result. */
	{
		const char *bare[] = {"result=", NULL};

		add_ok(&fx->txn, &register_objective, bare, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_objective,
		                   "status=missed", NULL, &err),
		              &err, "field 'result'", "missed");
		set_ok(&fx->txn, id, &register_objective, "status=missed",
		       "result=8% clicked");
	}
	/* Legal: compliance says how. */
	{
		const char *bare[] = {"how_met=", NULL};

		add_ok(&fx->txn, &register_legal, bare, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_legal,
		                   "status=compliant", NULL, &err),
		              &err, "field 'how_met'", NULL);
		set_ok(&fx->txn, id, &register_legal, "status=gap", NULL);
	}
	/* Management review: held on a date, with attendees and the
	 * 9.3.2 inputs; closed by the approval of its decisions. */
	{
		const char *bare[] = {"held_on=", "attendees=", "input_risk=",
		                      "decisions=", NULL};

		add_ok(&fx->txn, &register_mreview, bare, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_mreview,
		                   "status=held", NULL, &err),
		              &err, "field 'held_on'", "field 'input_risk'");
		assert_einval(set1(&fx->txn, id, &register_mreview,
		                   "status=held", "held_on=2025-11-27", &err),
		              &err, "field 'attendees'", NULL);
		set_ok(&fx->txn, id, &register_mreview, "attendees=ceo",
		       "held_on=2025-11-27");
		set_ok(&fx->txn, id, &register_mreview, "input_risk=2 high",
		       NULL);
		set_ok(&fx->txn, id, &register_mreview, "status=held", NULL);
		/* No closing by set: the approval is a sign-off. */
		assert_einval(set1(&fx->txn, id, &register_mreview,
		                   "status=closed", "decisions=Fund it", &err),
		              &err, "field 'approval.by'", NULL);
		assert_einval(
		    sign(&fx->txn, id, "root", true, NULL, NULL, &err), &err,
		    "field 'decisions'", NULL);
		set_ok(&fx->txn, id, &register_mreview, "decisions=Fund it",
		       NULL);
		assert_int_equal(
		    sign(&fx->txn, id, "root", true, NULL, NULL, &err), 0);
		assert_stored(&fx->txn, id, "mreview.status", "closed");
		assert_stored(&fx->txn, id, "mreview.approval.by", "root");
		/* Changed decisions void the approval and reopen it. */
		set_ok(&fx->txn, id, &register_mreview, "decisions=Fund less",
		       NULL);
		assert_stored(&fx->txn, id, "mreview.status", "held");
		assert_stored(&fx->txn, id, "mreview.approval.by", NULL);
	}
	/* Audit: a report has its date and conclusion. */
	{
		const char *bare[] = {"performed_on=", "conclusion=", NULL};

		add_ok(&fx->txn, &register_audit, bare, id, sizeof id);
		set_ok(&fx->txn, id, &register_audit, "status=in_progress",
		       NULL);
		assert_einval(set1(&fx->txn, id, &register_audit,
		                   "status=reported", "performed_on=2026-03-03",
		                   &err),
		              &err, "field 'conclusion'", NULL);
		assert_einval(set1(&fx->txn, id, &register_audit,
		                   "status=closed", NULL, &err),
		              &err, "field 'status'", "reported");
	}
	/* Scope: every exclusion is justified. */
	{
		Isms__V1__Record *rec = new_record(&register_scope, NULL, NULL);
		Isms__V1__Scope *s = rec->scope;

		s->n_exclusions = 1;
		s->exclusions = calloc(1, sizeof *s->exclusions);
		s->exclusions[0] = (Isms__V1__Exclusion *)pb_new(
		    &isms__v1__exclusion__descriptor);
		s->exclusions[0]->what = strdup("Physical site security");
		assert_einval(add_rec(&fx->txn, &register_scope, rec, false, id,
		                      sizeof id, &err),
		              &err, "field 'exclusions.justification'",
		              "Physical site security");
		rec = new_record(&register_scope, NULL, NULL);
		s = rec->scope;
		s->n_exclusions = 1;
		s->exclusions = calloc(1, sizeof *s->exclusions);
		s->exclusions[0] = (Isms__V1__Exclusion *)pb_new(
		    &isms__v1__exclusion__descriptor);
		s->exclusions[0]->what = strdup("Physical site security");
		s->exclusions[0]->justification = strdup("Hosted by provider");
		assert_int_equal(add_rec(&fx->txn, &register_scope, rec, false,
		                         id, sizeof id, &err),
		                 0);
	}
}

/* Runs the per-register rule tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_incident, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nonconformity, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_document, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_done_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_treatment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_control, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_requirement, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_rules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
