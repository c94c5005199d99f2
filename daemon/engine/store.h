/*
 * store.h: the one wrapper around LMDB.
 *
 * A store_txn carries a sticky error (Knot's knot_lmdb_txn_t): once an
 * operation fails, the following ones do nothing, commit aborts, and the
 * caller checks txn->ret once at the end. LMDB codes become our codes here
 * and nowhere else. MDB_val data dies with its txn: copy it out.
 */
#ifndef ISMS_STORE_H
#define ISMS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "errcode.h"

/* The named databases. */
enum store_db {
	DB_RECORDS,  /* record key → packed Record (latest) */
	DB_HISTORY,  /* record key 0x00 rev(be64) → packed Record */
	DB_IDX,      /* reg field value 0x00 record key → "" */
	DB_META,     /* counters, schema version */
	DB_LINKS,    /* target key 0x00 source key 0x00 rel → source id */
	DB_JOURNAL,  /* seq (be64) → packed JournalEntry */
	DB_DUE,      /* date kind record key → fired flags */
	DB_USERS,    /* "u" name → User; "i" uid(be32) → name */
	DB_TOKENS,   /* "t" id → hmac + Token; "h" hmac → id */
	DB_MEASURES, /* metric key 0x00 at seq(be64) → Measurement */
	DB_EXTREF,   /* source 0x00 external id → incident id (ingest) */
	DB_NDBS
};

#define STORE_MAPSIZE_DEFAULT ((size_t)16 << 30) /* sparse: address space */
#define STORE_KEY_MAX         511                /* LMDB's compiled limit */

struct store;

struct store_txn {
	struct store *st;
	MDB_txn *txn;
	int ret; /* sticky: 0 or -ISMS_E* */
	bool write;
	char msg[256]; /* detail of ret */
};

/* Opens (creating) the environment in dir. */
int store_open(struct store **out, const char *dir, size_t mapsize,
               struct isms_err *err);
void store_close(struct store *);

/* Writes a compacted copy of the environment to fd from a read txn of
 * LMDB's own (mdb_env_copyfd2, MDB_CP_COMPACT): writers go on. */
int store_copy_fd(struct store *, int fd, struct isms_err *err);

/* Begins a write txn (parent may be NULL: a nested txn otherwise). */
int store_write_begin(struct store *, struct store_txn *parent,
                      struct store_txn *txn);

/*
 * A value derived from stored data and kept from one write txn to the next
 * (the unpacked risk method), so a batch derives it once. Write txns run
 * one at a time, so whoever holds one may use it; its user checks that it
 * still matches the store before trusting it. store_close frees data with
 * free_fn.
 */
struct store_memo {
	void *data;
	void (*free_fn)(void *);
};

/* The store's memo, borrowed; NULL on a read txn. */
struct store_memo *store_write_memo(struct store_txn *);

/*
 * Begins a read txn. The loop thread's read txns reuse one handle
 * (mdb_txn_reset/renew), so only one is open at a time per store.
 */
int store_read_begin(struct store *, struct store_txn *txn);
void store_read_end(struct store_txn *);

/*
 * Begins a read txn of its own, for a thread other than the loop's (the
 * env is opened MDB_NOTLS, so a read txn is not bound to its thread). It
 * sees one snapshot until store_snapshot_end; hold it no longer than one
 * job, since pages it sees cannot be reused meanwhile.
 */
int store_snapshot_begin(struct store *, struct store_txn *txn);
void store_snapshot_end(struct store_txn *);

/* Calls fn with each key and value a derived index should hold. */
typedef void store_key_fn(void *arg, const uint8_t *key, size_t klen,
                          const void *val, size_t vlen);

/* Commits unless txn->ret is set, in which case it aborts. Returns ret. */
int store_commit(struct store_txn *);
void store_abort(struct store_txn *);

/* Gets key; -ISMS_ENOTFOUND when absent (not sticky), else sticky errors. */
int store_get(struct store_txn *, enum store_db, const void *key, size_t klen,
              MDB_val *val);
void store_put(struct store_txn *, enum store_db, const void *key, size_t klen,
               const void *val, size_t vlen);
/* Reserves vlen bytes for key and returns where to write them (or NULL). */
void *store_reserve(struct store_txn *, enum store_db, const void *key,
                    size_t klen, size_t vlen);
void store_del(struct store_txn *, enum store_db, const void *key, size_t klen);

/* A forward cursor over keys starting with prefix, from start (or prefix). */
struct store_iter {
	struct store_txn *txn;
	MDB_cursor *cur;
	const uint8_t *prefix;
	size_t plen;
	bool started;
	MDB_val k, v;
	/* first key to visit (>=); NULL: the prefix */
	const uint8_t *start;
	size_t slen;
	bool skip_start; /* start itself is excluded */
};

int store_iter_open(struct store_txn *, enum store_db, struct store_iter *,
                    const void *prefix, size_t plen);
/* Moves to the next key in range; false at the end or on error. */
bool store_iter_next(struct store_iter *);
void store_iter_close(struct store_iter *);

/* Big-endian builders: LMDB order is numeric order. */
static inline void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline uint32_t
be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void
be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, v >> 32);
	be32_put(p + 4, (uint32_t)v);
}

static inline uint64_t
be64_get(const uint8_t *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}

#endif
