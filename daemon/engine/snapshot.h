/*
 * snapshot.h: the records of some registers as one read txn sees them,
 * read a page at a time (the Snapshot RPC streams the pages).
 *
 * A snap owns a read txn of its own (store_snapshot_begin: the env is
 * MDB_NOTLS, so the loop may hold it beside its short ones) from
 * snap_begin to snap_end; every page comes from that one txn, so writes
 * committed meanwhile are in no page. With an as-of date a record is its
 * latest revision (from history) stamped at or before the end of that day,
 * and a record created later is left out.
 */
#ifndef ISMS_SNAPSHOT_H
#define ISMS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "journal.h"
#include "keys.h"
#include "proto/isms.pb-c.h"
#include "store.h"

#define SNAP_PAGE_DEFAULT 256
#define SNAP_PAGE_MAX     1000
#define SNAP_MAX_REGS     64

struct snap {
	struct store_txn txn;
	bool open;
	uint8_t codes[SNAP_MAX_REGS]; /* register codes to read, in order */
	size_t ncodes, at;            /* at: the one being read */
	uint8_t start[STORE_KEY_MAX]; /* resume at this key (>=) */
	size_t startlen;              /* 0: from the register's start */
	int64_t cutoff;               /* as of: last second counted; 0 none */
};

/* Checks req (registers, as_of) and opens the read txn. */
int snap_begin(struct store *, struct snap *, const Isms__V1__Snapshot *req,
               struct isms_err *err);

/* The journal head the snapshot is drawn at: the last entry at or before
 * the cutoff when there is one. */
int snap_head(struct snap *, uint64_t *seq, uint8_t hash[JOURNAL_HASH_LEN],
              struct isms_err *err);

/* Appends up to max records (and at most about REPLY_BYTES_SOFT bytes) to
 * out; *done when none remain. */
int snap_page(struct snap *, size_t max, Isms__V1__SnapshotPage *out,
              bool *done, struct isms_err *err);

/* Ends the read txn (idempotent). */
void snap_end(struct snap *);

#endif
