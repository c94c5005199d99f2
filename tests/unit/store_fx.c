/* store_fx.c: temp stores for the unit tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "records.h"
#include "store.h"
#include "users.h"
#include "store_fx.h"

int
store_fx_setup(void **state)
{
	struct store_fx *fx = calloc(1, sizeof *fx);
	struct isms_err err;

	strcpy(fx->dir, "/tmp/isms-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(store_open(&fx->st, fx->dir, 64u << 20, &err), 0);
	*state = fx;
	return 0;
}

int
store_fx_teardown(void **state)
{
	struct store_fx *fx = *state;
	char cmd[128];

	store_close(fx->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

const char *const store_fx_owners[] = {"alice", "bob", "carol", "dave", NULL};

void
store_fx_add_owners(struct store_txn *txn)
{
	store_fx_add_users(txn, store_fx_owners);
}

void
store_fx_add_users(struct store_txn *txn, const char *const *names)
{
	const struct records_actor by = {"ismsd", 1764320000};
	const char *const *n;
	struct isms_err err;
	char email[64];

	for (n = names; *n != NULL; n++) {
		Isms__V1__User u = ISMS__V1__USER__INIT;
		Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
		Isms__V1__User *out = NULL;

		snprintf(email, sizeof email, "%s@example.org", *n);
		u.name = (char *)*n;
		u.email = email;
		up.user = &u;
		up.has_create = up.create = 1;
		if (users_put(txn, &up, 0, &by, &out, &err) != 0)
			fail_msg("user %s: %s", *n, err.msg);
		protobuf_c_message_free_unpacked(&out->base, NULL);
	}
}

int
store_fx_setup_owners(void **state)
{
	struct store_fx *fx;
	struct store_txn txn;

	store_fx_setup(state);
	fx = *state;
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	store_fx_add_owners(&txn);
	assert_int_equal(store_commit(&txn), 0);
	return 0;
}
