/*
 * test_registers.c: the register table, ids, required fields, the status
 * lifecycle and dates, driven through the real engine on a temp LMDB
 * store. The lifecycle test is generic: it walks every pair of each status
 * enum against the register's moves table. Each register's own rules are
 * in test_register_rules.c; the fixture is in reg_fx.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "due_index.h"
#include "pbfield.h"
#include "records.h"
#include "records_fields.h"
#include "registers.h"
#include "store.h"
#include "reg_fx.h"

#define allowed(r, a, b)     register_move_allowed((r), (a), (b))
#define move(t, id, r, s, e) move_to((t), (id), (r), (s), (e))

/* The table itself: one row per line of the list, in its order,
 * consistent with the proto. */
static void
test_table(void **state)
{
	const ProtobufCMessageDescriptor *rd = &isms__v1__record__descriptor;
	const struct register_def *const *r, *const *q;
	const ProtobufCFieldDescriptor *sfd, *fd;
	const ProtobufCEnumDescriptor *ed;
	const struct register_move *m;
	const struct register_state *st;
	const struct fixture *fix;
	const char *const *f;
	int path[NSTATE];
	size_t n = 0;
	unsigned i;

	(void)state;
	for (r = registers; *r != NULL; r++, n++) {
		assert_true(n < REGLIST_COUNT);
		assert_string_equal((*r)->name, reglist[n].name);
		assert_string_equal((*r)->prefix, reglist[n].prefix);
		assert_int_equal((*r)->body_case, reglist[n].body_case);
		assert_int_equal(register_index((*r)->name), (int)n);
		/* Every register has its test fixture. */
		fix = fixture_of((*r)->name);
		assert_true(!(*r)->catalog_only || fix->catalog_id != NULL);
		assert_ptr_equal(register_by_name((*r)->name), *r);
		assert_ptr_equal(register_by_case((*r)->body_case), *r);
		fd = protobuf_c_message_descriptor_get_field(rd,
		                                             (*r)->body_case);
		assert_non_null(fd);
		assert_string_equal(fd->name, (*r)->name);
		assert_true((*r)->review_days > 0);
		for (q = registers; q != r; q++)
			assert_string_not_equal((*q)->prefix, (*r)->prefix);
		sfd = register_status_field(*r);
		assert_non_null(sfd);
		ed = sfd->descriptor;
		for (i = 0; i < ed->n_values; i++)
			assert_true(ed->values[i].value >= 0 &&
			            ed->values[i].value < NSTATE);
		assert_true((*r)->initial_status != 0);
		assert_non_null(protobuf_c_enum_descriptor_get_value(
		    ed, (*r)->initial_status));
		for (m = (*r)->moves; m != NULL && (m->from || m->to); m++) {
			assert_true(m->from != 0 && m->to != 0 &&
			            m->from != m->to);
			assert_non_null(
			    protobuf_c_enum_descriptor_get_value(ed, m->from));
			assert_non_null(
			    protobuf_c_enum_descriptor_get_value(ed, m->to));
		}
		/* Every state is reachable from the initial one. */
		for (i = 0; i < ed->n_values; i++)
			if (ed->values[i].value != 0 &&
			    path_to(*r, ed, ed->values[i].value, path) < 0)
				fail_msg("%s: status %s is unreachable",
				         (*r)->name, ed->values[i].name);
		for (st = (*r)->states; st != NULL && st->status != 0; st++) {
			assert_non_null(protobuf_c_enum_descriptor_get_value(
			    ed, st->status));
			/* A state entry says something: flags or evidence. */
			assert_true(st->flags != 0 || st->evidence != NULL ||
			            st->linked != NULL || st->rule != NULL);
			assert_true(st->status != (*r)->initial_status ||
			            !(st->flags & REGISTER_SETTLED));
			/* The initial state needs nothing a create lacks. */
			assert_true(st->status != (*r)->initial_status ||
			            st->evidence == NULL);
			for (f = st->evidence; f != NULL && *f != NULL; f++) {
				struct pb_path pp;
				struct isms_err e;

				if (pb_path_resolve(fd->descriptor, *f, &pp,
				                    &e) != 0)
					fail_msg("%s: evidence '%s': %s",
					         (*r)->name, *f, e.msg);
			}
			if (st->linked != NULL)
				assert_non_null(
				    register_by_name(st->linked->reg));
			if (st->rule != NULL)
				assert_non_null(st->rule->check);
		}
		/* A sign-off's message is the server's, and its states
		 * exist; its covered fields are the body's. */
		if ((*r)->signoff != NULL) {
			const struct register_signoff *so = (*r)->signoff;

			assert_true(records_is_derived(*r, so->field));
			assert_non_null(
			    protobuf_c_enum_descriptor_get_value(ed, so->to));
			assert_non_null(protobuf_c_enum_descriptor_get_value(
			    ed, so->fallback));
			for (f = so->covers; f != NULL && *f != NULL; f++)
				assert_non_null(
				    pb_field_by_name(fd->descriptor, *f));
		}
		for (f = (*r)->required; f != NULL && *f != NULL; f++)
			assert_non_null(pb_field_by_name(fd->descriptor, *f));
		for (f = (*r)->derived; f != NULL && *f != NULL; f++)
			assert_non_null(pb_field_by_name(fd->descriptor, *f));
	}
	assert_int_equal(n, REGLIST_COUNT);
	/* Every member of the body oneof has a row, and nothing else does. */
	for (i = 0, n = 0; i < rd->n_fields; i++)
		if (rd->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			assert_non_null(register_by_case(rd->fields[i].id));
			n++;
		}
	assert_int_equal(n, REGLIST_COUNT);
}

/* Ids: prefixes, Annex A and clause numbers. */
static void
test_ids(void **state)
{
	static const struct {
		const char *id;
		const struct register_def *reg;
	} cases[] = {
	    {"A.5.10", &register_control},
	    {"A.8.34", &register_control},
	    {"CTL-0001", &register_control},
	    {"6.1.2", &register_requirement},
	    {"4", &register_requirement},
	    {"10.2", &register_requirement},
	    /* Not ids of anything. */
	    {"A.5", NULL},
	    {"A.5.", NULL},
	    {"A.05.1", NULL},
	    {"A.5.1x", NULL},
	    {"A.5.1.2", NULL},
	    {"6..1", NULL},
	    {"6.1.", NULL},
	    {"04.1", NULL},
	    {".4", NULL},
	    {"", NULL},
	    {"INC0001", NULL},
	    {"XYZ-0001", NULL},
	};
	const struct register_def *const *r;
	char id[32];
	size_t i;

	(void)state;
	/* Every register owns the ids made of its prefix. */
	for (r = registers; *r != NULL; r++) {
		snprintf(id, sizeof id, "%s-0042", (*r)->prefix);
		if (register_by_id(id) != *r)
			fail_msg("register_by_id(\"%s\") is not %s", id,
			         (*r)->name);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (register_by_id(cases[i].id) != cases[i].reg)
			fail_msg("register_by_id(\"%s\") is %s", cases[i].id,
			         register_by_id(cases[i].id)
			             ? register_by_id(cases[i].id)->name
			             : "NULL");
}

/* Create with the required fields; without each one, refused by name. */
static void
test_create_required(void **state)
{
	struct fx *fx = *state;
	const struct register_def *const *r;
	const struct fixture *fix;
	const char *const *f;
	char id[64], want[64], path[160], buf[256];
	struct isms_err err;
	size_t i;
	int rc;

	for (r = registers; *r != NULL; r++) {
		if ((*r)->catalog_only)
			continue;
		add_ok(&fx->txn, *r, NULL, id, sizeof id);
		snprintf(want, sizeof want, "%s-0001", (*r)->prefix);
		assert_string_equal(id, want);
		assert_ptr_equal(register_by_id(id), *r);
		/* Status starts at the initial one; interval is the row's. */
		snprintf(path, sizeof path, "%s.status", (*r)->name);
		assert_true(stored(&fx->txn, id, path, buf, sizeof buf));
		assert_string_equal(
		    buf, pb_enum_name(register_status_field(*r)->descriptor,
		                      (*r)->initial_status, want, sizeof want));
		/* (A risk's interval follows its level instead.) */
		snprintf(want, sizeof want, "%u", (*r)->review_days);
		if (!(*r)->uses_method)
			assert_stored(&fx->txn, id, "review_interval_days",
			              want);
		/* Every fixture value was stored as sent. */
		fix = fixture_of((*r)->name);
		for (i = 0; i < NFIELDS && fix->sets[i] != NULL; i++) {
			const char *eq = strchr(fix->sets[i], '=');

			snprintf(path, sizeof path, "%s.%.*s", (*r)->name,
			         (int)(eq - fix->sets[i]), fix->sets[i]);
			assert_stored(&fx->txn, id, path, eq + 1);
		}
		/* Each required field missing: refused, naming it. */
		for (f = (*r)->required; f != NULL && *f != NULL; f++) {
			rc = add(&fx->txn, *r, NULL, *f, id, sizeof id, &err);
			snprintf(want, sizeof want, "field '%s'", *f);
			assert_einval(rc, &err, want, "required");
		}
		/* An empty string is missing too. */
		for (f = (*r)->required; f != NULL && *f != NULL; f++) {
			Isms__V1__Record *rec = new_record(*r, NULL, NULL);
			ProtobufCMessage *body = register_body(rec);

			if (pb_field_by_name(body->descriptor, *f)->type !=
			    PROTOBUF_C_TYPE_STRING) {
				protobuf_c_message_free_unpacked(&rec->base,
				                                 NULL);
				continue;
			}
			set_path(body, *f, "");
			rc = add_rec(&fx->txn, *r, rec, false, id, sizeof id,
			             &err);
			snprintf(want, sizeof want, "field '%s'", *f);
			assert_einval(rc, &err, want, "required");
		}
		/* The title is always required. */
		{
			Isms__V1__Record *rec = new_record(*r, NULL, NULL);

			free(rec->title);
			rec->title = NULL;
			rc = add_rec(&fx->txn, *r, rec, false, id, sizeof id,
			             &err);
			assert_einval(rc, &err, "field 'title'", "required");
		}
	}
}

/*
 * Every pair (a, b) of every status enum, a reached from the initial
 * status by allowed moves: a -> b succeeds exactly when the moves table
 * has it, and is otherwise refused naming 'status' and both states.
 */
static void
test_moves(void **state)
{
	struct fx *fx = *state;
	const struct register_def *const *r;
	const ProtobufCEnumDescriptor *ed;
	char id[64], from[64], to[64], path[80];
	struct isms_err err;
	struct store_txn t;
	int steps[NSTATE], n, k, a, b, rc;
	size_t accepted, refused = 0, nmoves;
	const struct register_move *m;
	unsigned i, j;

	for (r = registers; *r != NULL; r++) {
		ed = register_status_field(*r)->descriptor;
		snprintf(path, sizeof path, "%s.status", (*r)->name);
		accepted = 0;
		for (i = 0; i < ed->n_values; i++) {
			if ((a = ed->values[i].value) == 0)
				continue;
			n = path_to(*r, ed, a, steps);
			assert_true(n >= 0);
			pb_enum_name(ed, a, from, sizeof from);
			for (j = 0; j < ed->n_values; j++) {
				if ((b = ed->values[j].value) == a)
					continue;
				pb_enum_name(ed, b, to, sizeof to);
				/* A nested txn per pair, thrown away. */
				assert_int_equal(
				    store_write_begin(fx->st, &fx->txn, &t), 0);
				add_ok(&t, *r, NULL, id, sizeof id);
				for (k = 0; k < n; k++)
					if (move(&t, id, *r, steps[k], &err) !=
					    0)
						fail_msg("%s: path to %s, step "
						         "%d: %s",
						         (*r)->name, from, k,
						         err.msg);
				rc = move(&t, id, *r, b, &err);
				if (allowed(*r, a, b)) {
					if (rc != 0)
						fail_msg(
						    "%s: %s -> %s refused: "
						    "%s",
						    (*r)->name, from, to,
						    err.msg);
					assert_stored(&t, id, path, to);
					accepted++;
				} else {
					if (rc == 0)
						fail_msg("%s: %s -> %s allowed",
						         (*r)->name, from, to);
					assert_einval(rc, &err,
					              "field 'status'", from);
					assert_non_null(strstr(err.msg, to));
					assert_stored(&t, id, path, from);
					refused++;
				}
				store_abort(&t);
			}
		}
		/* Each row of the table was exercised once. */
		for (nmoves = 0, m = (*r)->moves;
		     m != NULL && (m->from || m->to); m++)
			nmoves++;
		if ((*r)->moves != NULL)
			assert_int_equal(accepted, nmoves);
	}
	assert_true(refused > 100);
}

/* Every *_on field of every register is a calendar date. */
static void
test_dates(void **state)
{
	struct fx *fx = *state;
	const struct register_def *const *r;
	const ProtobufCMessageDescriptor *bd;
	const char *name;
	char id[64], set[96], want[96], path[96];
	struct isms_err err;
	size_t len, ndates = 0;
	unsigned i;
	int rc;

	for (r = registers; *r != NULL; r++) {
		bd = protobuf_c_message_descriptor_get_field(
		         &isms__v1__record__descriptor, (*r)->body_case)
		         ->descriptor;
		for (i = 0; i < bd->n_fields; i++) {
			name = bd->fields[i].name;
			len = strlen(name);
			if (len < 4 || strcmp(name + len - 3, "_on") != 0)
				continue;
			assert_int_equal(bd->fields[i].type,
			                 PROTOBUF_C_TYPE_STRING);
			ndates++;
			snprintf(want, sizeof want, "field '%s'", name);
			/* On create: 30 February is no date. */
			snprintf(set, sizeof set, "%s=2025-02-30", name);
			{
				const char *extra[] = {set, NULL};

				rc = add(&fx->txn, *r, extra, NULL, id,
				         sizeof id, &err);
			}
			assert_einval(rc, &err, want, "YYYY-MM-DD");
			/* On update, through the mask. */
			add_ok(&fx->txn, *r, NULL, id, sizeof id);
			snprintf(set, sizeof set, "%s=next tuesday", name);
			rc = set1(&fx->txn, id, *r, set, NULL, &err);
			assert_einval(rc, &err, want, "next tuesday");
			/* A real date is kept (between the fixture's dates). */
			snprintf(set, sizeof set, "%s=2026-02-28", name);
			set_ok(&fx->txn, id, *r, set, NULL);
			snprintf(path, sizeof path, "%s.%s", (*r)->name, name);
			assert_stored(&fx->txn, id, path, "2026-02-28");
		}
	}
	assert_true(ndates >= 13);
}

/* How many due items the due report lists for id, whatever the date. */
static size_t
due_items_of(struct store_txn *txn, const struct register_def *reg,
             const char *id)
{
	Isms__V1__Due q = ISMS__V1__DUE__INIT;
	Isms__V1__DueResult *out = calloc(1, sizeof *out);
	struct isms_err err;
	size_t i, n = 0;

	isms__v1__due_result__init(out);
	q.register_ = (char *)reg->name;
	assert_int_equal(due_query(txn, &q, "2099-12-31", out, &err), 0);
	for (i = 0; i < out->n_items; i++)
		n += strcmp(out->items[i]->id, id) == 0;
	protobuf_c_message_free_unpacked(&out->base, NULL);
	return n;
}

/*
 * For every register, a record in each of its settled states is not due:
 * no review, no reminder (a register's settled states once lived in a list
 * in due.c, and a new register's "rejected" stayed overdue for ever).
 */
static void
test_settled_not_due(void **state)
{
	struct fx *fx = *state;
	const struct register_def *const *r;
	const struct register_state *st;
	const ProtobufCEnumDescriptor *ed;
	char id[64], name[64];
	struct isms_err err;
	int path[NSTATE], n, k;
	size_t nsettled = 0;

	for (r = registers; *r != NULL; r++) {
		ed = register_status_field(*r)->descriptor;
		for (st = (*r)->states; st != NULL && st->status != 0; st++) {
			if (!(st->flags & REGISTER_SETTLED))
				continue;
			nsettled++;
			pb_enum_name(ed, st->status, name, sizeof name);
			add_ok(&fx->txn, *r, NULL, id, sizeof id);
			/* Before: due for its review at least. */
			if (due_items_of(&fx->txn, *r, id) == 0)
				fail_msg("%s %s: not due before it settles",
				         (*r)->name, id);
			n = path_to(*r, ed, st->status, path);
			assert_true(n > 0);
			for (k = 0; k < n; k++)
				if (move(&fx->txn, id, *r, path[k], &err) != 0)
					fail_msg("%s: move to %s: %s",
					         (*r)->name, name, err.msg);
			if (due_items_of(&fx->txn, *r, id) != 0)
				fail_msg("%s %s: still due when %s", (*r)->name,
				         id, name);
		}
	}
	assert_true(nsettled > 0);
}

/* Runs the table, id, required, lifecycle, date and due tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_ids),
	    cmocka_unit_test_setup_teardown(test_create_required, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_moves, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_settled_not_due, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
