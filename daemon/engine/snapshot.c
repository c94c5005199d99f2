/* snapshot.c: a register's records as one read txn sees them, by pages. */
#include <stdlib.h>
#include <string.h>

#include "measures.h"
#include "records.h"
#include "registers.h"
#include "snapshot.h"
#include "timefmt.h"
#include "xmalloc.h"

int
snap_begin(struct store *st, struct snap *s, const Isms__V1__Snapshot *req,
           struct isms_err *err)
{
	const struct register_def *r;
	int64_t day;
	size_t i;

	memset(s, 0, sizeof *s);
	if (req->n_registers > SNAP_MAX_REGS)
		return isms_err_set(err, ISMS_EINVAL, "too many registers");
	for (i = 0; i < req->n_registers; i++) {
		if ((r = register_by_name(req->registers[i])) == NULL)
			return isms_err_set(err, ISMS_EINVAL,
			                    "unknown register '%s'",
			                    req->registers[i]);
		s->codes[s->ncodes++] = register_code(r);
	}
	for (i = 0; req->n_registers == 0 && registers[i] != NULL; i++)
		s->codes[s->ncodes++] = register_code(registers[i]);
	if (req->as_of != NULL) {
		if (!timefmt_date_valid(req->as_of) ||
		    timefmt_parse_instant(req->as_of, &day) != 0)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "as_of '%s' is not a date YYYY-MM-DD", req->as_of);
		s->cutoff = day + 86400 - 1;
	}
	if (store_snapshot_begin(st, &s->txn) != 0)
		return isms_err_set(err, s->txn.ret, "%s", s->txn.msg);
	s->open = true;
	return 0;
}

void
snap_end(struct snap *s)
{
	if (s->open)
		store_snapshot_end(&s->txn);
	s->open = false;
}

/* The time of entry seq (INT64_MAX when it cannot be read). */
static int64_t
snap_entry_time(struct store_txn *txn, uint64_t seq)
{
	Isms__V1__JournalEntry *e;
	struct isms_err err;
	int64_t t;

	if (journal_get(txn, seq, &e, &err) != 0)
		return INT64_MAX;
	t = e->time;
	protobuf_c_message_free_unpacked(&e->base, NULL);
	return t;
}

/*
 * The last seq stamped at or before the cutoff (0: none), by bisection:
 * the journal's times rise with its seq (one writer, one clock).
 */
static uint64_t
snap_seq_at(struct snap *s, uint64_t head)
{
	uint64_t lo = 0, hi = head, mid; /* lo fits, hi + 1.. do not */

	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (snap_entry_time(&s->txn, mid) <= s->cutoff)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int
snap_head(struct snap *s, uint64_t *seq, uint8_t hash[JOURNAL_HASH_LEN],
          struct isms_err *err)
{
	Isms__V1__JournalEntry *e;
	int rc;

	if ((rc = journal_head(&s->txn, seq, hash)) != 0)
		return isms_err_set(err, rc, "cannot read the journal head: %s",
		                    s->txn.msg);
	if (s->cutoff == 0 || *seq == 0)
		return 0;
	if ((*seq = snap_seq_at(s, *seq)) == 0) {
		memset(hash, 0, JOURNAL_HASH_LEN);
		return 0;
	}
	if ((rc = journal_get(&s->txn, *seq, &e, err)) != 0)
		return rc;
	memset(hash, 0, JOURNAL_HASH_LEN);
	if (e->has_hash && e->hash.len == JOURNAL_HASH_LEN)
		memcpy(hash, e->hash.data, JOURNAL_HASH_LEN);
	protobuf_c_message_free_unpacked(&e->base, NULL);
	return 0;
}

/* Appends rec to the page. */
static void
snap_add(Isms__V1__SnapshotPage *out, Isms__V1__Record *rec)
{
	out->records = xreallocarray(out->records, out->n_records + 1,
	                             sizeof *out->records);
	out->records[out->n_records++] = rec;
}

/* Whether the page is full: max records, or the reply's soft size. */
static bool
snap_full(const Isms__V1__SnapshotPage *out, size_t max, size_t bytes)
{
	return out->n_records >= max || bytes >= REPLY_BYTES_SOFT;
}

/* Keeps the key the next page starts at. */
static void
snap_mark(struct snap *s, const MDB_val *k)
{
	s->startlen = k->mv_size <= sizeof s->start ? k->mv_size : 0;
	memcpy(s->start, k->mv_data, s->startlen);
}

/* Opens the cursor of the register being read, at the resume key. */
static int
snap_open(struct snap *s, enum store_db db, struct store_iter *it,
          struct isms_err *err)
{
	if (store_iter_open(&s->txn, db, it, &s->codes[s->at], 1) != 0)
		return isms_err_set(err, s->txn.ret, "%s", s->txn.msg);
	if (s->startlen > 0) {
		it->start = s->start;
		it->slen = s->startlen;
	}
	return 0;
}

/* Live records of the register being read; 1 when the page is full. */
static int
snap_live(struct snap *s, size_t max, Isms__V1__SnapshotPage *out,
          size_t *bytes, struct isms_err *err)
{
	struct store_iter it;
	Isms__V1__Record *rec;
	int rc = 0;

	if ((rc = snap_open(s, DB_RECORDS, &it, err)) != 0)
		return rc;
	while (store_iter_next(&it)) {
		if (snap_full(out, max, *bytes)) {
			snap_mark(s, &it.k);
			rc = 1;
			break;
		}
		if ((rc = records_unpack(&it.v, &rec, err)) != 0)
			break;
		measures_fill_progress(&s->txn, rec);
		*bytes += it.v.mv_size;
		snap_add(out, rec);
	}
	store_iter_close(&it);
	return rc;
}

/* A record's revision time: its last change (its creation on rev 1). */
static int64_t
snap_rev_time(const Isms__V1__Record *r)
{
	return r->has_updated_at ? r->updated_at : r->created_at;
}

/* Adds the kept revision of one record (if any) and forgets it. */
static void
snap_take(Isms__V1__SnapshotPage *out, Isms__V1__Record **keep)
{
	if (*keep != NULL)
		snap_add(out, *keep);
	*keep = NULL;
}

/* Records as of the cutoff, from history; 1 when the page is full. */
static int
snap_history(struct snap *s, size_t max, Isms__V1__SnapshotPage *out,
             size_t *bytes, struct isms_err *err)
{
	struct store_iter it;
	Isms__V1__Record *rec, *keep = NULL;
	uint8_t cur[RECKEY_MAX];
	size_t curlen = 0, rklen;
	int rc = 0;

	if ((rc = snap_open(s, DB_HISTORY, &it, err)) != 0)
		return rc;
	while (store_iter_next(&it)) {
		rklen = key_history_record(it.k.mv_data, it.k.mv_size);
		if (rklen == 0 || rklen > sizeof cur)
			continue;
		if (rklen != curlen || memcmp(cur, it.k.mv_data, rklen) != 0) {
			snap_take(out, &keep);
			if (snap_full(out, max, *bytes)) {
				snap_mark(s, &it.k);
				rc = 1;
				break;
			}
			memcpy(cur, it.k.mv_data, rklen);
			curlen = rklen;
		}
		if ((rc = records_unpack(&it.v, &rec, err)) != 0)
			break;
		if (snap_rev_time(rec) > s->cutoff) {
			protobuf_c_message_free_unpacked(&rec->base, NULL);
			continue;
		}
		if (keep != NULL)
			protobuf_c_message_free_unpacked(&keep->base, NULL);
		else
			*bytes += it.v.mv_size;
		keep = rec;
	}
	store_iter_close(&it);
	if (rc == 0)
		snap_take(out, &keep);
	else if (keep != NULL)
		protobuf_c_message_free_unpacked(&keep->base, NULL);
	return rc;
}

int
snap_page(struct snap *s, size_t max, Isms__V1__SnapshotPage *out, bool *done,
          struct isms_err *err)
{
	size_t bytes = 0;
	int rc = 0;

	*done = false;
	while (s->at < s->ncodes) {
		rc = s->cutoff != 0 ? snap_history(s, max, out, &bytes, err)
		                    : snap_live(s, max, out, &bytes, err);
		if (rc == 0 && s->txn.ret != 0)
			rc = isms_err_set(err, s->txn.ret, "%s", s->txn.msg);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return 0;
		s->at++;
		s->startlen = 0;
	}
	*done = true;
	return 0;
}
