/*
 * test_ingest_store.c: the ingest dedupe index on a real LMDB file, and
 * the RPC table's rule that a write answering with a record answers only
 * roles that may read records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispatch.h"
#include "extref.h"
#include "ingest.h"
#include "pbfield.h"
#include "reg_fx.h"

/* An incident carrying (source, ext), stored as a schema 3 store holds
 * one a client put (no index entry); its id into id. */
static void
add_incident(struct fx *fx, const char *source, const char *ext, char *id)
{
	Isms__V1__Record *rec = new_record(&register_incident, NULL, NULL);
	struct isms_err err;

	rec->incident->source = strdup(source);
	rec->incident->external_id = strdup(ext);
	assert_int_equal(
	    records_add(&fx->txn, &register_incident, rec, &who, NULL, &err),
	    0);
	strcpy(id, rec->id);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
}

/* store_key_fn: counts the keys. */
static void
count_key(void *arg, const uint8_t *key, size_t klen, const void *val,
          size_t vlen)
{
	(void)key;
	(void)klen;
	(void)val;
	(void)vlen;
	(*(int *)arg)++;
}

/* The rebuild (schema 4) points each key at the newest incident holding
 * it; ingest then updates that one. */
static void
test_rebuild_newest_holds_the_key(void **state)
{
	struct fx *fx = *state;
	char a[32], b[32], c[32], id[ID_MAX + 1];
	Isms__V1__Ingest in = ISMS__V1__INGEST__INIT;
	Isms__V1__IngestResult res = ISMS__V1__INGEST_RESULT__INIT;
	struct isms_err err;
	int n = 0;

	add_incident(fx, "am", "fp", a);
	add_incident(fx, "am", "other", b);
	add_incident(fx, "am", "fp", c);
	assert_int_equal(extref_get(&fx->txn, "am", "fp", id), -ISMS_ENOTFOUND);
	assert_int_equal(extref_rebuild(&fx->txn, &err), 0);
	assert_int_equal(extref_get(&fx->txn, "am", "fp", id), 0);
	assert_string_equal(id, c);
	assert_int_equal(extref_get(&fx->txn, "am", "other", id), 0);
	assert_string_equal(id, b);
	assert_int_equal(extref_keys(&fx->txn, count_key, &n), 0);
	assert_int_equal(n, 2);
	/* A repeated push updates the newest, not the first. */
	in.source = "am";
	in.external_id = "fp";
	assert_int_equal(ingest_check(&in, &err), 0);
	assert_int_equal(ingest_apply(&fx->txn, &in, &who, &res, &err), 0);
	assert_false(res.created);
	assert_string_equal(res.record->id, c);
	assert_int_equal(res.repeat_count, 1);
	protobuf_c_message_free_unpacked(&res.record->base, NULL);
	(void)a;
}

/* What ingest_check refuses before anything is queued. */
static void
test_check_refuses(void **state)
{
	struct fx *fx = *state;
	Isms__V1__Ingest in = ISMS__V1__INGEST__INIT;
	Isms__V1__IngestResult res = ISMS__V1__INGEST_RESULT__INIT;
	char longid[EXTREF_EXTID_MAX + 2];
	struct isms_err err;

	assert_int_equal(ingest_check(&in, &err), -ISMS_EINVAL);
	in.source = "am";
	in.external_id = "";
	assert_int_equal(ingest_check(&in, &err), -ISMS_EINVAL);
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	in.external_id = longid;
	assert_int_equal(ingest_check(&in, &err), -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "external_id"));
	in.external_id = "fp";
	in.link = "javascript:alert(1)";
	assert_int_equal(ingest_check(&in, &err), -ISMS_EINVAL);
	in.link = "https://am.example/x";
	in.has_state = 1;
	in.state = ISMS__V1__INGEST_STATE__INGEST_STATE_FIRING;
	in.has_resolved_at = 1;
	in.resolved_at = 5;
	assert_int_equal(ingest_check(&in, &err), -ISMS_EINVAL);
	in.has_state = 0;
	assert_int_equal(ingest_check(&in, &err), 0);
	/* The first push needs a title and a severity. */
	assert_int_equal(ingest_apply(&fx->txn, &in, &who, &res, &err),
	                 -ISMS_EINVAL);
	assert_null(res.record);
	assert_non_null(strstr(err.msg, "title"));
}

/* A write whose reply is a record answers only roles that may read
 * records (Get): a Put with an empty mask, an archive or a sign-off is
 * then no read for a role that may not Get. */
static void
test_record_replies_readable(void **state)
{
	static const int roles[] = {
	    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER,
	    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_AUDITOR,
	    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR,
	    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN,
	    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_INGEST,
	};
	const struct rpc_entry *get = rpc_lookup(ISMS__V1__REQUEST__CALL_GET);
	const struct rpc_entry *e;
	unsigned checked = 0;
	size_t i;

	(void)state;
	assert_non_null(get);
	for (e = rpc_table; e->name != NULL; e++) {
		if (e->result != ISMS__V1__REPLY__RESULT_RECORD)
			continue;
		for (i = 0; i < sizeof roles / sizeof roles[0]; i++)
			if (rpc_allowed(e, roles[i], "u", NULL) == 0 &&
			    rpc_allowed(get, roles[i], "u", NULL) != 0)
				fail_msg("%s answers a record to role %d, "
				         "which may not Get",
				         e->name, roles[i]);
		checked++;
	}
	assert_true(checked >= 5);
	/* The ingest role's one write answers with its own result. */
	e = rpc_lookup(ISMS__V1__REQUEST__CALL_INGEST);
	assert_non_null(e);
	assert_int_equal(e->result, ISMS__V1__REPLY__RESULT_INGEST);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rebuild_newest_holds_the_key,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_refuses, setup,
	                                    teardown),
	    cmocka_unit_test(test_record_replies_readable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
