/*
 * backup.h: a hot, consistent, compacted copy of the store as a byte
 * stream (LMDB's compacting copy, mdb_env_copyfd2 with MDB_CP_COMPACT).
 *
 * Two threads of the backup's own do the work: the copier runs LMDB's
 * copy into a pipe; the relay holds a write txn (so that the daemon's
 * writer waits, for at most one commit) only until the copy's read txn
 * has its snapshot, reads the journal head that snapshot holds, then
 * relays the copy into the pipe the caller reads, counting the bytes and
 * hashing them with SHA-256. LMDB's copy reads one snapshot in a read
 * txn: writers go on meanwhile.
 *
 * The caller owns the backup and the read end it is given; it reads to
 * EOF and calls backup_finish, or gives up with backup_free at any time.
 */
#ifndef ISMS_BACKUP_H
#define ISMS_BACKUP_H

#include <stdint.h>

#include "errcode.h"
#include "journal.h"

struct store;
struct backup;

/* What a finished backup holds: its bytes, and the journal head the copy
 * was taken at (what a restore of it serves). */
struct backup_result {
	uint64_t size;
	uint8_t sha256[32];
	uint64_t head_seq;
	uint8_t head_hash[JOURNAL_HASH_LEN];
};

/* Starts a backup of st; *fd is the non-blocking read end of the
 * stream (the backup's: backup_free closes it). */
int backup_start(struct store *st, struct backup **out, int *fd,
                 struct isms_err *err);

/* After EOF on the stream: waits for the threads (they are ending) and
 * gives the result; 0, or the copy's error. */
int backup_finish(struct backup *, struct backup_result *res,
                  struct isms_err *err);

/* Closes the stream, waits for the threads, frees. NULL is a no-op. */
void backup_free(struct backup *);

#endif
