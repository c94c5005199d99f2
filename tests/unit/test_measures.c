/* test_measures.c: metric frequencies and objective targets (kpi.c), and
 * measurements in their own keyspace on a real LMDB store: appended with
 * their journal entry, read by date and page, the latest one, the due
 * date they set, and the check that finds one changed or gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "due_index.h"
#include "journal.h"
#include "keys.h"
#include "kpi.h"
#include "measures.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "store_fx.h"
#include "users.h"

#define setup    store_fx_setup
#define teardown store_fx_teardown

/* 2026-11-28 00:00:00 UTC */
#define T0 1795824000LL

static void
test_period(void **state)
{
	struct kpi_period p;
	char d[11];

	(void)state;
	assert_true(kpi_period_parse("monthly", &p));
	assert_true(kpi_period_next(&p, "2026-01-31", d, sizeof d));
	assert_string_equal(d, "2026-02-28"); /* the month's last day */
	assert_true(kpi_period_next(&p, "2026-12-15", d, sizeof d));
	assert_string_equal(d, "2027-01-15");
	assert_true(kpi_period_parse("quarterly", &p));
	assert_true(kpi_period_next(&p, "2026-11-30", d, sizeof d));
	assert_string_equal(d, "2027-02-28");
	assert_true(kpi_period_parse("yearly", &p));
	assert_true(kpi_period_next(&p, "2028-02-29", d, sizeof d));
	assert_string_equal(d, "2029-02-28");
	assert_true(kpi_period_parse("14d", &p));
	assert_true(kpi_period_next(&p, "2026-12-25", d, sizeof d));
	assert_string_equal(d, "2027-01-08");
	assert_true(kpi_period_parse("2w", &p));
	assert_int_equal(p.days, 14);
	assert_true(kpi_period_parse("weekly", &p));
	assert_int_equal(p.days, 7);
	assert_false(kpi_period_parse("every month", &p));
	assert_false(kpi_period_parse("0d", &p));
	assert_false(kpi_period_parse("3m", &p));
	assert_false(kpi_period_parse("12dd", &p));
	assert_false(kpi_period_parse("", &p));
	assert_false(kpi_period_parse(NULL, &p));
	assert_false(kpi_period_next(&p, "2026-02-30", d, sizeof d));
}

static void
test_target(void **state)
{
	struct kpi_target t;
	char s[64];

	(void)state;
	assert_true(kpi_target_parse("< 5%", &t));
	assert_int_equal(t.cmp, KPI_LT);
	assert_true(t.value == 5);
	assert_string_equal(t.unit, "%");
	assert_true(kpi_target_met(&t, 4.9));
	assert_false(kpi_target_met(&t, 5));
	kpi_target_format(&t, s, sizeof s);
	assert_string_equal(s, "< 5 %");
	assert_true(kpi_target_parse(">= 95", &t));
	assert_int_equal(t.cmp, KPI_GE);
	assert_true(kpi_target_met(&t, 95));
	assert_false(kpi_target_met(&t, 94.99));
	kpi_target_format(&t, s, sizeof s);
	assert_string_equal(s, ">= 95");
	assert_true(kpi_target_parse("<= 14 days", &t));
	assert_int_equal(t.cmp, KPI_LE);
	assert_string_equal(t.unit, "days");
	assert_true(kpi_target_met(&t, 14));
	assert_true(kpi_target_parse(">0.5", &t));
	assert_true(kpi_target_met(&t, 0.6));
	assert_true(kpi_target_parse("= 0 incidents", &t));
	assert_true(kpi_target_met(&t, 0));
	assert_false(kpi_target_parse("below 5%", &t));
	assert_false(kpi_target_parse("5%", &t));
	assert_false(kpi_target_parse("< five", &t));
	assert_false(kpi_target_parse("<", &t));
	assert_false(kpi_target_parse("< 5; drop", &t));
	assert_false(kpi_target_parse(NULL, &t));
}

/* Creates user name (a viewer without login): owners are users. */
static void
add_user(struct store *st, const char *name)
{
	struct records_actor who = {"root", T0};
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT, *out = NULL;
	struct store_txn txn;
	struct isms_err err;

	u.name = (char *)name;
	u.has_role = 1;
	u.role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER;
	up.user = &u;
	up.has_create = up.create = 1;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	if (users_put(&txn, &up, 0, &who, &out, &err) != 0)
		fail_msg("user: %s", err.msg);
	assert_int_equal(store_commit(&txn), 0);
	protobuf_c_message_free_unpacked(&out->base, NULL);
}

/* Creates a metric measured by frequency, owned by alice (a user made
 * first); returns its id. */
static char *
add_metric(struct store *st, const char *frequency)
{
	struct records_actor who = {"alice", T0};
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT, *out = NULL;
	Isms__V1__Metric m = ISMS__V1__METRIC__INIT;
	struct store_txn txn;
	struct isms_err err;
	char *id;

	add_user(st, "alice");
	rec.title = "Patch latency";
	rec.owner = "alice";
	rec.body_case = ISMS__V1__RECORD__BODY_METRIC;
	rec.metric = &m;
	m.measure = "days to patch";
	m.frequency = (char *)frequency;
	put.record = &rec;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	if (records_put(&txn, &put, &who, &out, &err) != 0)
		fail_msg("put: %s", err.msg);
	assert_int_equal(store_commit(&txn), 0);
	id = strdup(out->id);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	return id;
}

/* Records value at date for metric id by bob; the call's code. */
static int
record(struct store *st, const char *id, double value, const char *at,
       uint64_t *seq)
{
	struct records_actor who = {"bob", T0 + 60};
	Isms__V1__MetricRecord mr = ISMS__V1__METRIC_RECORD__INIT;
	Isms__V1__Measurement *m = NULL;
	struct store_txn txn;
	struct isms_err err;
	int rc;

	mr.metric = (char *)id;
	mr.has_value = 1;
	mr.value = value;
	mr.at = (char *)at;
	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	rc = measures_record(&txn, &mr, &who, "2026-11-28", &m, &err);
	if (rc != 0) {
		store_abort(&txn);
		return rc;
	}
	assert_int_equal(store_commit(&txn), 0);
	assert_string_equal(m->recorded_by, "bob");
	assert_int_equal(m->recorded_at, T0 + 60);
	if (seq != NULL)
		*seq = m->seq;
	protobuf_c_message_free_unpacked(&m->base, NULL);
	return 0;
}

/* The due date of kind for record id ("" when none) into out. */
static void
due_of(struct store *st, const char *id, int kind, char out[11])
{
	Isms__V1__Due q = ISMS__V1__DUE__INIT;
	Isms__V1__DueResult *res;
	struct store_txn txn;
	struct isms_err err;
	size_t i;

	out[0] = '\0';
	q.has_within_days = 1;
	q.within_days = 3000;
	res = (Isms__V1__DueResult *)pb_new(&isms__v1__due_result__descriptor);
	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(due_query(&txn, &q, "2026-11-28", res, &err), 0);
	store_read_end(&txn);
	for (i = 0; i < res->n_items; i++)
		if (strcmp(res->items[i]->id, id) == 0 &&
		    (int)res->items[i]->kind == kind)
			snprintf(out, 11, "%s", res->items[i]->date);
	protobuf_c_message_free_unpacked(&res->base, NULL);
}

/* Runs the store check; returns its problem ("" when ok) in buf. */
static bool
check_ok(struct store *st, char *buf, size_t cap)
{
	struct check_opts opts = {.deep = true};
	struct check_result res;
	struct store_txn txn;
	struct isms_err err;

	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(check_store(&txn, &opts, &res, &err), 0);
	store_read_end(&txn);
	snprintf(buf, cap, "%s", res.problem);
	return res.ok;
}

static void
test_record_and_read(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__MetricValues q = ISMS__V1__METRIC_VALUES__INIT;
	Isms__V1__MetricValuesResult *res;
	Isms__V1__Measurement *m;
	const struct register_def *reg;
	char *id = add_metric(fx->st, "monthly"), due[11], problem[400];
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	struct store_txn txn;
	struct isms_err err;
	uint64_t seq;

	/* Created 2026-11-28, monthly: first due a month on. */
	due_of(fx->st, id, ISMS__V1__DUE_KIND__DUE_KIND_MEASUREMENT, due);
	assert_string_equal(due, "2026-12-28");
	assert_int_equal(record(fx->st, id, 12, "2026-10-31", NULL), 0);
	assert_int_equal(record(fx->st, id, 9, "2026-11-30", &seq), 0);
	assert_int_equal(record(fx->st, id, 15, "2026-09-30", NULL), 0);
	due_of(fx->st, id, ISMS__V1__DUE_KIND__DUE_KIND_MEASUREMENT, due);
	assert_string_equal(due, "2026-12-30"); /* from the latest date */
	assert_int_equal(record(fx->st, id, 1, NULL, NULL), 0); /* today */
	assert_int_equal(record(fx->st, "RSK-0001", 1, NULL, NULL),
	                 -ISMS_ENOTFOUND);
	assert_int_equal(record(fx->st, id, 1, "2026-13-01", NULL),
	                 -ISMS_EINVAL);

	/* By date, in pages of 2. */
	q.metric = id;
	q.has_page_size = 1;
	q.page_size = 2;
	res = (Isms__V1__MetricValuesResult *)pb_new(
	    &isms__v1__metric_values_result__descriptor);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(measures_values(&txn, &q, res, &err), 0);
	assert_int_equal(res->n_measurements, 2);
	assert_string_equal(res->measurements[0]->at, "2026-09-30");
	assert_string_equal(res->measurements[1]->at, "2026-10-31");
	assert_true(res->has_next_page_token);
	q.has_page_token = 1;
	q.page_token = res->next_page_token;
	res->next_page_token.data = NULL;
	protobuf_c_message_free_unpacked(&res->base, NULL);
	res = (Isms__V1__MetricValuesResult *)pb_new(
	    &isms__v1__metric_values_result__descriptor);
	assert_int_equal(measures_values(&txn, &q, res, &err), 0);
	assert_int_equal(res->n_measurements, 2);
	assert_string_equal(res->measurements[0]->at, "2026-11-28");
	assert_string_equal(res->measurements[1]->at, "2026-11-30");
	assert_int_equal(res->measurements[1]->seq, seq);
	assert_true(res->measurements[1]->value == 9);
	assert_false(res->has_next_page_token);
	protobuf_c_message_free_unpacked(&res->base, NULL);
	free(q.page_token.data);

	/* The latest is the last date, whatever the order recorded. */
	reg = register_by_id(id);
	rklen = key_record(register_code(reg), id, rk, sizeof rk);
	assert_true(measures_latest(&txn, rk, rklen, &m));
	assert_string_equal(m->at, "2026-11-30");
	protobuf_c_message_free_unpacked(&m->base, NULL);
	store_read_end(&txn);
	assert_true(check_ok(fx->st, problem, sizeof problem));
	free(id);
}

/* Changes the first stored measurement's last byte, or deletes it. */
static void
tamper(struct store *st, bool del)
{
	struct store_txn txn;
	struct store_iter it;
	uint8_t key[STORE_KEY_MAX], val[512];
	size_t klen, vlen;

	assert_int_equal(store_write_begin(st, NULL, &txn), 0);
	assert_int_equal(store_iter_open(&txn, DB_MEASURES, &it, NULL, 0), 0);
	assert_true(store_iter_next(&it));
	klen = it.k.mv_size;
	vlen = it.v.mv_size;
	memcpy(key, it.k.mv_data, klen);
	memcpy(val, it.v.mv_data, vlen);
	store_iter_close(&it);
	val[vlen - 1] ^= 1;
	if (del)
		store_del(&txn, DB_MEASURES, key, klen);
	else
		store_put(&txn, DB_MEASURES, key, klen, val, vlen);
	assert_int_equal(store_commit(&txn), 0);
}

static void
test_check_finds_tampering(void **state)
{
	struct store_fx *fx = *state;
	char *id = add_metric(fx->st, "quarterly"), problem[400];

	assert_int_equal(record(fx->st, id, 3, "2026-09-30", NULL), 0);
	assert_int_equal(record(fx->st, id, 4, "2026-06-30", NULL), 0);
	assert_true(check_ok(fx->st, problem, sizeof problem));
	tamper(fx->st, false);
	assert_false(check_ok(fx->st, problem, sizeof problem));
	assert_non_null(strstr(problem, "differ from the journaled"));
	tamper(fx->st, true);
	assert_false(check_ok(fx->st, problem, sizeof problem));
	assert_non_null(strstr(problem, "journaled but no longer stored"));
	free(id);
}

/* A page of long notes stops at its byte bound, not its count. */
static void
test_page_bytes(void **state)
{
	struct store_fx *fx = *state;
	struct records_actor who = {"bob", T0};
	Isms__V1__MetricRecord mr = ISMS__V1__METRIC_RECORD__INIT;
	Isms__V1__MetricValues q = ISMS__V1__METRIC_VALUES__INIT;
	Isms__V1__MetricValuesResult *res;
	Isms__V1__Measurement *m;
	char *id = add_metric(fx->st, "daily"), *note = malloc(60001);
	struct store_txn txn;
	struct isms_err err;
	int i;

	memset(note, 'n', 60000);
	note[60000] = '\0';
	mr.metric = id;
	mr.has_value = 1;
	mr.note = note;
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	for (i = 0; i < 40; i++) {
		mr.value = i;
		assert_int_equal(
		    measures_record(&txn, &mr, &who, "2026-11-28", &m, &err),
		    0);
		protobuf_c_message_free_unpacked(&m->base, NULL);
	}
	assert_int_equal(store_commit(&txn), 0);
	q.metric = id;
	q.has_page_size = 1;
	q.page_size = MEASURES_PAGE_MAX;
	res = (Isms__V1__MetricValuesResult *)pb_new(
	    &isms__v1__metric_values_result__descriptor);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(measures_values(&txn, &q, res, &err), 0);
	store_read_end(&txn);
	assert_true(res->n_measurements < 40);
	assert_true(res->n_measurements * 60000 <= REPLY_BYTES_SOFT + 60100);
	assert_true(res->has_next_page_token);
	protobuf_c_message_free_unpacked(&res->base, NULL);
	free(note);
	free(id);
}

static void
test_bad_frequency(void **state)
{
	struct store_fx *fx = *state;
	struct records_actor who = {"alice", T0};
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT, *out = NULL;
	Isms__V1__Metric m = ISMS__V1__METRIC__INIT;
	struct store_txn txn;
	struct isms_err err;

	rec.title = "x";
	rec.owner = "alice";
	rec.body_case = ISMS__V1__RECORD__BODY_METRIC;
	rec.metric = &m;
	m.measure = "y";
	m.frequency = "now and then";
	put.record = &rec;
	add_user(fx->st, "alice");
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	assert_int_equal(records_put(&txn, &put, &who, &out, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "frequency"));
	store_abort(&txn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_period),
	    cmocka_unit_test(test_target),
	    cmocka_unit_test_setup_teardown(test_record_and_read, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_check_finds_tampering, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_page_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_frequency, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
