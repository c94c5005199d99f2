/* records.c: the generic register engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "due_index.h"
#include "journal.h"
#include "keys.h"
#include "evidence.h"
#include "links.h"
#include "method.h"
#include "owners.h"
#include "pbfield.h"
#include "records.h"
#include "records_fields.h"
#include "records_refs.h"
#include "registers.h"
#include "timefmt.h"
#include "xmalloc.h"

#define RD (&isms__v1__record__descriptor)

/* Meta keys: 'n' code → next id number; 'c' code → live, archived. */
enum { META_COUNT = 'c' }; /* 'n': the id counters, records_ids.c */

int
records_unpack(const MDB_val *v, Isms__V1__Record **out, struct isms_err *err)
{
	*out = isms__v1__record__unpack(NULL, v->mv_size, v->mv_data);
	if (*out == NULL)
		return isms_err_set(err, ISMS_EDATALOSS,
		                    "a stored record does not decode");
	return 0;
}

int
records_load(struct store_txn *txn, const char *id,
             const struct register_def **regp, uint8_t *rk, size_t *rklen,
             Isms__V1__Record **out, struct isms_err *err)
{
	const struct register_def *reg;
	MDB_val v;
	int rc;

	if ((reg = register_by_id(id)) == NULL)
		return isms_err_set(err, ISMS_ENOTFOUND, "no record %s", id);
	if ((*rklen = key_record(register_code(reg), id, rk, RECKEY_MAX)) == 0)
		return isms_err_set(err, ISMS_EINVAL, "bad record id '%s'", id);
	rc = store_get(txn, DB_RECORDS, rk, *rklen, &v);
	if (rc == -ISMS_ENOTFOUND)
		return isms_err_set(err, ISMS_ENOTFOUND, "no record %s", id);
	if (rc != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	if (regp != NULL)
		*regp = reg;
	return records_unpack(&v, out, err);
}

/* Reads a record about to change; it must be live, or with archived set,
 * archived (an unarchive). */
static int
records_load_state(struct store_txn *txn, const char *id,
                   protobuf_c_boolean has_expect, uint64_t expect,
                   bool archived, const struct register_def **reg,
                   Isms__V1__Record **out, struct isms_err *err)
{
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	int rc;

	*out = NULL;
	if (id == NULL || id[0] == '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "a record id is required");
	if ((rc = records_load(txn, id, reg, rk, &rklen, out, err)) != 0)
		return rc;
	if (!archived && (*out)->archived)
		rc = isms_err_set(
		    err, ISMS_EPRECOND,
		    "%s is archived; archived records are kept as they are",
		    (*out)->id);
	else if (archived && !(*out)->archived)
		rc = isms_err_set(err, ISMS_EPRECOND,
		                  "%s is not archived: it is live already",
		                  (*out)->id);
	else if (has_expect && expect != (*out)->rev)
		rc = isms_err_set(
		    err, ISMS_ECONFLICT,
		    "%s was changed: it is at rev %llu, not rev %llu; get it "
		    "again and retry",
		    (*out)->id, (unsigned long long)(*out)->rev,
		    (unsigned long long)expect);
	if (rc != 0) {
		protobuf_c_message_free_unpacked((ProtobufCMessage *)*out,
		                                 NULL);
		*out = NULL;
	}
	return rc;
}

int
records_load_for_change(struct store_txn *txn, const char *id,
                        protobuf_c_boolean has_expect, uint64_t expect,
                        const struct register_def **reg, Isms__V1__Record **out,
                        struct isms_err *err)
{
	return records_load_state(txn, id, has_expect, expect, false, reg, out,
	                          err);
}

int
records_change(struct store_txn *txn, const struct records_change *ch,
               const struct records_actor *who, Isms__V1__Record **out,
               struct isms_err *err)
{
	struct records_edit ed = {.txn = txn,
	                          .who = who,
	                          .type =
	                              ISMS__V1__EVENT_TYPE__EVENT_TYPE_UPDATED};
	struct evidence_watch watch = {0};
	Isms__V1__Record *old;
	struct records_event ev;
	int rc;

	if ((rc = records_load_state(txn, ch->id, ch->has_expect, ch->expect,
	                             ch->archived, &ed.reg, &old, err)) != 0)
		return rc;
	ed.old = old;
	ed.rec = (Isms__V1__Record *)pb_dup(&old->base);
	evidence_watch_begin(&watch, txn, ed.reg, old);
	if ((rc = ch->fn(ch->arg, &ed, err)) != 0)
		goto done;
	ev.type = ed.type;
	ev.summary = ed.summary[0] != '\0' ? ed.summary : NULL;
	if ((rc = records_store_change(txn, ed.reg, old, ed.rec, who, &ev,
	                               err)) < 0)
		goto done;
	if (rc != RECORDS_UNCHANGED &&
	    (rc = evidence_watch_end(&watch, old->id, err)) != 0)
		goto done;
	/* Unchanged: no new revision, the record as it is. */
	if (rc == RECORDS_UNCHANGED) {
		*out = old;
		old = NULL;
	} else {
		*out = ed.rec;
		ed.rec = NULL;
	}
done:
	evidence_watch_free(&watch);
	if (old != NULL)
		protobuf_c_message_free_unpacked(&old->base, NULL);
	if (ed.rec != NULL)
		protobuf_c_message_free_unpacked(&ed.rec->base, NULL);
	return rc;
}

/* Calls fn for each index entry (field, value) of rec. */
static void
records_index_each(const struct register_def *reg, const Isms__V1__Record *rec,
                   void (*fn)(void *, uint8_t, char, const char *,
                              const uint8_t *, size_t),
                   void *arg, const uint8_t *rk, size_t rklen)
{
	const ProtobufCFieldDescriptor *sfd = register_status_field(reg);
	ProtobufCMessage *body = register_body(rec);
	uint8_t code = register_code(reg);
	char name[64];
	size_t i;

	if (rec->owner != NULL && rec->owner[0] != '\0')
		fn(arg, code, 'o', rec->owner, rk, rklen);
	if (sfd != NULL && body != NULL && pb_field_present(body, sfd) &&
	    pb_field_format(body, sfd, 0, name, sizeof name) == 0)
		fn(arg, code, 's', name, rk, rklen);
	for (i = 0; i < rec->n_tags; i++)
		fn(arg, code, 't', rec->tags[i], rk, rklen);
}

static void
records_index_put(void *arg, uint8_t code, char field, const char *value,
                  const uint8_t *rk, size_t rklen)
{
	uint8_t key[STORE_KEY_MAX];
	size_t n;

	/* Values too long to index are refused by the put check. */
	if ((n = key_index(code, field, value, rk, rklen, key, sizeof key)) > 0)
		store_put(arg, DB_IDX, key, n, "", 0);
}

static void
records_index_del(void *arg, uint8_t code, char field, const char *value,
                  const uint8_t *rk, size_t rklen)
{
	uint8_t key[STORE_KEY_MAX];
	size_t n;

	if ((n = key_index(code, field, value, rk, rklen, key, sizeof key)) > 0)
		store_del(arg, DB_IDX, key, n);
}

/* Where records_index_keys sends the keys. */
struct records_key_sink {
	store_key_fn *fn;
	void *arg;
};

/* records_index_each callback: the key, to a records_key_sink. */
static void
records_index_emit(void *arg, uint8_t code, char field, const char *value,
                   const uint8_t *rk, size_t rklen)
{
	struct records_key_sink *sink = arg;
	uint8_t key[STORE_KEY_MAX];
	size_t n;

	if ((n = key_index(code, field, value, rk, rklen, key, sizeof key)) > 0)
		sink->fn(sink->arg, key, n, "", 0);
}

void
records_index_keys(const struct register_def *reg, const Isms__V1__Record *rec,
                   const uint8_t *rk, size_t rklen, store_key_fn *fn, void *arg)
{
	struct records_key_sink sink = {fn, arg};

	records_index_each(reg, rec, records_index_emit, &sink, rk, rklen);
}

void
records_count_add(struct store_txn *txn, uint8_t code, int dlive, int darch)
{
	uint8_t key[2] = {META_COUNT, code}, val[16];
	uint64_t live = 0, arch = 0;
	MDB_val v;

	if (store_get(txn, DB_META, key, sizeof key, &v) == 0 &&
	    v.mv_size == 16) {
		live = be64_get(v.mv_data);
		arch = be64_get((uint8_t *)v.mv_data + 8);
	}
	be64_put(val, live + dlive);
	be64_put(val + 8, arch + darch);
	store_put(txn, DB_META, key, sizeof key, val, sizeof val);
}

int
records_count(struct store_txn *txn, uint8_t code, uint64_t *live,
              uint64_t *archived)
{
	uint8_t key[2] = {META_COUNT, code};
	MDB_val v;
	int rc;

	*live = *archived = 0;
	rc = store_get(txn, DB_META, key, sizeof key, &v);
	if (rc == -ISMS_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (v.mv_size == 16) {
		*live = be64_get(v.mv_data);
		*archived = be64_get((uint8_t *)v.mv_data + 8);
	}
	return 0;
}

/* Checks that indexed values fit a key: refuse rather than not index. */
static int
records_check_lengths(const Isms__V1__Record *rec, struct isms_err *err)
{
	size_t i;

	if (rec->owner != NULL && strlen(rec->owner) > IDXVAL_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'owner' is longer than %d bytes",
		                    IDXVAL_MAX);
	for (i = 0; i < rec->n_tags; i++)
		if (strlen(rec->tags[i]) > IDXVAL_MAX)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field 'tags' has a tag longer than %d bytes",
			    IDXVAL_MAX);
	if (rec->title == NULL || rec->title[0] == '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'title' is required");
	return 0;
}

/* Sets next_review_on from the last review (or creation) + interval. */
static void
records_schedule(Isms__V1__Record *rec)
{
	char date[TIMEFMT_DATE_LEN];
	int64_t from;

	from =
	    rec->has_last_reviewed_at ? rec->last_reviewed_at : rec->created_at;
	free(rec->next_review_on);
	timefmt_date_add(from, (int)rec->review_interval_days, date,
	                 sizeof date);
	rec->next_review_on = xstrdup(date);
}

int
records_journal(struct store_txn *txn, const struct register_def *reg,
                const Isms__V1__Record *rec, const struct records_actor *who,
                int type, const char *summary, const void *bytes, size_t len,
                struct isms_err *err)
{
	struct journal_rec jr = {
	    .time = who->now,
	    .actor = who->user,
	    .type = type,
	    .id = rec->id,
	    .rev = rec->rev,
	    .reg = reg->name,
	    .owner = rec->owner,
	    .summary = summary,
	    .bytes = bytes,
	    .len = len,
	};

	return journal_append(txn, &jr, NULL, err);
}

/* A record's packed bytes: on the stack when they fit. */
struct records_bytes {
	uint8_t stack[4096];
	uint8_t *p;
	size_t len;
};

/* Packs rec into b; records_bytes_free releases it. */
static void
records_pack(const Isms__V1__Record *rec, struct records_bytes *b)
{
	b->len = isms__v1__record__get_packed_size(rec);
	b->p = b->len <= sizeof b->stack ? b->stack : xmalloc(b->len);
	isms__v1__record__pack(rec, b->p);
}

static void
records_bytes_free(struct records_bytes *b)
{
	if (b->p != b->stack)
		free(b->p);
	b->p = NULL;
}

/* Writes rec, packed in b (latest, history, indexes, due dates, journal),
 * replacing old (may be NULL). */
static int
records_save(struct store_txn *txn, const struct register_def *reg,
             const Isms__V1__Record *old, const Isms__V1__Record *rec,
             const struct records_bytes *b, const struct records_actor *who,
             int type, const char *summary, struct isms_err *err)
{
	uint8_t rk[RECKEY_MAX], hk[RECKEY_MAX + 9];
	size_t rklen, hklen;

	if ((rklen = key_record(register_code(reg), rec->id, rk, sizeof rk)) ==
	    0)
		return isms_err_set(err, ISMS_EINTERNAL, "bad id %s", rec->id);
	hklen = key_history(rk, rklen, rec->rev, hk, sizeof hk);
	store_put(txn, DB_RECORDS, rk, rklen, b->p, b->len);
	store_put(txn, DB_HISTORY, hk, hklen, b->p, b->len);
	if (old != NULL)
		records_index_each(reg, old, records_index_del, txn, rk, rklen);
	records_index_each(reg, rec, records_index_put, txn, rk, rklen);
	records_refs_save(txn, reg, old, rec);
	due_index(txn, reg, rk, rklen, old, rec);
	/* The journal entry, in the same txn, hashes the stored bytes. */
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return records_journal(txn, reg, rec, who, type, summary, b->p, b->len,
	                       err);
}

static void records_stamp(Isms__V1__Record *, const struct records_actor *);

/* records_store_new journaling ev (NULL: created). */
static int
records_store_first(struct store_txn *txn, const struct register_def *reg,
                    Isms__V1__Record *rec, const struct records_actor *who,
                    const struct records_event *ev, struct isms_err *err)
{
	int rc;

	records_clear_unstored(rec);
	rec->has_rev = 1;
	rec->rev = 0;
	rec->has_created_at = 1;
	rec->created_at = who->now;
	free(rec->created_by);
	rec->created_by = xstrdup(who->user);
	struct records_bytes b;
	char summary[300];

	records_stamp(rec, who);
	if (records_refs_reschedule(NULL, rec))
		records_schedule(rec);
	if (ev != NULL && ev->summary != NULL)
		snprintf(summary, sizeof summary, "%s", ev->summary);
	else
		snprintf(summary, sizeof summary, "%s created: %s", rec->id,
		         rec->title ? rec->title : "");
	records_pack(rec, &b);
	rc = records_save(txn, reg, NULL, rec, &b, who,
	                  ev != NULL ? ev->type
	                             : ISMS__V1__EVENT_TYPE__EVENT_TYPE_CREATED,
	                  summary, err);
	records_bytes_free(&b);
	if (rc != 0)
		return rc;
	records_count_add(txn, register_code(reg), 1, 0);
	return 0;
}

int
records_store_new(struct store_txn *txn, const struct register_def *reg,
                  Isms__V1__Record *rec, const struct records_actor *who,
                  struct isms_err *err)
{
	return records_store_first(txn, reg, rec, who, NULL, err);
}

/* "RSK-0001 updated: impact, score": the fields that differ. */
static void
records_changes(const Isms__V1__Record *old, const Isms__V1__Record *rec,
                char *buf, size_t len)
{
	static const char *const skip[] = {"rev", "updated_at", "updated_by",
	                                   "next_review_on", NULL};
	const ProtobufCMessageDescriptor *md = old->base.descriptor;
	const ProtobufCMessage *ob = register_body(old),
	                       *nb = register_body(rec);
	const char *const *k;
	size_t off, n = 0;
	unsigned i;

	off = (size_t)snprintf(buf, len, "%s updated:", rec->id);
	for (i = 0; i < md->n_fields && off < len; i++) {
		for (k = skip; *k != NULL && strcmp(*k, md->fields[i].name);
		     k++)
			;
		if (*k != NULL || records_is_body(&md->fields[i]) ||
		    pb_field_equal(&old->base, &rec->base, &md->fields[i]))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s %s",
		                        n++ ? "," : "", md->fields[i].name);
	}
	md = ob != NULL ? ob->descriptor : NULL;
	for (i = 0; md != NULL && nb != NULL && i < md->n_fields && off < len;
	     i++)
		if (!pb_field_equal(ob, nb, &md->fields[i]))
			off += (size_t)snprintf(buf + off, len - off, "%s %s",
			                        n++ ? "," : "",
			                        md->fields[i].name);
}

/* Whether old, under rec's stamps, packs to b: rec (a copy of old, then
 * changed and stamped) holds the same data as old. */
static bool
records_same_stamped(const Isms__V1__Record *old, const Isms__V1__Record *rec,
                     const struct records_bytes *b)
{
	Isms__V1__Record tmp = *old; /* shallow: only packed */
	struct records_bytes ob;
	bool same;

	tmp.has_rev = rec->has_rev;
	tmp.rev = rec->rev;
	tmp.has_updated_at = rec->has_updated_at;
	tmp.updated_at = rec->updated_at;
	tmp.updated_by = rec->updated_by;
	if (isms__v1__record__get_packed_size(&tmp) != b->len)
		return false;
	records_pack(&tmp, &ob);
	same = memcmp(ob.p, b->p, b->len) == 0;
	records_bytes_free(&ob);
	return same;
}

int
records_store_change(struct store_txn *txn, const struct register_def *reg,
                     const Isms__V1__Record *old, Isms__V1__Record *rec,
                     const struct records_actor *who,
                     const struct records_event *ev, struct isms_err *err)
{
	struct records_bytes b;
	char summary[300];
	int rc;

	records_clear_unstored(rec);
	if (records_refs_reschedule(old, rec))
		records_schedule(rec);
	/* Stamped first, so the bytes compared are the bytes stored. */
	records_stamp(rec, who);
	records_pack(rec, &b);
	if (records_same_stamped(old, rec, &b)) {
		records_bytes_free(&b);
		return RECORDS_UNCHANGED;
	}
	if (ev != NULL && ev->summary != NULL)
		snprintf(summary, sizeof summary, "%s", ev->summary);
	else
		records_changes(old, rec, summary, sizeof summary);
	rc = records_save(txn, reg, old, rec, &b, who,
	                  ev != NULL ? ev->type
	                             : ISMS__V1__EVENT_TYPE__EVENT_TYPE_UPDATED,
	                  summary, err);
	records_bytes_free(&b);
	return rc;
}

/* Stamps a new revision: rev, updated at/by. */
static void
records_stamp(Isms__V1__Record *rec, const struct records_actor *who)
{
	change_stamp(&rec->base, who);
}

/* Whether body field name is set (a non-empty string, a present value). */
static bool
records_body_has(const ProtobufCMessage *body, const char *name)
{
	const ProtobufCFieldDescriptor *fd;
	const char *str;

	if (body == NULL ||
	    (fd = pb_field_by_name(body->descriptor, name)) == NULL ||
	    !pb_field_present(body, fd))
		return false;
	/* An enum at its zero "unspecified" value is not an answer. */
	if (fd->type == PROTOBUF_C_TYPE_ENUM &&
	    fd->label != PROTOBUF_C_LABEL_REPEATED)
		return *(int *)pb_field_ptr(body, fd) != 0;
	if (fd->type != PROTOBUF_C_TYPE_STRING ||
	    fd->label == PROTOBUF_C_LABEL_REPEATED)
		return true;
	str = *(char **)pb_field_ptr(body, fd);
	return str[0] != '\0';
}

/* Whether a -> b is the fall back of a voided sign-off (evidence_void):
 * the server's move, not the client's. */
static bool
records_voided_fallback(const struct register_def *reg,
                        const Isms__V1__Record *old,
                        const Isms__V1__Record *rec, int a, int b)
{
	const struct register_signoff *so = reg->signoff;

	return so != NULL && a == so->to && b == so->fallback &&
	       evidence_has(register_body(old), so->field) &&
	       !evidence_has(register_body(rec), so->field);
}

/* Refuses a status move the register does not allow. */
static int
records_check_move(const struct register_def *reg, const Isms__V1__Record *old,
                   const Isms__V1__Record *rec, struct isms_err *err)
{
	const ProtobufCFieldDescriptor *sfd = register_status_field(reg);
	const struct register_move *m;
	char from[64], to[64], allowed[256];
	size_t off = 0;
	int a, b;

	if (sfd == NULL || reg->moves == NULL)
		return 0;
	a = *(int *)pb_field_ptr(register_body(old), sfd);
	b = *(int *)pb_field_ptr(register_body(rec), sfd);
	if (a == b || records_voided_fallback(reg, old, rec, a, b))
		return 0;
	allowed[0] = '\0';
	for (m = reg->moves; m->from != 0 || m->to != 0; m++) {
		if (m->from != a)
			continue;
		if (m->to == b)
			return 0;
		pb_enum_name(sfd->descriptor, m->to, to, sizeof to);
		off += (size_t)snprintf(allowed + off, sizeof allowed - off,
		                        "%s%s", off ? ", " : "", to);
		if (off >= sizeof allowed)
			off = sizeof allowed - 1;
	}
	if (pb_enum_name(sfd->descriptor, a, from, sizeof from) == NULL)
		snprintf(from, sizeof from, "%d", a);
	if (pb_enum_name(sfd->descriptor, b, to, sizeof to) == NULL)
		snprintf(to, sizeof to, "%d", b);
	return isms_err_set(err, ISMS_EINVAL,
	                    "field 'status' cannot move from %s to %s; from %s "
	                    "it can move to: %s",
	                    from, to, from, off ? allowed : "nothing");
}

int
records_validate(struct store_txn *txn, const struct register_def *reg,
                 Isms__V1__Record *rec, const Isms__V1__Record *old,
                 const struct records_actor *who, struct isms_err *err)
{
	struct register_ctx ctx = {txn, NULL, who->user, who->now};
	const char *const *f;
	int rc;

	if ((rc = records_check_lengths(rec, err)) != 0 ||
	    (rc = records_refs_check(txn, reg, rec, old, err)) != 0)
		return rc;
	/* Required on create, and no update may clear them. */
	for (f = reg->required; f != NULL && *f != NULL; f++)
		if (!records_body_has(register_body(rec), *f))
			return isms_err_set(err, ISMS_EINVAL,
			                    "field '%s' is required for %s %s",
			                    *f, reglist_article(reg->name),
			                    reg->name);
	if (old != NULL && (rc = records_check_move(reg, old, rec, err)) != 0)
		return rc;
	if ((rc = owners_check(txn, reg, rec, old, err)) != 0)
		return rc;
	if (reg->uses_method && (rc = method_peek(txn, &ctx.method, err)) != 0)
		return rc;
	if (reg->check != NULL && (rc = reg->check(&ctx, rec, old, err)) != 0)
		return rc;
	/* What the state requires, once the hook derived its fields (a
	 * batch asks once every record of it is stored). */
	if (who->defer_evidence)
		return 0;
	return evidence_check(&ctx, reg, rec, old, err);
}

int
records_add(struct store_txn *txn, const struct register_def *reg,
            Isms__V1__Record *rec, const struct records_actor *who,
            const struct records_event *ev, struct isms_err *err)
{
	int rc;

	register_set_initial_status(reg, register_body(rec));
	if (!rec->has_review_interval_days) {
		rec->has_review_interval_days = 1;
		rec->review_interval_days = reg->review_days;
	}
	if ((rc = records_validate(txn, reg, rec, NULL, who, err)) != 0)
		return rc;
	/* A batch names its new records' ids before it stores them. */
	if (rec->id == NULL || rec->id[0] == '\0') {
		free(rec->id);
		rec->id = records_new_id(txn, reg);
	}
	if (ev != NULL && ev->summary != NULL) {
		/* The summary follows the id the record got just now. */
		char summary[300];
		struct records_event e = {ev->type, summary};

		snprintf(summary, sizeof summary, "%s %s", rec->id,
		         ev->summary);
		return records_store_first(txn, reg, rec, who, &e, err);
	}
	return records_store_first(txn, reg, rec, who, ev, err);
}

static int
records_create(struct store_txn *txn, const Isms__V1__Put *put,
               const struct records_actor *who, Isms__V1__Record **out,
               struct isms_err *err)
{
	const struct register_def *reg =
	    register_by_case(put->record->body_case);
	Isms__V1__Record *rec;
	int rc;

	/* The precheck refused every field the server sets. */
	rec = (Isms__V1__Record *)pb_dup((const ProtobufCMessage *)put->record);
	if ((rc = records_add(txn, reg, rec, who, NULL, err)) != 0) {
		protobuf_c_message_free_unpacked((ProtobufCMessage *)rec, NULL);
		return rc;
	}
	*out = rec;
	return 0;
}

/* Merges the body fields the client set, except those the server derives. */
static void
records_merge_body(Isms__V1__Record *rec, const ProtobufCMessage *src,
                   const ProtobufCFieldDescriptor *bfd)
{
	const struct register_def *reg = register_by_case(bfd->id);
	const ProtobufCMessage *body =
	    *(ProtobufCMessage **)pb_field_ptr(src, bfd);
	const ProtobufCMessageDescriptor *md = body->descriptor;
	struct pb_path path = {.n = 2};
	unsigned i;

	path.fd[0] = bfd;
	for (i = 0; i < md->n_fields; i++) {
		path.fd[1] = &md->fields[i];
		if (pb_field_present(body, path.fd[1]) &&
		    !records_is_derived(reg, path.fd[1]->name))
			pb_path_copy((ProtobufCMessage *)rec, src, &path);
	}
}

/* Applies the client's changes to rec: the mask (resolved in plan), or
 * every field sent. */
static void
records_apply_mask(Isms__V1__Record *rec, const Isms__V1__Put *put,
                   const struct records_put_plan *plan)
{
	const ProtobufCMessage *src = (const ProtobufCMessage *)put->record;
	const ProtobufCMessageDescriptor *md = RD;
	struct pb_path path;
	unsigned i;

	change_mask_apply(&rec->base, src, plan->paths, plan->n_paths);
	if (plan->batch)
		records_put_batch_fields(rec, put, plan);
	if (put->n_update_mask > 0)
		return;
	/* No mask: merge every field the client set. */
	for (i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &md->fields[i];

		if (records_is_server_field(fd->name) ||
		    !pb_field_present(src, fd))
			continue;
		if (records_is_body(fd)) {
			records_merge_body(rec, src, fd);
			continue;
		}
		path.n = 1;
		path.fd[0] = fd;
		pb_path_copy((ProtobufCMessage *)rec, src, &path);
	}
}

/* A put and its plan, for records_update_apply. */
struct records_update_arg {
	const Isms__V1__Put *put;
	const struct records_put_plan *plan;
};

/* records_change_fn of an update: the client's fields, then checks. */
static int
records_update_apply(void *arg, struct records_edit *ed, struct isms_err *err)
{
	const struct records_update_arg *ua = arg;
	Isms__V1__Record *rec = ed->rec;
	char note[200];

	records_apply_mask(rec, ua->put, ua->plan);
	/* A sign-off whose covered fields change is voided, journaled here. */
	evidence_void(ed->reg, ed->old, rec, note, sizeof note);
	if (note[0] != '\0')
		snprintf(ed->summary, sizeof ed->summary, "%s updated: %s",
		         rec->id, note);
	if (!rec->has_review_interval_days) {
		rec->has_review_interval_days = 1;
		rec->review_interval_days = ed->reg->review_days;
	}
	return records_validate(ed->txn, ed->reg, rec, ed->old, ed->who, err);
}

static int
records_update(struct store_txn *txn, const Isms__V1__Put *put,
               const struct records_put_plan *plan,
               const struct records_actor *who, Isms__V1__Record **out,
               struct isms_err *err)
{
	struct records_update_arg ua = {put, plan};
	struct records_change ch = {put->record->id, put->has_expect_rev,
	                            put->expect_rev, records_update_apply, &ua};
	int rc;

	rc = records_change(txn, &ch, who, out, err);
	return rc == RECORDS_UNCHANGED ? 0 : rc;
}

int
records_put_planned(struct store_txn *txn, const Isms__V1__Put *put,
                    const struct records_put_plan *plan,
                    const struct records_actor *who, Isms__V1__Record **out,
                    struct isms_err *err)
{
	if (put->record->id != NULL && put->record->id[0] != '\0')
		return records_update(txn, put, plan, who, out, err);
	return records_create(txn, put, who, out, err);
}

int
records_put(struct store_txn *txn, const Isms__V1__Put *put,
            const struct records_actor *who, Isms__V1__Record **out,
            struct isms_err *err)
{
	struct records_put_plan plan;
	int rc;

	records_put_plan_init(&plan);
	if ((rc = records_put_plan(put, &plan, err)) == 0)
		rc = records_put_planned(txn, put, &plan, who, out, err);
	records_put_plan_clear(&plan);
	return rc;
}

/* records_change_fn of a review. */
static int
records_review_apply(void *arg, struct records_edit *ed, struct isms_err *err)
{
	const Isms__V1__Review *rv = arg;
	Isms__V1__Record *rec = ed->rec;

	(void)err;
	rec->has_last_reviewed_at = 1;
	rec->last_reviewed_at = ed->who->now;
	ed->type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_REVIEWED;
	if (rv->note != NULL && rv->note[0] != '\0')
		snprintf(ed->summary, sizeof ed->summary, "%s reviewed: %s",
		         rec->id, rv->note);
	else
		snprintf(ed->summary, sizeof ed->summary, "%s reviewed",
		         rec->id);
	return 0;
}

int
records_review(struct store_txn *txn, const Isms__V1__Review *rv,
               const struct records_actor *who, Isms__V1__Record **out,
               struct isms_err *err)
{
	struct records_change ch = {rv->id, rv->has_expect_rev, rv->expect_rev,
	                            records_review_apply, (void *)rv};
	int rc;

	rc = records_change(txn, &ch, who, out, err);
	return rc == RECORDS_UNCHANGED ? 0 : rc;
}
