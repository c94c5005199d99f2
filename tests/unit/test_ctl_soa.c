/*
 * test_ctl_soa.c: the Statement of Applicability and the gap analysis
 * computed from given records: grouping by theme, the risks from
 * linked_from, the exact table, CSV and JSON text, the per clause and per
 * theme summary, and each missing-documented-information rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gap.h"
#include "pbfield.h"
#include "soa.h"
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

/*
 * A record from "path=value" words ("linked_from=rel:ID" adds a reverse
 * link), ended by NULL.
 */
static Isms__V1__Record *
rec(const char *word, ...)
{
	Isms__V1__Record *r =
	    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	ProtobufCMessage *m;
	Isms__V1__Link *l;
	struct pb_path p;
	char *path, *eq;
	va_list ap;
	int i;

	va_start(ap, word);
	for (; word != NULL; word = va_arg(ap, const char *)) {
		path = xstrdup(word);
		eq = strchr(path, '=');
		assert_non_null(eq);
		*eq++ = '\0';
		if (strcmp(path, "linked_from") == 0) {
			l = (Isms__V1__Link *)pb_new(
			    &isms__v1__link__descriptor);
			l->target = xstrdup(strchr(eq, ':') + 1);
			l->rel = xstrndup(eq, (size_t)(strchr(eq, ':') - eq));
			r->linked_from =
			    xreallocarray(r->linked_from, r->n_linked_from + 1,
			                  sizeof *r->linked_from);
			r->linked_from[r->n_linked_from++] = l;
			free(path);
			continue;
		}
		assert_int_equal(
		    pb_path_resolve(r->base.descriptor, path, &p, NULL), 0);
		m = &r->base;
		for (i = 0; i < p.n - 1; i++)
			m = pb_submsg(m, p.fd[i], true);
		assert_int_equal(pb_field_set_text(m, p.fd[p.n - 1], eq, NULL),
		                 0);
		free(path);
	}
	va_end(ap);
	return r;
}

/* A list of records, freed with recs_free. */
struct recs {
	Isms__V1__Record *r[32];
	size_t n;
};

static void
recs_add(struct recs *rs, Isms__V1__Record *r)
{
	assert_true(rs->n < 32);
	rs->r[rs->n++] = r;
}

static void
recs_free(struct recs *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		protobuf_c_message_free_unpacked(&rs->r[i]->base, NULL);
	rs->n = 0;
}

/* Five controls over three themes and one of the organisation's own. */
static void
controls(struct recs *rs)
{
	recs_add(rs,
	         rec("id=A.5.1", "title=Policies for information security",
	             "owner=alice", "control.theme=A.5 Organizational controls",
	             "control.applicable=yes", "control.status=implemented",
	             "control.justification=Required by 5.2",
	             "control.evidence=POL-1, signed",
	             "control.last_tested_on=2026-10-01",
	             "linked_from=mitigates:RTP-0001",
	             "linked_from=treated_by:RSK-0002",
	             "linked_from=treated_by:RSK-0001",
	             "linked_from=reduces:RSK-0002", NULL));
	recs_add(rs, rec("id=A.5.2", "title=Information security roles",
	                 "control.theme=A.5 Organizational controls",
	                 "control.applicable=no",
	                 "control.justification==no staff", NULL));
	recs_add(rs,
	         rec("id=CTL-0001", "title=Clean desk audits", "owner=bob",
	             "control.applicable=yes", "control.status=planned", NULL));
	recs_add(rs,
	         rec("id=A.6.1", "title=Screening", "control.theme=A.6", NULL));
	recs_add(rs,
	         rec("id=A.8.34", "title=Protection during audit testing",
	             "control.applicable=yes", "control.status=partial", NULL));
}

static void
test_soa_rows(void **state)
{
	struct recs rs = {0};
	struct soa s;

	(void)state;
	controls(&rs);
	soa_build(&s, rs.r, rs.n);
	assert_int_equal(s.n, 5);
	/* Themes in order, the organisation's own last. */
	assert_string_equal(s.rows[0].id, "A.5.1");
	assert_string_equal(s.rows[1].id, "A.5.2");
	assert_string_equal(s.rows[2].id, "A.6.1");
	assert_string_equal(s.rows[3].id, "A.8.34");
	assert_string_equal(s.rows[4].id, "CTL-0001");
	assert_string_equal(s.rows[0].theme, "A.5 Organizational controls");
	assert_string_equal(s.rows[2].theme, "A.6 People controls");
	assert_string_equal(s.rows[3].theme, "A.8 Technological controls");
	assert_string_equal(s.rows[4].theme, "Organisation's own controls");
	/* Risks: RSK-* sources only, each once. */
	assert_string_equal(s.rows[0].risks, "RSK-0002 RSK-0001");
	assert_string_equal(s.rows[1].risks, "");
	assert_int_equal(s.rows[0].applicable, SOA_YES);
	assert_int_equal(s.rows[1].applicable, SOA_NO);
	assert_int_equal(s.rows[2].applicable, SOA_UNDECIDED);
	soa_free(&s);
	recs_free(&rs);
}

static void
test_soa_table(void **state)
{
	struct recs rs = {0};
	struct soa s;
	struct cap c;

	(void)state;
	controls(&rs);
	soa_build(&s, rs.r, rs.n);
	soa_print_table(cap_open(&c), &s);
	assert_string_equal(
	    cap_text(&c),
	    "A.5 Organizational controls\n"
	    "ID        TITLE                              APPLICABLE  STATUS   "
	    "    "
	    "JUSTIFICATION    OWNER  RISKS\n"
	    "A.5.1     Policies for information security  yes         "
	    "implemented  Required by 5.2  alice  RSK-0002 RSK-0001\n"
	    "A.5.2     Information security roles         no          -      "
	    "      =no staff        -      -\n"
	    "\n"
	    "A.6 People controls\n"
	    "ID        TITLE                              APPLICABLE  STATUS   "
	    "    "
	    "JUSTIFICATION    OWNER  RISKS\n"
	    "A.6.1     Screening                          undecided   -      "
	    "      -                -      -\n"
	    "\n"
	    "A.8 Technological controls\n"
	    "ID        TITLE                              APPLICABLE  STATUS   "
	    "    "
	    "JUSTIFICATION    OWNER  RISKS\n"
	    "A.8.34    Protection during audit testing    yes         partial"
	    "      -                -      -\n"
	    "\n"
	    "Organisation's own controls\n"
	    "ID        TITLE                              APPLICABLE  STATUS   "
	    "    "
	    "JUSTIFICATION    OWNER  RISKS\n"
	    "CTL-0001  Clean desk audits                  yes         planned"
	    "      -                bob    -\n"
	    "\n"
	    "5 controls: 3 applicable, 1 not applicable, 1 undecided; 1 "
	    "implemented\n");
	free(c.buf);
	soa_free(&s);
	recs_free(&rs);
}

static void
test_soa_csv_and_json(void **state)
{
	struct recs rs = {0};
	struct soa s;
	struct cap c;

	(void)state;
	controls(&rs);
	soa_build(&s, rs.r, rs.n);
	soa_print_csv(cap_open(&c), &s);
	assert_string_equal(
	    cap_text(&c),
	    "id,title,theme,applicable,status,justification,owner,risks,"
	    "evidence,last_tested_on\r\n"
	    "A.5.1,Policies for information security,A.5 Organizational "
	    "controls,yes,implemented,Required by 5.2,alice,RSK-0002 "
	    "RSK-0001,\"POL-1, signed\",2026-10-01\r\n"
	    "A.5.2,Information security roles,A.5 Organizational controls,"
	    "no,,'=no staff,,,,\r\n"
	    "A.6.1,Screening,A.6 People controls,undecided,,,,,,\r\n"
	    "A.8.34,Protection during audit testing,A.8 Technological "
	    "controls,yes,partial,,,,,\r\n"
	    "CTL-0001,Clean desk audits,Organisation's own controls,yes,"
	    "planned,,bob,,,\r\n");
	free(c.buf);
	soa_print_json(cap_open(&c), &s);
	cap_text(&c);
	assert_non_null(strstr(
	    c.buf, "[\n  {\"id\": \"A.5.1\", \"title\": \"Policies for "
	           "information security\", \"theme\": \"A.5 Organizational "
	           "controls\", \"applicable\": true, \"status\": "
	           "\"implemented\", \"justification\": \"Required by 5.2\", "
	           "\"owner\": \"alice\", \"risks\": [\"RSK-0002\", "
	           "\"RSK-0001\"], \"evidence\": \"POL-1, signed\", "
	           "\"last_tested_on\": \"2026-10-01\"},\n"));
	assert_non_null(strstr(c.buf, "{\"id\": \"A.6.1\", \"title\": "
	                              "\"Screening\", \"theme\": \"A.6 People "
	                              "controls\", \"applicable\": null, "
	                              "\"status\": null,"));
	assert_non_null(strstr(c.buf, "\"risks\": [], "));
	assert_int_equal(strcmp(c.buf + c.len - 3, "\n]\n"), 0);
	free(c.buf);
	soa_free(&s);
	recs_free(&rs);
}

/* Requirements: headings 4, 6 and 6.1 and five assessable clauses. */
static void
requirements(struct recs *rs)
{
	recs_add(rs, rec("id=4", "title=Context of the organization",
	                 "requirement.assessable=no", NULL));
	recs_add(rs, rec("id=4.1", "title=Understanding the organization",
	                 "requirement.parent=4", "requirement.assessable=yes",
	                 "requirement.status=met",
	                 "requirement.evidence=context.md", NULL));
	recs_add(rs, rec("id=4.2", "title=Interested parties",
	                 "requirement.status=partial", NULL));
	recs_add(rs,
	         rec("id=4.3", "title=Scope", "requirement.notes=todo", NULL));
	recs_add(rs, rec("id=6", "title=Planning", "requirement.assessable=no",
	                 NULL));
	recs_add(rs, rec("id=6.1", "title=Actions to address risks",
	                 "requirement.assessable=no", NULL));
	recs_add(rs, rec("id=6.1.2", "title=Risk assessment",
	                 "requirement.status=not_met", NULL));
	recs_add(rs, rec("id=6.2", "title=Objectives", "requirement.status=met",
	                 NULL));
}

/* Points in at the records of rs for register reg. */
static void
input_set(struct gap_input *in, enum gap_reg reg, const struct recs *rs)
{
	in->reg[reg].recs = rs->r;
	in->reg[reg].n = rs->n;
}

static void
test_gap_summary(void **state)
{
	struct recs req = {0}, ctl = {0};
	struct gap_input in = {0};
	struct gap g;

	(void)state;
	requirements(&req);
	controls(&ctl);
	input_set(&in, GAP_REQUIREMENT, &req);
	input_set(&in, GAP_CONTROL, &ctl);
	gap_build(&g, &in);
	assert_int_equal(g.nsum, 6);
	assert_string_equal(g.sum[0].key, "4");
	assert_string_equal(g.sum[0].title, "Context of the organization");
	assert_int_equal(g.sum[0].met, 1);
	assert_int_equal(g.sum[0].partial, 1);
	assert_int_equal(g.sum[0].not_met, 1); /* 4.3 has no status */
	assert_int_equal(gap_percent(&g.sum[0]), 33);
	assert_string_equal(g.sum[1].key, "6");
	assert_int_equal(g.sum[1].met + g.sum[1].partial + g.sum[1].not_met,
	                 2); /* 6.1.2 and 6.2; headings do not count */
	assert_int_equal(gap_percent(&g.sum[1]), 50);
	/* A.5.2 is not applicable: A.5 counts A.5.1 only. */
	assert_string_equal(g.sum[2].key, "A.5");
	assert_int_equal(g.sum[2].met, 1);
	assert_int_equal(g.sum[2].partial + g.sum[2].not_met, 0);
	assert_string_equal(g.sum[3].key, "A.6"); /* undecided: not met */
	assert_int_equal(g.sum[3].not_met, 1);
	/* A.8 partial; the own planned control counts as partial. */
	assert_string_equal(g.sum[4].key, "A.8");
	assert_int_equal(g.sum[4].partial, 1);
	assert_string_equal(g.sum[5].key, "own");
	assert_string_equal(g.sum[5].title, "Organisation's own controls");
	assert_int_equal(g.sum[5].partial, 1);
	gap_free(&g);
	recs_free(&req);
	recs_free(&ctl);
}

static void
test_gap_table(void **state)
{
	struct recs req = {0}, ctl = {0};
	struct gap_input in = {0};
	struct gap g;
	struct cap c;

	(void)state;
	requirements(&req);
	controls(&ctl);
	input_set(&in, GAP_REQUIREMENT, &req);
	input_set(&in, GAP_CONTROL, &ctl);
	gap_build(&g, &in);
	gap_print_table(cap_open(&c), &in, &g);
	assert_string_equal(
	    cap_text(&c),
	    "CLAUSE     TITLE                           STATUS   EVIDENCE\n"
	    "4          Context of the organization\n"
	    "  4.1      Understanding the organization  met      context.md\n"
	    "  4.2      Interested parties              partial  -\n"
	    /* 4.3 has no status: the registers decide it (no scope). */
	    "  4.3      Scope                           not met  derived: no "
	    "scope\n"
	    "6          Planning\n"
	    "  6.1      Actions to address risks\n"
	    "    6.1.2  Risk assessment                 not met  -\n"
	    "  6.2      Objectives                      met      -\n"
	    "\n"
	    "SUMMARY                        MET  PARTIAL  NOT MET  MET %\n"
	    "4 Context of the organization  1    1        1        33%\n"
	    "6 Planning                     1    0        1        50%\n"
	    "A.5 Organizational controls    1    0        0        100%\n"
	    "A.6 People controls            0    0        1        0%\n"
	    "A.8 Technological controls     0    1        0        0%\n"
	    "Organisation's own controls    0    1        0        0%\n"
	    "\n"
	    "missing mandatory documented information:\n"
	    "  4.3: no scope recorded\n"
	    "  5.2: no approved information security policy (document with "
	    "kind policy, status approved)\n"
	    "  6.1.2: no risk assessed (no risk with likelihood and impact)\n"
	    "  6.1.3: no risk treatment recorded\n"
	    "  6.1.3: 1 control with undecided applicability (see ismsctl "
	    "soa)\n"
	    "  6.2: no objective recorded\n"
	    "  7.2: no competence recorded\n"
	    "  7.5.1: no document recorded\n"
	    "  8.1: no plan recorded (no milestone, no document with kind "
	    "plan)\n"
	    "  8.2: no risk assessed (no risk with likelihood and impact)\n"
	    "  8.3: no risk treatment recorded\n"
	    "  9.1: no metric recorded\n"
	    "  9.2.2: no internal audit performed (no audit with status "
	    "reported or closed)\n"
	    "  9.3.3: no management review held (no mreview with status held "
	    "or closed)\n"
	    "  10.2: no nonconformity recorded (record them when they "
	    "occur)\n");
	free(c.buf);
	gap_free(&g);
	recs_free(&req);
	recs_free(&ctl);
}

/* The clauses of the missing items, joined by spaces. */
static char *
missing_text(const struct gap *g)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < g->nmiss; i++) {
		t = xasprintf("%s%s%s", s, i > 0 ? " " : "", g->miss[i].clause);
		free(s);
		s = t;
	}
	return s;
}

static void
test_gap_rules(void **state)
{
	struct recs regs[GAP_NREGS] = {{{0}}};
	struct gap_input in = {0};
	struct gap g;
	struct cap c;
	char *m;
	size_t i;

	(void)state;
	/* Records that exist but do not show enough yet. */
	recs_add(&regs[GAP_SCOPE],
	         rec("id=SCOPE-0001", "scope.status=draft", NULL));
	recs_add(&regs[GAP_DOCUMENT], rec("id=DOC-0001", "document.kind=policy",
	                                  "document.status=draft", NULL));
	recs_add(&regs[GAP_RISK],
	         rec("id=RSK-0001", "risk.likelihood=3", NULL));
	recs_add(&regs[GAP_AUDIT],
	         rec("id=AUD-0001", "audit.status=planned", NULL));
	recs_add(&regs[GAP_MREVIEW],
	         rec("id=MR-0001", "mreview.status=planned", NULL));
	recs_add(&regs[GAP_CONTROL],
	         rec("id=A.5.1", "control.applicable=no", NULL));
	for (i = 0; i < GAP_NREGS; i++)
		input_set(&in, (enum gap_reg)i, &regs[i]);
	gap_build(&g, &in);
	m = missing_text(&g);
	assert_string_equal(m, "4.3 5.2 6.1.2 6.1.3 6.2 7.2 8.1 8.2 8.3 9.1 "
	                       "9.2.2 9.3.3 10.2");
	assert_string_equal(g.miss[0].msg,
	                    "no approved scope (scope with status approved)");
	free(m);
	gap_free(&g);

	/* Everything shown: nothing missing. */
	recs_free(&regs[GAP_SCOPE]);
	recs_add(&regs[GAP_SCOPE],
	         rec("id=SCOPE-0002", "scope.status=approved", NULL));
	recs_add(&regs[GAP_DOCUMENT], rec("id=DOC-0002", "document.kind=policy",
	                                  "document.status=approved", NULL));
	recs_add(&regs[GAP_RISK], rec("id=RSK-0002", "risk.likelihood=2",
	                              "risk.impact=4", NULL));
	recs_add(&regs[GAP_TREATMENT], rec("id=RTP-0001", NULL));
	recs_add(&regs[GAP_OBJECTIVE], rec("id=OBJ-0001", NULL));
	recs_add(&regs[GAP_COMPETENCE], rec("id=TRN-0001", NULL));
	recs_add(&regs[GAP_METRIC], rec("id=KPI-0001", NULL));
	recs_add(&regs[GAP_AUDIT],
	         rec("id=AUD-0002", "audit.status=closed", NULL));
	recs_add(&regs[GAP_MREVIEW],
	         rec("id=MR-0002", "mreview.status=held", NULL));
	recs_add(&regs[GAP_NONCONFORMITY], rec("id=NC-0001", NULL));
	/* 8.1: a document of kind plan will do instead of a milestone. */
	recs_add(&regs[GAP_DOCUMENT],
	         rec("id=DOC-0003", "document.kind=plan", NULL));
	for (i = 0; i < GAP_NREGS; i++)
		input_set(&in, (enum gap_reg)i, &regs[i]);
	gap_build(&g, &in);
	assert_int_equal(g.nmiss, 0);
	gap_print_table(cap_open(&c), &in, &g);
	/* No requirements, no applicable control: no tables either; the
	 * states that lack their evidence are listed. */
	assert_string_equal(
	    cap_text(&c), "missing mandatory documented information: none\n"
	                  "\n"
	                  "evidence defects (records lacking what their "
	                  "state needs):\n"
	                  "  DOC-0002: approved without an approval (by, "
	                  "at)\n"
	                  "  AUD-0002: reported or closed without "
	                  "performed_on\n"
	                  "  MR-0002: held without every 9.3.2 input (a-g)\n");
	free(c.buf);
	gap_free(&g);
	for (i = 0; i < GAP_NREGS; i++)
		recs_free(&regs[i]);
}

static void
test_gap_json_and_csv(void **state)
{
	struct recs req = {0}, ctl = {0};
	struct gap_input in = {0};
	struct gap g;
	struct cap c;

	(void)state;
	recs_add(&req, rec("id=4", "title=Context", "requirement.assessable=no",
	                   NULL));
	recs_add(&req,
	         rec("id=4.1", "title=Org, context", "requirement.status=met",
	             "requirement.evidence=ctx.md", NULL));
	recs_add(&ctl,
	         rec("id=A.5.1", "title=Policies", "control.applicable=yes",
	             "control.status=implemented", NULL));
	input_set(&in, GAP_REQUIREMENT, &req);
	input_set(&in, GAP_CONTROL, &ctl);
	gap_build(&g, &in);
	gap_print_csv(cap_open(&c), &in, &g);
	cap_text(&c);
	assert_non_null(strstr(
	    c.buf, "section,ref,title,status,evidence,met,partial,not_met,"
	           "percent_met\r\n"
	           "requirement,4,Context,,,,,,\r\n"
	           "requirement,4.1,\"Org, context\",met,ctx.md,,,,\r\n"
	           "summary,4,Context,,,1,0,0,100\r\n"
	           "summary,A.5,A.5 Organizational controls,,,1,0,0,100\r\n"
	           "missing,4.3,no scope recorded,,,,,,\r\n"));
	free(c.buf);
	gap_print_json(cap_open(&c), &in, &g);
	cap_text(&c);
	assert_non_null(strstr(
	    c.buf, "{\n  \"requirements\": [\n"
	           "    {\"id\": \"4\", \"title\": \"Context\", "
	           "\"assessable\": false, \"status\": null, \"evidence\": "
	           "\"\", \"derived\": false},\n"
	           "    {\"id\": \"4.1\", \"title\": \"Org, context\", "
	           "\"assessable\": true, \"status\": \"met\", "
	           "\"evidence\": \"ctx.md\", \"derived\": false}\n"
	           "  ],\n  \"summary\": [\n"
	           "    {\"key\": \"4\", \"title\": \"Context\", \"met\": 1, "
	           "\"partial\": 0, \"not_met\": 0, \"percent_met\": "
	           "100},\n"));
	assert_non_null(strstr(c.buf, "  \"missing\": [\n    {\"clause\": "
	                              "\"4.3\", \"message\": \"no scope "
	                              "recorded\"},\n"));
	free(c.buf);
	gap_free(&g);
	recs_free(&req);
	recs_free(&ctl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_soa_rows),
	    cmocka_unit_test(test_soa_table),
	    cmocka_unit_test(test_soa_csv_and_json),
	    cmocka_unit_test(test_gap_summary),
	    cmocka_unit_test(test_gap_table),
	    cmocka_unit_test(test_gap_rules),
	    cmocka_unit_test(test_gap_json_and_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
