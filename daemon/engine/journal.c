/* journal.c: the hash-chained journal of every change. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "journal.h"
#include "keys.h"
#include "pbfield.h"
#include "registers.h"
#include "store.h"
#include "xmalloc.h"

#define HEAD_KEY            "journal-head"
#define QUERY_LIMIT_DEFAULT 1000
#define QUERY_LIMIT_MAX     10000

/* SHA-256 of len bytes. */
void
journal_sha256(const void *data, size_t len, uint8_t out[JOURNAL_HASH_LEN])
{
	unsigned int n = JOURNAL_HASH_LEN;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

/* Feeds a length-prefixed string (NULL as empty) into the digest. */
static void
journal_feed_str(EVP_MD_CTX *ctx, const char *s)
{
	uint8_t len[4];
	size_t n = s != NULL ? strlen(s) : 0;

	be32_put(len, (uint32_t)n);
	EVP_DigestUpdate(ctx, len, sizeof len);
	if (n > 0)
		EVP_DigestUpdate(ctx, s, n);
}

/* Feeds length-prefixed bytes into the digest. */
static void
journal_feed_bytes(EVP_MD_CTX *ctx, protobuf_c_boolean has,
                   const ProtobufCBinaryData *b)
{
	uint8_t len[4];
	size_t n = has ? b->len : 0;

	be32_put(len, (uint32_t)n);
	EVP_DigestUpdate(ctx, len, sizeof len);
	if (n > 0)
		EVP_DigestUpdate(ctx, b->data, n);
}

void
journal_hash(const Isms__V1__JournalEntry *e, uint8_t out[JOURNAL_HASH_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t fixed[8 + 8 + 4 + 8];
	unsigned int n = JOURNAL_HASH_LEN;

	/* seq, time, type and rev in fixed width, then the strings. */
	be64_put(fixed, e->seq);
	be64_put(fixed + 8, (uint64_t)e->time);
	be32_put(fixed + 16, (uint32_t)e->type);
	be64_put(fixed + 20, e->rev);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, fixed, sizeof fixed);
	journal_feed_str(ctx, e->actor);
	journal_feed_str(ctx, e->id);
	journal_feed_str(ctx, e->register_);
	journal_feed_str(ctx, e->owner);
	journal_feed_str(ctx, e->summary);
	journal_feed_bytes(ctx, e->has_record_hash, &e->record_hash);
	journal_feed_bytes(ctx, e->has_prev_hash, &e->prev_hash);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
}

int
journal_head(struct store_txn *txn, uint64_t *seq,
             uint8_t hash[JOURNAL_HASH_LEN])
{
	MDB_val v;
	int rc;

	*seq = 0;
	memset(hash, 0, JOURNAL_HASH_LEN);
	rc = store_get(txn, DB_META, HEAD_KEY, strlen(HEAD_KEY), &v);
	if (rc == -ISMS_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (v.mv_size != 8 + JOURNAL_HASH_LEN)
		return -ISMS_EDATALOSS;
	*seq = be64_get(v.mv_data);
	memcpy(hash, (uint8_t *)v.mv_data + 8, JOURNAL_HASH_LEN);
	return 0;
}

int
journal_append(struct store_txn *txn, const struct journal_rec *r,
               uint64_t *seqp, struct isms_err *err)
{
	Isms__V1__JournalEntry e = ISMS__V1__JOURNAL_ENTRY__INIT;
	uint8_t prev[JOURNAL_HASH_LEN], rh[JOURNAL_HASH_LEN];
	uint8_t hash[JOURNAL_HASH_LEN], key[8], head[8 + JOURNAL_HASH_LEN];
	uint64_t seq;
	size_t size;
	void *p;
	int rc;

	if ((rc = journal_head(txn, &seq, prev)) != 0)
		return isms_err_set(err, rc, "journal head: %s", txn->msg);
	e.has_seq = e.has_time = e.has_type = 1;
	e.seq = seq + 1;
	e.time = r->time;
	e.type = r->type;
	e.actor = (char *)r->actor;
	e.id = (char *)r->id;
	e.has_rev = r->rev != 0;
	e.rev = r->rev;
	e.register_ = (char *)r->reg;
	e.owner = (char *)r->owner;
	e.summary = (char *)r->summary;
	if (r->bytes != NULL) {
		journal_sha256(r->bytes, r->len, rh);
		e.has_record_hash = 1;
		e.record_hash.data = rh;
		e.record_hash.len = sizeof rh;
	}
	e.has_prev_hash = 1;
	e.prev_hash.data = prev;
	e.prev_hash.len = sizeof prev;
	journal_hash(&e, hash);
	e.has_hash = 1;
	e.hash.data = hash;
	e.hash.len = sizeof hash;
	be64_put(key, e.seq);
	size = isms__v1__journal_entry__get_packed_size(&e);
	if ((p = store_reserve(txn, DB_JOURNAL, key, sizeof key, size)) != NULL)
		isms__v1__journal_entry__pack(&e, p);
	be64_put(head, e.seq);
	memcpy(head + 8, hash, sizeof hash);
	store_put(txn, DB_META, HEAD_KEY, strlen(HEAD_KEY), head, sizeof head);
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	if (seqp != NULL)
		*seqp = e.seq;
	return 0;
}

int
journal_get(struct store_txn *txn, uint64_t seq, Isms__V1__JournalEntry **out,
            struct isms_err *err)
{
	uint8_t key[8];
	MDB_val v;
	int rc;

	be64_put(key, seq);
	if ((rc = store_get(txn, DB_JOURNAL, key, sizeof key, &v)) != 0)
		return rc == -ISMS_ENOTFOUND
		           ? rc
		           : isms_err_set(err, rc, "%s", txn->msg);
	*out = isms__v1__journal_entry__unpack(NULL, v.mv_size, v.mv_data);
	if (*out == NULL)
		return isms_err_set(err, ISMS_EDATALOSS,
		                    "journal entry %llu does not decode",
		                    (unsigned long long)seq);
	return 0;
}

/* Whether e passes a query's id and actor filters. */
static bool
journal_match(const Isms__V1__JournalEntry *e, const Isms__V1__JournalQuery *q)
{
	if (q->id != NULL && (e->id == NULL || strcmp(e->id, q->id) != 0))
		return false;
	if (q->actor != NULL &&
	    (e->actor == NULL || strcmp(e->actor, q->actor) != 0))
		return false;
	return true;
}

int
journal_query(struct store_txn *txn, const Isms__V1__JournalQuery *q,
              Isms__V1__JournalResult *out, struct isms_err *err)
{
	Isms__V1__JournalEntry *e;
	uint8_t start[8], hash[JOURNAL_HASH_LEN];
	struct store_iter it;
	size_t limit;
	int rc;

	limit = q->has_limit && q->limit > 0 ? q->limit : QUERY_LIMIT_DEFAULT;
	if (limit > QUERY_LIMIT_MAX)
		limit = QUERY_LIMIT_MAX;
	if ((rc = store_iter_open(txn, DB_JOURNAL, &it, NULL, 0)) != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	be64_put(start, q->since_seq);
	it.start = start;
	it.slen = sizeof start;
	it.skip_start = true;
	while (store_iter_next(&it)) {
		if (out->n_entries == limit) {
			out->has_more = out->more = 1;
			break;
		}
		e = isms__v1__journal_entry__unpack(NULL, it.v.mv_size,
		                                    it.v.mv_data);
		if (e == NULL) {
			rc = isms_err_set(err, ISMS_EDATALOSS,
			                  "a journal entry does not decode");
			break;
		}
		if (!journal_match(e, q)) {
			protobuf_c_message_free_unpacked(&e->base, NULL);
			continue;
		}
		out->entries = xreallocarray(out->entries, out->n_entries + 1,
		                             sizeof *out->entries);
		out->entries[out->n_entries++] = e;
	}
	store_iter_close(&it);
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	if (rc == 0 && journal_head(txn, &out->head_seq, hash) == 0) {
		out->has_head_seq = out->has_head_hash = 1;
		out->head_hash.data = xmalloc(sizeof hash);
		memcpy(out->head_hash.data, hash, sizeof hash);
		out->head_hash.len = sizeof hash;
	}
	return rc;
}

void
journal_verify_init(struct journal_verify *v)
{
	memset(v, 0, sizeof *v);
	v->next = 1;
}

bool
journal_type_keyed(int type)
{
	return type == ISMS__V1__EVENT_TYPE__EVENT_TYPE_USER_CHANGED ||
	       type == ISMS__V1__EVENT_TYPE__EVENT_TYPE_TOKEN_CHANGED ||
	       type == ISMS__V1__EVENT_TYPE__EVENT_TYPE_METHOD_CHANGED;
}

/* Checks that the stored revision behind e hashes to its record_hash. */
static bool
journal_verify_record(struct store_txn *txn, const Isms__V1__JournalEntry *e)
{
	const struct register_def *reg;
	uint8_t rk[RECKEY_MAX], hk[RECKEY_MAX + 9], rh[JOURNAL_HASH_LEN];
	size_t rklen, hklen;
	MDB_val v;

	if (!e->has_record_hash || e->id == NULL || !e->has_rev ||
	    journal_type_keyed(e->type))
		return true;
	if ((reg = register_by_id(e->id)) == NULL)
		return false;
	if ((rklen = key_record(register_code(reg), e->id, rk, sizeof rk)) == 0)
		return false;
	hklen = key_history(rk, rklen, e->rev, hk, sizeof hk);
	if (store_get(txn, DB_HISTORY, hk, hklen, &v) != 0)
		return false;
	journal_sha256(v.mv_data, v.mv_size, rh);
	return e->record_hash.len == sizeof rh &&
	       memcmp(e->record_hash.data, rh, sizeof rh) == 0;
}

/* Marks the verification failed at seq with a reason. */
static void journal_verify_fail(struct journal_verify *v, uint64_t seq,
                                const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
journal_verify_fail(struct journal_verify *v, uint64_t seq, const char *fmt,
                    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->problem, sizeof v->problem, fmt, ap);
	va_end(ap);
	v->failed = true;
	v->done = true;
	v->bad_seq = seq;
}

/* Checks entry v->next, stored as val: decodes, links, hashes. */
static void
journal_verify_entry(struct store_txn *txn, struct journal_verify *v,
                     const MDB_val *val)
{
	Isms__V1__JournalEntry *e;
	uint8_t hash[JOURNAL_HASH_LEN];

	e = isms__v1__journal_entry__unpack(NULL, val->mv_size, val->mv_data);
	if (e == NULL) {
		journal_verify_fail(v, v->next, "the entry does not decode");
		return;
	}
	journal_hash(e, hash);
	if (e->seq != v->next)
		journal_verify_fail(v, v->next, "the entry says it is seq %llu",
		                    (unsigned long long)e->seq);
	else if (!e->has_prev_hash || e->prev_hash.len != sizeof hash ||
	         memcmp(e->prev_hash.data, v->prev, sizeof hash) != 0)
		journal_verify_fail(v, v->next,
		                    "its previous hash does not match the "
		                    "entry before it");
	else if (!e->has_hash || e->hash.len != sizeof hash ||
	         memcmp(e->hash.data, hash, sizeof hash) != 0)
		journal_verify_fail(v, v->next,
		                    "its hash does not match its content");
	else if (!journal_verify_record(txn, e))
		journal_verify_fail(v, v->next,
		                    "the stored revision %s rev %llu does not "
		                    "match its hash",
		                    e->id, (unsigned long long)e->rev);
	if (!v->failed) {
		memcpy(v->prev, hash, sizeof hash);
		if (v->next == v->want_seq) {
			memcpy(v->want_hash, hash, sizeof hash);
			v->have_want = true;
		}
		if (v->each != NULL)
			v->each(v->arg, e);
		v->checked++;
		v->next++;
	}
	protobuf_c_message_free_unpacked(&e->base, NULL);
}

/* At the end of the entries: the chain must have reached the stored head
 * and hashed to it. */
static void
journal_verify_end(struct journal_verify *v)
{
	v->done = true;
	if (v->next <= v->head_seq)
		journal_verify_fail(v, v->next,
		                    "entry %llu is missing (the stored head is "
		                    "seq %llu)",
		                    (unsigned long long)v->next,
		                    (unsigned long long)v->head_seq);
	else if (v->head_seq > 0 &&
	         memcmp(v->prev, v->head_hash, JOURNAL_HASH_LEN) != 0)
		journal_verify_fail(
		    v, v->head_seq,
		    "the stored head's hash is not the chain's");
}

int
journal_verify_slice(struct store_txn *txn, struct journal_verify *v,
                     size_t max, struct isms_err *err)
{
	struct store_iter it;
	uint8_t start[8];
	uint64_t seq;
	size_t n = 0;
	int rc;

	if (v->done)
		return 1;
	if (!v->head_loaded) {
		if ((rc = journal_head(txn, &v->head_seq, v->head_hash)) != 0)
			return isms_err_set(err, rc, "journal head: %s",
			                    rc == -ISMS_EDATALOSS
			                        ? "the stored head is malformed"
			                        : txn->msg);
		v->head_loaded = true;
	}
	if ((rc = store_iter_open(txn, DB_JOURNAL, &it, NULL, 0)) != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	be64_put(start, v->next);
	it.start = start;
	it.slen = sizeof start;
	for (;;) {
		if (n == max) {
			store_iter_close(&it);
			return 0;
		}
		if (!store_iter_next(&it)) {
			if (txn->ret == 0)
				journal_verify_end(v);
			break;
		}
		n++;
		if (it.k.mv_size != 8) {
			journal_verify_fail(v, v->next,
			                    "a journal key is not a seq (%zu "
			                    "bytes)",
			                    it.k.mv_size);
			break;
		}
		seq = be64_get(it.k.mv_data);
		if (seq != v->next && v->next <= v->head_seq)
			journal_verify_fail(v, v->next, "entry %llu is missing",
			                    (unsigned long long)v->next);
		else if (seq > v->head_seq)
			journal_verify_fail(
			    v, seq,
			    "the entry lies beyond the stored head "
			    "(seq %llu)",
			    (unsigned long long)v->head_seq);
		else
			journal_verify_entry(txn, v, &it.v);
		if (v->failed)
			break;
	}
	store_iter_close(&it);
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return 1;
}

const char *
journal_type_name(int type, char *buf, size_t len)
{
	if (pb_enum_name(&isms__v1__event_type__descriptor, type, buf, len) ==
	    NULL)
		snprintf(buf, len, "%d", type);
	return buf;
}
