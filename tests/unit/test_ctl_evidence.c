/*
 * test_ctl_evidence.c: what ismsctl derives from the evidence, from given
 * records: the gap analysis's derived statuses (4.3, 9.1, 9.2, 9.3,
 * 10.2), a status set by hand with and without a justification, the
 * evidence defects, and the audit programme (coverage per clause and
 * theme, the window, auditor independence).
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
#include "programme.h"
#include "xmalloc.h"

#define ST(x) ISMS__V1__REQUIREMENT_STATUS__REQUIREMENT_STATUS_##x

/* Adds a link rel:ID to a repeated Link field. */
static void
link_add(Isms__V1__Link ***v, size_t *n, const char *word)
{
	Isms__V1__Link *l =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

	l->target = xstrdup(strchr(word, ':') + 1);
	l->rel = xstrndup(word, (size_t)(strchr(word, ':') - word));
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = l;
}

/* A record from "path=value" words ("links=rel:ID" and
 * "linked_from=rel:ID" add links), ended by NULL. */
static Isms__V1__Record *
rec(const char *word, ...)
{
	Isms__V1__Record *r =
	    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	ProtobufCMessage *m;
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
		if (strcmp(path, "links") == 0)
			link_add(&r->links, &r->n_links, eq);
		else if (strcmp(path, "linked_from") == 0)
			link_add(&r->linked_from, &r->n_linked_from, eq);
		else {
			assert_int_equal(
			    pb_path_resolve(r->base.descriptor, path, &p, NULL),
			    0);
			m = &r->base;
			for (i = 0; i < p.n - 1; i++)
				m = pb_submsg(m, p.fd[i], true);
			assert_int_equal(
			    pb_field_set_text(m, p.fd[p.n - 1], eq, NULL), 0);
		}
		free(path);
	}
	va_end(ap);
	return r;
}

/* Lists of records per gap register, freed with regs_free. */
struct regs {
	Isms__V1__Record *r[GAP_NREGS][16];
	size_t n[GAP_NREGS];
};

static void
add(struct regs *rs, enum gap_reg reg, Isms__V1__Record *r)
{
	assert_true(rs->n[reg] < 16);
	rs->r[reg][rs->n[reg]++] = r;
}

static void
regs_free(struct regs *rs)
{
	size_t i, k;

	for (k = 0; k < GAP_NREGS; k++)
		for (i = 0; i < rs->n[k]; i++)
			protobuf_c_message_free_unpacked(&rs->r[k][i]->base,
			                                 NULL);
}

static void
input(struct gap_input *in, struct regs *rs)
{
	size_t k;

	memset(in, 0, sizeof *in);
	for (k = 0; k < GAP_NREGS; k++) {
		in->reg[k].recs = rs->r[k];
		in->reg[k].n = rs->n[k];
	}
	in->today = "2026-12-07";
}

/* The index of requirement id in rs. */
static size_t
req(const struct regs *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n[GAP_REQUIREMENT]; i++)
		if (strcmp(rs->r[GAP_REQUIREMENT][i]->id, id) == 0)
			return i;
	fail_msg("no requirement %s", id);
	return 0;
}

/* Whether some defect of g names ref and holds text. */
static bool
defect(const struct gap *g, const char *ref, const char *text)
{
	size_t i;

	for (i = 0; i < g->ndef; i++)
		if (strcmp(g->def[i].ref, ref) == 0 &&
		    strstr(g->def[i].msg, text) != NULL)
			return true;
	return false;
}

/* The requirements derived, and 6.2 that is not. */
static void
requirements(struct regs *rs)
{
	static const char *const ids[] = {"4.3",   "6.2",   "9.1",  "9.2",
	                                  "9.2.2", "9.3.3", "10.2", NULL};
	char w[32];
	size_t i;

	for (i = 0; ids[i] != NULL; i++) {
		snprintf(w, sizeof w, "id=%s", ids[i]);
		add(rs, GAP_REQUIREMENT,
		    rec(w, "title=t", "requirement.assessable=yes", NULL));
	}
	/* 9.2 is a heading: never derived. */
	rs->r[GAP_REQUIREMENT][3]->requirement->assessable = 0;
}

static void
test_derived_nothing_recorded(void **state)
{
	struct regs rs = {0};
	struct gap_input in;
	struct gap g;
	bool derived;

	(void)state;
	requirements(&rs);
	input(&in, &rs);
	gap_build(&g, &in);
	assert_int_equal(gap_status(&g, &in, req(&rs, "4.3"), &derived),
	                 ST(NOT_MET));
	assert_true(derived);
	assert_string_equal(g.der[req(&rs, "4.3")].basis, "no scope");
	/* 9.1 needs the measurements fetched; without, nothing derived. */
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.1"), &derived), 0);
	assert_false(derived);
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.2.2"), NULL),
	                 ST(NOT_MET));
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.2"), &derived), 0);
	assert_false(derived);
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.3.3"), NULL),
	                 ST(NOT_MET));
	/* No nonconformity: 10.2 stays the manager's call. */
	assert_int_equal(gap_status(&g, &in, req(&rs, "10.2"), &derived), 0);
	assert_false(derived);
	assert_int_equal(gap_status(&g, &in, req(&rs, "6.2"), &derived), 0);
	assert_false(derived);
	assert_int_equal(g.ndef, 0);
	gap_free(&g);
	regs_free(&rs);
}

static void
test_derived_met(void **state)
{
	static const char *const latest[] = {"2026-11-30", NULL};
	struct regs rs = {0};
	struct gap_input in;
	struct gap g;

	(void)state;
	requirements(&rs);
	add(&rs, GAP_SCOPE,
	    rec("id=SCOPE-0001", "scope.status=approved", NULL));
	add(&rs, GAP_METRIC,
	    rec("id=KPI-0001", "metric.status=active",
	        "metric.frequency=monthly", NULL));
	add(&rs, GAP_METRIC, /* retired: not counted */
	    rec("id=KPI-0002", "metric.status=retired", NULL));
	add(&rs, GAP_AUDIT,
	    rec("id=AUD-0001", "audit.status=reported",
	        "audit.performed_on=2026-03-01", "audit.conclusion=ok", NULL));
	add(&rs, GAP_MREVIEW,
	    rec("id=MR-0001", "mreview.status=closed",
	        "mreview.decisions=more training", NULL));
	add(&rs, GAP_NONCONFORMITY,
	    rec("id=NC-0001", "nonconformity.status=closed",
	        "nonconformity.correction=c", "nonconformity.root_cause=r",
	        "nonconformity.effectiveness.by=dana",
	        "nonconformity.effectiveness.at=1790000000",
	        "linked_from=for:ACT-0001", NULL));
	add(&rs, GAP_ACTION,
	    rec("id=ACT-0001", "action.status=done", "links=for:NC-0001",
	        NULL));
	input(&in, &rs);
	in.metric_latest = latest;
	gap_build(&g, &in);
	assert_int_equal(gap_status(&g, &in, req(&rs, "4.3"), NULL), ST(MET));
	assert_string_equal(g.der[req(&rs, "4.3")].basis,
	                    "SCOPE-0001 approved");
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.1"), NULL), ST(MET));
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.2.2"), NULL), ST(MET));
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.3.3"), NULL), ST(MET));
	assert_int_equal(gap_status(&g, &in, req(&rs, "10.2"), NULL), ST(MET));
	assert_int_equal(g.ndef, 0);
	gap_free(&g);
	regs_free(&rs);
}

static void
test_derived_short(void **state)
{
	static const char *const latest[] = {"2026-10-31", NULL, NULL};
	struct regs rs = {0};
	struct gap_input in;
	struct gap g;

	(void)state;
	requirements(&rs);
	add(&rs, GAP_SCOPE, rec("id=SCOPE-0001", "scope.status=draft", NULL));
	add(&rs, GAP_METRIC, /* due 2026-11-30: late */
	    rec("id=KPI-0001", "metric.status=active",
	        "metric.frequency=monthly", NULL));
	add(&rs, GAP_METRIC,
	    rec("id=KPI-0002", "metric.status=active",
	        "metric.frequency=weekly", NULL));
	add(&rs, GAP_METRIC,
	    rec("id=KPI-0003", "metric.status=active",
	        "metric.frequency=when asked", NULL));
	add(&rs, GAP_AUDIT, /* reported too long ago */
	    rec("id=AUD-0001", "audit.status=reported",
	        "audit.performed_on=2025-11-01", "audit.conclusion=ok", NULL));
	add(&rs, GAP_MREVIEW, rec("id=MR-0001", "mreview.status=closed", NULL));
	add(&rs, GAP_NONCONFORMITY,
	    rec("id=NC-0001", "nonconformity.status=closed",
	        "nonconformity.correction=c", "linked_from=for:ACT-0001",
	        NULL));
	add(&rs, GAP_ACTION, rec("id=ACT-0001", "action.status=open", NULL));
	add(&rs, GAP_INCIDENT,
	    rec("id=INC-0001", "incident.status=closed", NULL));
	add(&rs, GAP_FINDING,
	    rec("id=FND-0001", "finding.status=closed", "finding.kind=major_nc",
	        NULL));
	add(&rs, GAP_RISK, rec("id=RSK-0001", "risk.status=accepted", NULL));
	input(&in, &rs);
	in.metric_latest = latest;
	gap_build(&g, &in);
	assert_int_equal(gap_status(&g, &in, req(&rs, "4.3"), NULL),
	                 ST(PARTIAL));
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.1"), NULL),
	                 ST(NOT_MET));
	assert_string_equal(g.der[req(&rs, "9.1")].basis,
	                    "0 of 3 active metrics measured in their period");
	assert_true(defect(&g, "KPI-0001",
	                   "last measured 2026-10-31: a measurement was due "
	                   "2026-11-30"));
	assert_true(defect(&g, "KPI-0002", "never measured"));
	assert_true(defect(&g, "KPI-0003", "no frequency"));
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.2.2"), NULL),
	                 ST(NOT_MET));
	assert_int_equal(gap_status(&g, &in, req(&rs, "9.3.3"), NULL),
	                 ST(NOT_MET));
	assert_true(defect(&g, "MR-0001", "closed without decisions"));
	assert_int_equal(gap_status(&g, &in, req(&rs, "10.2"), NULL),
	                 ST(NOT_MET));
	assert_true(defect(&g, "NC-0001", "effectiveness verified"));
	assert_true(defect(&g, "NC-0001", "1 of 1 linked actions not done"));
	assert_true(defect(&g, "NC-0001", "without a root cause"));
	assert_true(defect(&g, "INC-0001", "lessons learned"));
	assert_true(defect(&g, "FND-0001", "without a linked nonconformity"));
	assert_true(defect(&g, "RSK-0001", "without an acceptance"));
	gap_free(&g);
	regs_free(&rs);
}

static void
test_manual_status(void **state)
{
	struct regs rs = {0};
	struct gap_input in;
	struct gap g;
	bool derived;

	(void)state;
	add(&rs, GAP_REQUIREMENT,
	    rec("id=4.3", "requirement.status=met", NULL));
	add(&rs, GAP_REQUIREMENT,
	    rec("id=9.3.3", "requirement.status=met",
	        "requirement.justification=held by the board, minutes in "
	        "DOC-0009",
	        NULL));
	/* not_met is where the catalog starts: not a status by hand. */
	add(&rs, GAP_REQUIREMENT,
	    rec("id=9.2.2", "requirement.status=not_met", NULL));
	add(&rs, GAP_AUDIT,
	    rec("id=AUD-0001", "audit.status=closed",
	        "audit.performed_on=2026-12-01", "audit.conclusion=ok", NULL));
	input(&in, &rs);
	gap_build(&g, &in);
	assert_int_equal(gap_status(&g, &in, 2, &derived), ST(MET));
	assert_true(derived);
	assert_false(defect(&g, "9.2.2", "by hand"));
	/* By hand without a justification: the evidence counts. */
	assert_int_equal(gap_status(&g, &in, 0, &derived), ST(NOT_MET));
	assert_true(derived);
	assert_true(defect(&g, "4.3",
	                   "status met set by hand against the evidence "
	                   "(not met: no scope) without a justification"));
	/* With one: the manual status stands. */
	assert_int_equal(gap_status(&g, &in, 1, &derived), ST(MET));
	assert_false(derived);
	assert_false(defect(&g, "9.3.3", "by hand"));
	assert_int_equal(g.sum[0].not_met, 1);
	gap_free(&g);
	regs_free(&rs);
}

/* The group called key in p. */
static const struct prog_group *
group(const struct programme *p, const char *key)
{
	size_t i;

	for (i = 0; i < PROG_NGROUPS; i++)
		if (strcmp(p->g[i].key, key) == 0)
			return &p->g[i];
	fail_msg("no group %s", key);
	return NULL;
}

static void
test_programme(void **state)
{
	Isms__V1__Record *audits[3], *findings[1], *items[3];
	struct prog_input in = {0};
	struct programme p;
	char buf[16];
	size_t i;

	(void)state;
	audits[0] =
	    rec("id=AUD-0001", "audit.auditor=alice",
	        "audit.planned_on=2026-03-01", "audit.performed_on=2026-04-02",
	        "links=covers:9.2.2", "links=covers:A.8.24", NULL);
	audits[1] = rec("id=AUD-0002", "audit.auditor=bob",
	                "audit.planned_on=2026-09-01", NULL);
	audits[2] =
	    rec("id=AUD-0003", "audit.auditor=bob",
	        "audit.planned_on=2027-02-01", "links=covers:5.2", NULL);
	findings[0] =
	    rec("id=FND-0001", "links=found_in:AUD-0002", "links=about:A.5.15",
	        "links=found_in:AUD-0009", NULL);
	items[0] = rec("id=9.2.2", "owner=carol", NULL);
	items[1] = rec("id=A.8.24", "owner=alice", NULL);
	items[2] = rec("id=A.5.15", "owner=alice", NULL);
	in = (struct prog_input){audits, 3, findings,     1,
	                         items,  3, "2026-01-01", "2026-12-31"};
	prog_build(&p, &in);
	assert_int_equal(p.nin, 2);
	assert_int_equal(group(&p, "9")->naudits, 1);
	assert_string_equal(group(&p, "9")->audits[0], "AUD-0001");
	assert_int_equal(group(&p, "A.8")->naudits, 1);
	/* Through the finding found in AUD-0002. */
	assert_int_equal(group(&p, "A.5")->naudits, 1);
	assert_string_equal(group(&p, "A.5")->audits[0], "AUD-0002");
	/* AUD-0003 lies outside the window. */
	assert_int_equal(group(&p, "5")->naudits, 0);
	assert_int_equal(group(&p, "4")->naudits, 0);
	/* alice audits A.8.24, which she owns; bob does not own A.5.15. */
	assert_int_equal(p.nconf, 1);
	assert_string_equal(p.conf[0].audit, "AUD-0001");
	assert_string_equal(p.conf[0].item, "A.8.24");
	prog_free(&p);
	assert_string_equal(prog_group_of("10.2", buf, sizeof buf), "10");
	assert_string_equal(prog_group_of("A.6.3", buf, sizeof buf), "A.6");
	assert_null(prog_group_of("CTL-0001", buf, sizeof buf));
	for (i = 0; i < 3; i++)
		protobuf_c_message_free_unpacked(&audits[i]->base, NULL);
	protobuf_c_message_free_unpacked(&findings[0]->base, NULL);
	for (i = 0; i < 3; i++)
		protobuf_c_message_free_unpacked(&items[i]->base, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_derived_nothing_recorded),
	    cmocka_unit_test(test_derived_met),
	    cmocka_unit_test(test_derived_short),
	    cmocka_unit_test(test_manual_status),
	    cmocka_unit_test(test_programme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
