/*
 * test_registers.c: every register's table row (required fields, status
 * lifecycle, dates, its own rules) driven through the real engine on a
 * temp LMDB store. The lifecycle test is generic: it walks every pair of
 * each status enum against the register's moves table.
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

#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"

#define TODAY   "2025-11-28" /* the date of who.now */
#define NSTATE  16           /* status enum values stay below this */
#define NFIELDS 16

struct fx {
	char dir[64];
	struct store *st;
	struct store_txn txn; /* one write txn per test, aborted at the end */
};

static const struct records_actor who = {"alice", 1764320000};

/* A body every rule of its register accepts in every status. */
struct fixture {
	const char *reg;
	const char *sets[NFIELDS]; /* "path=value" under the body */
};

static const struct fixture fixtures[] = {
    {"scope", {"statement=All services of Example Ltd"}},
    {"issue", {"kind=external", "description=NIS2 obligations"}},
    {"party", {"party=Customers", "requirements=Data protection"}},
    {"document", {"kind=policy", "version=1.0", "approval.by=ceo"}},
    {"role", {"responsibilities=Runs the ISMS", "holders=alice"}},
    {"asset", {"kind=hardware", "confidentiality=3"}},
    {"risk", {"likelihood=2", "impact=2"}},
    {"treatment", {"action=Encrypt laptops", "due_on=2026-01-31"}},
    {"control",
     {"applicable=true", "justification=Laptops leave the office",
      "last_tested_on=2025-10-01"}},
    {"requirement",
     {"evidence=Risk method v1", "parent=6.1", "assessable=true"}},
    {"objective",
     {"measure=Phishing click rate", "target=below 5%", "due_on=2026-06-30",
      "result=3%"}},
    {"competence",
     {"person=bob", "training=Security awareness", "completed_on=2025-11-01",
      "expires_on=2026-11-01"}},
    {"communication", {"what=Awareness newsletter"}},
    {"supplier",
     {"service=Cloud hosting", "criticality=high", "agreement=DPA 2025",
      "last_assessed_on=2025-09-15"}},
    {"incident",
     {"severity=high", "source=alertmanager", "detected_at=1764310000"}},
    {"metric", {"measure=Patch latency"}},
    {"audit",
     {"planned_on=2026-03-02", "performed_on=2026-03-03",
      "conclusion=Conforms, two minor NCs"}},
    {"finding", {"kind=observation", "description=Logs kept 60 days"}},
    {"mreview", {"held_on=2026-04-01", "attendees=ceo"}},
    {"nonconformity",
     {"description=Backups not tested", "source=finding",
      "correction=Restore tested", "root_cause=No owner",
      "effectiveness.by=carol", "effectiveness.result=effective"}},
    {"action", {"kind=corrective", "due_on=2026-01-15"}},
    {"legal", {"kind=regulation", "reference=GDPR", "how_met=DPO appointed"}},
    {"milestone", {"phase=internal_audit", "target_on=2026-03-31"}},
};

/* The id the catalog gives a record of reg in these tests. */
static const char *
catalog_id(const struct register_def *reg)
{
	return reg == &register_control ? "A.5.1" : "6.1.2";
}

/* A fresh temp store with an open write txn. */
static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	struct isms_err err;

	strcpy(fx->dir, "/tmp/isms-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(store_open(&fx->st, fx->dir, 64u << 20, &err), 0);
	assert_int_equal(store_write_begin(fx->st, NULL, &fx->txn), 0);
	*state = fx;
	return 0;
}

/* Throws the txn and the store away. */
static int
teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	store_abort(&fx->txn);
	store_close(fx->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* The fixture of register name (fails the test when there is none). */
static const struct fixture *
fixture_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
		if (strcmp(fixtures[i].reg, name) == 0)
			return &fixtures[i];
	fail_msg("no fixture for register %s", name);
	return NULL;
}

/* The field at dotted path under m and its parent; NULL parent if absent. */
static const ProtobufCFieldDescriptor *
walk_path(ProtobufCMessage **m, const char *path, bool create)
{
	const ProtobufCFieldDescriptor *fd;
	char buf[128], *p, *dot;

	snprintf(buf, sizeof buf, "%s", path);
	for (p = buf;; p = dot) {
		if ((dot = strchr(p, '.')) != NULL)
			*dot++ = '\0';
		fd = pb_field_by_name((*m)->descriptor, p);
		if (fd == NULL)
			fail_msg("no field '%s' in %s", p,
			         (*m)->descriptor->name);
		if (dot == NULL)
			return fd;
		if ((*m = pb_submsg(*m, fd, create)) == NULL)
			return fd;
	}
}

/* Sets the field at dotted path under m from text, creating parents. */
static void
set_path(ProtobufCMessage *m, const char *path, const char *text)
{
	const ProtobufCFieldDescriptor *fd = walk_path(&m, path, true);
	struct isms_err err;

	if (pb_field_set_text(m, fd, text, &err) != 0)
		fail_msg("set %s=%s: %s", path, text, err.msg);
}

/* Clears the field at dotted path under m, if its parents exist. */
static void
clear_path(ProtobufCMessage *m, const char *path)
{
	const ProtobufCFieldDescriptor *fd = walk_path(&m, path, false);

	if (m != NULL)
		pb_field_clear(m, fd);
}

/* Applies "path=value" settings (NULL-terminated or full array) to m. */
static void
set_all(ProtobufCMessage *m, const char *const *sets, size_t max)
{
	char path[128];
	const char *eq;
	size_t i;

	for (i = 0; i < max && sets[i] != NULL; i++) {
		eq = strchr(sets[i], '=');
		assert_non_null(eq);
		snprintf(path, sizeof path, "%.*s", (int)(eq - sets[i]),
		         sets[i]);
		if (eq[1] == '\0')
			clear_path(m, path);
		else
			set_path(m, path, eq + 1);
	}
}

/* A new record of reg: a title, the fixture, extra settings, omit gone. */
static Isms__V1__Record *
new_record(const struct register_def *reg, const char *const *extra,
           const char *omit)
{
	Isms__V1__Record *rec;
	ProtobufCMessage *body;

	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	rec->title = strdup("a record");
	body = pb_submsg(&rec->base,
	                 protobuf_c_message_descriptor_get_field(
	                     &isms__v1__record__descriptor, reg->body_case),
	                 true);
	set_all(body, fixture_of(reg->name)->sets, NFIELDS);
	if (extra != NULL)
		set_all(body, extra, NFIELDS);
	if (omit != NULL)
		clear_path(body, omit);
	return rec;
}

/*
 * Stores rec (taken) as a client's create, or with catalog set as the
 * catalog loader does (its id set, validated, stored). The id goes to id.
 */
static int
add_rec(struct store_txn *txn, const struct register_def *reg,
        Isms__V1__Record *rec, bool catalog, char *id, size_t idlen,
        struct isms_err *err)
{
	const ProtobufCFieldDescriptor *sfd = register_status_field(reg);
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record *out = NULL;
	ProtobufCMessage *body = register_body(rec);
	int rc;

	if (!catalog) {
		put.record = rec;
		if ((rc = records_put(txn, &put, &who, &out, err)) == 0) {
			snprintf(id, idlen, "%s", out->id);
			protobuf_c_message_free_unpacked(&out->base, NULL);
		}
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return rc;
	}
	rec->id = strdup(catalog_id(reg));
	if (!pb_field_present(body, sfd)) {
		*(int *)pb_field_ptr(body, sfd) = reg->initial_status;
		*(protobuf_c_boolean *)((char *)body + sfd->quantifier_offset) =
		    1;
	}
	rec->has_review_interval_days = 1;
	rec->review_interval_days = reg->review_days;
	if ((rc = records_validate(txn, reg, rec, NULL, &who, err)) == 0 &&
	    (rc = records_store_new(txn, reg, rec, &who, err)) == 0)
		snprintf(id, idlen, "%s", rec->id);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return rc;
}

/* Adds the fixture of reg (through the catalog if it is catalog-only). */
static int
add(struct store_txn *txn, const struct register_def *reg,
    const char *const *extra, const char *omit, char *id, size_t idlen,
    struct isms_err *err)
{
	return add_rec(txn, reg, new_record(reg, extra, omit),
	               reg->catalog_only, id, idlen, err);
}

/* Adds the fixture of reg and requires success; returns the new id. */
static void
add_ok(struct store_txn *txn, const struct register_def *reg,
       const char *const *extra, char *id, size_t idlen)
{
	struct isms_err err;

	if (add(txn, reg, extra, NULL, id, idlen, &err) != 0)
		fail_msg("add %s: %s", reg->name, err.msg);
}

/*
 * Changes body fields of id: "path=value" sets, "path=" clears. With an
 * update mask naming each path, or (nomask) merging what is sent.
 */
static int
change(struct store_txn *txn, const char *id, const struct register_def *reg,
       const char *const *sets, bool nomask, struct isms_err *err)
{
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record *rec, *out = NULL;
	char *mask[NFIELDS];
	const char *eq;
	size_t n;
	int rc;

	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	rec->id = strdup(id);
	pb_submsg(&rec->base,
	          protobuf_c_message_descriptor_get_field(
	              &isms__v1__record__descriptor, reg->body_case),
	          true);
	for (n = 0; sets[n] != NULL; n++) {
		assert_true(n < NFIELDS);
		eq = strchr(sets[n], '=');
		mask[n] =
		    malloc(strlen(reg->name) + 2 + (size_t)(eq - sets[n]));
		sprintf(mask[n], "%s.%.*s", reg->name, (int)(eq - sets[n]),
		        sets[n]);
	}
	set_all(register_body(rec), sets, n);
	put.record = rec;
	put.update_mask = nomask ? NULL : mask;
	put.n_update_mask = nomask ? 0 : n;
	rc = records_put(txn, &put, &who, &out, err);
	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	while (n > 0)
		free(mask[--n]);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return rc;
}

/* change() through the update mask with one or two settings. */
static int
set1(struct store_txn *txn, const char *id, const struct register_def *reg,
     const char *a, const char *b, struct isms_err *err)
{
	const char *sets[3] = {a, b, NULL};

	return change(txn, id, reg, sets, false, err);
}

/* Like set1 but requires success. */
static void
set_ok(struct store_txn *txn, const char *id, const struct register_def *reg,
       const char *a, const char *b)
{
	struct isms_err err;

	if (set1(txn, id, reg, a, b, &err) != 0)
		fail_msg("%s %s %s: %s", id, a, b ? b : "", err.msg);
}

/* Formats the stored field at path ("incident.resolved_at") of id into
 * buf; false when it is absent. */
static bool
stored(struct store_txn *txn, const char *id, const char *path, char *buf,
       size_t len)
{
	const ProtobufCFieldDescriptor *fd;
	Isms__V1__Record *rec = NULL;
	ProtobufCMessage *m;
	struct isms_err err;
	bool present;

	if (records_get(txn, id, 0, &rec, &err) != 0)
		fail_msg("get %s: %s", id, err.msg);
	m = &rec->base;
	fd = walk_path(&m, path, false);
	present = m != NULL && pb_field_present(m, fd);
	buf[0] = '\0';
	if (present)
		assert_int_equal(pb_field_format(m, fd, 0, buf, len), 0);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return present;
}

/* Asserts the stored field at path of id reads want (NULL: absent). */
static void
assert_stored(struct store_txn *txn, const char *id, const char *path,
              const char *want)
{
	char buf[256];
	bool present = stored(txn, id, path, buf, sizeof buf);

	if (want == NULL && present)
		fail_msg("%s %s: expected absent, got '%s'", id, path, buf);
	if (want != NULL && !present)
		fail_msg("%s %s: expected '%s', absent", id, path, want);
	if (want != NULL && strcmp(buf, want) != 0)
		fail_msg("%s %s: expected '%s', got '%s'", id, path, want, buf);
}

/* Asserts rc is -ISMS_EINVAL with a message holding every needle. */
static void
assert_einval(int rc, const struct isms_err *err, const char *n1,
              const char *n2)
{
	assert_int_equal(rc, -ISMS_EINVAL);
	if (strstr(err->msg, n1) == NULL ||
	    (n2 != NULL && strstr(err->msg, n2) == NULL))
		fail_msg("message '%s' lacks '%s' / '%s'", err->msg, n1,
		         n2 ? n2 : "");
}

/* Whether reg allows the status move a -> b. */
static bool
allowed(const struct register_def *reg, int a, int b)
{
	const struct register_move *m;

	if (reg->moves == NULL)
		return true;
	for (m = reg->moves; m->from != 0 || m->to != 0; m++)
		if (m->from == a && m->to == b)
			return true;
	return false;
}

/* Shortest move path from reg's initial status to s (initial excluded):
 * its length, or -1 if s cannot be reached. */
static int
path_to(const struct register_def *reg, const ProtobufCEnumDescriptor *ed,
        int s, int *path)
{
	int prev[NSTATE], queue[NSTATE], head = 0, tail = 0, v, w, n;
	bool seen[NSTATE] = {false};
	unsigned i;

	queue[tail++] = reg->initial_status;
	seen[reg->initial_status] = true;
	while (head < tail) {
		v = queue[head++];
		for (i = 0; i < ed->n_values; i++) {
			w = ed->values[i].value;
			if (w == 0 || seen[w] || !allowed(reg, v, w))
				continue;
			seen[w] = true;
			prev[w] = v;
			queue[tail++] = w;
		}
	}
	if (!seen[s])
		return -1;
	for (n = 0, v = s; v != reg->initial_status; v = prev[v])
		n++;
	for (w = n, v = s; v != reg->initial_status; v = prev[v])
		path[--w] = v;
	return n;
}

/* Moves id to status value s through the update mask. */
static int
move(struct store_txn *txn, const char *id, const struct register_def *reg,
     int s, struct isms_err *err)
{
	const ProtobufCFieldDescriptor *sfd = register_status_field(reg);
	char name[64], set[80];

	assert_non_null(pb_enum_name(sfd->descriptor, s, name, sizeof name));
	snprintf(set, sizeof set, "status=%s", name);
	return set1(txn, id, reg, set, NULL, err);
}

/* The table itself: one row per body, consistent with the proto. */
static void
test_table(void **state)
{
	static const char *const order[] = {
	    "scope",         "issue",       "party",     "document",
	    "role",          "asset",       "risk",      "treatment",
	    "control",       "requirement", "objective", "competence",
	    "communication", "supplier",    "incident",  "metric",
	    "audit",         "finding",     "mreview",   "nonconformity",
	    "action",        "legal",       "milestone", NULL};
	const ProtobufCMessageDescriptor *rd = &isms__v1__record__descriptor;
	const struct register_def *const *r, *const *q;
	const ProtobufCFieldDescriptor *sfd, *fd;
	const ProtobufCEnumDescriptor *ed;
	const struct register_move *m;
	const char *const *f;
	int path[NSTATE];
	size_t n = 0;
	unsigned i;

	(void)state;
	for (r = registers; *r != NULL; r++, n++) {
		assert_non_null(order[n]);
		assert_string_equal((*r)->name, order[n]);
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
		for (f = (*r)->required; f != NULL && *f != NULL; f++)
			assert_non_null(pb_field_by_name(fd->descriptor, *f));
		for (f = (*r)->derived; f != NULL && *f != NULL; f++)
			assert_non_null(pb_field_by_name(fd->descriptor, *f));
	}
	assert_null(order[n]);
	/* Every member of the body oneof has a row. */
	for (i = 0; i < rd->n_fields; i++)
		if (rd->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			assert_non_null(register_by_case(rd->fields[i].id));
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
	    {"SCOPE-0001", &register_scope},
	    {"ISS-0001", &register_issue},
	    {"IP-0001", &register_party},
	    {"DOC-0001", &register_document},
	    {"ROLE-0001", &register_role},
	    {"RTP-0001", &register_treatment},
	    {"OBJ-0001", &register_objective},
	    {"TRN-0001", &register_competence},
	    {"COM-0001", &register_communication},
	    {"SUP-0001", &register_supplier},
	    {"INC-0042", &register_incident},
	    {"KPI-0001", &register_metric},
	    {"AUD-0001", &register_audit},
	    {"FND-0001", &register_finding},
	    {"MR-0001", &register_mreview},
	    {"NC-0001", &register_nonconformity},
	    {"ACT-0001", &register_action},
	    {"LEG-0001", &register_legal},
	    {"MS-0001", &register_milestone},
	    {"RSK-0001", &register_risk},
	    {"AST-0001", &register_asset},
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
	size_t i;

	(void)state;
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

/* Incident: new -> triaged -> contained -> resolved -> closed. */
static void
test_incident(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_incident;
	struct records_actor later = {"bob", who.now + 3600};
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record *rec, *out = NULL;
	struct isms_err err;
	char id[64], at[32];

	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	assert_stored(&fx->txn, id, "incident.status", "new");
	assert_stored(&fx->txn, id, "incident.resolved_at", NULL);
	/* No shortcut from new to resolved. */
	assert_einval(set1(&fx->txn, id, reg, "status=resolved", NULL, &err),
	              &err, "field 'status'", "triaged");
	set_ok(&fx->txn, id, reg, "status=triaged", NULL);
	set_ok(&fx->txn, id, reg, "status=contained", NULL);
	set_ok(&fx->txn, id, reg, "status=resolved", NULL);
	snprintf(at, sizeof at, "%lld", (long long)who.now);
	assert_stored(&fx->txn, id, "incident.resolved_at", at);
	/* It recurs: back to triage, no longer resolved. */
	set_ok(&fx->txn, id, reg, "status=triaged", NULL);
	assert_stored(&fx->txn, id, "incident.resolved_at", NULL);
	/* Resolved again, later: the new time. */
	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	rec->id = strdup(id);
	set_path(&rec->base, "incident.status", "resolved");
	put.record = rec;
	assert_int_equal(records_put(&fx->txn, &put, &later, &out, &err), 0);
	assert_int_equal(out->incident->resolved_at, later.now);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	/* A resolution before detection is refused. */
	assert_einval(
	    set1(&fx->txn, id, reg, "resolved_at=1764300000", NULL, &err), &err,
	    "field 'resolved_at'", "detected_at");
	set_ok(&fx->txn, id, reg, "status=closed", NULL);
	/* Closed is final. */
	assert_einval(set1(&fx->txn, id, reg, "status=triaged", NULL, &err),
	              &err, "field 'status'", "nothing");
	/* A resolved_at the client gives is kept. */
	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	set_ok(&fx->txn, id, reg, "status=triaged", NULL);
	set_ok(&fx->txn, id, reg, "status=resolved", "resolved_at=1764315000");
	assert_stored(&fx->txn, id, "incident.resolved_at", "1764315000");
	/* A false positive closes from new without a resolution. */
	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	set_ok(&fx->txn, id, reg, "status=closed", NULL);
	assert_stored(&fx->txn, id, "incident.resolved_at", NULL);
}

/* Nonconformity: each 10.2 step leaves its evidence. */
static void
test_nonconformity(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_nonconformity;
	const char *bare[] = {"correction=", "root_cause=", "effectiveness.by=",
	                      "effectiveness.result=", NULL};
	struct isms_err err;
	char id[64], at[32];

	add_ok(&fx->txn, reg, bare, id, sizeof id);
	assert_stored(&fx->txn, id, "nonconformity.status", "open");
	assert_einval(
	    set1(&fx->txn, id, reg, "status=correction_done", NULL, &err), &err,
	    "field 'correction'", NULL);
	set_ok(&fx->txn, id, reg, "status=correction_done",
	       "correction=Restored the job");
	assert_einval(
	    set1(&fx->txn, id, reg, "status=action_planned", NULL, &err), &err,
	    "field 'root_cause'", NULL);
	/* Closing on the correction alone needs the evaluation of causes. */
	assert_einval(set1(&fx->txn, id, reg, "status=closed", NULL, &err),
	              &err, "field 'root_cause'", "10.2 b");
	set_ok(&fx->txn, id, reg, "status=action_planned",
	       "root_cause=No owner for backups");
	assert_einval(set1(&fx->txn, id, reg, "status=effectiveness_verified",
	                   NULL, &err),
	              &err, "field 'effectiveness.by'", NULL);
	assert_einval(set1(&fx->txn, id, reg, "status=effectiveness_verified",
	                   "effectiveness.by=carol", &err),
	              &err, "field 'effectiveness.result'", NULL);
	/* Skipping the check is no move at all. */
	assert_einval(set1(&fx->txn, id, reg, "status=closed", NULL, &err),
	              &err, "field 'status'", "effectiveness_verified");
	{
		const char *sets[] = {"status=effectiveness_verified",
		                      "effectiveness.by=carol",
		                      "effectiveness.result=recurred", NULL};

		assert_int_equal(change(&fx->txn, id, reg, sets, false, &err),
		                 0);
	}
	snprintf(at, sizeof at, "%lld", (long long)who.now);
	assert_stored(&fx->txn, id, "nonconformity.effectiveness.at", at);
	/* The check failed: plan again; the failed result stays on record. */
	set_ok(&fx->txn, id, reg, "status=action_planned", NULL);
	assert_stored(&fx->txn, id, "nonconformity.effectiveness.result",
	              "recurred");
	set_ok(&fx->txn, id, reg, "status=effectiveness_verified",
	       "effectiveness.result=no recurrence in 90 days");
	set_ok(&fx->txn, id, reg, "status=closed", NULL);
	assert_stored(&fx->txn, id, "nonconformity.status", "closed");
	assert_einval(set1(&fx->txn, id, reg, "status=open", NULL, &err), &err,
	              "field 'status'", NULL);
}

/* Document: draft -> approved -> retired; approved -> draft. */
static void
test_document(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_document;
	const char *bare[] = {"approval.by=", NULL};
	struct isms_err err;
	char id[64], at[32];

	add_ok(&fx->txn, reg, bare, id, sizeof id);
	assert_einval(set1(&fx->txn, id, reg, "status=approved", NULL, &err),
	              &err, "field 'approval.by'", NULL);
	set_ok(&fx->txn, id, reg, "status=approved", "approval.by=ceo");
	snprintf(at, sizeof at, "%lld", (long long)who.now);
	assert_stored(&fx->txn, id, "document.approval.at", at);
	assert_stored(&fx->txn, id, "document.approval.by", "ceo");
	/* Change control: no new version while approved. */
	assert_einval(set1(&fx->txn, id, reg, "version=2.0", NULL, &err), &err,
	              "field 'version'", "draft");
	assert_einval(
	    set1(&fx->txn, id, reg, "content_hash=sha256:00", NULL, &err), &err,
	    "field 'content_hash'", NULL);
	set_ok(&fx->txn, id, reg, "location=https://intra/isp", NULL);
	/* A new version: back to draft, the approval goes. */
	set_ok(&fx->txn, id, reg, "status=draft", "version=2.0");
	assert_stored(&fx->txn, id, "document.approval.by", NULL);
	assert_einval(set1(&fx->txn, id, reg, "status=approved", NULL, &err),
	              &err, "field 'approval.by'", NULL);
	set_ok(&fx->txn, id, reg, "status=approved", "approval.by=board");
	set_ok(&fx->txn, id, reg, "status=retired", NULL);
	assert_einval(set1(&fx->txn, id, reg, "status=approved", NULL, &err),
	              &err, "field 'status'", "draft");
	/* Creating an approved document needs its approver too. */
	{
		const char *extra[] = {"status=approved", "approval.by=", NULL};

		assert_einval(
		    add(&fx->txn, reg, extra, NULL, id, sizeof id, &err), &err,
		    "field 'approval.by'", NULL);
	}
}

/* Action and milestone: done stamps done_on today, reopening clears it. */
static void
test_done_on(void **state)
{
	struct fx *fx = *state;
	const struct register_def *regs[] = {&register_action,
	                                     &register_milestone};
	char id[64], path[64];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s.done_on", regs[i]->name);
		add_ok(&fx->txn, regs[i], NULL, id, sizeof id);
		set_ok(&fx->txn, id, regs[i], "status=in_progress", NULL);
		assert_stored(&fx->txn, id, path, NULL);
		set_ok(&fx->txn, id, regs[i], "status=done", NULL);
		assert_stored(&fx->txn, id, path, TODAY);
		set_ok(&fx->txn, id, regs[i], "status=in_progress", NULL);
		assert_stored(&fx->txn, id, path, NULL);
		/* A date the client gives is kept. */
		set_ok(&fx->txn, id, regs[i], "status=done",
		       "done_on=2025-11-20");
		assert_stored(&fx->txn, id, path, "2025-11-20");
	}
}

/* Treatment: progress is a percentage; done is 100. */
static void
test_treatment(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_treatment;
	struct isms_err err;
	char id[64];

	add_ok(&fx->txn, reg, NULL, id, sizeof id);
	assert_einval(set1(&fx->txn, id, reg, "progress=101", NULL, &err), &err,
	              "field 'progress'", "101");
	set_ok(&fx->txn, id, reg, "status=in_progress", "progress=60");
	assert_einval(
	    set1(&fx->txn, id, reg, "status=done", "progress=80", &err), &err,
	    "field 'progress'", "80");
	set_ok(&fx->txn, id, reg, "status=done", NULL);
	assert_stored(&fx->txn, id, "treatment.progress", "100");
	assert_einval(set1(&fx->txn, id, reg, "progress=90", NULL, &err), &err,
	              "field 'progress'", "done");
	set_ok(&fx->txn, id, reg, "status=in_progress", "progress=90");
	assert_stored(&fx->txn, id, "treatment.progress", "90");
}

/* Control: the SoA's applicability rules and catalog fields. */
static void
test_control(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_control;
	const char *bare[] = {"applicable=", "justification=", NULL};
	const char *catalog[] = {"theme=A.5 Organizational controls",
	                         "edition=ISO/IEC 27001:2022",
	                         "applicable=", NULL};
	struct isms_err err;
	char id[64];

	add_ok(&fx->txn, reg, bare, id, sizeof id);
	assert_string_equal(id, "CTL-0001");
	assert_einval(set1(&fx->txn, id, reg, "applicable=false", NULL, &err),
	              &err, "field 'justification'", "excluding");
	set_ok(&fx->txn, id, reg, "applicable=false",
	       "justification=No development done in house");
	assert_einval(set1(&fx->txn, id, reg, "status=planned", NULL, &err),
	              &err, "field 'status'", "not applicable");
	/* Implemented means applicable: unset is not enough. */
	set_ok(&fx->txn, id, reg, "applicable=", NULL);
	assert_einval(set1(&fx->txn, id, reg, "status=implemented", NULL, &err),
	              &err, "field 'applicable'", "implemented");
	set_ok(&fx->txn, id, reg, "status=implemented", "applicable=true");
	/* Excluding it again, in one change. */
	{
		const char *sets[] = {"status=not_started", "applicable=false",
		                      NULL};

		assert_int_equal(change(&fx->txn, id, reg, sets, false, &err),
		                 0);
	}
	/* The catalog fields are the server's. */
	{
		/* Sent on create: dropped, never stored. */
		const char *extra[] = {"theme=A.5", NULL};

		assert_int_equal(
		    add(&fx->txn, reg, extra, NULL, id, sizeof id, &err), 0);
		assert_stored(&fx->txn, id, "control.theme", NULL);
	}
	assert_int_equal(add_rec(&fx->txn, reg, new_record(reg, catalog, NULL),
	                         true, id, sizeof id, &err),
	                 0);
	assert_string_equal(id, "A.5.1");
	assert_ptr_equal(register_by_id(id), reg);
	assert_einval(set1(&fx->txn, id, reg, "theme=A.6", NULL, &err), &err,
	              "field 'theme'", "derived");
	{
		/* A whole-record put (no mask) cannot change them either. */
		const char *sets[] = {"edition=ISO/IEC 27001:2013", NULL};

		assert_int_equal(change(&fx->txn, id, reg, sets, true, &err),
		                 0);
		assert_stored(&fx->txn, id, "control.edition",
		              "ISO/IEC 27001:2022");
	}
	{
		/* Sending the catalog's values back unchanged is fine. */
		const char *sets[] = {"theme=A.5 Organizational controls",
		                      "applicable=true", "status=implemented",
		                      NULL};

		assert_int_equal(change(&fx->txn, id, reg, sets, true, &err),
		                 0);
	}
	assert_stored(&fx->txn, id, "control.theme",
	              "A.5 Organizational controls");
	assert_stored(&fx->txn, id, "control.status", "implemented");
	/* implemented -> planned skips partial. */
	assert_einval(set1(&fx->txn, id, reg, "status=planned", NULL, &err),
	              &err, "field 'status'", "partial");
}

/* Requirement: catalog only; met needs evidence; headings not assessed. */
static void
test_requirement(void **state)
{
	struct fx *fx = *state;
	const struct register_def *reg = &register_requirement;
	const char *heading[] = {"assessable=false", "parent=", NULL};
	const char *bare[] = {"evidence=", NULL};
	struct isms_err err;
	uint64_t live, archived;
	char id[64];
	int rc;

	assert_ptr_equal(register_by_id("6.1.2"), reg);
	/* requirement add: refused, nothing stored. */
	rc = add_rec(&fx->txn, reg, new_record(reg, NULL, NULL), false, id,
	             sizeof id, &err);
	assert_einval(rc, &err, "catalog", "cannot be added");
	assert_int_equal(
	    records_count(&fx->txn, register_code(reg), &live, &archived), 0);
	assert_int_equal(live, 0);
	/* The catalog's record. */
	assert_int_equal(add_rec(&fx->txn, reg, new_record(reg, bare, NULL),
	                         true, id, sizeof id, &err),
	                 0);
	assert_string_equal(id, "6.1.2");
	assert_stored(&fx->txn, id, "requirement.status", "not_met");
	assert_stored(&fx->txn, id, "requirement.parent", "6.1");
	assert_einval(set1(&fx->txn, id, reg, "status=met", NULL, &err), &err,
	              "field 'evidence'", "met");
	set_ok(&fx->txn, id, reg, "status=partial", NULL);
	set_ok(&fx->txn, id, reg, "status=met", "evidence=Risk method v2");
	assert_einval(set1(&fx->txn, id, reg, "text=licensed", NULL, &err),
	              &err, "field 'text'", "derived");
	{
		const char *sets[] = {"parent=6", NULL};

		assert_int_equal(change(&fx->txn, id, reg, sets, true, &err),
		                 0);
	}
	assert_stored(&fx->txn, id, "requirement.parent", "6.1");
	/* A heading (6) holds no status of its own. */
	{
		Isms__V1__Record *rec = new_record(reg, heading, NULL);

		rec->id = strdup("6");
		rec->has_review_interval_days = 1;
		rec->review_interval_days = reg->review_days;
		set_path(&rec->base, "requirement.status", "not_met");
		assert_int_equal(
		    records_validate(&fx->txn, reg, rec, NULL, &who, &err), 0);
		assert_int_equal(
		    records_store_new(&fx->txn, reg, rec, &who, &err), 0);
		protobuf_c_message_free_unpacked(&rec->base, NULL);
	}
	assert_einval(set1(&fx->txn, "6", reg, "status=partial", NULL, &err),
	              &err, "field 'status'", "heading");
	set_ok(&fx->txn, "6", reg, "notes=see 6.1 to 6.3", NULL);
}

/* The smaller rules of the other registers. */
static void
test_other_rules(void **state)
{
	struct fx *fx = *state;
	struct isms_err err;
	char id[64];

	/* Competence: completing stamps today; expiry after completion. */
	{
		const char *bare[] = {"completed_on=", "expires_on=", NULL};

		add_ok(&fx->txn, &register_competence, bare, id, sizeof id);
		set_ok(&fx->txn, id, &register_competence, "status=completed",
		       NULL);
		assert_stored(&fx->txn, id, "competence.completed_on", TODAY);
		assert_einval(set1(&fx->txn, id, &register_competence,
		                   "expires_on=2025-01-01", NULL, &err),
		              &err, "field 'expires_on'", "completed_on");
		set_ok(&fx->txn, id, &register_competence,
		       "expires_on=2026-11-28", NULL);
		/* Renewal: the old completion date is not reused. */
		set_ok(&fx->txn, id, &register_competence, "status=expired",
		       "completed_on=2024-11-01");
		set_ok(&fx->txn, id, &register_competence, "status=completed",
		       NULL);
		assert_stored(&fx->txn, id, "competence.completed_on", TODAY);
		assert_einval(set1(&fx->txn, id, &register_competence,
		                   "status=planned", NULL, &err),
		              &err, "field 'status'", "expired");
	}
	/* Finding: a nonconformity is answered before it closes. */
	{
		const char *major[] = {"kind=major_nc", NULL};

		add_ok(&fx->txn, &register_finding, major, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_finding,
		                   "status=closed", NULL, &err),
		              &err, "field 'status'", "major_nc");
		set_ok(&fx->txn, id, &register_finding, "status=responded",
		       NULL);
		set_ok(&fx->txn, id, &register_finding, "status=closed", NULL);
		add_ok(&fx->txn, &register_finding, NULL, id, sizeof id);
		set_ok(&fx->txn, id, &register_finding, "status=closed", NULL);
	}
	/* Objective: an evaluated objective states its result. */
	{
		const char *bare[] = {"result=", NULL};

		add_ok(&fx->txn, &register_objective, bare, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_objective,
		                   "status=missed", NULL, &err),
		              &err, "field 'result'", "missed");
		set_ok(&fx->txn, id, &register_objective, "status=missed",
		       "result=8% clicked");
	}
	/* Legal: compliance says how. */
	{
		const char *bare[] = {"how_met=", NULL};

		add_ok(&fx->txn, &register_legal, bare, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_legal,
		                   "status=compliant", NULL, &err),
		              &err, "field 'how_met'", NULL);
		set_ok(&fx->txn, id, &register_legal, "status=gap", NULL);
	}
	/* Management review: held on a date, with attendees. */
	{
		const char *bare[] = {"held_on=", "attendees=", NULL};

		add_ok(&fx->txn, &register_mreview, bare, id, sizeof id);
		assert_einval(set1(&fx->txn, id, &register_mreview,
		                   "status=held", NULL, &err),
		              &err, "field 'held_on'", NULL);
		assert_einval(set1(&fx->txn, id, &register_mreview,
		                   "status=held", "held_on=2025-11-27", &err),
		              &err, "field 'attendees'", NULL);
		set_ok(&fx->txn, id, &register_mreview, "attendees=ceo",
		       "held_on=2025-11-27");
		set_ok(&fx->txn, id, &register_mreview, "status=held", NULL);
	}
	/* Audit: a report has its date and conclusion. */
	{
		const char *bare[] = {"performed_on=", "conclusion=", NULL};

		add_ok(&fx->txn, &register_audit, bare, id, sizeof id);
		set_ok(&fx->txn, id, &register_audit, "status=in_progress",
		       NULL);
		assert_einval(set1(&fx->txn, id, &register_audit,
		                   "status=reported", "performed_on=2026-03-03",
		                   &err),
		              &err, "field 'conclusion'", NULL);
		assert_einval(set1(&fx->txn, id, &register_audit,
		                   "status=closed", NULL, &err),
		              &err, "field 'status'", "reported");
	}
	/* Scope: every exclusion is justified. */
	{
		Isms__V1__Record *rec = new_record(&register_scope, NULL, NULL);
		Isms__V1__Scope *s = rec->scope;

		s->n_exclusions = 1;
		s->exclusions = calloc(1, sizeof *s->exclusions);
		s->exclusions[0] = (Isms__V1__Exclusion *)pb_new(
		    &isms__v1__exclusion__descriptor);
		s->exclusions[0]->what = strdup("Physical site security");
		assert_einval(add_rec(&fx->txn, &register_scope, rec, false, id,
		                      sizeof id, &err),
		              &err, "field 'exclusions.justification'",
		              "Physical site security");
		rec = new_record(&register_scope, NULL, NULL);
		s = rec->scope;
		s->n_exclusions = 1;
		s->exclusions = calloc(1, sizeof *s->exclusions);
		s->exclusions[0] = (Isms__V1__Exclusion *)pb_new(
		    &isms__v1__exclusion__descriptor);
		s->exclusions[0]->what = strdup("Physical site security");
		s->exclusions[0]->justification = strdup("Hosted by provider");
		assert_int_equal(add_rec(&fx->txn, &register_scope, rec, false,
		                         id, sizeof id, &err),
		                 0);
	}
}

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
	    cmocka_unit_test_setup_teardown(test_incident, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nonconformity, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_document, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_done_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_treatment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_control, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_requirement, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_rules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
