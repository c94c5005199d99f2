/*
 * test_ctl_cmds.c: the daemon-free parts of the newer commands: option
 * parsing, "method set" words and the method table, catalog CSV rows to
 * items (errors with line numbers), and the "links" sections.
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
#include "pbfield.h"
#include "xmalloc.h"

/* Runs fn(f, arg) into a string (caller frees). */
static char *
capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void
test_opts(void **state)
{
	struct ctl_ctx ctx = {0};
	char *argv[] = {"A", "--rev=3", "-o", "json", "--", "--force", "B"};
	char *bad[] = {"--force"};
	char *noval[] = {"--rev"};
	struct ctl_opts o;

	(void)state;
	ctx.format = CTL_FORMAT_TABLE;
	assert_int_equal(
	    ctl_opts_parse(&ctx, "t", CTL_OPT_REV | CTL_OPT_FORCE, 7, argv, &o),
	    0);
	assert_true(o.has_rev);
	assert_int_equal(o.rev, 3);
	assert_int_equal(ctx.format, CTL_FORMAT_JSON);
	assert_false(o.force); /* after "--" it is an argument */
	assert_int_equal(o.npos, 3);
	assert_string_equal(o.pos[0], "A");
	assert_string_equal(o.pos[1], "--force");
	assert_string_equal(o.pos[2], "B");
	ctl_opts_free(&o);
	/* Not allowed here, or missing its value: usage errors. */
	assert_int_equal(ctl_opts_parse(&ctx, "t", CTL_OPT_REV, 1, bad, &o),
	                 CTL_EXIT_USAGE);
	ctl_opts_free(&o);
	assert_int_equal(ctl_opts_parse(&ctx, "t", CTL_OPT_REV, 1, noval, &o),
	                 CTL_EXIT_USAGE);
	ctl_opts_free(&o);
}

/* A method with the default scales, levels and threshold. */
static Isms__V1__RiskMethod *
method_new(void)
{
	Isms__V1__RiskMethod *m =
	    (Isms__V1__RiskMethod *)pb_new(&isms__v1__risk_method__descriptor);
	char *words[] = {"acceptance_threshold=9",
	                 "likelihood_labels=rare,unlikely,possible,likely,"
	                 "certain",
	                 "impact_labels=negligible,minor,moderate,major,severe",
	                 "levels=low:1:365,medium:5:180,high:10:90,"
	                 "critical:20:30"};
	struct isms_err err = {0};

	m->has_rev = 1;
	m->rev = 4;
	assert_int_equal(ctl_method_apply(m, 4, words, &err), 0);
	return m;
}

static void
method_table(FILE *f, const void *m)
{
	ctl_method_print_table(f, m);
}

static void
test_method_words(void **state)
{
	Isms__V1__RiskMethod *m = method_new();
	struct isms_err err = {0};
	char *w1[] = {"acceptance_threshold=12", "levels=low:1:400,high:8:60"};
	char *bad[][1] = {{"colour=red"},         {"acceptance_threshold=x"},
	                  {"levels=low:1"},       {"levels=:1:2"},
	                  {"impact_labels=a,,c"}, {"levels="}};
	char *t;
	size_t i;

	(void)state;
	assert_int_equal(m->n_likelihood_labels, 5);
	assert_string_equal(m->impact_labels[4], "severe");
	assert_int_equal(m->n_levels, 4);
	assert_string_equal(m->levels[2]->name, "high");
	assert_int_equal(m->levels[2]->min_score, 10);
	assert_int_equal(m->levels[2]->review_days, 90);
	assert_int_equal(ctl_method_apply(m, 2, w1, &err), 0);
	assert_int_equal(m->acceptance_threshold, 12);
	assert_int_equal(m->n_levels, 2);
	assert_int_equal(m->levels[1]->min_score, 8);
	assert_int_equal(m->n_likelihood_labels, 5); /* untouched */
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ctl_method_apply(m, 1, bad[i], &err),
		                 -ISMS_EINVAL);
	assert_string_equal(err.msg, "levels needs a value: "
	                             "levels=NAME:MIN_SCORE:REVIEW_DAYS,...");
	protobuf_c_message_free_unpacked(&m->base, NULL);

	m = method_new();
	t = capture(method_table, m);
	assert_string_equal(
	    t, "rev:                  4\n"
	       "likelihood:           1 rare, 2 unlikely, 3 possible, 4 "
	       "likely, 5 certain\n"
	       "impact:               1 negligible, 2 minor, 3 moderate, 4 "
	       "major, 5 severe\n"
	       "acceptance threshold: 9 (higher scores need acceptance)\n"
	       "\n"
	       "LEVEL     MIN SCORE  SCORES  REVIEW DAYS\n"
	       "low       1          1-4     365\n"
	       "medium    5          5-9     180\n"
	       "high      10         10-19   90\n"
	       "critical  20         20-25   30\n");
	free(t);
	protobuf_c_message_free_unpacked(&m->base, NULL);
}

/* Parses catalog text; returns rc and leaves the message in err. */
static int
items(const char *text, Isms__V1__CatalogItem ***out, size_t *n,
      struct isms_err *err)
{
	return ctl_catalog_items(text, strlen(text), out, n, err);
}

static void
test_catalog_items(void **state)
{
	Isms__V1__CatalogItem **it;
	struct isms_err err = {0};
	size_t n;

	(void)state;
	assert_int_equal(
	    items("kind,ref,parent,title,assessable\r\n"
	          "clause,4,,Context of the organization,no\r\n"
	          "clause,5.3,5,\"Roles, responsibilities\",yes\r\n"
	          "control,A.5.1,A.5,Policies,yes\r\n",
	          &it, &n, &err),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(it[0]->kind, "clause");
	assert_null(it[0]->parent);
	assert_false(it[0]->assessable);
	assert_string_equal(it[1]->title, "Roles, responsibilities");
	assert_true(it[1]->has_assessable && it[1]->assessable);
	assert_string_equal(it[2]->parent, "A.5");
	assert_null(it[2]->edition);
	ctl_catalog_items_free(it, n);

	/* Optional columns, in any order. */
	assert_int_equal(
	    items("ref,kind,parent,title,assessable,edition,text\n"
	          "A.5.1,control,A.5,Policies,yes,ISO/IEC 27001:2022,\"Line 1\n"
	          "line 2\"\n",
	          &it, &n, &err),
	    0);
	assert_string_equal(it[0]->edition, "ISO/IEC 27001:2022");
	assert_string_equal(it[0]->text, "Line 1\nline 2");
	ctl_catalog_items_free(it, n);

	/* Errors name the line. */
	assert_int_equal(items("kind,ref,title\n", &it, &n, &err),
	                 -ISMS_EINVAL);
	assert_string_equal(err.msg,
	                    "line 1: no column 'parent' (the header is kind,"
	                    "ref,parent,title,assessable[,text][,edition])");
	ctl_catalog_items_free(it, n);
	assert_int_equal(
	    items("kind,ref,parent,title,assessable,colour\n", &it, &n, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "line 1: unknown column 'colour'"));
	ctl_catalog_items_free(it, n);
	assert_int_equal(items("kind,ref,parent,title,assessable\n"
	                       "clause,4,,\"Two\nlines\",no\n"
	                       "chapter,4.1,4,T,yes\n",
	                       &it, &n, &err),
	                 -ISMS_EINVAL);
	assert_string_equal(
	    err.msg, "line 4: kind 'chapter' is not clause, theme or control");
	ctl_catalog_items_free(it, n);
	assert_int_equal(items("kind,ref,parent,title,assessable\n"
	                       "clause,4,,T,maybe\n",
	                       &it, &n, &err),
	                 -ISMS_EINVAL);
	assert_string_equal(
	    err.msg, "line 2: assessable must be yes or no, got 'maybe'");
	ctl_catalog_items_free(it, n);
	assert_int_equal(items("kind,ref,parent,title,assessable\n"
	                       "clause,4,,T\n",
	                       &it, &n, &err),
	                 -ISMS_EINVAL);
	assert_string_equal(err.msg, "line 2: 4 fields, the header has 5");
	ctl_catalog_items_free(it, n);
	assert_int_equal(items("kind,ref,parent,title,assessable\n"
	                       "clause,,,T,no\n",
	                       &it, &n, &err),
	                 -ISMS_EINVAL);
	assert_string_equal(err.msg, "line 2: ref is empty");
	ctl_catalog_items_free(it, n);
	assert_int_equal(items("kind,ref,parent,title,assessable\n"
	                       "clause,4,,\"T,no\n",
	                       &it, &n, &err),
	                 -ISMS_EINVAL);
	assert_string_equal(err.msg, "line 2: quoted field not closed before "
	                             "the end of the file");
	ctl_catalog_items_free(it, n);
	assert_int_equal(items("", &it, &n, &err), -ISMS_EINVAL);
	ctl_catalog_items_free(it, n);
}

/* Adds a link to a repeated Link field. */
static void
link_add(Isms__V1__Link ***arr, size_t *n, const char *rel, const char *t)
{
	Isms__V1__Link *l =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

	l->rel = xstrdup(rel);
	l->target = xstrdup(t);
	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	(*arr)[(*n)++] = l;
}

static void
links_table(FILE *f, const void *r)
{
	ctl_links_print_table(f, "RSK-0001", r);
}

static void
test_links_table(void **state)
{
	Isms__V1__LinksResult *r = (Isms__V1__LinksResult *)pb_new(
	    &isms__v1__links_result__descriptor);
	char *t;

	(void)state;
	t = capture(links_table, r);
	assert_string_equal(t, "links from RSK-0001:\n  (none)\n"
	                       "linked from:\n  (none)\n");
	free(t);
	link_add(&r->outgoing, &r->n_outgoing, "treated_by", "A.8.5");
	link_add(&r->outgoing, &r->n_outgoing, "affects", "AST-\x1b[2J0001");
	link_add(&r->incoming, &r->n_incoming, "mitigates", "RTP-0001");
	t = capture(links_table, r);
	assert_string_equal(t, "links from RSK-0001:\n"
	                       "  treated_by \xe2\x86\x92 A.8.5\n"
	                       "  affects \xe2\x86\x92 AST- [2J0001\n"
	                       "linked from:\n"
	                       "  mitigates \xe2\x86\x90 RTP-0001\n");
	free(t);
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opts),
	    cmocka_unit_test(test_method_words),
	    cmocka_unit_test(test_catalog_items),
	    cmocka_unit_test(test_links_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
