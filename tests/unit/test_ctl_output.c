/*
 * test_ctl_output.c: ismsctl's printers: JSON (escapes, enums, instants),
 * CSV (quoting, formula guard), the record, list, history and status
 * tables. Each test compares the exact text produced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fieldargs.h"
#include "output.h"
#include "pbfield.h"
#include "xmalloc.h"

#define RECORD_MD (&isms__v1__record__descriptor)

/* Captured output of one printer. */
struct cap {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *
cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

/* Closes the stream and returns the text (owned by c). */
static const char *
cap_text(struct cap *c)
{
	fclose(c->f);
	return c->buf;
}

/* Sets path of m from text, as the server would have stored it. */
static void
set(ProtobufCMessage *m, const char *path, const char *text)
{
	struct pb_path p;
	int i;

	assert_int_equal(pb_path_resolve(m->descriptor, path, &p, NULL), 0);
	for (i = 0; i < p.n - 1; i++)
		m = pb_submsg(m, p.fd[i], true);
	assert_int_equal(pb_field_set_text(m, p.fd[p.n - 1], text, NULL), 0);
}

/* Adds a link to r. */
static void
add_link(Isms__V1__Record *r, const char *rel, const char *target)
{
	Isms__V1__Link *l =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

	l->rel = xstrdup(rel);
	l->target = xstrdup(target);
	r->links = xreallocarray(r->links, r->n_links + 1, sizeof *r->links);
	r->links[r->n_links++] = l;
}

/* Adds a reverse link to r, as the server fills them on reads. */
static void
add_linked_from(Isms__V1__Record *r, const char *rel, const char *source)
{
	Isms__V1__Link *l =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

	l->rel = xstrdup(rel);
	l->target = xstrdup(source);
	r->linked_from = xreallocarray(r->linked_from, r->n_linked_from + 1,
	                               sizeof *r->linked_from);
	r->linked_from[r->n_linked_from++] = l;
}

static Isms__V1__Record *
rec_new(void)
{
	return (Isms__V1__Record *)pb_new(RECORD_MD);
}

static void
rec_free(Isms__V1__Record *r)
{
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

/* A risk with everything a JSON printer must get right. */
static Isms__V1__Record *
risk_tricky(void)
{
	Isms__V1__Record *r = rec_new();

	set(&r->base, "id", "RSK-0001");
	set(&r->base, "rev", "2");
	set(&r->base, "title",
	    "Laptop \"theft\"\n\tback\\slash \x01 caf\xc3\xa9 \xe2\x98\x83 "
	    "\xe2\x80\xa8 </script>");
	set(&r->base, "owner", "alice");
	set(&r->base, "tags", "pii");
	set(&r->base, "tags", "laptop");
	set(&r->base, "created_at", "1795770843");
	set(&r->base, "updated_at", "1795860000");
	set(&r->base, "updated_by", "bob");
	set(&r->base, "review_interval_days", "90");
	set(&r->base, "archived", "false");
	add_link(r, "treated_by", "A.8.5");
	set(&r->base, "risk.status", "assessed");
	set(&r->base, "risk.likelihood", "3");
	set(&r->base, "risk.impact", "5");
	set(&r->base, "risk.acceptance.by", "carol");
	set(&r->base, "risk.acceptance.at", "1795824000");
	set(&r->base, "risk.score", "15");
	set(&r->base, "risk.level", "high");
	set(&r->base, "risk.method_rev", "18446744073709551615");
	return r;
}

/* A plain risk for the tables. */
static Isms__V1__Record *
risk_plain(const char *id, unsigned rev, const char *title, const char *owner,
           const char *status, const char *score, const char *level)
{
	Isms__V1__Record *r = rec_new();
	char buf[16];

	set(&r->base, "id", id);
	snprintf(buf, sizeof buf, "%u", rev);
	set(&r->base, "rev", buf);
	set(&r->base, "title", title);
	set(&r->base, "owner", owner);
	set(&r->base, "risk.status", status);
	set(&r->base, "risk.score", score);
	set(&r->base, "risk.level", level);
	return r;
}

static void
test_json_record(void **state)
{
	Isms__V1__Record *r = risk_tricky();
	struct cap c;

	(void)state;
	ctl_out_json(cap_open(&c), &r->base);
	assert_string_equal(
	    cap_text(&c),
	    "{\n"
	    "  \"id\": \"RSK-0001\",\n"
	    "  \"rev\": 2,\n"
	    "  \"title\": \"Laptop \\\"theft\\\"\\n\\tback\\\\slash \\u0001 "
	    "caf\xc3\xa9 \xe2\x98\x83 \\u2028 </script>\",\n"
	    "  \"owner\": \"alice\",\n"
	    "  \"tags\": [\"pii\", \"laptop\"],\n"
	    "  \"created_at\": \"2026-11-27T09:14:03Z\",\n"
	    "  \"updated_at\": \"2026-11-28T10:00:00Z\",\n"
	    "  \"updated_by\": \"bob\",\n"
	    "  \"review_interval_days\": 90,\n"
	    "  \"links\": [\n"
	    "    {\n"
	    "      \"rel\": \"treated_by\",\n"
	    "      \"target\": \"A.8.5\"\n"
	    "    }\n"
	    "  ],\n"
	    "  \"archived\": false,\n"
	    "  \"risk\": {\n"
	    "    \"status\": \"assessed\",\n"
	    "    \"likelihood\": 3,\n"
	    "    \"impact\": 5,\n"
	    "    \"acceptance\": {\n"
	    "      \"by\": \"carol\",\n"
	    "      \"at\": \"2026-11-28T00:00:00Z\"\n"
	    "    },\n"
	    "    \"score\": 15,\n"
	    "    \"level\": \"high\",\n"
	    "    \"method_rev\": 18446744073709551615\n"
	    "  }\n"
	    "}\n");
	free(c.buf);
	rec_free(r);
}

static void
test_json_strings(void **state)
{
	struct cap c;

	(void)state;
	/* Bytes that are not UTF-8 become U+FFFD; DEL and ESC are escaped. */
	ctl_out_json_string(cap_open(&c), "a\xff"
	                                  "b\xc3"
	                                  "\x1b[31m\x7f\r\b\f/\xe2\x80\xa9");
	assert_string_equal(
	    cap_text(&c),
	    "\"a\\ufffdb\\ufffd\\u001b[31m\\u007f\\r\\b\\f/\\u2029\"");
	free(c.buf);
}

static void
test_json_array_and_info(void **state)
{
	Isms__V1__InfoResult info = ISMS__V1__INFO_RESULT__INIT;
	Isms__V1__RegisterCount rc = ISMS__V1__REGISTER_COUNT__INIT;
	Isms__V1__RegisterCount *rcs[] = {&rc};
	Isms__V1__Record *r =
	    risk_plain("RSK-0002", 1, "x", "bob", "open", "4", "low");
	const ProtobufCMessage *one[] = {&r->base};
	struct cap c;

	(void)state;
	ctl_out_json_array(cap_open(&c), NULL, 0);
	assert_string_equal(cap_text(&c), "[]\n");
	free(c.buf);

	ctl_out_json_array(cap_open(&c), one, 1);
	assert_string_equal(cap_text(&c), "[\n"
	                                  "  {\n"
	                                  "    \"id\": \"RSK-0002\",\n"
	                                  "    \"rev\": 1,\n"
	                                  "    \"title\": \"x\",\n"
	                                  "    \"owner\": \"bob\",\n"
	                                  "    \"risk\": {\n"
	                                  "      \"status\": \"open\",\n"
	                                  "      \"score\": 4,\n"
	                                  "      \"level\": \"low\"\n"
	                                  "    }\n"
	                                  "  }\n"
	                                  "]\n");
	free(c.buf);
	rec_free(r);

	info.server_version = "0.1.0";
	info.has_started_at = 1;
	info.started_at = 1795860000;
	info.has_commits = 1;
	info.commits = 3;
	rc.register_ = "risk";
	rc.has_live = 1;
	rc.live = 2;
	info.n_counts = 1;
	info.counts = rcs;
	ctl_out_json(cap_open(&c), &info.base);
	assert_string_equal(cap_text(&c),
	                    "{\n"
	                    "  \"server_version\": \"0.1.0\",\n"
	                    "  \"counts\": [\n"
	                    "    {\n"
	                    "      \"register\": \"risk\",\n"
	                    "      \"live\": 2\n"
	                    "    }\n"
	                    "  ],\n"
	                    "  \"started_at\": \"2026-11-28T10:00:00Z\",\n"
	                    "  \"commits\": 3\n"
	                    "}\n");
	free(c.buf);

	ctl_out_csv_info(cap_open(&c), &info);
	assert_string_equal(cap_text(&c),
	                    "register,live,archived\r\nrisk,2,0\r\n");
	free(c.buf);
}

static void
test_csv_cells(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "plain"},
	    {"", ""},
	    {"a,b", "\"a,b\""},
	    {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"two\nlines", "\"two\nlines\""},
	    {"=SUM(A1:A9)", "'=SUM(A1:A9)"},
	    {"+1", "'+1"},
	    {"-2+3", "'-2+3"},
	    {"@cmd", "'@cmd"},
	    {"\tx", "'\tx"},
	    {"\rx", "\"'\rx\""},
	    {"=HYPERLINK(\"http://x\",\"y\")",
	     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
	    {"a=b", "a=b"},
	};
	struct cap c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ctl_out_csv_cell(cap_open(&c), cases[i].in);
		assert_string_equal(cap_text(&c), cases[i].out);
		free(c.buf);
	}
}

static void
test_csv_records(void **state)
{
	Isms__V1__Record *a = rec_new(), *recs[1];
	struct cap c;

	(void)state;
	set(&a->base, "id", "AST-0001");
	set(&a->base, "rev", "1");
	set(&a->base, "title", "=HYPERLINK(\"http://evil\")");
	set(&a->base, "owner", "bob, jr");
	set(&a->base, "tags", "laptop");
	set(&a->base, "tags", "pii");
	set(&a->base, "created_at", "1795770843");
	set(&a->base, "asset.kind", "hardware");
	set(&a->base, "asset.classification", "confidential");
	set(&a->base, "asset.location", "Room 1\nShelf 2");
	set(&a->base, "asset.custodian", "-ops");
	add_link(a, "owned_by", "ROLE-0001");
	add_link(a, "in", "SITE-1");
	add_linked_from(a, "affects", "INC-0001");
	recs[0] = a;
	ctl_out_csv_records(cap_open(&c), ctl_register_find("asset"), recs, 1);
	assert_string_equal(
	    cap_text(&c),
	    "id,rev,title,owner,tags,created_at,created_by,updated_at,"
	    "updated_by,review_interval_days,last_reviewed_at,next_review_on,"
	    "links,archived,linked_from,external_ref,identified_on,"
	    "asset.status,asset.description,"
	    "asset.kind,asset.classification,asset.confidentiality,"
	    "asset.integrity,asset.availability,asset.location,"
	    "asset.custodian\r\n"
	    "AST-0001,1,\"'=HYPERLINK(\"\"http://evil\"\")\",\"bob, jr\","
	    "laptop;pii,2026-11-27T09:14:03Z,,,,,,,"
	    "owned_by \xe2\x86\x92 ROLE-0001;in \xe2\x86\x92 SITE-1,,"
	    "affects \xe2\x86\x90 INC-0001,,,,,"
	    "hardware,confidential,,,,\"Room 1\nShelf 2\",'-ops\r\n");
	free(c.buf);
	rec_free(a);
}

static void
test_record_table(void **state)
{
	Isms__V1__Record *r = risk_tricky();
	struct cap c;

	(void)state;
	add_linked_from(r, "mitigates", "RTP-0001");
	add_linked_from(r, "about", "FND-0002");
	ctl_out_record_table(cap_open(&c), r);
	assert_string_equal(
	    cap_text(&c),
	    "id:                   RSK-0001\n"
	    "rev:                  2\n"
	    "title:                Laptop \"theft\"\n"
	    "                       back\\slash   caf\xc3\xa9 \xe2\x98\x83 "
	    "\xe2\x80\xa8 </script>\n"
	    "owner:                alice\n"
	    "tags:                 pii, laptop\n"
	    "created_at:           2026-11-27T09:14:03Z\n"
	    "updated_at:           2026-11-28T10:00:00Z\n"
	    "updated_by:           bob\n"
	    "review_interval_days: 90\n"
	    "links:                treated_by \xe2\x86\x92 A.8.5\n"
	    "archived:             false\n"
	    "linked from:          mitigates \xe2\x86\x90 RTP-0001, "
	    "about \xe2\x86\x90 FND-0002\n"
	    "status:               assessed\n"
	    "likelihood:           3\n"
	    "impact:               5\n"
	    "acceptance.by:        carol\n"
	    "acceptance.at:        2026-11-28T00:00:00Z\n"
	    "score:                15\n"
	    "level:                high\n"
	    "method_rev:           18446744073709551615\n");
	free(c.buf);
	rec_free(r);
}

static void
test_list_table(void **state)
{
	Isms__V1__Record *recs[3];
	struct cap c;
	size_t i;

	(void)state;
	recs[0] = risk_plain("RSK-0002", 3, "Phishing", "bob", "open", "16",
	                     "critical");
	set(&recs[0]->base, "updated_at", "1795860000");
	recs[1] = risk_plain("RSK-0010", 1, "Ransomware on file server",
	                     "alice", "treating", "12", "high");
	set(&recs[1]->base, "archived", "true");
	/* Long titles are cut; control characters never reach a terminal. */
	recs[2] = risk_plain(
	    "RSK-0011", 2,
	    "\x1b]0;pwned\x07 A very long title that goes on and on and on "
	    "forever",
	    "\xc3\xa9ve", "closed", "1", "low");
	ctl_out_list_table(cap_open(&c), ctl_register_find("risk"), recs, 3);
	assert_string_equal(
	    cap_text(&c),
	    "ID        STATUS               OWNER  TITLE                     "
	    "                         LEVEL     SCORE  REV  UPDATED\n"
	    "RSK-0002  open                 bob    Phishing                  "
	    "                         critical  16     3    "
	    "2026-11-28T10:00:00Z\n"
	    "RSK-0010  treating (archived)  alice  Ransomware on file server "
	    "                         high      12     1    -\n"
	    "RSK-0011  closed               \xc3\xa9ve     ]0;pwned  A very "
	    "long title that goes on and on\xe2\x80\xa6  low       1      2 "
	    "   -\n");
	free(c.buf);
	for (i = 0; i < 3; i++)
		rec_free(recs[i]);
}

static void
test_list_table_follows_descriptor(void **state)
{
	Isms__V1__Record *a = rec_new();
	struct cap c;

	(void)state;
	/* asset has status but no level/score: no such columns. */
	set(&a->base, "id", "AST-0001");
	set(&a->base, "rev", "4");
	set(&a->base, "title", "CRM");
	set(&a->base, "asset.status", "active");
	ctl_out_list_table(cap_open(&c), ctl_register_find("asset"), &a, 1);
	assert_string_equal(cap_text(&c),
	                    "ID        STATUS  OWNER  TITLE  REV  UPDATED\n"
	                    "AST-0001  active  -      CRM    4    -\n");
	free(c.buf);
	rec_free(a);
}

static void
test_history(void **state)
{
	Isms__V1__Record *revs[3];
	struct cap c;
	char *ch;
	size_t i;

	(void)state;
	revs[0] =
	    risk_plain("RSK-0002", 1, "Phish", "bob", "open", "12", "high");
	set(&revs[0]->base, "risk.impact", "3");
	set(&revs[0]->base, "updated_at", "1795770843");
	set(&revs[0]->base, "updated_by", "alice");
	revs[1] = risk_plain("RSK-0002", 2, "Phishing", "bob", "open", "16",
	                     "critical");
	set(&revs[1]->base, "risk.impact", "4");
	set(&revs[1]->base, "risk.acceptance.by", "carol");
	set(&revs[1]->base, "updated_at", "1795860000");
	set(&revs[1]->base, "updated_by", "bob");
	revs[2] = risk_plain("RSK-0002", 3, "Phishing", "bob", "open", "16",
	                     "critical");
	set(&revs[2]->base, "risk.impact", "4");
	set(&revs[2]->base, "risk.acceptance.by", "carol");
	set(&revs[2]->base, "tags", "x");
	set(&revs[2]->base, "updated_at", "1795860001");

	ch = ctl_out_changes(revs[0], revs[1]);
	assert_string_equal(ch, "title, impact, acceptance.by, score, level");
	free(ch);
	/* rev, updated_at and updated_by change every time: not listed. */
	ch = ctl_out_changes(revs[1], revs[1]);
	assert_string_equal(ch, "");
	free(ch);

	ctl_out_history_table(cap_open(&c), revs, 3);
	assert_string_equal(
	    cap_text(&c),
	    "REV  UPDATED               BY     CHANGES\n"
	    "1    2026-11-27T09:14:03Z  alice  created\n"
	    "2    2026-11-28T10:00:00Z  bob    title, impact, acceptance.by, "
	    "score, level\n"
	    "3    2026-11-28T10:00:01Z  -      tags\n");
	free(c.buf);
	for (i = 0; i < 3; i++)
		rec_free(revs[i]);
}

static void
test_info_table(void **state)
{
	Isms__V1__InfoResult info = ISMS__V1__INFO_RESULT__INIT;
	Isms__V1__HelloResult hello = ISMS__V1__HELLO_RESULT__INIT;
	Isms__V1__RegisterCount r1 = ISMS__V1__REGISTER_COUNT__INIT;
	Isms__V1__RegisterCount r2 = ISMS__V1__REGISTER_COUNT__INIT;
	Isms__V1__RegisterCount *rcs[] = {&r1, &r2};
	struct cap c;

	(void)state;
	info.server_version = "ismsd 0.1.0";
	info.data_dir = "/var/lib/ismsd";
	info.has_started_at = 1;
	info.started_at = 1795860000;
	info.connections = 2;
	info.commits = 7;
	info.committed_ops = 9;
	r1.register_ = "risk";
	r1.live = 12;
	r1.archived = 3;
	r2.register_ = "asset";
	r2.live = 140;
	info.n_counts = 2;
	info.counts = rcs;
	hello.user = "alice";
	ctl_out_info_table(cap_open(&c), &info, &hello, "unix:/tmp/s");
	assert_string_equal(cap_text(&c), "version:      ismsd 0.1.0\n"
	                                  "endpoint:     unix:/tmp/s\n"
	                                  "user:         alice\n"
	                                  "data dir:     /var/lib/ismsd\n"
	                                  "started:      2026-11-28T10:00:00Z\n"
	                                  "connections:  2\n"
	                                  "commits:      7 (9 operations)\n"
	                                  "\n"
	                                  "REGISTER  LIVE  ARCHIVED\n"
	                                  "risk      12    3\n"
	                                  "asset     140   0\n");
	free(c.buf);
}

static void
test_formats(void **state)
{
	enum ctl_format f;

	(void)state;
	assert_int_equal(ctl_format_parse("json", &f), 0);
	assert_int_equal(f, CTL_FORMAT_JSON);
	assert_int_equal(ctl_format_parse("csv", &f), 0);
	assert_int_equal(f, CTL_FORMAT_CSV);
	assert_int_equal(ctl_format_parse("table", &f), 0);
	assert_int_equal(f, CTL_FORMAT_TABLE);
	assert_int_equal(ctl_format_parse("yaml", &f), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_record),
	    cmocka_unit_test(test_json_strings),
	    cmocka_unit_test(test_json_array_and_info),
	    cmocka_unit_test(test_csv_cells),
	    cmocka_unit_test(test_csv_records),
	    cmocka_unit_test(test_record_table),
	    cmocka_unit_test(test_list_table),
	    cmocka_unit_test(test_list_table_follows_descriptor),
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_info_table),
	    cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
