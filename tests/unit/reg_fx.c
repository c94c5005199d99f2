/* reg_fx.c: the shared fixture and helpers of the register tests. */
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

#include "evidence.h"
#include "links.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "relations.h"
#include "signoff.h"
#include "store.h"
#include "reg_fx.h"
#include "store_fx.h"

const struct records_actor who = {"alice", 1764320000};

static const struct fixture fixtures[] = {
    {"scope", {"statement=All services of Example Ltd"}},
    {"issue", {"kind=external", "description=NIS2 obligations"}},
    {"party", {"party=Customers", "requirements=Data protection"}},
    {"document", {"kind=policy", "version=1.0"}},
    {"role", {"responsibilities=Runs the ISMS", "holders=alice"}},
    {"asset", {"kind=hardware", "confidentiality=3"}},
    {"risk", {"likelihood=2", "impact=2"}},
    {"treatment", {"action=Encrypt laptops", "due_on=2026-01-31"}},
    {"control",
     {"applicable=true", "justification=Laptops leave the office",
      "last_tested_on=2025-10-01"},
     "A.5.1"},
    {"requirement",
     {"evidence=Risk method v1", "parent=6.1", "assessable=true"},
     "6.1.2"},
    {"objective",
     {"measure=Phishing click rate", "target=< 5%", "due_on=2026-06-30",
      "result=3%"}},
    {"competence",
     {"person=bob", "training=Security awareness", "completed_on=2025-11-01",
      "expires_on=2026-11-01"}},
    {"communication", {"what=Awareness newsletter"}},
    {"supplier",
     {"service=Cloud hosting", "criticality=high", "agreement=DPA 2025",
      "last_assessed_on=2025-09-15"}},
    {"incident",
     {"severity=high", "detected_at=1764310000",
      "lessons_learned=Alert on the first failed login"}},
    {"metric", {"measure=Patch latency"}},
    {"audit",
     {"planned_on=2026-03-02", "performed_on=2026-03-03",
      "conclusion=Conforms, two minor NCs"}},
    {"finding", {"kind=observation", "description=Logs kept 60 days"}},
    {"mreview",
     {"held_on=2026-04-01", "attendees=ceo", "input_previous_actions=done",
      "input_changes=none", "input_party_needs=NIS2", "input_performance=2 NCs",
      "input_party_feedback=none", "input_risk=2 high",
      "input_improvement=SIEM", "decisions=Fund the SIEM"}},
    {"nonconformity",
     {"description=Backups not tested", "source=finding",
      "correction=Restore tested", "root_cause=No owner"}},
    {"action", {"kind=corrective", "due_on=2026-01-15"}},
    {"legal", {"kind=regulation", "reference=GDPR", "how_met=DPO appointed"}},
    {"milestone", {"phase=internal_audit", "target_on=2026-03-31"}},
};

/* A fresh temp store with an open write txn. */
int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	struct isms_err err;

	strcpy(fx->dir, "/tmp/isms-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(store_open(&fx->st, fx->dir, 64u << 20, &err), 0);
	assert_int_equal(store_write_begin(fx->st, NULL, &fx->txn), 0);
	store_fx_add_owners(&fx->txn);
	*state = fx;
	return 0;
}

/* Throws the txn and the store away. */
int
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
const struct fixture *
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
void
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
Isms__V1__Record *
new_record(const struct register_def *reg, const char *const *extra,
           const char *omit)
{
	Isms__V1__Record *rec;
	ProtobufCMessage *body;

	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	rec->title = strdup("a record");
	rec->owner = strdup("alice"); /* a user (store_fx_add_owners) */
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
int
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
	assert_non_null(fixture_of(reg->name)->catalog_id);
	rec->id = strdup(fixture_of(reg->name)->catalog_id);
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
int
add(struct store_txn *txn, const struct register_def *reg,
    const char *const *extra, const char *omit, char *id, size_t idlen,
    struct isms_err *err)
{
	return add_rec(txn, reg, new_record(reg, extra, omit),
	               reg->catalog_only, id, idlen, err);
}

/* Adds the fixture of reg and requires success; returns the new id. */
void
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
int
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
int
set1(struct store_txn *txn, const char *id, const struct register_def *reg,
     const char *a, const char *b, struct isms_err *err)
{
	const char *sets[3] = {a, b, NULL};

	return change(txn, id, reg, sets, false, err);
}

/* Like set1 but requires success. */
void
set_ok(struct store_txn *txn, const char *id, const struct register_def *reg,
       const char *a, const char *b)
{
	struct isms_err err;

	if (set1(txn, id, reg, a, b, &err) != 0)
		fail_msg("%s %s %s: %s", id, a, b ? b : "", err.msg);
}

/* Formats the stored field at path ("incident.resolved_at") of id into
 * buf; false when it is absent. */
bool
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
void
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
void
assert_einval(int rc, const struct isms_err *err, const char *n1,
              const char *n2)
{
	assert_int_equal(rc, -ISMS_EINVAL);
	if (strstr(err->msg, n1) == NULL ||
	    (n2 != NULL && strstr(err->msg, n2) == NULL))
		fail_msg("message '%s' lacks '%s' / '%s'", err->msg, n1,
		         n2 ? n2 : "");
}

int
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
			if (w == 0 || seen[w] ||
			    !register_move_allowed(reg, v, w))
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

int
sign(struct store_txn *txn, const char *id, const char *user, bool admin,
     const char *note, const char *until, struct isms_err *err)
{
	Isms__V1__SignOff so = ISMS__V1__SIGN_OFF__INIT;
	struct records_actor signer = {user, who.now};
	Isms__V1__Record *out = NULL;
	int rc;

	so.id = (char *)id;
	so.note = (char *)note;
	so.until = (char *)until;
	rc = signoff_apply(txn, &so, &signer, admin, &out, err);
	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

/* A relation the table allows from register from to register to. */
static const char *
rel_joining(const char *from, const char *to)
{
	char why[512];
	size_t i;

	for (i = 0; i < relations_count; i++)
		if (relation_check(relations[i].rel, from, to, why,
		                   sizeof why) == 0)
			return relations[i].rel;
	fail_msg("no relation joins %s to %s", from, to);
	return NULL;
}

/* Makes a record of l's register in l's status and links it to id. */
static void
link_needed(struct store_txn *txn, const char *id,
            const struct register_linked *l)
{
	const struct register_def *r = register_by_name(l->reg);
	Isms__V1__LinkEdit le = ISMS__V1__LINK_EDIT__INIT;
	Isms__V1__Record *out = NULL;
	struct isms_err err;
	int path[NSTATE], n, k;
	char other[64];

	add_ok(txn, r, NULL, other, sizeof other);
	if (l->status != 0) {
		n = path_to(r, register_status_field(r)->descriptor, l->status,
		            path);
		for (k = 0; k < n; k++)
			if (move_to(txn, other, r, path[k], &err) != 0)
				fail_msg("%s to %d: %s", other, path[k],
				         err.msg);
	}
	le.source = other;
	le.rel = (char *)rel_joining(r->name, register_by_id(id)->name);
	le.target = (char *)id;
	if (links_edit(txn, &le, &who, &out, &err) != 0)
		fail_msg("link %s %s %s: %s", other, le.rel, id, err.msg);
	protobuf_c_message_free_unpacked(&out->base, NULL);
}

int
move_to(struct store_txn *txn, const char *id, const struct register_def *reg,
        int s, struct isms_err *err)
{
	const ProtobufCFieldDescriptor *sfd = register_status_field(reg);
	const struct register_state *st = register_state_of(reg, s);
	const struct register_signoff *so = reg->signoff;
	Isms__V1__Record *rec = NULL;
	char name[64], set[80];
	int cur;

	assert_int_equal(records_get(txn, id, 0, &rec, err), 0);
	cur = register_status(reg, rec);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	if (st != NULL && st->linked != NULL &&
	    register_move_allowed(reg, cur, s))
		link_needed(txn, id, st->linked);
	if (so != NULL && so->to == s && register_move_allowed(reg, cur, s))
		return sign(txn, id, "root", true,
		            so->note != NULL ? "effective" : NULL, NULL, err);
	assert_non_null(pb_enum_name(sfd->descriptor, s, name, sizeof name));
	snprintf(set, sizeof set, "status=%s", name);
	return set1(txn, id, reg, set, NULL, err);
}
