/*
 * test_ctl_due.c: "ismsctl due" without a daemon: durations, e-mail
 * addresses, states, grouping by owner, the table, CSV, the --check line,
 * the reminder mail and the RFC 5545 calendar (folding, escaping, UIDs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "due_report.h"

/* An item: id, owner, kind, date, days (negative: overdue). */
static Isms__V1__DueItem *
item(Isms__V1__DueItem *it, const char *id, const char *owner, int kind,
     const char *date, int days)
{
	isms__v1__due_item__init(it);
	it->id = (char *)id;
	it->register_ = "risk";
	it->title = "Laptop theft, abroad; \"really\"";
	it->owner = (char *)owner;
	it->has_kind = 1;
	it->kind = (Isms__V1__DueKind)kind;
	it->date = (char *)date;
	it->has_days = it->has_overdue = 1;
	it->days = days;
	it->overdue = days < 0;
	return it;
}

/* Three items of two owners (and one without), dates in order. */
struct fixture {
	Isms__V1__DueItem it[4];
	Isms__V1__DueItem *p[4];
	Isms__V1__DueResult res;
};

static void
fixture_init(struct fixture *f)
{
	item(&f->it[0], "RSK-0001", "alice@example.org",
	     ISMS__V1__DUE_KIND__DUE_KIND_REVIEW, "2026-03-01", -3);
	item(&f->it[1], "ACT-0002", "bob", ISMS__V1__DUE_KIND__DUE_KIND_DUE,
	     "2026-03-04", 0);
	item(&f->it[2], "RSK-0003", "alice@example.org",
	     ISMS__V1__DUE_KIND__DUE_KIND_REVIEW, "2026-03-05", 1);
	item(&f->it[3], "AST-0004", NULL, ISMS__V1__DUE_KIND__DUE_KIND_REVIEW,
	     "2026-03-10", 6);
	for (int i = 0; i < 4; i++)
		f->p[i] = &f->it[i];
	isms__v1__due_result__init(&f->res);
	f->res.items = f->p;
	f->res.n_items = 4;
	f->res.today = "2026-03-04";
}

/* Runs a printer into a string (caller frees). */
static char *
print(void (*fn)(FILE *, const Isms__V1__DueResult *),
      const Isms__V1__DueResult *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, res);
	fclose(f);
	return buf;
}

static void
test_parse_days(void **state)
{
	uint32_t d = 0;

	(void)state;
	assert_int_equal(due_parse_days("14", &d), 0);
	assert_int_equal(d, 14);
	assert_int_equal(due_parse_days("14d", &d), 0);
	assert_int_equal(d, 14);
	assert_int_equal(due_parse_days("2w", &d), 0);
	assert_int_equal(d, 14);
	assert_int_equal(due_parse_days("0d", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(due_parse_days("3660d", &d), 0);
	assert_int_equal(due_parse_days("3661", &d), -1);
	assert_int_equal(due_parse_days("600w", &d), -1);
	assert_int_equal(due_parse_days("2x", &d), -1);
	assert_int_equal(due_parse_days("-1d", &d), -1);
	assert_int_equal(due_parse_days("d", &d), -1);
	assert_int_equal(due_parse_days("", &d), -1);
	assert_int_equal(due_parse_days("99999999999999999999", &d), -1);
}

static void
test_is_email(void **state)
{
	(void)state;
	assert_true(due_is_email("alice@example.org"));
	assert_true(due_is_email("a.b+isms@mail.example.co.uk"));
	assert_false(due_is_email("alice"));
	assert_false(due_is_email("alice@localhost"));
	assert_false(due_is_email("@example.org"));
	assert_false(due_is_email("a@@example.org"));
	assert_false(due_is_email("a b@example.org"));
	assert_false(due_is_email("a@example.org\nBcc: x@y.z"));
	assert_false(due_is_email(".a@example.org"));
	assert_false(due_is_email("a..b@example.org"));
	assert_false(due_is_email("a@-example.org"));
	assert_false(due_is_email("a@example.org."));
	assert_false(due_is_email("a@exa_mple.org"));
}

static void
test_state_and_group(void **state)
{
	struct fixture f;
	struct due_groups gs;
	char buf[64];

	(void)state;
	fixture_init(&f);
	due_state(&f.it[0], buf, sizeof buf);
	assert_string_equal(buf, "OVERDUE 3 days");
	due_state(&f.it[1], buf, sizeof buf);
	assert_string_equal(buf, "due today");
	due_state(&f.it[2], buf, sizeof buf);
	assert_string_equal(buf, "due in 1 day");
	assert_int_equal(due_count_overdue(&f.res), 1);

	due_group(&gs, f.res.items, f.res.n_items);
	assert_int_equal(gs.n, 3);
	assert_string_equal(gs.g[0].owner, DUE_NO_OWNER);
	assert_string_equal(gs.g[1].owner, "alice@example.org");
	assert_int_equal(gs.g[1].n, 2);
	assert_string_equal(gs.g[1].items[0]->id, "RSK-0001"); /* date order */
	assert_string_equal(gs.g[1].items[1]->id, "RSK-0003");
	assert_string_equal(gs.g[2].owner, "bob");
	due_groups_free(&gs);
}

static void
test_table_csv_summary(void **state)
{
	struct fixture f;
	char *s, buf[256];
	FILE *m;

	(void)state;
	fixture_init(&f);
	s = print(due_print_table, &f.res);
	assert_non_null(strstr(s, "alice@example.org (2)\n"));
	assert_non_null(strstr(s, "\nbob (1)\n"));
	assert_non_null(
	    strstr(s, "  2026-03-01  review  RSK-0001  Laptop theft, abroad; "
	              "\"really\"  OVERDUE 3 days\n"));
	assert_non_null(strstr(s, "1 overdue, 3 due (today 2026-03-04)\n"));
	free(s);

	s = print(due_print_csv, &f.res);
	assert_non_null(
	    strstr(s, "owner,date,kind,id,register,title,overdue,days\r\n"));
	assert_non_null(strstr(s, "alice@example.org,2026-03-01,review,"
	                          "RSK-0001,risk,\"Laptop theft, abroad; "
	                          "\"\"really\"\"\",true,-3\r\n"));
	free(s);

	m = fmemopen(buf, sizeof buf, "w");
	due_print_summary(m, &f.res, 14);
	fclose(m);
	assert_string_equal(buf, "OVERDUE: 1 item overdue (oldest RSK-0001, "
	                         "3 days), 3 due within 14 days\n");
	f.res.n_items = 0;
	m = fmemopen(buf, sizeof buf, "w");
	due_print_summary(m, &f.res, 14);
	fclose(m);
	assert_string_equal(buf, "OK: nothing overdue, 0 due within 14 days\n");
}

static void
test_mail(void **state)
{
	struct fixture f;
	struct due_groups gs;
	char *buf = NULL, *body;
	size_t len = 0;
	FILE *m;

	(void)state;
	fixture_init(&f);
	due_group(&gs, f.res.items, f.res.n_items);
	m = open_memstream(&buf, &len);
	due_mail_write(m, gs.g[1].owner, &gs.g[1], f.res.today);
	fclose(m);
	assert_true(strncmp(buf,
	                    "To: alice@example.org\n"
	                    "Subject: ISMS: 2 items due or overdue\n",
	                    60) == 0);
	assert_non_null(strstr(buf, "Content-Type: text/plain; charset=utf-8"));
	assert_non_null(strstr(buf, "Auto-Submitted: auto-generated\n"));
	body = strstr(buf, "\n\n");
	assert_non_null(body);
	assert_non_null(strstr(body, "RSK-0001  Laptop theft, abroad; "
	                             "\"really\": OVERDUE 3 days\n"));
	assert_non_null(strstr(body, "RSK-0003"));
	assert_null(strstr(body, "ACT-0002")); /* bob's, not alice's */
	free(buf);
	due_groups_free(&gs);
}

/* A mail to the fallback says why before the items; the owner's own
 * greets them by their display name. */
static void
test_mail_fallback_note(void **state)
{
	struct fixture f;
	struct due_groups gs;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	(void)state;
	fixture_init(&f);
	f.it[1].owner_display_name = "Bob Chen";
	due_group(&gs, f.res.items, f.res.n_items);
	m = open_memstream(&buf, &len);
	due_mail_write_note(m, "isms@example.org", &gs.g[2], f.res.today,
	                    "These come to you as the fallback: user bob has "
	                    "no e-mail.");
	fclose(m);
	assert_true(strncmp(buf, "To: isms@example.org\n", 21) == 0);
	assert_non_null(strstr(buf, "\n\nHello,\n\nThese come to you as the "
	                            "fallback: user bob has no e-mail.\n\n"
	                            "these ISMS items are due"));
	assert_non_null(strstr(buf, "ACT-0002"));
	free(buf);
	buf = NULL;
	m = open_memstream(&buf, &len);
	due_mail_write(m, "bob@example.org", &gs.g[2], f.res.today);
	fclose(m);
	assert_non_null(strstr(buf, "\n\nHello Bob Chen,\n\nthese ISMS items "
	                            "of yours"));
	free(buf);
	due_groups_free(&gs);
}

/* The monitoring plugin line and codes: 0 ok, 1 due soon, 2 overdue. */
static void
test_nagios(void **state)
{
	struct fixture f;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	(void)state;
	fixture_init(&f);
	m = open_memstream(&buf, &len);
	assert_int_equal(due_print_nagios(m, &f.res, 14), DUE_NAGIOS_CRITICAL);
	fclose(m);
	assert_string_equal(buf, "ISMS DUE CRITICAL - 1 item overdue (oldest "
	                         "RSK-0001, 3 days), 3 due within 14 days | "
	                         "overdue=1 due=3\n");
	free(buf);
	buf = NULL;
	f.res.items = f.p + 1; /* without the overdue one */
	f.res.n_items = 3;
	m = open_memstream(&buf, &len);
	assert_int_equal(due_print_nagios(m, &f.res, 14), DUE_NAGIOS_WARNING);
	fclose(m);
	assert_string_equal(buf, "ISMS DUE WARNING - 3 items due within 14 "
	                         "days (next ACT-0002 in 0 days) | overdue=0 "
	                         "due=3\n");
	free(buf);
	buf = NULL;
	f.res.n_items = 0;
	m = open_memstream(&buf, &len);
	assert_int_equal(due_print_nagios(m, &f.res, 14), DUE_NAGIOS_OK);
	fclose(m);
	assert_string_equal(buf, "ISMS DUE OK - nothing due within 14 days | "
	                         "overdue=0 due=0\n");
	free(buf);
}

static void
test_ical_line_and_escape(void **state)
{
	char line[400], *buf = NULL, *esc, *p;
	size_t len = 0, n;
	FILE *m;

	(void)state;
	esc = due_ical_escape("a,b;c\\d\ne\r");
	assert_string_equal(esc, "a\\,b\\;c\\\\d\\ne ");
	free(esc);

	/* 200 octets with 2-octet characters: folded, never split. */
	memcpy(line, "SUMMARY:", 8);
	for (n = 8; n < 200; n += 2)
		memcpy(line + n, "é", 2);
	line[n] = '\0';
	m = open_memstream(&buf, &len);
	due_ical_line(m, line);
	fclose(m);
	for (p = buf; *p != '\0'; p = strstr(p, "\r\n") + 2) {
		n = (size_t)(strstr(p, "\r\n") - p);
		assert_true(n <= 75);
		assert_true(p == buf || *p == ' ');
		/* A line never starts inside a UTF-8 sequence. */
		assert_true(((unsigned char)p[p == buf ? 0 : 1] & 0xc0) !=
		            0x80);
	}
	/* Unfolding gives the line back. */
	for (p = buf, n = 0; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			p += p[2] == ' ' ? 2 : 1;
			continue;
		}
		if (line[n] != *p)
			fail_msg("unfolded text differs at %zu", n);
		n++;
	}
	assert_int_equal(n, strlen(line));
	free(buf);
}

static void
test_ical(void **state)
{
	struct fixture f;
	char *a = NULL, *b = NULL, *p;
	size_t la = 0, lb = 0;
	FILE *m;

	(void)state;
	fixture_init(&f);
	m = open_memstream(&a, &la);
	due_ical_write(m, &f.res, 1772600000);
	fclose(m);
	m = open_memstream(&b, &lb);
	due_ical_write(m, &f.res, 1772700000);
	fclose(m);
	assert_true(
	    strncmp(a, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:", 36) == 0);
	assert_non_null(strstr(a, "\r\nUID:RSK-0001-review@ismsd\r\n"));
	assert_non_null(strstr(a, "\r\nUID:ACT-0002-due@ismsd\r\n"));
	assert_non_null(strstr(a, "\r\nDTSTART;VALUE=DATE:20260301\r\n"
	                          "DTEND;VALUE=DATE:20260302\r\n"));
	assert_non_null(strstr(a, "\r\nDTSTAMP:20260304T045320Z\r\n"));
	assert_non_null(strstr(a,
	                       "\r\nSUMMARY:Review RSK-0001: Laptop theft\\, "
	                       "abroad\\; \"really\"\r\n"));
	assert_non_null(strstr(a, "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"));
	assert_non_null(strstr(a, "TRIGGER:-P1D\r\nEND:VALARM\r\n"));
	assert_true(strcmp(a + la - 15, "END:VCALENDAR\r\n") == 0);
	/* Month ends roll over. */
	f.it[3].date = "2026-02-28";
	m = open_memstream(&p, &lb);
	due_ical_write(m, &f.res, 0);
	fclose(m);
	assert_non_null(strstr(p, "DTEND;VALUE=DATE:20260301\r\n"));
	free(p);
	/* Only DTSTAMP differs between two runs. */
	for (p = strstr(a, "DTSTAMP:"); p != NULL;
	     p = strstr(p + 1, "DTSTAMP:"))
		memset(p, 'X', 24);
	for (p = strstr(b, "DTSTAMP:"); p != NULL;
	     p = strstr(p + 1, "DTSTAMP:"))
		memset(p, 'X', 24);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* With the server's instance id: in every UID; the description ends
	 * with a command that exists (a register verb, or review). */
	f.res.instance_id = "0123456789abcdef0123456789abcdef";
	m = open_memstream(&a, &la);
	due_ical_write(m, &f.res, 0);
	fclose(m);
	assert_non_null(strstr(
	    a, "\r\nUID:ACT-0002-due@0123456789abcdef0123456789abcdef.ismsd"
	       "\r\n"));
	assert_null(strstr(a, "@ismsd\r\n"));
	assert_non_null(strstr(a, "\\nismsctl risk get ACT-0002\r\n"));
	assert_non_null(strstr(a, "\\nismsctl review RSK-0001\r\n"));
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_days),
	    cmocka_unit_test(test_is_email),
	    cmocka_unit_test(test_state_and_group),
	    cmocka_unit_test(test_table_csv_summary),
	    cmocka_unit_test(test_mail),
	    cmocka_unit_test(test_mail_fallback_note),
	    cmocka_unit_test(test_nagios),
	    cmocka_unit_test(test_ical_line_and_escape),
	    cmocka_unit_test(test_ical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
