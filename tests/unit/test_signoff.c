/*
 * test_signoff.c: the evidence each state requires (on create and on
 * update, records from before the rules) and sign-offs (who may sign, the
 * risk owner above the threshold, voiding), through the real engine on a
 * temp LMDB store; the fixture is in reg_fx.c.
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

#include "keys.h"
#include "links.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "signoff.h"
#include "store.h"
#include "reg_fx.h"

#define RISK(x) ISMS__V1__RISK_STATUS__RISK_STATUS_##x

/* Adds a risk owned by alice with likelihood and impact l, i. */
static void
add_risk(struct store_txn *txn, const char *l, const char *i, char *id,
         size_t len)
{
	const char *extra[] = {l, i, NULL};
	Isms__V1__Record *rec = new_record(&register_risk, extra, NULL);
	struct isms_err err;

	/* new_record gives alice. */
	if (add_rec(txn, &register_risk, rec, false, id, len, &err) != 0)
		fail_msg("add risk: %s", err.msg);
}

/* Risk acceptance: the owner signs; above the threshold only the owner;
 * a change of the scores voids it. */
static void
test_risk_accept(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_risk;
	struct isms_err err;
	char id[64], low[64], at[32];

	add_risk(&fx->txn, "likelihood=4", "impact=4", id, sizeof id);
	/* Created directly as accepted: the acceptance is missing. */
	{
		const char *extra[] = {"status=accepted", NULL};

		assert_einval(
		    add(&fx->txn, reg, extra, NULL, low, sizeof low, &err),
		    &err, "status 'accepted'", "acceptance.by");
	}
	/* No client writes an acceptance, on create or update. */
	{
		const char *extra[] = {"acceptance.by=alice", NULL};

		assert_einval(
		    add(&fx->txn, reg, extra, NULL, low, sizeof low, &err),
		    &err, "field 'acceptance'", "derived");
		assert_einval(
		    set1(&fx->txn, id, reg, "acceptance.by=alice", NULL, &err),
		    &err, "field 'acceptance'", "derived");
	}
	set_ok(&fx->txn, id, reg, "status=assessed", NULL);
	/* A set cannot accept: that is the owner's sign-off. */
	assert_einval(set1(&fx->txn, id, reg, "status=accepted", NULL, &err),
	              &err, "status 'accepted'", "field 'acceptance.at'");
	/* Neither owner nor admin. */
	assert_int_equal(sign(&fx->txn, id, "bob", false, NULL, NULL, &err),
	                 -ISMS_EPERM);
	assert_non_null(strstr(err.msg, "owner of"));
	/* An admin, but score 16 is above the threshold: the owner's. */
	assert_einval(sign(&fx->txn, id, "bob", true, NULL, NULL, &err), &err,
	              "acceptance threshold", "only the risk owner (alice)");
	assert_einval(
	    sign(&fx->txn, id, "alice", false, NULL, "2027-02-30", &err), &err,
	    "field 'until'", "YYYY-MM-DD");
	assert_int_equal(sign(&fx->txn, id, "alice", false, "board minute 7",
	                      "2027-06-30", &err),
	                 0);
	snprintf(at, sizeof at, "%lld", (long long)who.now);
	assert_stored(&fx->txn, id, "risk.status", "accepted");
	assert_stored(&fx->txn, id, "risk.acceptance.by", "alice");
	assert_stored(&fx->txn, id, "risk.acceptance.at", at);
	assert_stored(&fx->txn, id, "risk.acceptance.until", "2027-06-30");
	assert_stored(&fx->txn, id, "risk.acceptance.note", "board minute 7");
	/* Other fields leave it alone. */
	set_ok(&fx->txn, id, reg, "threat=Theft", NULL);
	assert_stored(&fx->txn, id, "risk.acceptance.by", "alice");
	/* New residual scores void it: back to assessed. */
	set_ok(&fx->txn, id, reg, "residual_likelihood=2", "residual_impact=2");
	assert_stored(&fx->txn, id, "risk.status", "assessed");
	assert_stored(&fx->txn, id, "risk.acceptance.by", NULL);
	/* At or under the threshold (residual 4 <= 9) an admin may accept. */
	assert_int_equal(sign(&fx->txn, id, "bob", true, NULL, NULL, &err), 0);
	assert_stored(&fx->txn, id, "risk.acceptance.by", "bob");
	/* Not from open: the lifecycle has no open -> accepted. */
	add_risk(&fx->txn, "likelihood=1", "impact=1", low, sizeof low);
	assert_int_equal(sign(&fx->txn, low, "alice", false, NULL, NULL, &err),
	                 -ISMS_EPRECOND);
	/* Another register's verb is refused. */
	{
		Isms__V1__SignOff so = ISMS__V1__SIGN_OFF__INIT;
		Isms__V1__Record *out = NULL;

		so.id = id;
		so.verb = "approve";
		assert_einval(
		    signoff_apply(&fx->txn, &so, &who, true, &out, &err), &err,
		    "'accept'", "'approve'");
	}
}

/* A record may be created in a later state only with its evidence. */
static void
test_create_in_state(void **state)
{
	struct fx *fx = *state;
	struct isms_err err;
	char id[64];

	{
		const char *ok[] = {"status=reported", NULL};
		const char *bad[] = {"status=reported", "conclusion=", NULL};

		add_ok(&fx->txn, &register_audit, ok, id, sizeof id);
		assert_stored(&fx->txn, id, "audit.status", "reported");
		assert_einval(add(&fx->txn, &register_audit, bad, NULL, id,
		                  sizeof id, &err),
		              &err, "status 'reported'", "field 'conclusion'");
	}
	{
		const char *ok[] = {"status=closed", NULL};
		const char *bad[] = {"status=closed", "lessons_learned=", NULL};

		add_ok(&fx->txn, &register_incident, ok, id, sizeof id);
		assert_einval(add(&fx->txn, &register_incident, bad, NULL, id,
		                  sizeof id, &err),
		              &err, "status 'closed'", "lessons_learned");
	}
	{
		const char *bad[] = {"status=held", "input_changes=", NULL};
		const char *closed[] = {"status=closed", NULL};

		assert_einval(add(&fx->txn, &register_mreview, bad, NULL, id,
		                  sizeof id, &err),
		              &err, "status 'held'", "input_changes");
		assert_einval(add(&fx->txn, &register_mreview, closed, NULL, id,
		                  sizeof id, &err),
		              &err, "status 'closed'", "approval.by");
	}
	{
		const char *closed[] = {"status=closed", NULL};
		const char *major[] = {"status=closed", "kind=minor_nc", NULL};

		assert_einval(add(&fx->txn, &register_nonconformity, closed,
		                  NULL, id, sizeof id, &err),
		              &err, "effectiveness.by",
		              "a linked action in status done");
		assert_einval(add(&fx->txn, &register_finding, major, NULL, id,
		                  sizeof id, &err),
		              &err, "status 'closed'",
		              "a linked nonconformity");
		add_ok(&fx->txn, &register_finding, closed, id, sizeof id);
	}
}

/* Stores rec as it was before the rules: no checks at all. */
static void
store_old(struct store_txn *txn, const struct register_def *reg,
          Isms__V1__Record *rec, const char *id)
{
	struct isms_err err;

	rec->id = strdup(id);
	rec->has_review_interval_days = 1;
	rec->review_interval_days = reg->review_days;
	if (records_store_new(txn, reg, rec, &who, &err) != 0)
		fail_msg("store %s: %s", id, err.msg);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
}

/* Records stored before the rules: changes that remove nothing are
 * kept; removing evidence they had, or entering a state, is not. */
static void
test_old_records(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_incident;
	const char *closed[] = {"status=closed", "lessons_learned=", NULL};
	const char *audit[] = {"status=reported", "conclusion=", NULL};
	Isms__V1__Archive arc = ISMS__V1__ARCHIVE__INIT;
	Isms__V1__Review rv = ISMS__V1__REVIEW__INIT;
	Isms__V1__Record *out = NULL;
	struct isms_err err;

	store_old(&fx->txn, reg, new_record(reg, closed, NULL), "INC-0900");
	set_ok(&fx->txn, "INC-0900", reg, "description=from 2024", NULL);
	rv.id = "INC-0900";
	assert_int_equal(records_review(&fx->txn, &rv, &who, &out, &err), 0);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	/* An old reported audit keeps its performed_on... */
	store_old(&fx->txn, &register_audit,
	          new_record(&register_audit, audit, NULL), "AUD-0900");
	set_ok(&fx->txn, "AUD-0900", &register_audit, "criteria=ISO 27001",
	       NULL);
	/* ...which it may not lose. */
	assert_einval(set1(&fx->txn, "AUD-0900", &register_audit,
	                   "performed_on=", NULL, &err),
	              &err, "status 'reported'", "field 'performed_on'");
	arc.id = "INC-0900";
	assert_int_equal(records_archive(&fx->txn, &arc, &who, &out, &err), 0);
	protobuf_c_message_free_unpacked(&out->base, NULL);
}

/* Runs one write in a nested txn, as the writer does: aborted when
 * refused, so a refused write leaves nothing behind. */
static int
nested(struct fx *fx,
       int (*op)(struct store_txn *, const void *, struct isms_err *),
       const void *arg, struct isms_err *err)
{
	struct store_txn child;
	int rc;

	assert_int_equal(store_write_begin(fx->st, &fx->txn, &child), 0);
	if ((rc = op(&child, arg, err)) == 0)
		assert_int_equal(store_commit(&child), 0);
	else
		store_abort(&child);
	return rc;
}

static int
op_link(struct store_txn *txn, const void *arg, struct isms_err *err)
{
	Isms__V1__Record *out = NULL;
	int rc = links_edit(txn, arg, &who, &out, err);

	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

static int
op_archive(struct store_txn *txn, const void *arg, struct isms_err *err)
{
	Isms__V1__Record *out = NULL;
	int rc = records_archive(txn, arg, &who, &out, err);

	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

static int
op_undone(struct store_txn *txn, const void *arg, struct isms_err *err)
{
	return set1(txn, arg, &register_action, "status=in_progress", NULL,
	            err);
}

/*
 * What a closed nonconformity id needs cannot be taken from it through
 * its done action act: not by unlinking it, archiving it (even with
 * force) or moving it out of done; each is refused and changes nothing.
 */
static void
taken_away(struct fx *fx, const char *id, const char *act)
{
	Isms__V1__LinkEdit le = ISMS__V1__LINK_EDIT__INIT;
	Isms__V1__Archive arc = ISMS__V1__ARCHIVE__INIT;
	Isms__V1__Record *rec;
	struct isms_err err;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	char want[160];

	snprintf(want, sizeof want,
	         "%s is closed, which needs a linked action in status done",
	         id);
	le.source = (char *)act;
	le.rel = "for";
	le.target = (char *)id;
	le.remove = 1;
	assert_int_equal(nested(fx, op_link, &le, &err), -ISMS_EPRECOND);
	assert_non_null(strstr(err.msg, want));
	arc.id = (char *)act;
	arc.force = 1;
	assert_int_equal(nested(fx, op_archive, &arc, &err), -ISMS_EPRECOND);
	assert_non_null(strstr(err.msg, want));
	assert_int_equal(nested(fx, op_undone, act, &err), -ISMS_EPRECOND);
	assert_non_null(strstr(err.msg, want));
	/* Nothing of the three was kept: the action is done and linked. */
	assert_stored(&fx->txn, act, "action.status", "done");
	assert_int_equal(
	    records_load(&fx->txn, act, NULL, rk, &rklen, &rec, &err), 0);
	assert_int_equal(rec->n_links, 1);
	assert_string_equal(rec->links[0]->target, id);
	assert_false(rec->archived);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	/* A change that keeps what the record needs goes through. */
	set_ok(&fx->txn, act, &register_action, "description=patched", NULL);
}

/* A closed nonconformity: correction, cause, a done action, verified. */
static void
test_nonconformity_close(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_nonconformity;
	Isms__V1__Record *rec = new_record(reg, NULL, NULL);
	Isms__V1__LinkEdit le = ISMS__V1__LINK_EDIT__INIT;
	Isms__V1__Record *out = NULL;
	struct isms_err err;
	char id[64], act[64];

	free(rec->owner);
	rec->owner = strdup("carol");
	assert_int_equal(
	    add_rec(&fx->txn, reg, rec, false, id, sizeof id, &err), 0);
	set_ok(&fx->txn, id, reg, "status=action_planned", NULL);
	add_ok(&fx->txn, &register_action, NULL, act, sizeof act);
	le.source = act;
	le.rel = "for";
	le.target = id;
	assert_int_equal(links_edit(&fx->txn, &le, &who, &out, &err), 0);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	/* The action is linked but not done. */
	assert_einval(
	    sign(&fx->txn, id, "carol", false, "effective", NULL, &err), &err,
	    "status 'effectiveness_verified'",
	    "a linked action in status done");
	set_ok(&fx->txn, act, &register_action, "status=done", NULL);
	/* Alice is neither the owner nor an admin. */
	assert_int_equal(
	    sign(&fx->txn, id, "alice", false, "effective", NULL, &err),
	    -ISMS_EPERM);
	assert_int_equal(
	    sign(&fx->txn, id, "carol", false, "effective", NULL, &err), 0);
	assert_stored(&fx->txn, id, "nonconformity.effectiveness.by", "carol");
	set_ok(&fx->txn, id, reg, "status=closed", NULL);
	taken_away(fx, id, act);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_risk_accept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_in_state, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_old_records, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nonconformity_close, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
