/*
 * test_report_render.c: the HTML and XLSX renderers on a report built
 * here with every kind of section: a 93-row SoA-like table with tones,
 * dates, times and numbers; two 5x5 heat maps; bars; paragraphs; cells
 * with UTF-8, HTML-special characters, a formula and a control character.
 * The XLSX is read back by openpyxl (python3), a reader that is not ours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "report.h"
#include "report_html.h"
#include "report_pdf.h"
#include "report_xlsx.h"
#include "xmalloc.h"

#define NROWS 93

static const char special[] = "<b>Policies</b> & \"rules\" 'quoted'";
static const char special_html[] =
    "&lt;b&gt;Policies&lt;/b&gt; &amp; &quot;rules&quot; &#39;quoted&#39;";
static const char utf8[] = "S\xc3\xa9"
                           "curit\xc3\xa9 \xe2\x80\x94 "
                           "\xe6\x83\x85\xe5\xa0\xb1";
static const char formula[] = "=HYPERLINK(\"http://example.org\")";

/* The level name of a 5x5 cell by its score, as the default method. */
static const char *
level_of(unsigned score)
{
	return score < 5    ? "low"
	       : score < 10 ? "medium"
	       : score < 20 ? "high"
	                    : "critical";
}

/* A 5x5 heat map whose cell (l, i) holds (l + i) % 3 risks. */
static struct rheat *
heat(const char *title)
{
	struct rheat *h = xcalloc(1, sizeof *h);
	unsigned l, i;

	h->title = xstrdup(title);
	h->nlik = h->nimp = 5;
	h->count = xcalloc(25, sizeof *h->count);
	h->level = xcalloc(25, sizeof *h->level);
	for (l = 1; l <= 5; l++)
		for (i = 1; i <= 5; i++) {
			h->count[(l - 1) * 5 + i - 1] = (l + i) % 3;
			h->level[(l - 1) * 5 + i - 1] =
			    xstrdup(level_of(l * i));
		}
	return h;
}

/* The 93 Annex A controls' ids: 5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34. */
static void
control_id(unsigned row, char *buf, size_t len)
{
	static const unsigned theme[] = {37, 8, 14, 34};
	unsigned t = 0;

	while (row >= theme[t])
		row -= theme[t++];
	snprintf(buf, len, "A.%u.%u", t + 5, row + 1);
}

/* The SoA section: 93 rows with every cell type and tone. */
static void
soa_section(struct report *r)
{
	static const char *const cols[] = {
	    "Control",        "Title",       "Applicable", "Status",
	    "Implemented on", "Reviewed at", "Risks"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_TEXT, RCELL_TEXT,  RCELL_TEXT,
	    RCELL_DATE, RCELL_TIME, RCELL_NUMBER};
	static const char *const status[] = {"implemented", "planned",
	                                     "not implemented", "excluded"};
	static const enum rtone tones[] = {RTONE_GOOD, RTONE_WARN, RTONE_BAD,
	                                   RTONE_MUTED};
	struct rsection *s = report_section(r, "soa", "Annex A controls");
	struct rtable *t = report_table(s, 7, cols, types);
	struct rcell *c;
	char id[16], title[64];
	unsigned i;

	s->text = xstrdup("First line\nsecond line\n\nSecond paragraph <&>");
	for (i = 0; i < NROWS; i++) {
		c = report_row(t);
		control_id(i, id, sizeof id);
		rcell_text(&c[0], id);
		snprintf(title, sizeof title, "Control title %u", i + 1);
		rcell_text(&c[1], i == 0   ? special
		                  : i == 1 ? utf8
		                  : i == 2 ? formula
		                  : i == 3 ? "bell\x01here"
		                           : title);
		rcell_text(&c[2], i % 4 == 3 ? "no" : "yes");
		rcell_text(&c[3], status[i % 4]);
		c[3].tone = tones[i % 4];
		if (i % 4 == 0)
			rcell_text(&c[4], "2026-03-31");
		if (i == 1)
			rcell_text(&c[4], "soon"); /* not a date: text */
		if (i % 4 == 0) {
			rcell_text(&c[5], "2026-11-28T09:14:03Z");
			c[5].num = 1795857243; /* 2026-11-28T09:14:03Z */
		}
		rcell_num(&c[6], (double)(i % 5));
	}
}

/* The whole report, every section kind, a header with special text. */
static struct report *
fixture(void)
{
	struct report *r = report_new("soa", "Statement of Applicability");
	struct rsection *s;
	char label[32];
	unsigned i;

	r->h.organisation = xstrdup("Acme & Sons <Ltd>");
	r->h.scope = xstrdup(utf8);
	r->h.generated_at = 1796000000;
	r->h.generated_by = xstrdup("alice");
	r->h.seq = 4242;
	r->h.head_hash = xstrdup("ab12cd34ef56");
	r->h.server = xstrdup("ismsd 0.9 (instance x)");
	soa_section(r);
	s = report_section(r, "risks", "Risk heat maps");
	s->heat[0] = heat("Inherent risk");
	s->heat[1] = heat("Residual risk");
	s = report_section(r, "gap", "Gap per clause");
	s->bars = xcalloc(1, sizeof *s->bars);
	s->bars->title = xstrdup("Clauses with evidence");
	s->bars->n = 4;
	s->bars->bar = xcalloc(4, sizeof *s->bars->bar);
	for (i = 0; i < 4; i++) {
		snprintf(label, sizeof label, "Clause %u", i + 4);
		s->bars->bar[i].label = xstrdup(label);
		s->bars->bar[i].value = i;
		s->bars->bar[i].max = 2;
		s->bars->bar[i].tone = i == 3 ? RTONE_GOOD : RTONE_WARN;
	}
	/* Ids that collide once cut to Excel's 31 characters. */
	report_section(r, "inputs-9.3.2-c-nonconformities-and-actions",
	               "Nonconformities");
	report_table(&r->sec[r->n - 1], 1, (const char *const[]){"Id"}, NULL);
	report_section(r, "inputs-9.3.2-c-nonconformities-and-more",
	               "More nonconformities");
	report_table(&r->sec[r->n - 1], 1, (const char *const[]){"Id"}, NULL);
	return r;
}

/* The renderer's whole output as a string (caller frees). */
static char *
render(report_render_fn fn, const struct report *r, size_t *len)
{
	char *buf = NULL, err[256] = "";
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	assert_int_equal(fn(f, r, err, sizeof err), 0);
	assert_string_equal(err, "");
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

/* Occurrences of needle in hay between from and to (NULL: the end). */
static unsigned
count_between(const char *hay, const char *needle, const char *to)
{
	const char *end = to ? strstr(hay, to) : NULL;
	unsigned n = 0;

	while ((hay = strstr(hay, needle)) && (!end || hay < end)) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
test_html_document(void **state)
{
	struct report *r = fixture();
	char *h = render(report_render_html, r, NULL);
	const char *soa;

	(void)state;
	assert_true(strncmp(h, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0);
	assert_non_null(strstr(h,
	                       "<title>Statement of Applicability \xe2\x80\x94 "
	                       "Acme &amp; Sons &lt;Ltd&gt;</title>"));
	assert_non_null(strstr(h, "Content-Security-Policy"));
	/* Nothing fetched: no scripts, links, images or remote URLs. */
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<link"));
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "src="));
	assert_null(strstr(h, "url("));
	assert_null(strstr(h, "href=\"http"));
	/* The document-control header is a table at the top. */
	assert_true(strstr(h, "id=\"document-control\"") <
	            strstr(h, "<section"));
	assert_non_null(
	    strstr(h, "<th scope=\"row\">Journal seq</th><td>4242"));
	assert_non_null(strstr(h, "<td class=\"hash\">ab12cd34ef56</td>"));
	assert_non_null(strstr(h, "<td>2026-11-30T00:53:20Z</td>"));
	/* The SoA: 93 rows, 7 column headers with scope. */
	soa = strstr(h, "<table class=\"data\" id=\"table-soa\"");
	assert_non_null(soa);
	assert_int_equal(count_between(soa, "<tr>", "</table>"), NROWS + 1);
	assert_int_equal(count_between(soa, "<th scope=\"col\">", "</table>"),
	                 7);
	assert_int_equal(count_between(soa, "<td class=\"t-bad\">", "</table>"),
	                 23);
	assert_non_null(strstr(soa, "<td class=\"num\">4</td>"));
	assert_non_null(strstr(
	    soa, "<td><time datetime=\"2026-03-31\">2026-03-31</time></td>"));
	assert_non_null(strstr(soa, "<td>soon</td>"));
	/* Print CSS: A4, breaks, repeated headers, colours kept. */
	assert_non_null(strstr(h, "size:A4"));
	assert_non_null(strstr(h, "break-before:page"));
	assert_non_null(strstr(h, "thead{display:table-header-group}"));
	assert_non_null(strstr(h, "print-color-adjust:exact"));
	assert_non_null(strstr(h, "seq 4242"));
	free(h);
	report_free(r);
}

static void
test_html_escaping(void **state)
{
	struct report *r = fixture();
	char *h = render(report_render_html, r, NULL);

	(void)state;
	assert_non_null(strstr(h, special_html));
	assert_null(strstr(h, "<b>Policies"));
	assert_non_null(strstr(h, utf8));
	assert_non_null(strstr(h, "bell&#xFFFD;here"));
	assert_null(strchr(h, '\x01'));
	assert_non_null(
	    strstr(h, "=HYPERLINK(&quot;http://example.org&quot;)"));
	assert_non_null(strstr(h, "<p>First line<br>\nsecond line</p>\n"
	                          "<p>Second paragraph &lt;&amp;&gt;</p>"));
	/* The organisation in the header and in the footer's CSS string. */
	assert_non_null(strstr(h, "<td>Acme &amp; Sons &lt;Ltd&gt;</td>"));
	assert_null(strstr(h, "Sons <Ltd>"));
	free(h);
	report_free(r);
}

static void
test_html_heat_and_bars(void **state)
{
	struct report *r = fixture();
	char *h = render(report_render_html, r, NULL);
	const char *sec = strstr(h, "<section id=\"sec-risks\">");

	(void)state;
	assert_non_null(sec);
	/* Two labelled SVG grids of 25 cells, coloured by level name. */
	assert_int_equal(count_between(sec, "<svg role=\"img\"", "</section>"),
	                 2);
	assert_int_equal(count_between(sec, "<rect x=", "</section>"), 50);
	assert_non_null(strstr(sec, "<title id=\"hm-risks-0\">Inherent risk"));
	assert_non_null(strstr(sec, "<title id=\"hm-risks-1\">Residual risk"));
	assert_non_null(strstr(sec, "likelihood 5, impact 5: 1 (critical)"));
	assert_non_null(strstr(sec, "fill=\"#b2182b\""));
	assert_non_null(strstr(sec, "fill=\"#a6dba0\""));
	assert_non_null(strstr(sec, "Inherent risk (24)</figcaption>"));
	/* Bars: one row each, the fraction drawn and written. */
	sec = strstr(h, "<section id=\"sec-gap\">");
	assert_non_null(sec);
	assert_int_equal(
	    count_between(sec, "<tr><th scope=\"row\">Clause", "</section>"),
	    4);
	assert_non_null(strstr(sec, "<rect width=\"50.00\" height=\"10\" "
	                            "fill=\"#b26a00\"/>"));
	assert_non_null(strstr(sec, "3 / 2 (100%)"));
	free(h);
	report_free(r);
}

static void
test_html_write_error(void **state)
{
	struct report *r = fixture();
	FILE *f = fopen("/dev/full", "w");
	char err[128] = "";

	(void)state;
	assert_non_null(f);
	assert_int_equal(report_render_html(f, r, err, sizeof err), -1);
	assert_non_null(strstr(err, "write error"));
	fclose(f);
	report_free(r);
}

static void
test_xlsx_sheet_names(void **state)
{
	char used[4][32], name[32];
	char longid[64];

	(void)state;
	report_xlsx_sheet_name("soa", used, 0, name);
	assert_string_equal(name, "soa");
	snprintf(used[0], 32, "About");
	report_xlsx_sheet_name("about", used, 1, name);
	assert_string_equal(name, "about-2");
	report_xlsx_sheet_name("a[b]:c*d?e/f\\g", used, 1, name);
	assert_string_equal(name, "a_b__c_d_e_f_g");
	report_xlsx_sheet_name("'quoted'", used, 1, name);
	assert_string_equal(name, "_quoted_");
	report_xlsx_sheet_name("", used, 1, name);
	assert_string_equal(name, "Sheet");
	report_xlsx_sheet_name("history", used, 1, name);
	assert_string_equal(name, "history-2");
	memset(longid, 'x', 40);
	longid[40] = '\0';
	report_xlsx_sheet_name(longid, used, 1, name);
	assert_int_equal(strlen(name), 31);
	snprintf(used[1], 32, "%s", name);
	report_xlsx_sheet_name(longid, used, 2, name);
	assert_int_equal(strlen(name), 31);
	assert_string_equal(name + 29, "-2");
	/* 30 ASCII bytes and a two-byte character: the cut keeps whole
	 * characters. */
	memset(longid, 'y', 30);
	memcpy(longid + 30, "\xc3\xa9z", 4);
	report_xlsx_sheet_name(longid, used, 2, name);
	assert_int_equal(strlen(name), 30);
}

/* Writes the workbook to a file and returns openpyxl's dump of it. */
static char *
xlsx_dump(const struct report *r)
{
	char path[] = "/tmp/test_report_xlsx-XXXXXX", *cmd, *out = NULL;
	char buf[4096], err[256] = "";
	size_t len = 0;
	FILE *f, *p, *o;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(report_render_xlsx(f, r, err, sizeof err), 0);
	fclose(f);
	cmd = xasprintf("/usr/bin/python3 %s %s 2>&1", ISMS_XLSX_DUMP, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	o = open_memstream(&out, &len);
	while ((len = fread(buf, 1, sizeof buf, p)) > 0)
		fwrite(buf, 1, len, o);
	fclose(o);
	if (pclose(p) != 0)
		fail_msg("%s failed:\n%s", cmd, out);
	unlink(path);
	free(cmd);
	return out;
}

static void
test_xlsx_read_back(void **state)
{
	struct report *r = fixture();
	char *d = xlsx_dump(r), *first;

	(void)state;
	/* Sheets in order: About, then each section with a table or bars. */
	first = strstr(d, "sheet About ");
	assert_true(first == d);
	assert_non_null(strstr(d, "sheet soa rows=94 cols=7 freeze=A2 "
	                          "filter=A1:G94\n"));
	assert_non_null(strstr(d, "sheet gap rows=5 cols=3 freeze=A2 "
	                          "filter=A1:C5\n"));
	/* Heat maps without a table: the grids, counts as numbers. */
	assert_non_null(strstr(d, "sheet risks rows=15 cols=6 freeze=None "
	                          "filter=None\n"));
	assert_non_null(strstr(d, "cell risks!A1 s,bold 'Inherent risk'\n"));
	assert_non_null(strstr(d, "cell risks!F2 n,bold 5\n"));
	assert_non_null(strstr(d, "cell risks!A3 n,bold 5\n"));
	assert_non_null(strstr(d, "cell risks!F3 n 1\n"));
	assert_non_null(strstr(d, "cell risks!B7 n 2\n"));
	assert_non_null(strstr(d, "cell risks!A9 s,bold 'Residual risk'\n"));
	assert_non_null(strstr(d, "sheet inputs-9.3.2-c-nonconformities- "));
	assert_non_null(strstr(d, "sheet inputs-9.3.2-c-nonconformitie-2 "));
	/* The header row bold; typed cells. */
	assert_non_null(strstr(d, "cell soa!A1 s,bold 'Control'\n"));
	assert_non_null(strstr(d, "cell soa!G2 n 0\n"));
	assert_non_null(strstr(d, "cell soa!G6 n 4\n"));
	assert_non_null(strstr(d, "cell soa!E2 d 2026-03-31T00:00:00\n"));
	assert_non_null(strstr(d, "cell soa!F2 d 2026-11-28T09:14:03\n"));
	assert_non_null(strstr(d, "cell soa!E3 s 'soon'\n"));
	assert_null(strstr(d, "cell soa!E4 "));
	/* Text stays text: markup, UTF-8, a formula, a control char. */
	assert_non_null(strstr(d, "cell soa!B2 s '<b>Policies</b> & "
	                          "\"rules\" \\'quoted\\''\n"));
	assert_non_null(strstr(d, "cell soa!B3 s 'S\xc3\xa9"
	                          "curit\xc3\xa9"));
	assert_non_null(strstr(d, "cell soa!B4 s '=HYPERLINK("));
	assert_non_null(strstr(d, "cell soa!B5 s 'bell"));
	/* The About sheet: the header with a real date and a number. */
	assert_non_null(
	    strstr(d, "cell About!B1 s 'Statement of Applicability'\n"));
	assert_non_null(strstr(d, "cell About!B5 d 2026-11-30T00:53:20\n"));
	assert_non_null(strstr(d, "cell About!B8 n 4242\n"));
	assert_non_null(strstr(d, "cell About!B9 s 'ab12cd34ef56'\n"));
	assert_non_null(strstr(d, "cell gap!B5 n 3\n"));
	free(d);
	report_free(r);
}

/* A stand-in for Chromium in dir: a shell script with body. */
static char *
fake_chromium(const char *dir, const char *body)
{
	char *path = xasprintf("%s/chromium", dir);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
	return path;
}

/* Renders r as PDF with the given Chromium; the output in *buf. */
static int
pdf(const struct report *r, const char *chromium, char **buf, char *err,
    size_t errlen)
{
	size_t n = 0;
	FILE *f = open_memstream(buf, &n);
	int rc;

	assert_non_null(f);
	report_pdf_chromium(chromium);
	rc = report_render_pdf(f, r, err, errlen);
	fclose(f);
	return rc;
}

/*
 * The PDF renderer's side of the bargain, with a script in Chromium's
 * place: it gets the HTML as a file:// URL and a --print-to-pdf path, the
 * flags, a HOME of its own; what it prints is copied out; what is not a
 * PDF, a failure, a missing program are errors.
 */
static void
test_pdf_with_a_stand_in(void **state)
{
	char dir[] = "/tmp/test_report_pdf-XXXXXX", err[512], *out = NULL;
	struct report *r = fixture();
	char *exe, *argv_file;
	FILE *f;
	char line[4096];

	(void)state;
	assert_non_null(mkdtemp(dir));
	argv_file = xasprintf("%s/argv", dir);
	/* Records its arguments, checks the page, prints a tiny "PDF". */
	{
		char *body = xasprintf(
		    "printf '%%s\\n' \"$@\" >%s\n"
		    "for a; do case $a in --print-to-pdf=*) o=${a#*=};; "
		    "file://*) u=${a#file://};; esac; done\n"
		    "grep -q 'Annex A controls' \"$u\" || exit 9\n"
		    "[ \"$HOME\" = \"${u%%/report.html}\" ] || exit 8\n"
		    "printf '%%%%PDF-1.4 fake' >\"$o\"",
		    argv_file);

		exe = fake_chromium(dir, body);
		free(body);
	}
	assert_int_equal(pdf(r, exe, &out, err, sizeof err), 0);
	assert_string_equal(out, "%PDF-1.4 fake");
	free(out);
	f = fopen(argv_file, "r");
	assert_non_null(f);
	out = NULL;
	{
		size_t n = 0;
		FILE *m = open_memstream(&out, &n);

		while (fgets(line, sizeof line, f))
			fputs(line, m);
		fclose(m);
	}
	fclose(f);
	assert_non_null(strstr(out, "--headless\n--no-sandbox\n"));
	assert_non_null(strstr(out, "--no-pdf-header-footer\n"));
	assert_non_null(strstr(out, "--user-data-dir="));
	{
		const char *tmp = getenv("TMPDIR");
		char *url = xasprintf("\nfile://%s/ismsctl-pdf-",
		                      tmp && *tmp ? tmp : "/tmp");

		assert_non_null(strstr(out, url));
		free(url);
	}
	free(out);
	free(exe);
	/* Not a PDF. */
	exe = fake_chromium(dir, "for a; do case $a in --print-to-pdf=*) "
	                         "echo '<html>' >\"${a#*=}\";; esac; done");
	assert_int_equal(pdf(r, exe, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "wrote no PDF"));
	free(out);
	free(exe);
	/* A failure, with the last line it said. */
	exe = fake_chromium(dir, "echo 'dbus noise' >&2; echo 'it broke' >&2; "
	                         "echo 'dbus more noise' >&2; exit 4");
	assert_int_equal(pdf(r, exe, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "failed (exit 4): it broke"));
	free(out);
	free(exe);
	/* Missing. */
	assert_int_equal(pdf(r, "/nonexistent/chromium", &out, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "/nonexistent/chromium not found"));
	free(out);
	report_pdf_chromium(NULL);
	exe = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(exe), 0);
	free(exe);
	free(argv_file);
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html_document),
	    cmocka_unit_test(test_html_escaping),
	    cmocka_unit_test(test_html_heat_and_bars),
	    cmocka_unit_test(test_html_write_error),
	    cmocka_unit_test(test_xlsx_sheet_names),
	    cmocka_unit_test(test_xlsx_read_back),
	    cmocka_unit_test(test_pdf_with_a_stand_in),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
