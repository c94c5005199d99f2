/* sync_fx.c: a real ismsd per test, driven by libismsclient's synchronous
 * calls: the helpers test_daemon.c and test_storage.c share. */
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

int
sfx_setup(void **state)
{
	struct daemon_fx *fx = calloc(1, sizeof *fx);

	daemon_fx_start(fx);
	*state = fx;
	return 0;
}

const char *const sfx_owners[] = {"alice", "bob",    "carol",
                                  "dave",  "writer", NULL};

int
sfx_setup_owners(void **state)
{
	struct isms_sync *s;
	const char *const *n;

	sfx_setup(state);
	s = sfx_connect(*state);
	for (n = sfx_owners; *n != NULL; n++)
		sfx_add_user(s, *n);
	isms_sync_free(s);
	return 0;
}

int
sfx_teardown(void **state)
{
	struct daemon_fx *fx = *state;

	daemon_fx_cleanup(fx);
	free(fx);
	return 0;
}

struct isms_sync *
sfx_connect(struct daemon_fx *fx)
{
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(fx->endpoint, "test", &err);

	if (s == NULL)
		fail_msg("connect: %s", err.msg);
	return s;
}

/* Sends req and returns the reply, failing the test on a lost link. */
Isms__V1__Reply *
sfx_call(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	assert_non_null(r->status);
	return r;
}

int
sfx_code_of(const Isms__V1__Reply *r)
{
	return r->status != NULL ? (int)r->status->code : -1;
}

void
sfx_add_user(struct isms_sync *s, const char *name)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	Isms__V1__Reply *r;
	char email[128];

	snprintf(email, sizeof email, "%s@example.org", name);
	u.name = (char *)name;
	u.email = email;
	up.user = &u;
	up.has_create = up.create = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	r = sfx_call(s, &req);
	if (sfx_code_of(r) != 0)
		fail_msg("user add %s: %s", name, r->status->message);
	isms_reply_free(r);
}

/* Creates a risk; returns its id (malloc'ed). */
char *
sfx_add_risk(struct isms_sync *s, const char *title, const char *owner,
             uint32_t impact)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Reply *r;
	char *id;

	rec.title = (char *)title;
	rec.owner = (char *)owner;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.has_likelihood = risk.has_impact = 1;
	risk.likelihood = 2;
	risk.impact = impact;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	r = sfx_call(s, &req);
	if (sfx_code_of(r) != 0)
		fail_msg("put: %s", r->status->message);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_RECORD);
	id = strdup(r->record->id);
	isms_reply_free(r);
	return id;
}

Isms__V1__Reply *
sfx_get(struct isms_sync *s, const char *id)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get g = ISMS__V1__GET__INIT;

	g.id = (char *)id;
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &g;
	return sfx_call(s, &req);
}

/* Counts live risks through List, following pages. */
size_t
sfx_count_risks(struct isms_sync *s)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List l = ISMS__V1__LIST__INIT;
	Isms__V1__Reply *r;
	uint8_t token[512];
	size_t n = 0;
	bool more;

	l.register_ = "risk";
	l.has_page_size = 1;
	l.page_size = 1000;
	req.call_case = ISMS__V1__REQUEST__CALL_LIST;
	req.list = &l;
	do {
		r = sfx_call(s, &req);
		assert_int_equal(sfx_code_of(r), 0);
		n += r->list->n_records;
		more = r->list->has_next_page_token;
		if (more) {
			memcpy(token, r->list->next_page_token.data,
			       r->list->next_page_token.len);
			l.has_page_token = 1;
			l.page_token.data = token;
			l.page_token.len = r->list->next_page_token.len;
		}
		isms_reply_free(r);
	} while (more);
	return n;
}

/* Verifies the journal; returns the entries checked. */
uint64_t
sfx_verify_ok(struct daemon_fx *fx)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalVerify jv = ISMS__V1__JOURNAL_VERIFY__INIT;
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(fx->endpoint, "t", &err);
	Isms__V1__Reply *r;
	uint64_t n;

	assert_non_null(s);
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL_VERIFY;
	req.journal_verify = &jv;
	r = sfx_call(s, &req);
	assert_int_equal(sfx_code_of(r), 0);
	assert_true(r->verify->ok);
	n = r->verify->entries;
	isms_reply_free(r);
	isms_sync_free(s);
	return n;
}
