/*
 * test_csv.c: the RFC 4180 reader: quoting, embedded line breaks, CRLF,
 * empty lines and fields, and errors that name the right line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

/* Parses a NUL-terminated text; asserts the result code. */
static void
parse(const char *text, struct csv *c, int want, struct isms_err *err)
{
	assert_int_equal(csv_parse(text, strlen(text), c, err), want);
}

/* Asserts row i has the n given fields and starts on line. */
static void
row_is(const struct csv *c, size_t i, unsigned line, size_t n, ...)
{
	va_list ap;
	size_t k;

	assert_true(i < c->n);
	assert_int_equal(c->row[i].line, line);
	assert_int_equal(c->row[i].n, n);
	va_start(ap, n);
	for (k = 0; k < n; k++)
		assert_string_equal(c->row[i].field[k], va_arg(ap, char *));
	va_end(ap);
}

static void
test_plain(void **state)
{
	struct isms_err err = {0};
	struct csv c;

	(void)state;
	parse("kind,ref,parent\nclause,4,\nclause,4.1,4", &c, 0, &err);
	assert_int_equal(c.n, 3);
	row_is(&c, 0, 1, 3, "kind", "ref", "parent");
	row_is(&c, 1, 2, 3, "clause", "4", "");
	row_is(&c, 2, 3, 3, "clause", "4.1", "4");
	csv_free(&c);
	assert_int_equal(c.n, 0);
}

static void
test_quotes(void **state)
{
	struct isms_err err = {0};
	struct csv c;

	(void)state;
	parse("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\n", &c, 0, &err);
	assert_int_equal(c.n, 1);
	row_is(&c, 0, 1, 4, "a", "b,c", "say \"hi\"", "");
	csv_free(&c);

	/* A trailing comma is one more, empty, field. */
	parse("x,\n", &c, 0, &err);
	row_is(&c, 0, 1, 2, "x", "");
	csv_free(&c);
}

static void
test_embedded_newlines(void **state)
{
	struct isms_err err = {0};
	struct csv c;

	(void)state;
	parse("id,text\n1,\"first\nsecond\r\nthird\"\n2,after\n", &c, 0, &err);
	assert_int_equal(c.n, 3);
	row_is(&c, 1, 2, 2, "1", "first\nsecond\r\nthird");
	/* The record after a three-line field starts on line 5. */
	row_is(&c, 2, 5, 2, "2", "after");
	csv_free(&c);
}

static void
test_crlf_bom_and_empty_lines(void **state)
{
	struct isms_err err = {0};
	struct csv c;

	(void)state;
	parse("\xef\xbb\xbfkind,ref\r\n\r\nclause,4\r\n\ntheme,A.5\r\n", &c, 0,
	      &err);
	assert_int_equal(c.n, 3);
	row_is(&c, 0, 1, 2, "kind", "ref");
	row_is(&c, 1, 3, 2, "clause", "4");
	row_is(&c, 2, 5, 2, "theme", "A.5");
	csv_free(&c);

	/* A lone CR ends a line too; an empty text has no rows. */
	parse("a\rb\r", &c, 0, &err);
	row_is(&c, 0, 1, 1, "a");
	row_is(&c, 1, 2, 1, "b");
	csv_free(&c);
	parse("", &c, 0, &err);
	assert_int_equal(c.n, 0);
	csv_free(&c);
}

static void
test_errors_name_the_line(void **state)
{
	struct isms_err err = {0};
	struct csv c;

	(void)state;
	parse("a,b\nc,d\"e\n", &c, -ISMS_EINVAL, &err);
	assert_string_equal(err.msg,
	                    "line 2: '\"' inside an unquoted field (quote the "
	                    "whole field and double the quote)");
	csv_free(&c);

	parse("a,b\n\"c\"x,d\n", &c, -ISMS_EINVAL, &err);
	assert_string_equal(err.msg,
	                    "line 2: unexpected 'x' after a closing quote (a "
	                    "field is either all quoted or not at all)");
	csv_free(&c);

	parse("a\nb\n\"open\nstill\nopen\n", &c, -ISMS_EINVAL, &err);
	assert_string_equal(err.msg, "line 3: quoted field not closed "
	                             "before the end of the file");
	csv_free(&c);

	assert_int_equal(csv_parse("a\nb\0c\n", 6, &c, &err), -ISMS_EINVAL);
	assert_string_equal(err.msg, "line 2: NUL byte");
	csv_free(&c);
}

/* The separator the file says it uses: sep=; first, or a header with ';'
 * and no ','; quoted text does not count; the comma otherwise. */
static void
test_separator_detection(void **state)
{
	static const struct {
		const char *text;
		char sep;
		size_t skip;
	} cases[] = {
	    {"a,b\r\n1,2\r\n", ',', 0},
	    {"a;b\r\n1;2\r\n", ';', 0},
	    {"sep=;\r\na,b;c\r\n", ';', 7},
	    {"\xef\xbb\xbfsep=;\na;b\n", ';', 9},
	    {"\xef\xbb\xbf"
	     "a;b\n",
	     ';', 3},
	    {"a;b,c\n", ',', 0},      /* a comma: the comma wins */
	    {"\"a;b\",c\n", ',', 0},  /* ';' quoted */
	    {"\"x,y\";c\n", ';', 0},  /* ',' quoted */
	    {"title\nA;B\n", ',', 0}, /* only the header decides */
	};
	size_t i, skip;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(
		    csv_detect_sep(cases[i].text, strlen(cases[i].text), &skip),
		    cases[i].sep);
		assert_int_equal(skip, cases[i].skip);
	}
}

/* csv_parse_auto reads a ';' file with quoted ';', CRLF inside quotes and
 * a BOM; lines count from the file's first, the sep= line included. */
static void
test_semicolon_files(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbfsep=;\r\n"
	    "Title;Owner\r\n"
	    "\"a;b\";\"M\xc3\xbcller, J\xc3\xbcrgen\"\r\n"
	    "\"two\r\nlines\";x\r\n"
	    "last;\"q\"\"\"\r\n";
	struct isms_err err = {0};
	struct csv c;

	(void)state;
	assert_int_equal(csv_parse_auto(text, strlen(text), &c, &err), 0);
	assert_int_equal(c.n, 4);
	row_is(&c, 0, 2, 2, "Title", "Owner");
	row_is(&c, 1, 3, 2, "a;b", "M\xc3\xbcller, J\xc3\xbcrgen");
	row_is(&c, 2, 4, 2, "two\r\nlines", "x");
	row_is(&c, 3, 6, 2, "last", "q\"");
	csv_free(&c);
	/* The same file without the sep= line: the header decides. */
	assert_int_equal(csv_parse_auto(text + 12, strlen(text + 12), &c, &err),
	                 0);
	row_is(&c, 1, 2, 2, "a;b", "M\xc3\xbcller, J\xc3\xbcrgen");
	csv_free(&c);
	/* csv_parse itself keeps the comma: one field per line here. */
	assert_int_equal(csv_parse("Title;Owner\r\n", 13, &c, &err), 0);
	row_is(&c, 0, 1, 1, "Title;Owner");
	csv_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_embedded_newlines),
	    cmocka_unit_test(test_crlf_bom_and_empty_lines),
	    cmocka_unit_test(test_errors_name_the_line),
	    cmocka_unit_test(test_separator_detection),
	    cmocka_unit_test(test_semicolon_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
