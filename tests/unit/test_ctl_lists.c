/*
 * test_ctl_lists.c: lists of records on the command line (fieldelem.h):
 * scope exclusions added, replaced, removed and cleared through the same
 * field words for every repeated message field, shown back as they are
 * typed; the relations table (relations.h); list filter words and --sort.
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
#include "fieldargs.h"
#include "fieldelem.h"
#include "pbfield.h"
#include "relations.h"
#include "xmalloc.h"

/* Parses and builds words for register reg on current (may be NULL). */
static int
build(const char *reg, const Isms__V1__Record *current, Isms__V1__Put **put,
      struct isms_err *err, int n, char **words)
{
	struct ctl_fields f;
	int rc;

	*put = NULL;
	rc = ctl_fields_parse(&f, ctl_register_find(reg), n, words, err);
	if (rc == 0)
		rc = ctl_fields_build(&f, current, current != NULL, put, err);
	ctl_fields_free(&f);
	return rc;
}

/* The exclusions of a put's scope as "what=x; justification=y|...". */
static char *
exclusions_text(const Isms__V1__Put *put)
{
	const Isms__V1__Scope *sc = put->record->scope;
	char *s = xstrdup(""), *e, *t;
	size_t i;

	for (i = 0; sc != NULL && i < sc->n_exclusions; i++) {
		e = ctl_elem_text(&sc->exclusions[i]->base);
		t = xasprintf("%s%s%s", s, i > 0 ? "|" : "", e);
		free(s);
		free(e);
		s = t;
	}
	return s;
}

/* The record a put would leave (its record, as stored), for the next. */
static Isms__V1__Record *
as_current(const Isms__V1__Put *put)
{
	return (Isms__V1__Record *)pb_dup(&put->record->base);
}

static void
test_add_replace_remove(void **state)
{
	char *add[] = {"exclusions+=what=A.7.4;justification=No premises",
	               "exclusions+=what=A.7.1; justification=Remote\\; no "
	               "office"};
	char *again[] = {"exclusions+=what=A.7.4;justification=No premises"};
	char *rm[] = {"exclusions-=what=A.7.4"};
	char *rmpos[] = {"exclusions-=#1"};
	char *replace[] = {"exclusions=what=A.5.1;justification=x"};
	char *clear[] = {"exclusions="};
	struct isms_err err = {0};
	Isms__V1__Record *cur;
	Isms__V1__Put *put;
	char *s;

	(void)state;
	assert_int_equal(build("scope", NULL, &put, &err, 2, add), 0);
	s = exclusions_text(put);
	assert_string_equal(s, "what=A.7.4; justification=No premises|"
	                       "what=A.7.1; justification=Remote\\; no office");
	free(s);
	assert_string_equal(put->record->scope->exclusions[1]->justification,
	                    "Remote; no office");
	cur = as_current(put);
	protobuf_c_message_free_unpacked(&put->base, NULL);

	/* An equal element is not added twice; the mask names the list. */
	assert_int_equal(build("scope", cur, &put, &err, 1, again), 0);
	assert_int_equal(put->record->scope->n_exclusions, 2);
	assert_int_equal(put->n_update_mask, 1);
	assert_string_equal(put->update_mask[0], "scope.exclusions");
	protobuf_c_message_free_unpacked(&put->base, NULL);

	/* -= removes the elements holding the values named. */
	assert_int_equal(build("scope", cur, &put, &err, 1, rm), 0);
	s = exclusions_text(put);
	assert_string_equal(s, "what=A.7.1; justification=Remote\\; no office");
	free(s);
	protobuf_c_message_free_unpacked(&put->base, NULL);

	/* -=#N removes the Nth. */
	assert_int_equal(build("scope", cur, &put, &err, 1, rmpos), 0);
	s = exclusions_text(put);
	assert_string_equal(s, "what=A.7.1; justification=Remote\\; no office");
	free(s);
	protobuf_c_message_free_unpacked(&put->base, NULL);

	/* = replaces the list; f= clears it. */
	assert_int_equal(build("scope", cur, &put, &err, 1, replace), 0);
	s = exclusions_text(put);
	assert_string_equal(s, "what=A.5.1; justification=x");
	free(s);
	protobuf_c_message_free_unpacked(&put->base, NULL);
	assert_int_equal(build("scope", cur, &put, &err, 1, clear), 0);
	assert_int_equal(put->record->scope->n_exclusions, 0);
	assert_string_equal(put->update_mask[0], "scope.exclusions");
	protobuf_c_message_free_unpacked(&put->base, NULL);
	protobuf_c_message_free_unpacked(&cur->base, NULL);
}

static void
test_bad_elements(void **state)
{
	char *unknown[] = {"exclusions+=wot=A.7.4"};
	char *noeq[] = {"exclusions+=A.7.4"};
	char *empty[] = {"exclusions+="};
	char *nomatch[] = {"exclusions-=what=A.9.9"};
	char *nopos[] = {"exclusions-=#3"};
	char *one[] = {"exclusions+=what=A.7.4;justification=y"};
	struct isms_err err = {0};
	Isms__V1__Record *cur;
	Isms__V1__Put *put;

	(void)state;
	assert_int_equal(build("scope", NULL, &put, &err, 1, unknown),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "write what=...;justification=..."));
	assert_int_equal(build("scope", NULL, &put, &err, 1, noeq),
	                 -ISMS_EINVAL);
	assert_int_equal(build("scope", NULL, &put, &err, 1, empty),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "an element needs its fields"));
	assert_int_equal(build("scope", NULL, &put, &err, 1, one), 0);
	cur = as_current(put);
	protobuf_c_message_free_unpacked(&put->base, NULL);
	assert_int_equal(build("scope", cur, &put, &err, 1, nomatch),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "no element holds 'what=A.9.9'"));
	assert_int_equal(build("scope", cur, &put, &err, 1, nopos),
	                 -ISMS_EINVAL);
	protobuf_c_message_free_unpacked(&cur->base, NULL);
}

/* Every repeated message field a user may set takes the syntax: found
 * by walking the descriptors, not by name. */
static void
walk_lists(const char *name, const ProtobufCFieldDescriptor *fd, void *arg)
{
	size_t *n = arg;
	char tmpl[256], word[400];
	struct isms_err err = {0};
	const ProtobufCMessageDescriptor *md;
	ProtobufCMessage *el;

	if (!ctl_elem_is_list(fd))
		return;
	ctl_elem_template(fd, tmpl, sizeof tmpl);
	/* Each list's template names its fields; its first one, given
	 * text every scalar type takes, makes an element. */
	md = fd->descriptor;
	assert_non_null(strstr(tmpl, md->fields[0].name));
	snprintf(word, sizeof word, "%s=1", md->fields[0].name);
	assert_int_equal(ctl_elem_parse(fd, name, word, &el, &err), 0);
	protobuf_c_message_free_unpacked(el, NULL);
	(*n)++;
}

static void
test_every_list_field(void **state)
{
	size_t i, n = 0;

	(void)state;
	for (i = 0; ctl_register_nth(i) != NULL; i++)
		ctl_fields_walk(ctl_register_nth(i), walk_lists, &n);
	assert_true(n >= 1); /* scope.exclusions at least */
}

static void
test_relations(void **state)
{
	char why[600];

	(void)state;
	assert_int_equal(
	    relation_check("treated_by", "risk", "control", why, sizeof why),
	    0);
	assert_int_equal(
	    relation_check("affects", "incident", "asset", why, sizeof why), 0);
	assert_int_equal(
	    relation_check("found_in", "finding", "audit", why, sizeof why), 0);
	assert_int_equal(
	    relation_check("treatd_by", "risk", "control", why, sizeof why),
	    -1);
	assert_non_null(strstr(why, "unknown relation 'treatd_by'"));
	assert_non_null(strstr(why, "a risk may link: treated_by"));
	assert_int_equal(
	    relation_check("treated_by", "risk", "asset", why, sizeof why), -1);
	assert_non_null(strstr(why, "not an asset"));
	assert_int_equal(
	    relation_check("found_in", "audit", "finding", why, sizeof why),
	    -1);
	assert_non_null(strstr(why, "not an audit"));
	/* Every row names registers that exist. */
	for (size_t i = 0; i < relations_count; i++) {
		assert_non_null(relations[i].meaning);
		assert_true(strlen(relations[i].from) > 0);
		assert_true(strlen(relations[i].to) > 0);
	}
}

/* List words: owner/status/tag to their fields, the rest to filters. */
static void
test_list_words(void **state)
{
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	char *words[] = {"owner=alice", "level=high",  "acceptance.by=bob",
	                 "title=",      "status=open", "treatment=accept"};
	char *bad[] = {"tags+=x"};
	char *msg[] = {"acceptance=x"};

	(void)state;
	assert_int_equal(
	    ctl_list_words(ctl_register_find("risk"), &list, 6, words), 0);
	assert_string_equal(list.owner, "alice");
	assert_string_equal(list.status, "open");
	assert_int_equal(list.n_filters, 4);
	assert_string_equal(list.filters[0], "risk.level=high");
	assert_string_equal(list.filters[1], "risk.acceptance.by=bob");
	assert_string_equal(list.filters[2], "title=");
	/* A body field named like a register is the body's. */
	assert_string_equal(list.filters[3], "risk.treatment=accept");
	ctl_list_words_free(&list);
	assert_int_equal(
	    ctl_list_words(ctl_register_find("risk"), &list, 1, bad),
	    CTL_EXIT_USAGE);
	ctl_list_words_free(&list);
	assert_int_equal(
	    ctl_list_words(ctl_register_find("risk"), &list, 1, msg),
	    CTL_EXIT_USAGE);
	ctl_list_words_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_replace_remove),
	    cmocka_unit_test(test_bad_elements),
	    cmocka_unit_test(test_every_list_field),
	    cmocka_unit_test(test_relations),
	    cmocka_unit_test(test_list_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
