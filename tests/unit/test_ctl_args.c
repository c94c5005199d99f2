/*
 * test_ctl_args.c: ismsctl's field words to a Put (record + update mask),
 * the register lookup from the descriptor, and endpoint spellings.
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
#include "ismsclient.h"
#include "pbfield.h"
#include "reglist.h"
#include "xmalloc.h"

/* Parses and builds words for register reg; returns rc, *put on success. */
static int
build(const char *reg, bool update, const Isms__V1__Record *current,
      Isms__V1__Put **put, struct isms_err *err, int n, ...)
{
	struct ctl_fields f;
	char *words[16];
	va_list ap;
	int i, rc;

	assert_true(n <= 16);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		words[i] = va_arg(ap, char *);
	va_end(ap);
	*put = NULL;
	rc = ctl_fields_parse(&f, ctl_register_find(reg), n, words, err);
	if (rc == 0)
		rc = ctl_fields_build(&f, current, update, put, err);
	ctl_fields_free(&f);
	return rc;
}

/* The update mask joined by commas, in a static buffer. */
static const char *
mask_text(const Isms__V1__Put *put)
{
	static char buf[512];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < put->n_update_mask; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s",
		                        i ? "," : "", put->update_mask[i]);
	return buf;
}

/* The tags joined by commas, in a static buffer. */
static const char *
tags_text(const Isms__V1__Record *r)
{
	static char buf[512];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < r->n_tags; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s",
		                        i ? "," : "", r->tags[i]);
	return buf;
}

static void
put_free(Isms__V1__Put *put)
{
	if (put != NULL)
		protobuf_c_message_free_unpacked(&put->base, NULL);
}

static void
test_registers_from_descriptor(void **state)
{
	const ProtobufCMessageDescriptor *rd = &isms__v1__record__descriptor;
	size_t i;

	(void)state;
	assert_non_null(ctl_register_find("risk"));
	assert_non_null(ctl_register_find("asset"));
	assert_null(ctl_register_find("title")); /* header, not a register */
	assert_null(ctl_register_find("nosuch"));
	/* Every register of the list, in its order, and nothing else. */
	for (i = 0; i < REGLIST_COUNT; i++) {
		assert_string_equal(ctl_register_nth(i)->name, reglist[i].name);
		assert_int_equal(ctl_register_nth(i)->id, reglist[i].body_case);
		assert_ptr_equal(ctl_register_find(reglist[i].name),
		                 ctl_register_nth(i));
	}
	assert_null(ctl_register_nth(REGLIST_COUNT));
	/* Every body of the Record oneof is on the list. */
	for (i = 0; i < rd->n_fields; i++)
		if (rd->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			assert_non_null(reglist_by_name(rd->fields[i].name));
	assert_non_null(ctl_register_find("treatment"));
	assert_null(ctl_register_find("linked_from"));
	assert_ptr_equal(ctl_register_find("risk")->descriptor,
	                 &isms__v1__risk__descriptor);
}

static void
test_header_and_body_lookup(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;
	Isms__V1__Record *r;

	(void)state;
	assert_int_equal(build("risk", false, NULL, &put, &err, 5,
	                       "title=Laptop theft", "owner=alice", "impact=5",
	                       "risk.likelihood=3", "tags=pii"),
	                 0);
	r = put->record;
	assert_null(r->id);
	assert_string_equal(r->title, "Laptop theft");
	assert_string_equal(r->owner, "alice");
	assert_string_equal(tags_text(r), "pii");
	assert_int_equal(r->body_case, ISMS__V1__RECORD__BODY_RISK);
	assert_true(r->risk->has_impact);
	assert_int_equal(r->risk->impact, 5);
	assert_true(r->risk->has_likelihood);
	assert_int_equal(r->risk->likelihood, 3);
	assert_false(r->risk->has_residual_impact);
	/* A create carries no mask. */
	assert_int_equal(put->n_update_mask, 0);
	assert_false(put->has_expect_rev);
	put_free(put);

	/* An update names each path once, as the server spells it. */
	assert_int_equal(build("risk", true, NULL, &put, &err, 4, "title=T",
	                       "impact=4", "impact=5", "threat=theft"),
	                 0);
	assert_string_equal(mask_text(put), "title,risk.impact,risk.threat");
	assert_int_equal(put->record->risk->impact, 5); /* last word wins */
	put_free(put);
}

static void
test_asset_register_is_generic(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;

	(void)state;
	assert_int_equal(build("asset", true, NULL, &put, &err, 3,
	                       "kind=software", "confidentiality=4",
	                       "classification=CLASSIFICATION_RESTRICTED"),
	                 0);
	assert_int_equal(put->record->body_case, ISMS__V1__RECORD__BODY_ASSET);
	assert_int_equal(put->record->asset->kind,
	                 ISMS__V1__ASSET_KIND__ASSET_KIND_SOFTWARE);
	assert_int_equal(put->record->asset->confidentiality, 4);
	assert_int_equal(put->record->asset->classification,
	                 ISMS__V1__CLASSIFICATION__CLASSIFICATION_RESTRICTED);
	assert_string_equal(
	    mask_text(put),
	    "asset.kind,asset.confidentiality,asset.classification");
	put_free(put);
}

static void
test_nested_and_instants(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;
	Isms__V1__Acceptance *acc;

	(void)state;
	assert_int_equal(build("risk", true, NULL, &put, &err, 3,
	                       "acceptance.by=alice",
	                       "acceptance.at=2026-11-28T10:00:00Z",
	                       "acceptance.until=2027-06-30"),
	                 0);
	acc = put->record->risk->acceptance;
	assert_non_null(acc);
	assert_string_equal(acc->by, "alice");
	assert_true(acc->has_at);
	assert_int_equal(acc->at, 1795860000);
	assert_string_equal(acc->until, "2027-06-30");
	assert_string_equal(
	    mask_text(put),
	    "risk.acceptance.by,risk.acceptance.at,risk.acceptance.until");
	put_free(put);

	/* A bare date is midnight UTC. */
	assert_int_equal(build("risk", false, NULL, &put, &err, 1,
	                       "acceptance.at=2026-11-28"),
	                 0);
	assert_int_equal(put->record->risk->acceptance->at, 1795824000);
	put_free(put);

	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "acceptance.at=tomorrow"),
	    -ISMS_EINVAL);
	assert_null(put);
	assert_string_equal(
	    err.msg, "field 'acceptance.at' expects an ISO 8601 instant "
	             "(2026-11-28T10:00:00Z or 2026-11-28), got 'tomorrow'");
}

static void
test_enums_by_name(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;

	(void)state;
	assert_int_equal(build("risk", false, NULL, &put, &err, 2,
	                       "status=assessed", "treatment=Mitigate"),
	                 0);
	assert_true(put->record->risk->has_status);
	assert_int_equal(put->record->risk->status,
	                 ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED);
	assert_int_equal(put->record->risk->treatment,
	                 ISMS__V1__RISK_TREATMENT__RISK_TREATMENT_MITIGATE);
	put_free(put);

	/* "treatment" is also a register: on a risk it is the risk's field. */
	assert_int_equal(
	    build("risk", true, NULL, &put, &err, 1, "treatment=mitigate"), 0);
	assert_string_equal(mask_text(put), "risk.treatment");
	assert_int_equal(put->record->risk->treatment,
	                 ISMS__V1__RISK_TREATMENT__RISK_TREATMENT_MITIGATE);
	put_free(put);

	assert_int_equal(build("risk", false, NULL, &put, &err, 1, "status=x"),
	                 -ISMS_EINVAL);
	assert_string_equal(err.msg,
	                    "field 'status' expects one of "
	                    "open|assessed|treating|accepted|closed, got 'x'");
}

static void
test_bad_values(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;

	(void)state;
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "impact=high"),
	    -ISMS_EINVAL);
	assert_string_equal(
	    err.msg, "field 'impact' expects an unsigned integer, got 'high'");
	assert_int_equal(build("risk", false, NULL, &put, &err, 1, "impact=-1"),
	                 -ISMS_EINVAL);
	assert_int_equal(build("risk", false, NULL, &put, &err, 1,
	                       "review_interval_days=99999999999"),
	                 -ISMS_EINVAL);
	assert_string_equal(
	    err.msg,
	    "field 'review_interval_days' expects an unsigned integer, got "
	    "'99999999999'");
	/* Text must be UTF-8. */
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "title=caf\xe9"),
	    -ISMS_EINVAL);
	assert_null(put);
}

static void
test_unknown_field_lists_valid_names(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;

	(void)state;
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "colour=red"),
	    -ISMS_EINVAL);
	assert_string_equal(
	    err.msg,
	    "unknown field 'colour' for risk; valid fields: title, owner, "
	    "tags, review_interval_days, external_ref, identified_on, status, "
	    "description, threat, "
	    "vulnerability, likelihood, impact, residual_likelihood, "
	    "residual_impact, treatment, acceptance.by, acceptance.at, "
	    "acceptance.until, acceptance.note, score, level, residual_score, "
	    "residual_level, "
	    "method_rev");
	assert_int_equal(build("asset", false, NULL, &put, &err, 1, "impact=3"),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "unknown field 'impact' for asset; "
	                                "valid fields: title, owner, tags, "
	                                "review_interval_days, external_ref, "
	                                "identified_on, status, "));
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "acceptance.who=bob"),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "unknown field 'acceptance.who'"));
	/* Another register's body. */
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "asset.kind=site"),
	    -ISMS_EINVAL);
	assert_string_equal(
	    err.msg,
	    "field 'asset.kind' belongs to the asset register, not risk");
}

static void
test_clear_with_empty_value(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;

	(void)state;
	assert_int_equal(build("risk", true, NULL, &put, &err, 5, "owner=",
	                       "impact=", "threat=x", "threat=", "acceptance="),
	                 0);
	/* In the mask, absent from the record: the server clears them. */
	assert_string_equal(mask_text(put),
	                    "owner,risk.impact,risk.threat,risk.acceptance");
	assert_null(put->record->owner);
	assert_false(put->record->risk->has_impact);
	assert_null(put->record->risk->threat);
	assert_null(put->record->risk->acceptance);
	put_free(put);
}

static void
test_list_edits(void **state)
{
	Isms__V1__Record cur = ISMS__V1__RECORD__INIT;
	char *tags[] = {"a", "b"};
	struct isms_err err = {0};
	struct ctl_fields f;
	char *words[] = {"tags+=c", "tags-=a", "tags+=b"};
	Isms__V1__Put *put;

	(void)state;
	cur.id = "RSK-0001";
	cur.has_rev = 1;
	cur.rev = 7;
	cur.title = "stored title";
	cur.n_tags = 2;
	cur.tags = tags;

	assert_int_equal(
	    ctl_fields_parse(&f, ctl_register_find("risk"), 3, words, &err), 0);
	assert_true(ctl_fields_need_current(&f));
	assert_int_equal(ctl_fields_build(&f, &cur, true, &put, &err), 0);
	/* The whole new list, named once; nothing else of cur is sent. */
	assert_string_equal(tags_text(put->record), "b,c");
	assert_string_equal(mask_text(put), "tags");
	assert_null(put->record->title);
	put_free(put);
	ctl_fields_free(&f);

	/* "=" replaces a list: no need for the stored one. */
	assert_int_equal(build("risk", true, &cur, &put, &err, 3, "tags=x",
	                       "tags=y", "tags+=z"),
	                 0);
	assert_string_equal(tags_text(put->record), "x,y,z");
	put_free(put);

	/* "tags=" empties the list; removing what is absent is no error. */
	assert_int_equal(
	    build("risk", true, &cur, &put, &err, 2, "tags=", "tags-=nope"), 0);
	assert_int_equal(put->record->n_tags, 0);
	assert_string_equal(mask_text(put), "tags");
	put_free(put);

	/* += on a field that is not a list. */
	assert_int_equal(build("risk", true, &cur, &put, &err, 1, "title+=x"),
	                 -ISMS_EINVAL);
	assert_string_equal(
	    err.msg,
	    "field 'title' is not a list: use title=VALUE (+= and -= edit "
	    "lists such as tags)");
}

static void
test_need_current(void **state)
{
	struct isms_err err = {0};
	struct ctl_fields f;
	char *w1[] = {"title=x", "tags=a", "tags+=b"};
	char *w2[] = {"title=x", "tags-=a"};

	(void)state;
	assert_int_equal(
	    ctl_fields_parse(&f, ctl_register_find("risk"), 3, w1, &err), 0);
	assert_false(ctl_fields_need_current(&f));
	ctl_fields_free(&f);
	assert_int_equal(
	    ctl_fields_parse(&f, ctl_register_find("risk"), 2, w2, &err), 0);
	assert_true(ctl_fields_need_current(&f));
	ctl_fields_free(&f);
}

static void
test_server_managed_refused(void **state)
{
	static const char *const words[] = {"id=RSK-9",
	                                    "rev=3",
	                                    "created_at=2026-01-01",
	                                    "updated_by=eve",
	                                    "archived=yes",
	                                    "links=x",
	                                    "linked_from=x",
	                                    "last_reviewed_at=2026-01-01",
	                                    "next_review_on=2027-01-01"};
	struct isms_err err = {0};
	Isms__V1__Put *put;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		assert_int_equal(
		    build("risk", true, NULL, &put, &err, 1, words[i]),
		    -ISMS_EINVAL);
		assert_non_null(strstr(err.msg, "is set by the server"));
	}
	assert_int_equal(build("risk", true, NULL, &put, &err, 1, "rev=3"),
	                 -ISMS_EINVAL);
	assert_string_equal(
	    err.msg,
	    "field 'rev' is set by the server; use --rev N to guard an update");
	/* And they are not offered as valid fields either. */
	build("risk", true, NULL, &put, &err, 1, "nope=1");
	assert_null(strstr(err.msg, "created_at"));
	assert_null(strstr(err.msg, " id,"));
}

static void
test_body_fields_named_like_registers(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;

	(void)state;
	/* party.party, competence.role, legal.requirement, metric.method. */
	assert_int_equal(
	    build("party", true, NULL, &put, &err, 1, "party=Customers"), 0);
	assert_string_equal(mask_text(put), "party.party");
	assert_string_equal(put->record->party->party, "Customers");
	put_free(put);
	assert_int_equal(build("competence", true, NULL, &put, &err, 2,
	                       "role=ISMS manager", "person=alice"),
	                 0);
	assert_string_equal(mask_text(put),
	                    "competence.role,competence.person");
	put_free(put);
	assert_int_equal(build("legal", true, NULL, &put, &err, 1,
	                       "requirement=GDPR Art. 32"),
	                 0);
	assert_string_equal(mask_text(put), "legal.requirement");
	put_free(put);
	assert_int_equal(build("control", true, NULL, &put, &err, 2,
	                       "applicable=yes", "control.status=implemented"),
	                 0);
	assert_string_equal(mask_text(put),
	                    "control.applicable,control.status");
	assert_true(put->record->control->applicable);
	put_free(put);
}

static void
test_malformed_words(void **state)
{
	struct isms_err err = {0};
	Isms__V1__Put *put;

	(void)state;
	assert_int_equal(build("risk", false, NULL, &put, &err, 1, "title"),
	                 -ISMS_EINVAL);
	assert_string_equal(
	    err.msg,
	    "expected field=value, field+=value or field-=value, got 'title'");
	assert_int_equal(build("risk", false, NULL, &put, &err, 1, "=x"),
	                 -ISMS_EINVAL);
	assert_int_equal(build("risk", false, NULL, &put, &err, 1, "+=x"),
	                 -ISMS_EINVAL);
	assert_int_equal(build("risk", false, NULL, &put, &err, 1, "a b=x"),
	                 -ISMS_EINVAL);
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "acceptance=alice"),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "has subfields"));
	assert_int_equal(build("risk", false, NULL, &put, &err, 1, "risk=x"),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "is the record body"));
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "asset.kind=software"),
	    -ISMS_EINVAL);
	assert_string_equal(
	    err.msg,
	    "field 'asset.kind' belongs to the asset register, not risk");
	/* A value may hold '=' and spaces. */
	assert_int_equal(
	    build("risk", false, NULL, &put, &err, 1, "description=a=b c"), 0);
	assert_string_equal(put->record->risk->description, "a=b c");
	put_free(put);
}

static void
test_endpoint_spellings(void **state)
{
	struct isms_err err = {0};
	char path[108];

	(void)state;
	assert_int_equal(isms_endpoint_unix_path("unix:relative/ismsd.sock",
	                                         path, sizeof path, &err),
	                 0);
	assert_string_equal(path, "relative/ismsd.sock");
	assert_int_equal(isms_endpoint_unix_path("unix:/run/ismsd/ismsd.sock",
	                                         path, sizeof path, &err),
	                 0);
	assert_string_equal(path, "/run/ismsd/ismsd.sock");
	assert_int_equal(isms_endpoint_unix_path(ISMS_DEFAULT_ENDPOINT, path,
	                                         sizeof path, &err),
	                 0);
	assert_string_equal(path, "/run/ismsd/ismsd.sock");

	assert_int_equal(isms_endpoint_unix_path("tcp://localhost:7700", path,
	                                         sizeof path, &err),
	                 -ISMS_EINVAL);
	assert_int_equal(err.code, ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "not a Unix socket path"));
	assert_int_equal(
	    isms_endpoint_unix_path("unix://host/x", path, sizeof path, &err),
	    -ISMS_EINVAL);
	assert_int_equal(
	    isms_endpoint_unix_path("unix:", path, sizeof path, &err),
	    -ISMS_EINVAL);
	assert_int_equal(isms_endpoint_unix_path("/run/ismsd/ismsd.sock", path,
	                                         sizeof path, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "unix:///abs/path"));
	/* Longer than sun_path. */
	memset(path, 0, sizeof path);
	{
		char *long_ep = xasprintf("unix:/%0200d", 0);

		assert_int_equal(
		    isms_endpoint_unix_path(long_ep, path, sizeof path, &err),
		    -ISMS_EINVAL);
		free(long_ep);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registers_from_descriptor),
	    cmocka_unit_test(test_header_and_body_lookup),
	    cmocka_unit_test(test_asset_register_is_generic),
	    cmocka_unit_test(test_nested_and_instants),
	    cmocka_unit_test(test_enums_by_name),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_unknown_field_lists_valid_names),
	    cmocka_unit_test(test_clear_with_empty_value),
	    cmocka_unit_test(test_list_edits),
	    cmocka_unit_test(test_need_current),
	    cmocka_unit_test(test_server_managed_refused),
	    cmocka_unit_test(test_body_fields_named_like_registers),
	    cmocka_unit_test(test_malformed_words),
	    cmocka_unit_test(test_endpoint_spellings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
