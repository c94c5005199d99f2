/* check.c: the store-wide check behind "journal verify" (see check.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "due_index.h"
#include "extref.h"
#include "journal.h"
#include "keys.h"
#include "links.h"
#include "measures.h"
#include "method.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

#define CHECK_SLICE   4096 /* items between looks at the cancel flag */
#define CHECK_BUCKETS 1024 /* of the map of users, tokens and the method */

/* The last journaled bytes of one user, token or the method. */
struct keyed {
	struct keyed *next;
	int type;
	bool has_hash; /* false: its last entry carries no bytes */
	bool seen;     /* found stored */
	uint8_t hash[JOURNAL_HASH_LEN];
	char id[];
};

/* One check in progress. */
struct check {
	struct store_txn *txn;
	const struct check_opts *opts;
	struct check_result *res;
	struct keyed *map[CHECK_BUCKETS];
	uint64_t revisions; /* journal entries carrying a record revision */
	uint64_t history;   /* revisions in history */
	uint64_t measured;  /* journal entries recording a measurement */
	uint64_t items;     /* visited, for the cancel flag */
};

/* What a keyed journal type is called in a problem, and where it lives. */
static const struct check_kind {
	int type;
	const char *name;
} check_kinds[] = {
    {ISMS__V1__EVENT_TYPE__EVENT_TYPE_USER_CHANGED, "user"},
    {ISMS__V1__EVENT_TYPE__EVENT_TYPE_TOKEN_CHANGED, "token"},
    {ISMS__V1__EVENT_TYPE__EVENT_TYPE_METHOD_CHANGED, "risk method"},
};

/* The name of keyed type ("user"). */
static const char *
check_kind_name(int type)
{
	size_t i;

	for (i = 0; i < sizeof check_kinds / sizeof check_kinds[0]; i++)
		if (check_kinds[i].type == type)
			return check_kinds[i].name;
	return "object";
}

/* Records the first failure; later ones are dropped. Returns 1. */
static int check_fail(struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
check_fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->res->ok)
		return 1;
	c->res->ok = false;
	va_start(ap, fmt);
	vsnprintf(c->res->problem, sizeof c->res->problem, fmt, ap);
	va_end(ap);
	return 1;
}

/* Whether the caller asked to stop; looked at every CHECK_SLICE items. */
static bool
check_cancelled(struct check *c)
{
	if (++c->items % CHECK_SLICE != 0 || c->opts->cancel == NULL)
		return false;
	return atomic_load(c->opts->cancel);
}

/* Renders a key readably: printable bytes as they are, others \xNN. */
static const char *
check_render(const void *key, size_t klen, char *out, size_t cap)
{
	const uint8_t *k = key;
	size_t i, o = 0;

	for (i = 0; i < klen && o + 5 < cap; i++)
		o += (size_t)snprintf(
		    out + o, cap - o,
		    k[i] >= 0x20 && k[i] < 0x7f && k[i] != '\\' ? "%c"
		                                                : "\\x%02x",
		    k[i]);
	if (i < klen && o + 4 < cap)
		o += (size_t)snprintf(out + o, cap - o, "...");
	out[o] = '\0';
	return out;
}

/* FNV-1a of a keyed object's type and id. */
static size_t
check_bucket(int type, const char *id)
{
	uint32_t h = 2166136261u ^ (uint32_t)type;

	for (; *id != '\0'; id++)
		h = (h ^ (uint8_t)*id) * 16777619u;
	return h % CHECK_BUCKETS;
}

/* The map entry of (type, id), made when create is true. */
static struct keyed *
check_keyed_get(struct check *c, int type, const char *id, bool create)
{
	size_t b = check_bucket(type, id);
	struct keyed *k;

	for (k = c->map[b]; k != NULL; k = k->next)
		if (k->type == type && strcmp(k->id, id) == 0)
			return k;
	if (!create)
		return NULL;
	k = xcalloc(1, sizeof *k + strlen(id) + 1);
	k->type = type;
	strcpy(k->id, id);
	k->next = c->map[b];
	c->map[b] = k;
	return k;
}

/* Frees the map. */
static void
check_map_free(struct check *c)
{
	struct keyed *k, *next;
	size_t b;

	for (b = 0; b < CHECK_BUCKETS; b++)
		for (k = c->map[b]; k != NULL; k = next) {
			next = k->next;
			free(k);
		}
}

/* journal_verify hook: what each verified entry covers. */
static void
check_on_entry(void *arg, const Isms__V1__JournalEntry *e)
{
	struct check *c = arg;
	struct keyed *k;

	if (journal_type_keyed(e->type) && e->id != NULL) {
		k = check_keyed_get(c, e->type, e->id, true);
		k->has_hash = e->has_record_hash &&
		              e->record_hash.len == JOURNAL_HASH_LEN;
		if (k->has_hash)
			memcpy(k->hash, e->record_hash.data, JOURNAL_HASH_LEN);
	} else if (e->type == ISMS__V1__EVENT_TYPE__EVENT_TYPE_MEASURED)
		c->measured++;
	else if (e->has_record_hash)
		c->revisions++;
}

/* The chain from seq 1 to the stored head, and the given head. */
static int
check_chain(struct check *c, struct isms_err *err)
{
	struct check_result *res = c->res;
	struct journal_verify v;
	int rc;

	journal_verify_init(&v);
	v.each = check_on_entry;
	v.arg = c;
	if (c->opts->has_head)
		v.want_seq = c->opts->head_seq;
	while ((rc = journal_verify_slice(c->txn, &v, CHECK_SLICE, err)) == 0)
		if (c->opts->cancel != NULL && atomic_load(c->opts->cancel))
			return isms_err_set(err, ISMS_ECANCELLED,
			                    "the check was cancelled");
	if (rc < 0)
		return rc;
	res->entries = v.checked;
	if (v.failed) {
		res->has_bad_seq = true;
		res->bad_seq = v.bad_seq;
		return check_fail(c, "%s", v.problem);
	}
	res->head_seq = v.next - 1;
	memcpy(res->head_hash, v.prev, JOURNAL_HASH_LEN);
	if (!c->opts->has_head)
		return 0;
	res->has_bad_seq = true;
	res->bad_seq = c->opts->head_seq;
	if (!v.have_want)
		return check_fail(c,
		                  "the journal does not reach the given head "
		                  "(its head is seq %llu)",
		                  (unsigned long long)res->head_seq);
	if (memcmp(v.want_hash, c->opts->head_hash, JOURNAL_HASH_LEN) != 0)
		return check_fail(c, "the chain's hash there is not the given "
		                     "head's");
	res->has_bad_seq = false;
	return 0;
}

/* The id of a stored record for a problem: its own, else its key. */
static const char *
check_record_name(const MDB_val *v, const uint8_t *rk, size_t rklen,
                  uint64_t *rev, char *out, size_t cap)
{
	Isms__V1__Record *rec;
	struct isms_err err;

	*rev = 0;
	if (v != NULL && records_unpack(v, &rec, &err) == 0) {
		snprintf(out, cap, "%s", rec->id != NULL ? rec->id : "?");
		*rev = rec->rev;
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return out;
	}
	return check_render(rk, rklen, out, cap);
}

/* The latest record of rk must be its last revision, last (journaled). */
static int
check_latest(struct check *c, const uint8_t *rk, size_t rklen,
             const MDB_val *last)
{
	char name[160];
	uint64_t rev;
	MDB_val v;
	int rc;

	check_record_name(last, rk, rklen, &rev, name, sizeof name);
	rc = store_get(c->txn, DB_RECORDS, rk, rklen, &v);
	if (rc == -ISMS_ENOTFOUND)
		return check_fail(c,
		                  "record %s: the latest record is missing "
		                  "(history and journal hold rev %llu)",
		                  name, (unsigned long long)rev);
	if (rc != 0)
		return rc; /* sticky: the caller reports txn->ret */
	if (v.mv_size != last->mv_size ||
	    memcmp(v.mv_data, last->mv_data, v.mv_size) != 0)
		return check_fail(c,
		                  "record %s: the latest record differs from "
		                  "its last journaled revision (rev %llu)",
		                  name, (unsigned long long)rev);
	return 0;
}

/* Every history group's last revision is its latest record. */
static int
check_history(struct check *c, struct isms_err *err)
{
	const uint8_t *grk = NULL;
	struct store_iter it;
	size_t grklen = 0, rklen;
	MDB_val last = {0, NULL};
	char name[160];
	bool cancelled = false;

	if (store_iter_open(c->txn, DB_HISTORY, &it, NULL, 0) != 0)
		return isms_err_set(err, c->txn->ret, "%s", c->txn->msg);
	while (c->res->ok && store_iter_next(&it)) {
		if ((cancelled = check_cancelled(c)))
			break;
		c->history++;
		if ((rklen = key_history_record(it.k.mv_data, it.k.mv_size)) ==
		    0) {
			check_fail(c, "history key %s is malformed",
			           check_render(it.k.mv_data, it.k.mv_size,
			                        name, sizeof name));
			break;
		}
		if (grk != NULL &&
		    (rklen != grklen || memcmp(grk, it.k.mv_data, rklen) != 0))
			check_latest(c, grk, grklen, &last);
		grk = it.k.mv_data;
		grklen = rklen;
		last = it.v;
	}
	if (!cancelled && c->res->ok && grk != NULL && c->txn->ret == 0)
		check_latest(c, grk, grklen, &last);
	store_iter_close(&it);
	if (cancelled)
		return isms_err_set(err, ISMS_ECANCELLED,
		                    "the check was cancelled");
	if (c->txn->ret != 0)
		return isms_err_set(err, c->txn->ret, "%s", c->txn->msg);
	return 0;
}

/* Every latest record has its revision in history. */
static int
check_records(struct check *c, struct isms_err *err)
{
	uint8_t hk[RECKEY_MAX + 9];
	struct store_iter it;
	char name[160];
	uint64_t rev;
	size_t hklen;
	MDB_val v;
	int rc = 0;

	if (store_iter_open(c->txn, DB_RECORDS, &it, NULL, 0) != 0)
		return isms_err_set(err, c->txn->ret, "%s", c->txn->msg);
	while (c->res->ok && store_iter_next(&it)) {
		if (check_cancelled(c)) {
			rc = isms_err_set(err, ISMS_ECANCELLED,
			                  "the check was cancelled");
			break;
		}
		check_record_name(&it.v, it.k.mv_data, it.k.mv_size, &rev, name,
		                  sizeof name);
		hklen =
		    key_history(it.k.mv_data, it.k.mv_size, rev, hk, sizeof hk);
		if (rev == 0 || hklen == 0 ||
		    store_get(c->txn, DB_HISTORY, hk, hklen, &v) != 0)
			check_fail(c,
			           "record %s: rev %llu is in no journaled "
			           "revision",
			           name, (unsigned long long)rev);
	}
	store_iter_close(&it);
	if (rc == 0 && c->txn->ret != 0)
		rc = isms_err_set(err, c->txn->ret, "%s", c->txn->msg);
	return rc;
}

/* Sorts digests. */
static int
check_digest_cmp(const void *a, const void *b)
{
	return memcmp(a, b, JOURNAL_HASH_LEN);
}

/* The digest of the history key an entry's revision is stored under;
 * false for entries that store none. */
static bool
check_entry_key(const Isms__V1__JournalEntry *e, uint8_t out[JOURNAL_HASH_LEN])
{
	const struct register_def *reg;
	uint8_t rk[RECKEY_MAX], hk[RECKEY_MAX + 9];
	size_t rklen, hklen;

	if (!e->has_record_hash || journal_type_keyed(e->type) ||
	    e->type == ISMS__V1__EVENT_TYPE__EVENT_TYPE_MEASURED ||
	    e->id == NULL || (reg = register_by_id(e->id)) == NULL ||
	    (rklen = key_record(register_code(reg), e->id, rk, sizeof rk)) ==
	        0 ||
	    (hklen = key_history(rk, rklen, e->rev, hk, sizeof hk)) == 0)
		return false;
	journal_sha256(hk, hklen, out);
	return true;
}

/* History holds more revisions than the journal: names the first one no
 * entry stores (only on that failure: it holds a digest per revision). */
static int
check_unjournaled(struct check *c, struct isms_err *err)
{
	Isms__V1__JournalEntry *e;
	uint8_t(*set)[JOURNAL_HASH_LEN] = NULL, d[JOURNAL_HASH_LEN];
	struct store_iter it;
	size_t n = 0;
	char name[160];
	uint64_t rev;

	if (store_iter_open(c->txn, DB_JOURNAL, &it, NULL, 0) == 0)
		while (store_iter_next(&it)) {
			e = isms__v1__journal_entry__unpack(NULL, it.v.mv_size,
			                                    it.v.mv_data);
			if (e != NULL && check_entry_key(e, d)) {
				set = xreallocarray(set, n + 1, sizeof *set);
				memcpy(set[n++], d, sizeof d);
			}
			if (e != NULL)
				protobuf_c_message_free_unpacked(&e->base,
				                                 NULL);
		}
	store_iter_close(&it);
	if (n > 0)
		qsort(set, n, sizeof *set, check_digest_cmp);
	if (c->txn->ret == 0 &&
	    store_iter_open(c->txn, DB_HISTORY, &it, NULL, 0) == 0) {
		while (c->res->ok && store_iter_next(&it)) {
			journal_sha256(it.k.mv_data, it.k.mv_size, d);
			if (n > 0 && bsearch(d, set, n, sizeof *set,
			                     check_digest_cmp) != NULL)
				continue;
			check_record_name(&it.v, it.k.mv_data, it.k.mv_size,
			                  &rev, name, sizeof name);
			check_fail(
			    c,
			    "record %s: rev %llu is in history but in no "
			    "journal entry",
			    name, (unsigned long long)rev);
		}
		store_iter_close(&it);
	}
	free(set);
	if (c->txn->ret != 0)
		return isms_err_set(err, c->txn->ret, "%s", c->txn->msg);
	if (c->res->ok)
		check_fail(c, "history holds %llu revisions, the journal %llu",
		           (unsigned long long)c->history,
		           (unsigned long long)c->revisions);
	return 0;
}

/* users_each_stored callback: the stored bytes against the journal's. */
static int
check_stored(void *arg, int type, const char *id, const void *bytes, size_t len)
{
	struct check *c = arg;
	struct keyed *k = check_keyed_get(c, type, id, false);
	uint8_t h[JOURNAL_HASH_LEN];

	if (k == NULL)
		return check_fail(c, "%s %s is stored but in no journal entry",
		                  check_kind_name(type), id);
	k->seen = true;
	if (!k->has_hash)
		return check_fail(c,
		                  "%s %s: its last journal entry carries no "
		                  "bytes",
		                  check_kind_name(type), id);
	journal_sha256(bytes, len, h);
	if (memcmp(h, k->hash, sizeof h) != 0)
		return check_fail(
		    c,
		    "%s %s: the stored bytes differ from its last "
		    "journaled change",
		    check_kind_name(type), id);
	return 0;
}

/* Users, tokens and the method: stored as last journaled, and nothing
 * journaled gone. */
static int
check_keyed(struct check *c, struct isms_err *err)
{
	struct keyed *k;
	MDB_val v;
	size_t b;
	int rc;

	if ((rc = users_each_stored(c->txn, check_stored, c)) < 0)
		return isms_err_set(err, -rc, "%s", c->txn->msg);
	if (!c->res->ok)
		return 0;
	rc = method_stored(c->txn, &v);
	if (rc == 0)
		check_stored(c, ISMS__V1__EVENT_TYPE__EVENT_TYPE_METHOD_CHANGED,
		             METHOD_JOURNAL_ID, v.mv_data, v.mv_size);
	else if (rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, -rc, "%s", c->txn->msg);
	for (b = 0; b < CHECK_BUCKETS && c->res->ok; b++)
		for (k = c->map[b]; k != NULL && c->res->ok; k = k->next)
			if (!k->seen && k->has_hash)
				check_fail(c,
				           "%s %s is journaled but no longer "
				           "stored",
				           check_kind_name(k->type), k->id);
	return 0;
}

/* --- deep: derived keys against what they derive from ---------------- */

/* Derives a record's keys of one kind (the writers' own functions). */
typedef void check_derive_fn(struct store_txn *, const struct register_def *,
                             const uint8_t *rk, size_t rklen,
                             const Isms__V1__Record *, store_key_fn *, void *);

/* check_derive_fn for the idx db. */
static void
check_derive_idx(struct store_txn *txn, const struct register_def *reg,
                 const uint8_t *rk, size_t rklen, const Isms__V1__Record *rec,
                 store_key_fn *fn, void *arg)
{
	(void)txn;
	records_index_keys(reg, rec, rk, rklen, fn, arg);
}

/* check_derive_fn for the links db. */
static void
check_derive_links(struct store_txn *txn, const struct register_def *reg,
                   const uint8_t *rk, size_t rklen, const Isms__V1__Record *rec,
                   store_key_fn *fn, void *arg)
{
	(void)txn;
	(void)reg;
	(void)rk;
	(void)rklen;
	links_keys(rec, fn, arg);
}

/* A derived index: where its keys are and what produces them. */
static const struct check_index {
	const char *name;
	enum store_db db;
	const char *prefix;      /* of its keys in db; NULL: every key */
	check_derive_fn *derive; /* from each latest record, or */
	int (*expect)(struct store_txn *, store_key_fn *, void *);
} check_indexes[] = {
    {"index", DB_IDX, NULL, check_derive_idx, NULL},
    {"links", DB_LINKS, NULL, check_derive_links, NULL},
    {"due", DB_DUE, NULL, due_keys, NULL},
    {"uid index", DB_USERS, USERS_UID_INDEX, NULL, users_uid_index_keys},
    {"token index", DB_TOKENS, TOKENS_MAC_INDEX, NULL, tokens_mac_index_keys},
    {"external_ref and dedupe index", DB_EXTREF, NULL, NULL, extref_keys},
};

/* A set of keys, sorted once filled. */
struct check_keyset {
	MDB_val *k;
	size_t n;
};

/* One index being compared. */
struct check_expect {
	struct check *c;
	const struct check_index *ix;
	uint64_t n;               /* distinct keys expected */
	struct check_keyset *set; /* NULL: look each key up */
	struct check_keyset one;  /* the current record's keys so far */
};

/* Whether key was expected already for the current record (a tag given
 * twice calls for one key once). */
static bool
check_expect_dup(struct check_expect *x, const uint8_t *key, size_t klen)
{
	size_t i;

	for (i = 0; i < x->one.n; i++)
		if (x->one.k[i].mv_size == klen &&
		    memcmp(x->one.k[i].mv_data, key, klen) == 0)
			return true;
	x->one.k = xreallocarray(x->one.k, x->one.n + 1, sizeof *x->one.k);
	x->one.k[x->one.n].mv_size = klen;
	x->one.k[x->one.n].mv_data = xmalloc(klen);
	memcpy(x->one.k[x->one.n++].mv_data, key, klen);
	return false;
}

/* Forgets the current record's keys. */
static void
check_expect_next(struct check_expect *x)
{
	size_t i;

	for (i = 0; i < x->one.n; i++)
		free(x->one.k[i].mv_data);
	x->one.n = 0;
}

/* store_key_fn: an expected key, looked up or collected. */
static void
check_expect_key(void *arg, const uint8_t *key, size_t klen, const void *val,
                 size_t vlen)
{
	struct check_expect *x = arg;
	char name[200], want[80];
	MDB_val v;
	int rc;

	if (x->ix->derive != NULL && check_expect_dup(x, key, klen))
		return;
	x->n++;
	if (x->set != NULL) {
		x->set->k =
		    xreallocarray(x->set->k, x->set->n + 1, sizeof *x->set->k);
		x->set->k[x->set->n].mv_size = klen;
		x->set->k[x->set->n].mv_data = xmalloc(klen);
		memcpy(x->set->k[x->set->n++].mv_data, key, klen);
		return;
	}
	if (!x->c->res->ok)
		return;
	rc = store_get(x->c->txn, x->ix->db, key, klen, &v);
	if (rc == -ISMS_ENOTFOUND)
		check_fail(x->c, "%s: key %s is missing", x->ix->name,
		           check_render(key, klen, name, sizeof name));
	else if (rc == 0 && val != NULL &&
	         (v.mv_size != vlen || memcmp(v.mv_data, val, vlen) != 0))
		check_fail(
		    x->c, "%s: key %s holds %s, not %s", x->ix->name,
		    check_render(key, klen, name, sizeof name),
		    check_render(v.mv_data, v.mv_size, want, sizeof want),
		    (const char *)val);
}

/* Feeds every expected key of ix to check_expect_key. */
static int
check_expect_all(struct check_expect *x)
{
	struct store_txn *txn = x->c->txn;
	const struct register_def *reg;
	Isms__V1__Record *rec;
	struct store_iter it;
	struct isms_err err;

	if (x->ix->expect != NULL)
		return x->ix->expect(txn, check_expect_key, x);
	if (store_iter_open(txn, DB_RECORDS, &it, NULL, 0) != 0)
		return txn->ret;
	while (store_iter_next(&it)) {
		if (check_cancelled(x->c)) {
			store_iter_close(&it);
			return -ISMS_ECANCELLED;
		}
		/* A record that does not decode failed the records check. */
		if (records_unpack(&it.v, &rec, &err) != 0)
			continue;
		if (rec->id != NULL && (reg = register_by_id(rec->id)) != NULL)
			x->ix->derive(txn, reg, it.k.mv_data, it.k.mv_size, rec,
			              check_expect_key, x);
		check_expect_next(x);
		protobuf_c_message_free_unpacked(&rec->base, NULL);
	}
	store_iter_close(&it);
	free(x->one.k);
	x->one.k = NULL;
	return txn->ret;
}

/* Orders keys as LMDB does. */
static int
check_key_cmp(const void *a, const void *b)
{
	const MDB_val *x = a, *y = b;
	size_t n = x->mv_size < y->mv_size ? x->mv_size : y->mv_size;
	int d = memcmp(x->mv_data, y->mv_data, n);

	if (d != 0)
		return d;
	return x->mv_size < y->mv_size ? -1 : x->mv_size > y->mv_size;
}

/* The index holds more keys than expected: names the first stray one. */
static int
check_stray(struct check_expect *x)
{
	const struct check_index *ix = x->ix;
	struct check_keyset set = {NULL, 0};
	size_t plen = ix->prefix != NULL ? strlen(ix->prefix) : 0;
	struct store_iter it;
	char name[200];
	size_t i;
	int rc;

	x->set = &set;
	if ((rc = check_expect_all(x)) == 0 &&
	    (rc = store_iter_open(x->c->txn, ix->db, &it, ix->prefix, plen)) ==
	        0) {
		if (set.n > 0)
			qsort(set.k, set.n, sizeof *set.k, check_key_cmp);
		while (x->c->res->ok && store_iter_next(&it))
			if (set.n == 0 ||
			    bsearch(&it.k, set.k, set.n, sizeof *set.k,
			            check_key_cmp) == NULL)
				check_fail(
				    x->c, "%s: key %s derives from no record",
				    ix->name,
				    check_render(it.k.mv_data, it.k.mv_size,
				                 name, sizeof name));
		store_iter_close(&it);
	}
	for (i = 0; i < set.n; i++)
		free(set.k[i].mv_data);
	free(set.k);
	x->set = NULL;
	return rc != 0 ? rc : x->c->txn->ret;
}

/* One derived index, both ways: every expected key present (and holding
 * its value), and as many keys as expected; only when the counts differ
 * is the expected set held in memory, to name the stray key. */
static int
check_index(struct check *c, const struct check_index *ix, struct isms_err *err)
{
	struct check_expect x = {c, ix, 0, NULL, {NULL, 0}};
	size_t plen = ix->prefix != NULL ? strlen(ix->prefix) : 0;
	struct store_iter it;
	uint64_t have = 0;
	int rc;

	if ((rc = check_expect_all(&x)) != 0)
		return isms_err_set(err, -rc, "%s",
		                    rc == -ISMS_ECANCELLED
		                        ? "the check was cancelled"
		                        : c->txn->msg);
	if (!c->res->ok)
		return 0;
	if (store_iter_open(c->txn, ix->db, &it, ix->prefix, plen) == 0)
		while (store_iter_next(&it))
			have++;
	store_iter_close(&it);
	if (c->txn->ret != 0)
		return isms_err_set(err, c->txn->ret, "%s", c->txn->msg);
	/* Every expected key (each counted once) is there: more keys than
	 * that means a stray one. */
	if (have != x.n)
		rc = check_stray(&x);
	if (rc < 0)
		return isms_err_set(err, -rc, "%s", c->txn->msg);
	return 0;
}

/* Every derived index. */
static int
check_derived(struct check *c, struct isms_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof check_indexes / sizeof check_indexes[0] &&
	            rc == 0 && c->res->ok;
	     i++) {
		if (c->opts->cancel != NULL && atomic_load(c->opts->cancel))
			return isms_err_set(err, ISMS_ECANCELLED,
			                    "the check was cancelled");
		rc = check_index(c, &check_indexes[i], err);
	}
	return rc;
}

int
check_store(struct store_txn *txn, const struct check_opts *opts,
            struct check_result *res, struct isms_err *err)
{
	struct check *c = xcalloc(1, sizeof *c);
	int rc;

	memset(res, 0, sizeof *res);
	res->ok = true;
	c->txn = txn;
	c->opts = opts;
	c->res = res;
	/* Each part runs only while the ones before it found nothing. */
	if ((rc = check_chain(c, err)) < 0 || !res->ok)
		goto done;
	if ((rc = check_history(c, err)) < 0 || !res->ok)
		goto done;
	if ((rc = check_records(c, err)) < 0 || !res->ok)
		goto done;
	if (c->history != c->revisions &&
	    ((rc = check_unjournaled(c, err)) < 0 || !res->ok))
		goto done;
	if ((rc = check_keyed(c, err)) < 0 || !res->ok)
		goto done;
	if ((rc = measures_check(txn, c->measured, res->problem,
	                         sizeof res->problem)) < 0) {
		rc = isms_err_set(err, -rc, "%s", txn->msg);
		goto done;
	}
	if (res->problem[0] != '\0') {
		res->ok = false;
		goto done;
	}
	if (opts->deep)
		rc = check_derived(c, err);
done:
	check_map_free(c);
	free(c);
	return rc < 0 ? rc : 0;
}

/* users_each_stored callback: passes on what no entry carries. */
struct check_uncovered_arg {
	struct check *c;
	users_stored_fn *fn;
	void *arg;
};

static int
check_uncovered_one(void *arg, int type, const char *id, const void *bytes,
                    size_t len)
{
	struct check_uncovered_arg *u = arg;
	struct keyed *k = check_keyed_get(u->c, type, id, false);

	if (k != NULL && k->has_hash)
		return 0;
	return u->fn(u->arg, type, id, bytes, len);
}

int
check_uncovered(struct store_txn *txn, users_stored_fn *fn, void *arg,
                struct isms_err *err)
{
	struct check_opts opts = {0};
	struct check_result res = {0};
	struct check *c = xcalloc(1, sizeof *c);
	struct check_uncovered_arg u = {c, fn, arg};
	struct store_iter it;
	Isms__V1__JournalEntry *e;
	MDB_val v;
	int rc = 0;

	c->txn = txn;
	c->opts = &opts;
	c->res = &res;
	/* Every entry, verified or not: this is not the check. */
	if (store_iter_open(txn, DB_JOURNAL, &it, NULL, 0) == 0)
		while (store_iter_next(&it)) {
			e = isms__v1__journal_entry__unpack(NULL, it.v.mv_size,
			                                    it.v.mv_data);
			if (e == NULL)
				continue;
			check_on_entry(c, e);
			protobuf_c_message_free_unpacked(&e->base, NULL);
		}
	store_iter_close(&it);
	if (txn->ret == 0)
		rc = users_each_stored(txn, check_uncovered_one, &u);
	if (rc == 0 && txn->ret == 0 && method_stored(txn, &v) == 0)
		rc = check_uncovered_one(
		    &u, ISMS__V1__EVENT_TYPE__EVENT_TYPE_METHOD_CHANGED,
		    METHOD_JOURNAL_ID, v.mv_data, v.mv_size);
	check_map_free(c);
	free(c);
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return rc < 0 ? rc : 0;
}
