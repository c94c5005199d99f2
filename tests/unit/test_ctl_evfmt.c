/*
 * test_ctl_evfmt.c: journal entries and events as ismsctl prints them:
 * type names, heads (SEQ:HEX), watch lines, NDJSON, CSV and the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evfmt.h"

static uint8_t hash[32];

/* A review_due notice for RSK-0001. */
static void
entry_init(Isms__V1__JournalEntry *e)
{
	size_t i;

	for (i = 0; i < sizeof hash; i++)
		hash[i] = (uint8_t)(i * 7 + 1);
	isms__v1__journal_entry__init(e);
	e->has_seq = e->has_time = e->has_type = e->has_rev = 1;
	e->seq = 42;
	e->time = 1772600000;
	e->actor = "ismsd";
	e->type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_REVIEW_DUE;
	e->id = "RSK-0001";
	e->rev = 3;
	e->register_ = "risk";
	e->owner = "alice";
	e->summary = "RSK-0001 review_due 2026-03-01: \"Laptop\"\x1b[31m";
	e->has_hash = 1;
	e->hash.data = hash;
	e->hash.len = sizeof hash;
}

/* Runs fn on e into a string (caller frees). Not inlined: GCC 12 takes
 * open_memstream's pointer for one that dangles. */
static __attribute__((noinline)) char *
print(void (*fn)(FILE *, const Isms__V1__JournalEntry *),
      const Isms__V1__JournalEntry *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, e);
	fclose(f);
	return buf;
}

static void
test_types(void **state)
{
	Isms__V1__EventType t;
	char buf[64];

	(void)state;
	assert_int_equal(evfmt_type_parse("review_due", &t), 0);
	assert_int_equal(t, ISMS__V1__EVENT_TYPE__EVENT_TYPE_REVIEW_DUE);
	assert_int_equal(evfmt_type_parse("EVENT_TYPE_CREATED", &t), 0);
	assert_int_equal(t, ISMS__V1__EVENT_TYPE__EVENT_TYPE_CREATED);
	assert_int_equal(evfmt_type_parse("nonsense", &t), -1);
	assert_int_equal(evfmt_type_parse("unspecified", &t), -1);
	assert_string_equal(evfmt_type_name(12, buf, sizeof buf),
	                    "action_overdue");
	assert_string_equal(evfmt_type_name(999, buf, sizeof buf), "999");
	evfmt_type_names(buf, sizeof buf);
	assert_true(strncmp(buf, "created, updated, archived", 26) == 0);
}

static void
test_head(void **state)
{
	uint8_t h[32];
	uint64_t seq;
	char good[100], *buf = NULL;
	size_t len = 0;
	ProtobufCBinaryData b = {sizeof hash, hash};
	FILE *f;

	(void)state;
	entry_init(&(Isms__V1__JournalEntry){0}); /* fills hash */
	snprintf(good, sizeof good, "17:%064d", 0);
	good[3] = 'A';
	good[4] = 'f';
	assert_int_equal(evfmt_head_parse(good, &seq, h), 0);
	assert_int_equal(seq, 17);
	assert_int_equal(h[0], 0xaf);
	assert_int_equal(evfmt_head_parse("17:abc", &seq, h), -1);
	assert_int_equal(evfmt_head_parse(":00", &seq, h), -1);
	good[10] = 'g';
	assert_int_equal(evfmt_head_parse(good, &seq, h), -1);
	good[10] = '0';
	good[0] = '-';
	assert_int_equal(evfmt_head_parse(good, &seq, h), -1);

	f = open_memstream(&buf, &len);
	evfmt_head_print(f, 42, &b);
	evfmt_head_print(f, 0, NULL);
	fclose(f);
	assert_true(strncmp(buf, "42:01080f16", 11) == 0);
	assert_int_equal(strchr(buf, '\n') - buf, 3 + 64);
	assert_non_null(strstr(buf, "\n0:0000000000"));
	free(buf);
}

static void
test_line_json_csv(void **state)
{
	Isms__V1__JournalEntry e;
	char *s;

	(void)state;
	entry_init(&e);
	s = print(evfmt_line, &e);
	/* Terminal controls are defused. */
	assert_string_equal(s, "42 2026-03-04T04:53:20Z review_due RSK-0001 "
	                       "ismsd RSK-0001 review_due 2026-03-01: "
	                       "\"Laptop\" [31m\n");
	free(s);
	s = print(evfmt_json, &e);
	assert_true(strncmp(s,
	                    "{\"seq\":42,\"time\":\"2026-03-04T04:53:20Z\","
	                    "\"actor\":\"ismsd\",\"type\":\"review_due\","
	                    "\"register\":\"risk\",\"id\":\"RSK-0001\","
	                    "\"rev\":3,\"owner\":\"alice\",\"summary\":"
	                    "\"RSK-0001 review_due 2026-03-01: \\\"Laptop\\\""
	                    "\\u001b[31m\",\"hash\":\"01080f16",
	                    200) == 0);
	assert_int_equal(strchr(s, '\n') - s + 1, (long)strlen(s)); /* 1 line */
	free(s);
	e.id = NULL;
	e.has_rev = 0;
	s = print(evfmt_csv_row, &e);
	assert_true(strncmp(s,
	                    "42,2026-03-04T04:53:20Z,ismsd,review_due,risk,,,"
	                    "alice,",
	                    52) == 0);
	free(s);
	s = print(evfmt_line, &e);
	assert_non_null(strstr(s, " review_due - ismsd "));
	free(s);
}

static void
test_table(void **state)
{
	Isms__V1__JournalEntry e[2], *p[2] = {&e[0], &e[1]};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	entry_init(&e[0]);
	entry_init(&e[1]);
	e[1].seq = 1000;
	e[1].summary = "short";
	evfmt_table(f, p, 2);
	fclose(f);
	assert_true(
	    strncmp(buf, "SEQ   TIME                  ACTOR  TYPE", 39) == 0);
	assert_non_null(strstr(buf, "\n1000  2026-03-04T04:53:20Z  ismsd  "
	                            "review_due  RSK-0001  3    short\n"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_head),
	    cmocka_unit_test(test_line_json_csv),
	    cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
