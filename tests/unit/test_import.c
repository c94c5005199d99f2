/*
 * test_import.c: what import makes of a file before any daemon sees it:
 * headers to fields (case, blanks, body fields without the register),
 * --map and --scale, rows to field words and links, JSON lines, the
 * table reader, and the messages naming line, column and value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export_cols.h"
#include "export_report.h"
#include "fieldargs.h"
#include "import_map.h"
#include "import_puts.h"
#include "import_read.h"
#include "jsonl.h"
#include "relations.h"

#define RISK ctl_register_find("risk")

static void
test_header_norm(void **state)
{
	static const char *const cases[][2] = {
	    {"Next review on", "next_review_on"},
	    {"  Risk-Owner ", "risk_owner"},
	    {"Risk.Likelihood", "risk.likelihood"},
	    {"TREATED BY", "treated_by"},
	    {"a / b", "a_b"},
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = import_header_norm(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

/* Headers map case- and space-insensitively; body fields with or without
 * the register; id, next_review_on and relations have kinds of their own. */
static void
test_headers_map(void **state)
{
	char *h[] = {"Title", "Likelihood", "risk.Impact", "Next review on",
	             "ID",    "Treated by", "Tags"};
	struct isms_err err = {0};
	struct import_map m;

	(void)state;
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 7, NULL, NULL,
	                                  0, NULL, &err),
	                 0);
	assert_int_equal(m.col[0].kind, IMPORT_COL_FIELD);
	assert_string_equal(m.col[0].path, "title");
	assert_string_equal(m.col[1].path, "likelihood");
	assert_string_equal(m.col[2].path, "impact");
	assert_int_equal(m.col[3].kind, IMPORT_COL_NEXT_REVIEW);
	assert_int_equal(m.col[4].kind, IMPORT_COL_ID);
	assert_int_equal(m.col[5].kind, IMPORT_COL_LINK);
	assert_string_equal(m.col[5].path, "treated_by");
	assert_true(m.col[6].list);
	import_map_free(&m);
}

/* Unmapped columns are refused, all named; --map names or drops them. */
static void
test_unmapped_and_map(void **state)
{
	char *h[] = {"Risk Owner", "Title", "Notes", "Comments"};
	struct isms_err err = {0};
	struct import_map m;

	(void)state;
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 4, NULL, NULL,
	                                  0, NULL, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "3 columns not mapped"));
	assert_non_null(strstr(err.msg, "\"Risk Owner\", \"Notes\", "
	                                "\"Comments\""));
	assert_non_null(strstr(err.msg, "--map 'Column=-'"));
	import_map_free(&m);

	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 4,
	                                  "risk owner=owner,Notes=description",
	                                  NULL, 0, NULL, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "1 column not mapped"));
	assert_non_null(strstr(err.msg, "\"Comments\""));
	import_map_free(&m);

	assert_int_equal(
	    import_map_build(&m, RISK, NULL, 0, h, 4,
	                     "risk owner=owner,Notes=description,Comments=-",
	                     NULL, 0, NULL, &err),
	    0);
	assert_string_equal(m.col[0].path, "owner");
	assert_string_equal(m.col[2].path, "description");
	assert_int_equal(m.col[3].kind, IMPORT_COL_DROP);
	import_map_free(&m);

	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 4, "Nope=owner",
	                                  NULL, 0, NULL, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "\"Nope\""));
	import_map_free(&m);
	/* A derived field (the server writes it) takes no column. */
	assert_int_equal(import_map_build(&m, RISK, (char *[]){"score"}, 1,
	                                  (char *[]){"Title", "Score"}, 2, NULL,
	                                  NULL, 0, NULL, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "1 column not mapped"));
	assert_non_null(strstr(err.msg, "\"Score\""));
	import_map_free(&m);
	assert_int_equal(import_map_build(&m, RISK, NULL, 0,
	                                  (char *[]){"Title", "Score"}, 2, NULL,
	                                  NULL, 0, NULL, &err),
	                 0);
	import_map_free(&m);
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 4,
	                                  "Notes=colour", NULL, 0, NULL, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "not a field of risk"));
	import_map_free(&m);
}

/* Builds the row of cells under m; asserts success. */
static void
row_ok(const struct import_map *m, char **cells, size_t n, struct import_row *r)
{
	struct isms_err err = {0};
	size_t bad = 99;

	assert_int_equal(import_row_build(m, cells, n, false, r, &bad, &err),
	                 0);
}

/* Scales map words in any case; numbers pass; others are errors naming
 * the scale. */
static void
test_scales(void **state)
{
	char *h[] = {"Title", "Likelihood", "Impact"};
	char *scales[] = {"likelihood=Low=1,Medium=3,High=5",
	                  "Impact=minor=2,major=4"};
	char *c1[] = {"A", " high ", "MAJOR"}, *c2[] = {"B", "4", ""};
	char *c3[] = {"C", "Very high", "minor"};
	struct isms_err err = {0};
	struct import_map m;
	struct import_row r;
	size_t bad = 99;

	(void)state;
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 3, NULL, scales,
	                                  2, NULL, &err),
	                 0);
	row_ok(&m, c1, 3, &r);
	assert_int_equal(r.nwords, 3);
	assert_string_equal(r.words[1], "likelihood=5");
	assert_string_equal(r.words[2], "impact=4");
	import_row_free(&r);
	row_ok(&m, c2, 3, &r);
	assert_int_equal(r.nwords, 2); /* an empty cell sets nothing */
	assert_string_equal(r.words[1], "likelihood=4");
	import_row_free(&r);
	assert_int_equal(import_row_build(&m, c3, 3, false, &r, &bad, &err),
	                 -ISMS_EINVAL);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(err.msg, "Low=1, Medium=3, High=5"));
	import_row_free(&r);
	import_map_free(&m);
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 3, NULL,
	                                  (char *[]){"colour=red=1"}, 1, NULL,
	                                  &err),
	                 -ISMS_EINVAL);
	import_map_free(&m);
}

/* Lists split at ';' ("\;" kept), links at ';', --key to external_ref. */
static void
test_rows_lists_links_key(void **state)
{
	size_t bad = 99;
	char *h[] = {"Ref", "Tags", "treated_by", "id", "next_review_on"};
	char *c[] = {"R-7", "pii; a\\;b;;", "A.8.8;@control:X ; A.8.9",
	             "RSK-0042", "2027-01-31"};
	struct isms_err err = {0};
	struct import_map m;
	struct import_row r;

	(void)state;
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, h, 5, NULL, NULL,
	                                  0, "ref", &err),
	                 0);
	row_ok(&m, c, 5, &r);
	assert_int_equal(r.nwords, 3);
	assert_string_equal(r.words[0], "external_ref=R-7");
	assert_string_equal(r.words[1], "tags=pii");
	assert_string_equal(r.words[2], "tags=a;b");
	assert_int_equal(r.nlinks, 3);
	assert_string_equal(r.link[1].rel, "treated_by");
	assert_string_equal(r.link[1].target, "@control:X");
	assert_string_equal(r.id, "RSK-0042");
	assert_string_equal(r.next_review, "2027-01-31");
	import_row_free(&r);
	/* JSON lines: a list's values are one a line, ';' is theirs. */
	c[1] = "a;b\nc";
	assert_int_equal(import_row_build(&m, c, 5, true, &r, &bad, &err), 0);
	assert_int_equal(r.nwords, 3);
	assert_string_equal(r.words[1], "tags=a;b");
	assert_string_equal(r.words[2], "tags=c");
	import_row_free(&r);
	import_map_free(&m);
}

/* JSON lines: nested objects give paths, arrays repeated pairs, objects
 * in arrays one k=v;k=v element. */
static void
test_jsonl(void **state)
{
	static const char line[] =
	    " {\"title\": \"Fire \\u00e9\\ud83d\\ude00\", \"risk\": "
	    "{\"likelihood\": 3, \"x\": null}, \"tags\": [\"a\", \"b\"], "
	    "\"ok\": true, \"scope.exclusions\": [{\"what\": \"A;1\", "
	    "\"n\": 2}]} ";
	struct isms_err err = {0};
	struct jsonl_obj o;

	(void)state;
	assert_int_equal(jsonl_parse(line, strlen(line), &o, &err), 0);
	assert_int_equal(o.n, 6);
	assert_string_equal(o.pair[0].path, "title");
	assert_string_equal(o.pair[0].text, "Fire \xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(o.pair[1].path, "risk.likelihood");
	assert_string_equal(o.pair[1].text, "3");
	assert_string_equal(o.pair[3].text, "b");
	assert_string_equal(o.pair[4].text, "true");
	assert_string_equal(o.pair[5].text, "what=A\\;1;n=2");
	jsonl_obj_free(&o);

	assert_int_equal(jsonl_parse("{\"a\": 1,}", 9, &o, &err), -ISMS_EINVAL);
	jsonl_obj_free(&o);
	assert_int_equal(jsonl_parse("{\"a\": \"x}", 9, &o, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "not closed"));
	jsonl_obj_free(&o);
	assert_int_equal(jsonl_parse("[1]", 3, &o, &err), -ISMS_EINVAL);
	jsonl_obj_free(&o);
	assert_int_equal(jsonl_parse("{\"a\": 1} x", 10, &o, &err),
	                 -ISMS_EINVAL);
	jsonl_obj_free(&o);
}

/* The table reader: CSV rows keep their lines, blank rows go, a row
 * with more cells than the header is an error; JSON lines columns are
 * the union of paths, repeated values joined by line ends. */
static void
test_table_read(void **state)
{
	static const char csv[] = "a;b\r\n1;\"x\r\ny\"\r\n;\r\n2;3\r\n";
	static const char bad[] = "a,b\n1,2,3\n";
	static const char jl[] = "{\"a\": 1}\n\n{\"b\": [\"x\", \"y\"]}\n";
	struct isms_err err = {0};
	struct import_table t;

	(void)state;
	assert_int_equal(
	    import_table_read(csv, strlen(csv), IMPORT_CSV, &t, &err), 0);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(t.row[0].line, 2);
	assert_string_equal(t.row[0].cell[1], "x\r\ny");
	assert_int_equal(t.row[1].line, 5);
	import_table_free(&t);
	assert_int_equal(
	    import_table_read(bad, strlen(bad), IMPORT_CSV, &t, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "line 2"));
	import_table_free(&t);
	assert_int_equal(
	    import_table_read(jl, strlen(jl), IMPORT_JSONL, &t, &err), 0);
	assert_int_equal(t.ncols, 2);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(t.row[1].line, 3);
	assert_string_equal(t.row[0].cell[1], "");
	assert_string_equal(t.row[1].cell[1], "x\ny");
	import_table_free(&t);
	assert_int_equal(
	    import_table_read("{}\n{\"a\" 1}\n", 11, IMPORT_JSONL, &t, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "line 2: byte 6"));
	import_table_free(&t);
}

/* A bad value is named by file, line, column and value; good rows make
 * puts with their id, review date and links. */
static void
test_puts_and_messages(void **state)
{
	static const char csv[] =
	    "Title,Likelihood,Status,treated_by,next_review_on\n"
	    "Fire,3,open,A.8.8,2027-02-01\n"
	    "Flood,lots,open,,\n"
	    "\"Theft\nof laptops\",2,sideways,,\n";
	struct isms_err err = {0};
	struct import_table t;
	struct import_map m;
	struct import_puts p = {0};
	struct import_errs e = {0};
	const Isms__V1__Record *rec;

	(void)state;
	assert_int_equal(
	    import_table_read(csv, strlen(csv), IMPORT_CSV, &t, &err), 0);
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, t.header, t.ncols,
	                                  NULL, NULL, 0, NULL, &err),
	                 0);
	import_puts_add(&p, &e, "r.csv", &m, &t);
	assert_int_equal(p.n, 1);
	rec = p.put[0]->record;
	assert_string_equal(rec->title, "Fire");
	assert_int_equal(rec->risk->likelihood, 3);
	assert_string_equal(rec->next_review_on, "2027-02-01");
	assert_int_equal(rec->n_links, 1);
	assert_string_equal(rec->links[0]->target, "A.8.8");
	assert_int_equal(e.n, 2);
	assert_non_null(strstr(
	    e.msg[0], "r.csv:3: column \"Likelihood\": value \"lots\": "));
	assert_non_null(strstr(e.msg[1], "r.csv:4: column \"Status\": value "
	                                 "\"sideways\": "));
	/* A server error on put 0's field lands on its column. */
	import_errs_server(&e, &p, 0, "risk.likelihood", "too likely");
	assert_string_equal(e.msg[2], "r.csv:2: column \"Likelihood\": value "
	                              "\"3\": too likely");
	import_errs_server(&e, &p, 0, NULL, "no");
	assert_string_equal(e.msg[3], "r.csv:2: no");
	import_puts_free(&p);
	import_errs_free(&e);
	import_map_free(&m);
	import_table_free(&t);
}

/* Collects the column names of an export. */
static bool
has_col(const struct export_cols *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->col[i].name, name) == 0)
			return true;
	return false;
}

/* Every register: each export column maps back to itself on import (a
 * relation never shadows a field, nor a field a relation), and the
 * derived fields and server stamps stay out. */
static void
test_export_columns_read_back(void **state)
{
	char *derived[] = {"score", "level", "acceptance"};
	const ProtobufCFieldDescriptor *reg;
	struct isms_err err = {0};
	struct export_cols c;
	struct import_map m;
	char **names;
	size_t i, k;

	(void)state;
	for (i = 0; (reg = ctl_register_nth(i)) != NULL; i++) {
		export_cols_build(&c, reg, derived, 3);
		names = calloc(c.n, sizeof *names);
		for (k = 0; k < c.n; k++)
			names[k] = c.col[k].name;
		assert_int_equal(import_map_build(&m, reg, derived, 3, names,
		                                  c.n, NULL, NULL, 0, NULL,
		                                  &err),
		                 0);
		for (k = 0; k < c.n; k++)
			assert_int_equal(c.col[k].kind == EXPORT_LINKS,
			                 m.col[k].kind == IMPORT_COL_LINK);
		assert_true(has_col(&c, "id"));
		assert_true(has_col(&c, "next_review_on"));
		assert_false(has_col(&c, "created_at"));
		assert_false(has_col(&c, "rev"));
		assert_false(has_col(&c, "links"));
		import_map_free(&m);
		free(names);
		export_cols_free(&c);
	}
	export_cols_build(&c, RISK, derived, 3);
	assert_true(has_col(&c, "risk.likelihood"));
	assert_false(has_col(&c, "risk.score"));
	assert_false(has_col(&c, "risk.acceptance.by"));
	assert_true(has_col(&c, "treated_by"));
	export_cols_free(&c);
}

/* An export as a report table for the spreadsheet: numbers as numbers,
 * dates as dates, lists and links as the CSV cells. */
static void
test_export_report(void **state)
{
	static const char csv[] = "title,likelihood,next_review_on,tags,"
	                          "treated_by\nFire,3,2027-01-31,a;b,A.8.8\n";
	struct isms_err err = {0};
	struct import_table t;
	struct import_map m;
	struct import_puts p = {0};
	struct import_errs e = {0};
	struct export_cols c;
	struct report *r;
	const struct rtable *tab;
	size_t k, lik = 0, nro = 0, tags = 0, rel = 0;

	(void)state;
	assert_int_equal(
	    import_table_read(csv, strlen(csv), IMPORT_CSV, &t, &err), 0);
	assert_int_equal(import_map_build(&m, RISK, NULL, 0, t.header, t.ncols,
	                                  NULL, NULL, 0, NULL, &err),
	                 0);
	import_puts_add(&p, &e, "f", &m, &t);
	assert_int_equal(p.n, 1);
	export_cols_build(&c, RISK, NULL, 0);
	r = report_new("export", "Export");
	export_report_section(r, RISK, &c, &p.put[0]->record, 1);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->sec[0].id, "risk");
	tab = r->sec[0].table;
	assert_int_equal(tab->nrows, 1);
	for (k = 0; k < tab->ncols; k++) {
		if (strcmp(tab->cols[k], "risk.likelihood") == 0)
			lik = k;
		if (strcmp(tab->cols[k], "next_review_on") == 0)
			nro = k;
		if (strcmp(tab->cols[k], "tags") == 0)
			tags = k;
		if (strcmp(tab->cols[k], "treated_by") == 0)
			rel = k;
	}
	assert_int_equal(tab->cells[lik].type, RCELL_NUMBER);
	assert_true(tab->cells[lik].num == 3);
	assert_int_equal(tab->cells[nro].type, RCELL_DATE);
	assert_string_equal(tab->cells[nro].text, "2027-01-31");
	assert_string_equal(tab->cells[tags].text, "a;b");
	assert_string_equal(tab->cells[rel].text, "A.8.8");
	report_free(r);
	export_cols_free(&c);
	import_puts_free(&p);
	import_errs_free(&e);
	import_map_free(&m);
	import_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_norm),
	    cmocka_unit_test(test_headers_map),
	    cmocka_unit_test(test_unmapped_and_map),
	    cmocka_unit_test(test_scales),
	    cmocka_unit_test(test_rows_lists_links_key),
	    cmocka_unit_test(test_jsonl),
	    cmocka_unit_test(test_table_read),
	    cmocka_unit_test(test_puts_and_messages),
	    cmocka_unit_test(test_export_columns_read_back),
	    cmocka_unit_test(test_export_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
