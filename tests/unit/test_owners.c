/*
 * test_owners.c: owners are users (owners.c) and a user's changes share
 * the records' mask and stamps (users_put, change.c), on real LMDB:
 * records stored before the rule keep working, a kept owner is not
 * checked again (a disabled one stays), e-mails resolve to one user.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "owners.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "store_fx.h"
#include "users.h"

#define setup    store_fx_setup_owners
#define teardown store_fx_teardown

static const struct records_actor who = {"alice", 1764320000};

/* Runs a put of a risk in its own txn: a create (id NULL) or an update of
 * mask[0..n); owner and impact as given (0: absent). */
static int
put_risk(struct store *st, const char *id, const char *owner, uint32_t impact,
         char **mask, size_t n, char *idbuf, struct isms_err *err)
{
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Record *out = NULL;
	struct store_txn txn;
	int rc;

	rec.id = (char *)id;
	rec.title = id == NULL ? "Laptop theft" : NULL;
	rec.owner = (char *)owner;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.has_likelihood = id == NULL;
	risk.likelihood = 2;
	risk.has_impact = impact != 0;
	risk.impact = impact;
	put.record = &rec;
	put.update_mask = mask;
	put.n_update_mask = n;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	rc = records_put(&txn, &put, &who, &out, err);
	if (rc == 0) {
		assert_int_equal(store_commit(&txn), 0);
		if (idbuf != NULL)
			snprintf(idbuf, 32, "%s", out->id);
		protobuf_c_message_free_unpacked(&out->base, NULL);
	} else
		store_abort(&txn);
	return rc;
}

/* The stored owner of id (malloc'ed, or NULL). */
static char *
owner_of(struct store *st, const char *id)
{
	Isms__V1__Record *r = NULL;
	struct store_txn txn;
	struct isms_err err;
	char *o;

	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(records_get(&txn, id, 0, &r, &err), 0);
	store_read_end(&txn);
	o = r->owner != NULL ? strdup(r->owner) : NULL;
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return o;
}

/* A user change in its own txn; the stored user in *out when asked. */
static int
put_user(struct store *st, Isms__V1__User *u, bool create, char **mask,
         size_t n, Isms__V1__User **out, struct isms_err *err)
{
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User *res = NULL;
	struct store_txn txn;
	int rc;

	up.user = u;
	up.has_create = 1;
	up.create = create;
	up.update_mask = mask;
	up.n_update_mask = n;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	rc = users_put(&txn, &up, 0, &who, &res, err);
	if (rc == 0)
		assert_int_equal(store_commit(&txn), 0);
	else
		store_abort(&txn);
	if (rc == 0 && out != NULL)
		*out = res;
	else if (res != NULL)
		protobuf_c_message_free_unpacked(&res->base, NULL);
	return rc;
}

/* A risk stored before owners were required (no owner), as an older
 * ismsd left it: stored without the checks of today. */
static void
store_old_risk(struct store *st, const char *rid, const char *owner, char *id)
{
	Isms__V1__Record *rec =
	    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	struct store_txn txn;
	struct isms_err err;

	rec->title = strdup("From an older ismsd");
	rec->owner = owner != NULL ? strdup(owner) : NULL;
	rec->risk = (Isms__V1__Risk *)pb_new(&isms__v1__risk__descriptor);
	rec->body_case = ISMS__V1__RECORD__BODY_RISK;
	rec->risk->has_likelihood = rec->risk->has_impact = 1;
	rec->risk->likelihood = rec->risk->impact = 2;
	rec->has_review_interval_days = 1;
	rec->review_interval_days = 90;
	rec->id = strdup(rid);
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	assert_int_equal(
	    records_store_new(&txn, &register_risk, rec, &who, &err), 0);
	assert_int_equal(store_commit(&txn), 0);
	strcpy(id, rec->id);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
}

/* Records from before the rule are not rewritten and keep working: an
 * update that leaves the owner alone passes; setting one checks it. */
static void
test_old_records_keep_working(void **state)
{
	struct store_fx *fx = *state;
	char id[32], *mask_impact[] = {"risk.impact"},
	             *mask_owner[] = {"owner"};
	struct isms_err err;
	char *o;

	/* A free-text owner, an address no user has, stays as it is. */
	store_old_risk(fx->st, "RSK-0098", "pat@example.org", id);
	assert_int_equal(
	    put_risk(fx->st, id, NULL, 3, mask_impact, 1, NULL, &err), 0);
	o = owner_of(fx->st, id);
	assert_string_equal(o, "pat@example.org");
	free(o);
	/* No owner at all: no update needs one, until one is set. */
	store_old_risk(fx->st, "RSK-0099", NULL, id);
	assert_int_equal(
	    put_risk(fx->st, id, NULL, 3, mask_impact, 1, NULL, &err), 0);
	assert_null(owner_of(fx->st, id));
	assert_int_equal(
	    put_risk(fx->st, id, "zed", 0, mask_owner, 1, NULL, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "ismsctl user add zed"));
	assert_int_equal(
	    put_risk(fx->st, id, "bob", 0, mask_owner, 1, NULL, &err), 0);
	o = owner_of(fx->st, id);
	assert_string_equal(o, "bob");
	free(o);
	/* Once it has one, no update clears it. */
	assert_int_equal(
	    put_risk(fx->st, id, NULL, 0, mask_owner, 1, NULL, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "field 'owner' is required"));
}

/* A disabled user keeps what they own (updates pass) but gets nothing
 * new; an owner that is no user any more (older data) stays too. */
static void
test_disabled_owner_kept(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	char id[32], *mask_impact[] = {"risk.impact"},
	             *mask_dis[] = {"disabled"};
	struct isms_err err;

	assert_int_equal(put_risk(fx->st, NULL, "carol", 0, NULL, 0, id, &err),
	                 0);
	u.name = "carol";
	u.has_disabled = u.disabled = 1;
	assert_int_equal(put_user(fx->st, &u, false, mask_dis, 1, NULL, &err),
	                 0);
	assert_int_equal(
	    put_risk(fx->st, id, NULL, 4, mask_impact, 1, NULL, &err), 0);
	assert_int_equal(
	    put_risk(fx->st, NULL, "carol", 0, NULL, 0, NULL, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "user 'carol' is disabled"));
}

/* An owner given as an e-mail (any case) is stored as its user's name;
 * an e-mail names one user; the filters resolve it the same way. */
static void
test_email_resolves(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	struct store_txn txn;
	struct isms_err err;
	char id[32], *o;
	const char *f;

	assert_int_equal(
	    put_risk(fx->st, NULL, "Dave@Example.org", 0, NULL, 0, id, &err),
	    0);
	o = owner_of(fx->st, id);
	assert_string_equal(o, "dave");
	free(o);
	assert_int_equal(
	    put_risk(fx->st, NULL, "eve@example.org", 0, NULL, 0, NULL, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "ismsctl user add eve --display-name "
	                                "\"...\" --email eve@example.org"));
	u.name = "dave2";
	u.email = "DAVE@example.org";
	assert_int_equal(put_user(fx->st, &u, true, NULL, 0, NULL, &err),
	                 -ISMS_EEXIST);
	assert_non_null(strstr(err.msg, "user dave's"));
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	f = owners_filter(&txn, "dave@example.org", &o);
	assert_string_equal(f, "dave");
	free(o);
	assert_string_equal(owners_filter(&txn, "bob", &o), "bob");
	assert_null(o);
	assert_string_equal(owners_filter(&txn, "x@y.org", &o), "x@y.org");
	assert_null(o);
	store_read_end(&txn);
}

/* users_put: a login-less user is a viewer; a change takes only its mask
 * (display_name settable, name not) and is stamped like a record. */
static void
test_user_mask_and_stamps(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__User u = ISMS__V1__USER__INIT, *out = NULL;
	char *mask_dn[] = {"display_name"}, *mask_name[] = {"name"};
	struct isms_err err;

	u.name = "tom";
	u.display_name = "Tom Baker";
	u.email = "tom@example.org";
	assert_int_equal(put_user(fx->st, &u, true, NULL, 0, &out, &err), 0);
	assert_int_equal(out->role, ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER);
	assert_false(out->has_uid);
	assert_int_equal(out->rev, 1);
	assert_string_equal(out->updated_by, "alice");
	protobuf_c_message_free_unpacked(&out->base, NULL);
	u.display_name = "Thomas Baker";
	u.email = "other@example.org"; /* not in the mask: stays */
	assert_int_equal(put_user(fx->st, &u, false, mask_dn, 1, &out, &err),
	                 0);
	assert_string_equal(out->display_name, "Thomas Baker");
	assert_string_equal(out->email, "tom@example.org");
	assert_int_equal(out->rev, 2);
	assert_int_equal(out->updated_at, who.now);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	assert_int_equal(put_user(fx->st, &u, false, mask_name, 1, NULL, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "not 'name'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_old_records_keep_working,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_disabled_owner_kept, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_email_resolves, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_user_mask_and_stamps, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
