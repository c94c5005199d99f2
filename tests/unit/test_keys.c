/* test_keys.c: natural-order keys and the RPC and register tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dispatch.h"
#include "keys.h"
#include "pbfield.h"
#include "registers.h"

/* memcmp order of two encoded keys: <0, 0, >0. */
static int
keycmp(const char *a, const char *b)
{
	uint8_t ka[RECKEY_MAX], kb[RECKEY_MAX];
	size_t la, lb;
	int c;

	la = key_natural(a, ka, sizeof ka);
	lb = key_natural(b, kb, sizeof kb);
	assert_true(la > 0 && lb > 0);
	c = memcmp(ka, kb, la < lb ? la : lb);
	return c != 0 ? c : (int)la - (int)lb;
}

static void
test_natural_order(void **state)
{
	static const char *const sorted[] = {
	    "4",        "4.1",      "4.2",      "6.1.2",     "6.1.10",
	    "10.1",     "A.5.1",    "A.5.2",    "A.5.10",    "A.8.34",
	    "RSK-0001", "RSK-0002", "RSK-9999", "RSK-10000", "RSK-10001"};
	size_t i;

	(void)state;
	for (i = 0; i + 1 < sizeof sorted / sizeof sorted[0]; i++)
		assert_true(keycmp(sorted[i], sorted[i + 1]) < 0);
	assert_int_equal(keycmp("RSK-0001", "RSK-1"), 0);
}

static void
test_bad_ids(void **state)
{
	uint8_t k[RECKEY_MAX];
	char longid[ID_MAX + 2];

	(void)state;
	assert_int_equal(key_natural("", k, sizeof k), 0);
	assert_int_equal(key_natural("a\tb", k, sizeof k), 0);
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	assert_int_equal(key_natural(longid, k, sizeof k), 0);
}

static void
test_history_and_index_keys(void **state)
{
	uint8_t rk[RECKEY_MAX], h1[RECKEY_MAX + 9], h2[RECKEY_MAX + 9];
	uint8_t i1[300], i2[300];
	size_t rl, l1, l2;

	(void)state;
	rl = key_record(32, "RSK-0001", rk, sizeof rk);
	l1 = key_history(rk, rl, 9, h1, sizeof h1);
	l2 = key_history(rk, rl, 10, h2, sizeof h2);
	assert_int_equal(l1, l2);
	assert_true(memcmp(h1, h2, l1) < 0); /* rev 9 before rev 10 */
	/* "ali" and "alice" do not share an index prefix. */
	l1 = key_index(32, 'o', "ali", NULL, 0, i1, sizeof i1);
	l2 = key_index(32, 'o', "alice", rk, rl, i2, sizeof i2);
	assert_true(l2 > l1);
	assert_memory_not_equal(i1, i2, l1);
}

/* Each entry has one handler of its kind, and its result case is a
 * message member of the Reply's result oneof. */
static void
test_rpc_entry_shape(const struct rpc_entry *e)
{
	const ProtobufCFieldDescriptor *rfd;
	int kinds = (e->read != NULL) + (e->apply != NULL) + (e->exec != NULL);

	if (kinds != 1)
		fail_msg("%s has %d handlers (read, apply, exec): needs one",
		         e->name, kinds);
	if ((e->flags & RPC_WRITE) && e->exec == NULL && e->apply == NULL)
		fail_msg("write %s has no apply function", e->name);
	if (!(e->flags & RPC_WRITE) && (e->apply != NULL || e->check != NULL))
		fail_msg("read %s has a write's apply or check", e->name);
	if ((e->flags & RPC_WRITE) && e->read != NULL)
		fail_msg("write %s has a read handler", e->name);
	if (e->result == 0) {
		/* Only an exec may reply without a result (Subscribe). */
		if (e->exec == NULL)
			fail_msg("%s names no result case", e->name);
		return;
	}
	rfd = protobuf_c_message_descriptor_get_field(
	    &isms__v1__reply__descriptor, e->result);
	if (rfd == NULL || !(rfd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
	    rfd->type != PROTOBUF_C_TYPE_MESSAGE)
		fail_msg("%s: result case %u is no Reply result member",
		         e->name, (unsigned)e->result);
}

/* Every Request oneof case has an RPC table entry, and nothing else. */
static void
test_rpc_table_complete(void **state)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	const struct rpc_field_role *f;
	const ProtobufCFieldDescriptor *cfd;
	const struct rpc_entry *e;
	unsigned i, cases = 0, entries = 0;

	(void)state;
	for (i = 0; i < md->n_fields; i++) {
		if (!(md->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		cases++;
		e = rpc_lookup(md->fields[i].id);
		if (e == NULL)
			fail_msg("Request.%s has no RPC table entry",
			         md->fields[i].name);
		assert_int_equal(e->call, md->fields[i].id);
	}
	for (e = rpc_table; e->name != NULL; e++) {
		test_rpc_entry_shape(e);
		entries++;
	}
	assert_int_equal(cases, entries);
	/* Each field that needs more than its call's role is a field of
	 * that call's message. */
	for (f = rpc_field_roles; f->field != NULL; f++) {
		assert_non_null(rpc_lookup(f->call));
		cfd = protobuf_c_message_descriptor_get_field(md, f->call);
		assert_non_null(cfd);
		if (pb_field_by_name(cfd->descriptor, f->field) == NULL)
			fail_msg("Request.%s has no field %s", cfd->name,
			         f->field);
		assert_true(f->role > rpc_lookup(f->call)->role);
	}
}

/* Every Record body is a register, with a distinct prefix. */
static void
test_register_table_complete(void **state)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__record__descriptor;
	const struct register_def *r, *const *p, *const *q;
	const char *const *d;
	unsigned i;

	(void)state;
	for (i = 0; i < md->n_fields; i++) {
		if (!(md->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		r = register_by_case(md->fields[i].id);
		if (r == NULL)
			fail_msg("Record.%s has no register",
			         md->fields[i].name);
		assert_string_equal(r->name, md->fields[i].name);
		assert_true(r->review_days > 0);
		/* Its derived fields are fields of its body. */
		for (d = r->derived; d != NULL && *d != NULL; d++)
			if (pb_field_by_name(md->fields[i].descriptor, *d) ==
			    NULL)
				fail_msg("register %s derives '%s', which its "
				         "body lacks",
				         r->name, *d);
	}
	for (p = registers; *p != NULL; p++)
		for (q = p + 1; *q != NULL; q++)
			assert_string_not_equal((*p)->prefix, (*q)->prefix);
	assert_ptr_equal(register_by_id("RSK-0042"), &register_risk);
	assert_ptr_equal(register_by_id("AST-1"), &register_asset);
	assert_null(register_by_id("RSKX-1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_natural_order),
	    cmocka_unit_test(test_bad_ids),
	    cmocka_unit_test(test_history_and_index_keys),
	    cmocka_unit_test(test_rpc_table_complete),
	    cmocka_unit_test(test_register_table_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
