/* store_fx.c: temp stores for the unit tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"
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
