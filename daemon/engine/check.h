/*
 * check.h: the store-wide check behind "journal verify" (DESIGN §5): the
 * chain from seq 1 to the stored head, every latest record against its
 * last journaled revision, every history revision against its entry,
 * users, tokens and the risk method against their last journaled bytes,
 * and (deep) every derived key (indexes, links, due dates, the uid and
 * token indexes) against the records it derives from, both ways: the
 * analogue of SQLite's integrity_check.
 *
 * It reads one snapshot: the caller passes one read txn for the whole
 * check (a read worker's, see reader.h), so nothing moves between parts.
 */
#ifndef ISMS_CHECK_H
#define ISMS_CHECK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "errcode.h"
#include "journal.h"
#include "users.h"

struct store_txn;

struct check_opts {
	bool deep; /* the derived keys too */
	bool has_head;
	uint64_t head_seq; /* with head_hash: the chain must hash to it there */
	uint8_t head_hash[JOURNAL_HASH_LEN];
	const atomic_bool *cancel; /* may be NULL; set: stop, ECANCELLED */
};

struct check_result {
	bool ok;
	uint64_t entries;  /* journal entries that verified */
	uint64_t head_seq; /* the verified head, when ok */
	uint8_t head_hash[JOURNAL_HASH_LEN];
	bool has_bad_seq; /* the failure is at a journal entry */
	uint64_t bad_seq;
	char problem[400]; /* names the seq, key or id */
};

/* Runs the check on txn's snapshot. 0 with *res filled (ok or not), or an
 * error (the store failed, or ECANCELLED). */
int check_store(struct store_txn *, const struct check_opts *,
                struct check_result *res, struct isms_err *err);

/* Calls fn for each stored user, token or risk method whose last journal
 * entry carries no bytes, or that has none: what a baseline must cover. */
int check_uncovered(struct store_txn *, users_stored_fn *fn, void *arg,
                    struct isms_err *err);

#endif
