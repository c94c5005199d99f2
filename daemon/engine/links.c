/* links.c: links between records and their reverse index. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "links.h"
#include "pbfield.h"
#include "registers.h"
#include "relations.h"
#include "xmalloc.h"

#define REL_MAX 32

/* Builds the links db key target 0x00 source 0x00 rel; 0 on a bad id. */
static size_t
links_key(const char *target, const char *source, const char *rel, uint8_t *out,
          size_t cap)
{
	const struct register_def *tr = register_by_id(target);
	const struct register_def *sr = register_by_id(source);
	size_t n, m, rl = strlen(rel);

	if (tr == NULL || sr == NULL)
		return 0;
	if ((n = key_record(register_code(tr), target, out, cap)) == 0 ||
	    n + 1 >= cap)
		return 0;
	out[n++] = 0x00;
	if ((m = key_record(register_code(sr), source, out + n, cap - n)) ==
	        0 ||
	    n + m + 1 + rl > cap)
		return 0;
	n += m;
	out[n++] = 0x00;
	memcpy(out + n, rel, rl);
	return n + rl;
}

void
links_keys(const Isms__V1__Record *rec, store_key_fn *fn, void *arg)
{
	uint8_t key[STORE_KEY_MAX];
	size_t i, klen;

	for (i = 0; i < rec->n_links; i++)
		if ((klen = links_key(rec->links[i]->target, rec->id,
		                      rec->links[i]->rel, key, sizeof key)) > 0)
			fn(arg, key, klen, rec->id, strlen(rec->id));
}

/* Whether rel is a relation name: [a-z][a-z_]*, at most REL_MAX. */
static bool
links_rel_valid(const char *rel)
{
	size_t i;

	if (rel == NULL || !islower((unsigned char)rel[0]))
		return false;
	for (i = 0; rel[i] != '\0'; i++)
		if (i >= REL_MAX ||
		    !(islower((unsigned char)rel[i]) || rel[i] == '_'))
			return false;
	return true;
}

/* Index of the link (rel, target) in rec, or -1. */
static ssize_t
links_find(const Isms__V1__Record *rec, const char *rel, const char *target)
{
	size_t i;

	for (i = 0; i < rec->n_links; i++)
		if (strcmp(rec->links[i]->rel, rel) == 0 &&
		    strcmp(rec->links[i]->target, target) == 0)
			return (ssize_t)i;
	return -1;
}

/* Checks that target exists and is live. */
static int
links_check_target(struct store_txn *txn, const char *target,
                   struct isms_err *err)
{
	Isms__V1__Record *t;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	int rc;

	if ((rc = records_load(txn, target, NULL, rk, &rklen, &t, err)) != 0)
		return rc == -ISMS_ENOTFOUND
		           ? isms_err_set(err, ISMS_EINVAL,
		                          "link target %s does not exist",
		                          target)
		           : rc;
	rc = t->archived ? isms_err_set(err, ISMS_EPRECOND,
	                                "link target %s is archived", target)
	                 : 0;
	protobuf_c_message_free_unpacked((ProtobufCMessage *)t, NULL);
	return rc;
}

/* Appends the link (rel, target) to a repeated Link array. */
static void
links_push(Isms__V1__Link ***arr, size_t *n, const char *rel,
           const char *target)
{
	Isms__V1__Link *l;

	l = (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);
	l->rel = xstrdup(rel);
	l->target = xstrdup(target);
	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	(*arr)[(*n)++] = l;
}

/* Refuses a link edit whose rel or target is malformed. */
static int
links_edit_check(const Isms__V1__LinkEdit *le, struct isms_err *err)
{
	if (!links_rel_valid(le->rel))
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'rel' must be lower-case letters and "
		    "'_' (at most %d), e.g. treated_by",
		    REL_MAX);
	if (le->target == NULL || le->target[0] == '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'target' is required");
	if (le->source != NULL && strcmp(le->source, le->target) == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "a record cannot link to itself");
	return 0;
}

/* A link edit and the links db key it writes. */
struct links_edit_arg {
	const Isms__V1__LinkEdit *le;
	uint8_t key[STORE_KEY_MAX];
	size_t klen;
};

/* Refuses a new link that its relation's row does not allow (relations.h).
 * Removing a link never asks: links stored before the table stay
 * readable and removable. */
static int
links_check_relation(const struct register_def *reg,
                     const Isms__V1__LinkEdit *le, struct isms_err *err)
{
	const struct register_def *tr = register_by_id(le->target);
	char why[600];

	if (tr == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "link target %s does not exist",
		                    le->target);
	if (relation_check(le->rel, reg->name, tr->name, why, sizeof why) != 0)
		return isms_err_set(err, ISMS_EINVAL, "link %s %s %s: %s",
		                    le->source, le->rel, le->target, why);
	return 0;
}

/* Adds the link to rec, or removes it: 0, or -code with err. */
static int
links_edit_apply(struct store_txn *txn, const struct register_def *reg,
                 const Isms__V1__LinkEdit *le, Isms__V1__Record *rec,
                 struct isms_err *err)
{
	ssize_t at = links_find(rec, le->rel, le->target);
	int rc;

	if (le->remove) {
		if (at < 0)
			return isms_err_set(err, ISMS_ENOTFOUND,
			                    "%s has no link %s %s", rec->id,
			                    le->rel, le->target);
		protobuf_c_message_free_unpacked(
		    (ProtobufCMessage *)rec->links[at], NULL);
		memmove(rec->links + at, rec->links + at + 1,
		        (rec->n_links - (size_t)at - 1) * sizeof *rec->links);
		rec->n_links--;
	} else if (at < 0) {
		if ((rc = links_check_relation(reg, le, err)) != 0 ||
		    (rc = links_check_target(txn, le->target, err)) != 0)
			return rc;
		links_push(&rec->links, &rec->n_links, le->rel, le->target);
	}
	return 0;
}

/* records_change_fn of a link edit: the link, its key in *key. */
static int
links_edit_change(void *arg, struct records_edit *ed, struct isms_err *err)
{
	struct links_edit_arg *la = arg;
	const Isms__V1__LinkEdit *le = la->le;
	Isms__V1__Record *rec = ed->rec;
	int rc;

	if ((rc = links_edit_apply(ed->txn, ed->reg, le, rec, err)) != 0)
		return rc;
	if ((la->klen = links_key(le->target, rec->id, le->rel, la->key,
	                          sizeof la->key)) == 0)
		return isms_err_set(err, ISMS_EINVAL, "bad link target '%s'",
		                    le->target);
	/* The index changes with the record, before it is stored, so the
	 * evidence a linked record needs is judged on both (records_change). */
	if (le->remove)
		store_del(ed->txn, DB_LINKS, la->key, la->klen);
	else
		store_put(ed->txn, DB_LINKS, la->key, la->klen, rec->id,
		          strlen(rec->id));
	snprintf(ed->summary, sizeof ed->summary, "%s %s %s %s", rec->id,
	         le->remove ? "unlinked" : "linked", le->rel, le->target);
	ed->type = le->remove ? ISMS__V1__EVENT_TYPE__EVENT_TYPE_UNLINKED
	                      : ISMS__V1__EVENT_TYPE__EVENT_TYPE_LINKED;
	return 0;
}

int
links_edit(struct store_txn *txn, const Isms__V1__LinkEdit *le,
           const struct records_actor *who, Isms__V1__Record **out,
           struct isms_err *err)
{
	struct links_edit_arg la = {.le = le};
	struct records_change ch = {le->source, le->has_expect_rev,
	                            le->expect_rev, links_edit_change, &la};
	Isms__V1__Record *rec;
	int rc;

	if ((rc = links_edit_check(le, err)) != 0)
		return rc;
	rc = records_change(txn, &ch, who, out, err);
	/* Already linked: nothing to do, the record as it is. */
	if (rc != 0)
		return rc == RECORDS_UNCHANGED ? 0 : rc;
	rec = *out;
	/* A sticky store error: nothing is stored, and rec is freed. */
	if (txn->ret != 0) {
		*out = NULL;
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	}
	return 0;
}

int
links_each_incoming(struct store_txn *txn, const struct register_def *reg,
                    const char *id,
                    void (*fn)(void *, const char *, const char *), void *arg,
                    struct isms_err *err)
{
	uint8_t prefix[RECKEY_MAX + 1], rk[RECKEY_MAX];
	struct store_iter it;
	Isms__V1__Record *src;
	char source[ID_MAX + 1];
	const char *rel;
	size_t plen, rklen;
	int rc;

	if ((plen = key_record(register_code(reg), id, prefix, RECKEY_MAX)) ==
	    0)
		return isms_err_set(err, ISMS_EINVAL, "bad id '%s'", id);
	prefix[plen++] = 0x00;
	if ((rc = store_iter_open(txn, DB_LINKS, &it, prefix, plen)) != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	while (store_iter_next(&it)) {
		const uint8_t *k = it.k.mv_data;
		const uint8_t *sep =
		    memchr(k + plen, 0x00, it.k.mv_size - plen);

		if (sep == NULL || it.v.mv_size > ID_MAX)
			continue;
		memcpy(source, it.v.mv_data, it.v.mv_size);
		source[it.v.mv_size] = '\0';
		rel = (const char *)sep + 1;
		if (records_load(txn, source, NULL, rk, &rklen, &src, err) != 0)
			continue;
		if (!src->archived) {
			char relbuf[REL_MAX + 1];
			size_t rl = it.k.mv_size - (size_t)(sep + 1 - k);

			snprintf(relbuf, sizeof relbuf, "%.*s", (int)rl, rel);
			fn(arg, relbuf, source);
		}
		protobuf_c_message_free_unpacked((ProtobufCMessage *)src, NULL);
	}
	store_iter_close(&it);
	return txn->ret != 0 ? isms_err_set(err, txn->ret, "%s", txn->msg) : 0;
}

/* links_each_incoming callback: into a record's linked_from. */
static void
links_into_record(void *arg, const char *rel, const char *source)
{
	Isms__V1__Record *rec = arg;

	links_push(&rec->linked_from, &rec->n_linked_from, rel, source);
}

int
links_fill_incoming(struct store_txn *txn, const struct register_def *reg,
                    Isms__V1__Record *rec, struct isms_err *err)
{
	/* Only DB_LINKS says what links here: whatever a record holds (one
	 * stored before linked_from was refused) is not shown. */
	pb_field_clear(&rec->base,
	               pb_field_by_name(rec->base.descriptor, "linked_from"));
	return links_each_incoming(txn, reg, rec->id, links_into_record, rec,
	                           err);
}

/* links_each_incoming callback: into a LinksResult's incoming. */
static void
links_into_result(void *arg, const char *rel, const char *source)
{
	Isms__V1__LinksResult *res = arg;

	links_push(&res->incoming, &res->n_incoming, rel, source);
}

int
links_query(struct store_txn *txn, const char *id, Isms__V1__LinksResult *out,
            struct isms_err *err)
{
	const struct register_def *reg;
	Isms__V1__Record *rec;
	uint8_t rk[RECKEY_MAX];
	size_t rklen, i;
	int rc;

	if (id == NULL || id[0] == '\0')
		return isms_err_set(err, ISMS_EINVAL, "links.id is required");
	if ((rc = records_load(txn, id, &reg, rk, &rklen, &rec, err)) != 0)
		return rc;
	for (i = 0; i < rec->n_links; i++)
		links_push(&out->outgoing, &out->n_outgoing, rec->links[i]->rel,
		           rec->links[i]->target);
	protobuf_c_message_free_unpacked((ProtobufCMessage *)rec, NULL);
	return links_each_incoming(txn, reg, id, links_into_result, out, err);
}

/* links_each_incoming callback: a sentence of who links here. */
struct links_refs {
	char buf[400];
	size_t off;
	int n;
};

static void
links_into_refs(void *arg, const char *rel, const char *source)
{
	struct links_refs *r = arg;

	r->n++;
	if (r->off < sizeof r->buf - 1)
		r->off += (size_t)snprintf(r->buf + r->off,
		                           sizeof r->buf - r->off, "%s%s (%s)",
		                           r->n > 1 ? ", " : "", source, rel);
	if (r->off >= sizeof r->buf)
		r->off = sizeof r->buf - 1;
}

int
links_check_unreferenced(struct store_txn *txn, const struct register_def *reg,
                         const char *id, struct isms_err *err)
{
	struct links_refs refs = {.off = 0, .n = 0};
	int rc;

	refs.buf[0] = '\0';
	if ((rc = links_each_incoming(txn, reg, id, links_into_refs, &refs,
	                              err)) != 0)
		return rc;
	if (refs.n == 0)
		return 0;
	return isms_err_set(err, ISMS_EPRECOND,
	                    "%s is linked from %d live record(s): %s; archive "
	                    "with force (ismsctl ... archive %s --force) to "
	                    "archive it anyway",
	                    id, refs.n, refs.buf, id);
}

/* store_key_fn: puts a links db key. */
static void
links_key_put(void *arg, const uint8_t *key, size_t klen, const void *val,
              size_t vlen)
{
	store_put(arg, DB_LINKS, key, klen, val, vlen);
}

/* store_key_fn: deletes a links db key. */
static void
links_key_del(void *arg, const uint8_t *key, size_t klen, const void *val,
              size_t vlen)
{
	(void)val;
	(void)vlen;
	store_del(arg, DB_LINKS, key, klen);
}

void
links_index_move(struct store_txn *txn, const Isms__V1__Record *old,
                 const Isms__V1__Record *rec)
{
	if (old != NULL)
		links_keys(old, links_key_del, txn);
	links_keys(rec, links_key_put, txn);
}

int
links_check_new(struct store_txn *txn, const struct register_def *reg,
                const char *source, const char *rel, const char *target,
                struct isms_err *err)
{
	Isms__V1__LinkEdit le = ISMS__V1__LINK_EDIT__INIT;
	int rc;

	le.source = (char *)source;
	le.rel = (char *)rel;
	le.target = (char *)target;
	if ((rc = links_edit_check(&le, err)) != 0 ||
	    (rc = links_check_relation(reg, &le, err)) != 0)
		return rc;
	return links_check_target(txn, target, err);
}
