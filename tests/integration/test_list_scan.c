/*
 * test_list_scan.c: List reads a bounded number of stored entries per
 * page (LIST_SCAN_MAX, 1,000), so a filter matching nothing in a large
 * register returns an empty page with a token rather than holding the
 * loop over every record; generic filters on any scalar field, derived
 * ones included; ismsctl follows the tokens to the end. A real ismsd, the
 * real client library and ismsctl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sync_fx.h"

#define NRISKS 1005 /* more than one page's scan bound */
#define OUT    65536

/* Creates user name (a viewer, no login): the owner of the records. */
static void
add_user(struct isms_sync *s, const char *name)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	Isms__V1__Reply *r;

	u.name = (char *)name;
	u.has_role = 1;
	u.role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER;
	up.user = &u;
	up.has_create = up.create = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	isms_reply_free(r);
}

/* NRISKS risks owned by alice: impact 2 but for the last, "needle",
 * impact 5 (another level). */
static int
setup(void **state)
{
	struct daemon_fx *fx;
	struct isms_sync *s;
	char title[32];
	int i;

	sfx_setup(state);
	fx = *state;
	s = sfx_connect(fx);
	add_user(s, "alice");
	for (i = 1; i < NRISKS; i++) {
		snprintf(title, sizeof title, "risk %d", i);
		free(sfx_add_risk(s, title, "alice", 2));
	}
	free(sfx_add_risk(s, "needle", "alice", 5));
	isms_sync_free(s);
	return 0;
}

/* Sends one List page of risks with filters (NULL-terminated). */
static Isms__V1__Reply *
list_page(struct isms_sync *s, const char *const *filters,
          const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	list.register_ = (char *)"risk";
	while (filters != NULL && filters[list.n_filters] != NULL)
		list.n_filters++;
	list.filters = (char **)filters;
	if (token != NULL) {
		list.has_page_token = 1;
		list.page_token = *token;
	}
	req.call_case = ISMS__V1__REQUEST__CALL_LIST;
	req.list = &list;
	return sfx_call(s, &req);
}

/* A filter matching nothing: an empty page with a token after 1,000
 * entries read, then the rest and no token. */
static void
test_nothing_matches_bounded(void **state)
{
	struct isms_sync *s = sfx_connect(*state);
	static const char *const none[] = {"title=nothing", NULL};
	Isms__V1__Reply *p1, *p2;

	p1 = list_page(s, none, NULL);
	assert_int_equal(sfx_code_of(p1), 0);
	assert_int_equal(p1->list->n_records, 0);
	assert_true(p1->list->has_next_page_token);
	assert_int_equal(p1->list->scanned, 1000);
	p2 = list_page(s, none, &p1->list->next_page_token);
	assert_int_equal(sfx_code_of(p2), 0);
	assert_int_equal(p2->list->n_records, 0);
	assert_false(p2->list->has_next_page_token);
	assert_int_equal(p2->list->scanned, NRISKS - 1000);
	isms_reply_free(p1);
	isms_reply_free(p2);
	isms_sync_free(s);
}

/* A derived field (level), by its bare name or its path; the match sits
 * past the first page's bound, so only the second page has it. */
static void
test_derived_filter_second_page(void **state)
{
	struct isms_sync *s = sfx_connect(*state);
	static const char *const bare[] = {"level=high", NULL};
	static const char *const full[] = {"risk.score=10", "owner=alice",
	                                   NULL};
	Isms__V1__Reply *p1, *p2;

	p1 = list_page(s, bare, NULL);
	assert_int_equal(sfx_code_of(p1), 0);
	assert_int_equal(p1->list->n_records, 0);
	p2 = list_page(s, bare, &p1->list->next_page_token);
	assert_int_equal(p2->list->n_records, 1);
	assert_string_equal(p2->list->records[0]->title, "needle");
	isms_reply_free(p1);
	isms_reply_free(p2);
	p1 = list_page(s, full, NULL);
	p2 = list_page(s, full, &p1->list->next_page_token);
	assert_int_equal(p1->list->n_records + p2->list->n_records, 1);
	isms_reply_free(p1);
	isms_reply_free(p2);
	isms_sync_free(s);
}

/* Filters that name no scalar field, or a value of the wrong type. */
static void
test_bad_filters(void **state)
{
	struct isms_sync *s = sfx_connect(*state);
	static const char *const bad[][2] = {
	    {"colour=red", NULL},
	    {"likelihood=high", NULL},
	    {"acceptance=x", NULL},
	    {"no equals sign", NULL},
	};
	static const char *const why[] = {"no field 'colour'", "expects",
	                                  "not a scalar", "path=value"};
	Isms__V1__Reply *r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = list_page(s, bad[i], NULL);
		assert_int_equal(sfx_code_of(r),
		                 ISMS__V1__CODE__INVALID_ARGUMENT);
		assert_non_null(strstr(r->status->message, why[i]));
		isms_reply_free(r);
	}
	isms_sync_free(s);
}

/* ismsctl follows the tokens: the needle past the bound, nothing for a
 * filter matching nothing (exit 0), and --sort over every page. */
static void
test_ismsctl_follows(void **state)
{
	struct daemon_fx *fx = *state;
	char *out = malloc(OUT);

	assert_int_equal(
	    daemon_fx_sh(fx, out, OUT, "\"$ISMSCTL\" risk list level=high"), 0);
	assert_non_null(strstr(out, "RSK-1005"));
	assert_non_null(strstr(out, "needle"));
	assert_null(strstr(out, "RSK-0001"));
	assert_int_equal(
	    daemon_fx_sh(fx, out, OUT, "\"$ISMSCTL\" risk list title=nothing"),
	    0);
	assert_null(strstr(out, "RSK-"));
	assert_int_equal(daemon_fx_sh(fx, out, OUT,
	                              "\"$ISMSCTL\" -o csv risk list --sort "
	                              "-score --limit 2 | cut -d, -f1"),
	                 0);
	assert_non_null(strstr(out, "id\nRSK-1005\nRSK-0001\n"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_matches_bounded),
	    cmocka_unit_test(test_derived_filter_second_page),
	    cmocka_unit_test(test_bad_filters),
	    cmocka_unit_test(test_ismsctl_follows),
	};

	return cmocka_run_group_tests(tests, setup, sfx_teardown);
}
