/*
 * journal.h: the tamper-evident journal. Every change appends one entry in
 * the same LMDB txn as the change; entries form a SHA-256 hash chain over
 * every field, the stored record bytes and the previous entry's hash. The
 * journal is also the event log: subscribers read it (replay and live).
 * Nothing deletes or rewrites an entry.
 */
#ifndef ISMS_JOURNAL_H
#define ISMS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct store_txn;

#define JOURNAL_HASH_LEN 32

/* What one entry records; strings may be NULL. */
struct journal_rec {
	int64_t time;
	const char *actor;
	int type; /* ISMS__V1__EVENT_TYPE__* */
	const char *id;
	uint64_t rev;
	const char *reg;
	const char *owner;
	const char *summary;
	const void *bytes; /* the stored record bytes, or NULL */
	size_t len;
};

/* Appends an entry; *seq (may be NULL) is its number. */
int journal_append(struct store_txn *, const struct journal_rec *,
                   uint64_t *seq, struct isms_err *err);

/* The last entry's seq and hash (0 and zeros for an empty journal). */
int journal_head(struct store_txn *, uint64_t *seq,
                 uint8_t hash[JOURNAL_HASH_LEN]);

/* Reads entry seq (malloc'ed); -ISMS_ENOTFOUND past the head. */
int journal_get(struct store_txn *, uint64_t seq, Isms__V1__JournalEntry **out,
                struct isms_err *err);

/* Entries after q->since_seq matching q's filters, up to its limit. */
int journal_query(struct store_txn *, const Isms__V1__JournalQuery *q,
                  Isms__V1__JournalResult *out, struct isms_err *err);

/*
 * Verification state, advanced in slices (the caller checks between
 * slices whether to go on). The chain must run without a gap from seq 1 to
 * the stored head (meta "journal-head"), every link and hash must
 * recompute, nothing may follow the head, and the head's stored hash must
 * be the chain's. each (may be NULL) sees every entry that verified.
 */
struct journal_verify {
	uint64_t next; /* next seq to check */
	uint8_t prev[JOURNAL_HASH_LEN];
	uint64_t checked;
	bool failed;
	bool done;
	uint64_t bad_seq;
	char problem[256];
	bool head_loaded; /* the stored head, read by the first slice */
	uint64_t head_seq;
	uint8_t head_hash[JOURNAL_HASH_LEN];
	uint64_t want_seq; /* > 0: keep the recomputed hash at this seq */
	bool have_want;
	uint8_t want_hash[JOURNAL_HASH_LEN];
	void (*each)(void *arg, const Isms__V1__JournalEntry *e);
	void *arg;
};

void journal_verify_init(struct journal_verify *);

/* Checks up to max entries; returns 1 when the end was reached (or a
 * failure found), 0 when more remain, or an error. */
int journal_verify_slice(struct store_txn *, struct journal_verify *,
                         size_t max, struct isms_err *err);

/* Whether entry type stores something other than a record revision
 * (users, tokens, the risk method): their bytes live outside history. */
bool journal_type_keyed(int type);

/* SHA-256 of len bytes, as record_hash holds it. */
void journal_sha256(const void *data, size_t len,
                    uint8_t out[JOURNAL_HASH_LEN]);

/* Computes an entry's hash from its fields. */
void journal_hash(const Isms__V1__JournalEntry *e,
                  uint8_t out[JOURNAL_HASH_LEN]);

/* The event type's human name ("review_due"). */
const char *journal_type_name(int type, char *buf, size_t len);

#endif
