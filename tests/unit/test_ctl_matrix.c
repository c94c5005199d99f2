/*
 * test_ctl_matrix.c: the risk matrix from given risks and a risk method:
 * counting (inherent, residual, unrated, closed, out of scale), the exact
 * grid text, colours by level name and by rank, JSON and CSV cells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "matrix.h"
#include "pbfield.h"
#include "xmalloc.h"

/* Captured output of one printer. */
struct cap {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *
cap_open(struct cap *c)
{
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static const char *
cap_text(struct cap *c)
{
	fclose(c->f);
	return c->buf;
}

/* Sets path of m from text. */
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

/* A risk rated l x i (0: not rated), residual rl x ri (0: none). */
static Isms__V1__Record *
risk(const char *id, const char *status, int l, int i, int rl, int ri)
{
	Isms__V1__Record *r =
	    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	char buf[16];

	set(&r->base, "id", id);
	set(&r->base, "risk.status", status);
	if (l > 0) {
		snprintf(buf, sizeof buf, "%d", l);
		set(&r->base, "risk.likelihood", buf);
		snprintf(buf, sizeof buf, "%d", i);
		set(&r->base, "risk.impact", buf);
	}
	if (rl > 0) {
		snprintf(buf, sizeof buf, "%d", rl);
		set(&r->base, "risk.residual_likelihood", buf);
		snprintf(buf, sizeof buf, "%d", ri);
		set(&r->base, "risk.residual_impact", buf);
	}
	return r;
}

/* The default method (as the server has it), at rev 2. */
static Isms__V1__RiskMethod *
method_default(void)
{
	Isms__V1__RiskMethod *m =
	    (Isms__V1__RiskMethod *)pb_new(&isms__v1__risk_method__descriptor);
	char *words[] = {
	    "likelihood_labels=rare,unlikely,possible,likely,certain",
	    "impact_labels=negligible,minor,moderate,major,severe",
	    "levels=low:1:365,medium:5:180,high:10:90,critical:20:30",
	    "acceptance_threshold=9"};
	struct isms_err err = {0};

	m->has_rev = 1;
	m->rev = 2;
	assert_int_equal(ctl_method_apply(m, 4, words, &err), 0);
	return m;
}

/* The fixture: six risks. */
#define NRISKS 6
static Isms__V1__Record **
risks_new(void)
{
	Isms__V1__Record **r = xcalloc(NRISKS, sizeof *r);

	r[0] = risk("RSK-0001", "assessed", 3, 4, 1, 3);
	r[1] = risk("RSK-0002", "treating", 4, 5, 2, 2);
	r[2] = risk("RSK-0003", "open", 3, 4, 0, 0);
	r[3] = risk("RSK-0004", "open", 0, 0, 0, 0);   /* not rated */
	r[4] = risk("RSK-0005", "closed", 1, 1, 1, 1); /* left out */
	r[5] = risk("RSK-0006", "accepted", 1, 1, 1, 1);
	return r;
}

static void
risks_free(Isms__V1__Record **r)
{
	size_t i;

	for (i = 0; i < NRISKS; i++)
		protobuf_c_message_free_unpacked(&r[i]->base, NULL);
	free(r);
}

static void
test_counts(void **state)
{
	Isms__V1__RiskMethod *me = method_default();
	Isms__V1__Record **r = risks_new();
	struct matrix m;

	(void)state;
	matrix_build(&m, me, r, NRISKS, false);
	assert_int_equal(m.nl, 5);
	assert_int_equal(m.ni, 5);
	assert_int_equal(m.rated, 4);
	assert_int_equal(m.unrated, 1);
	assert_int_equal(m.cell[(4 - 1) * 5 + (3 - 1)].n, 2); /* l3 i4 */
	assert_string_equal(m.cell[(4 - 1) * 5 + (3 - 1)].ids[1], "RSK-0003");
	assert_int_equal(m.cell[(5 - 1) * 5 + (4 - 1)].n, 1);
	assert_int_equal(m.cell[0].n, 1); /* RSK-0006; closed 0005 is not */
	matrix_free(&m);

	matrix_build(&m, me, r, NRISKS, true);
	assert_int_equal(m.rated, 3);
	assert_int_equal(m.unrated, 2); /* 0003 and 0004 */
	assert_int_equal(m.cell[(3 - 1) * 5 + (1 - 1)].n, 1);
	matrix_free(&m);

	/* Levels: the highest band whose minimum the score reaches. */
	assert_int_equal(matrix_level(me, 0), -1);
	assert_int_equal(matrix_level(me, 4), 0);
	assert_int_equal(matrix_level(me, 12), 2);
	assert_int_equal(matrix_level(me, 25), 3);
	risks_free(r);
	protobuf_c_message_free_unpacked(&me->base, NULL);
}

static void
test_table_text(void **state)
{
	Isms__V1__RiskMethod *me = method_default();
	Isms__V1__Record **r = risks_new();
	struct matrix m;
	struct cap c;

	(void)state;
	matrix_build(&m, me, r, NRISKS, false);
	matrix_print_table(cap_open(&c), &m, false);
	assert_string_equal(
	    cap_text(&c),
	    "risk matrix (inherent), method rev 2\n"
	    "\n"
	    "impact \\ likelihood  1 rare  2 unlikely  3 possible  4 likely  "
	    "5 certain\n"
	    "5 severe                  -           -           -         1  "
	    "        -\n"
	    "4 major                   -           -           2         -  "
	    "        -\n"
	    "3 moderate                -           -           -         -  "
	    "        -\n"
	    "2 minor                   -           -           -         -  "
	    "        -\n"
	    "1 negligible              1           -           -         -  "
	    "        -\n"
	    "\n"
	    "levels: low 1-4, medium 5-9, high 10-19, critical 20-25\n"
	    "4 risks in the grid; 1 without likelihood and impact\n");
	free(c.buf);
	matrix_free(&m);

	/* Residual, and a risk rated beyond a smaller scale. */
	matrix_build(&m, me, r, 2, true);
	matrix_print_table(cap_open(&c), &m, false);
	assert_non_null(
	    strstr(cap_text(&c), "risk matrix (residual), method rev 2\n"));
	assert_non_null(strstr(c.buf, "\n2 risks in the grid\n"));
	free(c.buf);
	matrix_free(&m);
	risks_free(r);
	protobuf_c_message_free_unpacked(&me->base, NULL);
}

static void
test_colours(void **state)
{
	Isms__V1__RiskMethod *me = method_default();
	char *custom[] = {"levels=minor:1:365,moderate:6:180,severe:15:30"};
	Isms__V1__Record **r = risks_new();
	struct isms_err err = {0};
	struct matrix m;
	struct cap c;

	(void)state;
	/* Known names by name. */
	assert_string_equal(matrix_level_colour(me, 0), "\033[30;42m");
	assert_string_equal(matrix_level_colour(me, 1), "\033[30;43m");
	assert_string_equal(matrix_level_colour(me, 2), "\033[30;45m");
	assert_string_equal(matrix_level_colour(me, 3), "\033[97;41m");
	assert_string_equal(matrix_level_colour(me, -1), "");

	/* The cell of l3 i4 (score 12, high) in magenta, the legend too. */
	matrix_build(&m, me, r, NRISKS, false);
	matrix_print_table(cap_open(&c), &m, true);
	assert_non_null(strstr(cap_text(&c), "\033[30;45m         2\033[0m"));
	assert_non_null(strstr(c.buf, "\033[97;41mcritical\033[0m 20-25"));
	free(c.buf);
	matrix_free(&m);

	/* Custom names by rank: lowest green, highest red. */
	assert_int_equal(ctl_method_apply(me, 1, custom, &err), 0);
	assert_string_equal(matrix_level_colour(me, 0), "\033[30;42m");
	assert_string_equal(matrix_level_colour(me, 1), "\033[30;43m");
	assert_string_equal(matrix_level_colour(me, 2), "\033[97;41m");
	risks_free(r);
	protobuf_c_message_free_unpacked(&me->base, NULL);
}

static void
test_json_and_csv(void **state)
{
	char *small[] = {"likelihood_labels=low,high", "impact_labels=low,high",
	                 "levels=ok:1:365,bad:3:30"};
	Isms__V1__RiskMethod *me = method_default();
	struct isms_err err = {0};
	Isms__V1__Record *r[3];
	struct matrix m;
	struct cap c;
	size_t i;

	(void)state;
	assert_int_equal(ctl_method_apply(me, 3, small, &err), 0);
	r[0] = risk("RSK-0001", "open", 2, 2, 0, 0);
	r[1] = risk("RSK-0002", "open", 2, 2, 0, 0);
	r[2] = risk("RSK-0003", "open", 3, 1, 0, 0); /* beyond the scale */
	matrix_build(&m, me, r, 3, false);
	assert_int_equal(m.outside, 1);
	matrix_print_json(cap_open(&c), &m);
	assert_string_equal(
	    cap_text(&c),
	    "{\n"
	    "  \"basis\": \"inherent\",\n"
	    "  \"method_rev\": 2,\n"
	    "  \"likelihood_labels\": [\"low\", \"high\"],\n"
	    "  \"impact_labels\": [\"low\", \"high\"],\n"
	    "  \"cells\": [\n"
	    "    {\"likelihood\": 1, \"impact\": 1, \"score\": 1, \"level\": "
	    "\"ok\", \"count\": 0, \"risks\": []},\n"
	    "    {\"likelihood\": 2, \"impact\": 1, \"score\": 2, \"level\": "
	    "\"ok\", \"count\": 0, \"risks\": []},\n"
	    "    {\"likelihood\": 1, \"impact\": 2, \"score\": 2, \"level\": "
	    "\"ok\", \"count\": 0, \"risks\": []},\n"
	    "    {\"likelihood\": 2, \"impact\": 2, \"score\": 4, \"level\": "
	    "\"bad\", \"count\": 2, \"risks\": [\"RSK-0001\", \"RSK-0002\"]}\n"
	    "  ],\n"
	    "  \"rated\": 2,\n"
	    "  \"unrated\": 0,\n"
	    "  \"outside\": 1\n"
	    "}\n");
	free(c.buf);
	matrix_print_csv(cap_open(&c), &m);
	assert_string_equal(cap_text(&c),
	                    "likelihood,impact,likelihood_label,impact_label,"
	                    "score,level,count,risks\r\n"
	                    "1,1,low,low,1,ok,0,\r\n"
	                    "2,1,high,low,2,ok,0,\r\n"
	                    "1,2,low,high,2,ok,0,\r\n"
	                    "2,2,high,high,4,bad,2,RSK-0001 RSK-0002\r\n");
	free(c.buf);
	matrix_free(&m);
	for (i = 0; i < 3; i++)
		protobuf_c_message_free_unpacked(&r[i]->base, NULL);
	protobuf_c_message_free_unpacked(&me->base, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_table_text),
	    cmocka_unit_test(test_colours),
	    cmocka_unit_test(test_json_and_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
