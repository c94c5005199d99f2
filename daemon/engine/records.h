/*
 * records.h: the register engine, one generic code path for every
 * register: ids, revisions, history, indexes, counts.
 *
 * The write functions run inside the writer's transaction (a nested txn
 * per operation); the read functions run in the loop thread on a short read
 * txn. Records returned are malloc'ed: free them with
 * protobuf_c_message_free_unpacked(m, NULL).
 */
#ifndef ISMS_RECORDS_H
#define ISMS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "pbfield.h"
#include "proto/isms.pb-c.h"
#include "store.h"

/* Who and when, for the stamps of a write. */
struct records_actor {
	const char *user;
	int64_t now;
	/* A batch: evidence is checked once all its records are stored
	 * (batch.c), not per record. */
	bool defer_evidence;
};

#define LIST_PAGE_DEFAULT 100
#define LIST_PAGE_MAX     1000
#define REPLY_BYTES_SOFT  (2u * 1024 * 1024) /* stop a page there */
#define LIST_SCAN_MAX     1000 /* entries one List page may read at most */

/* Creates or updates a record; *out is the stored record. */
int records_put(struct store_txn *, const Isms__V1__Put *put,
                const struct records_actor *, Isms__V1__Record **out,
                struct isms_err *err);

/*
 * A put checked once, its mask resolved once: records_put_plan is the
 * check that needs no store (loop thread, before queueing: a record is
 * there, mask paths exist and are not the server's to set), and
 * records_put_planned the write (writer) that uses its paths. Init before
 * the plan, clear after the write; the plan points into the put's
 * descriptors, not into the put, and into itself: never copy it.
 */
#define RECORDS_PLAN_PATHS 8 /* masks this long need no allocation */
struct records_put_plan {
	size_t n_paths;
	struct pb_path *paths; /* one per update_mask path */
	struct pb_path small[RECORDS_PLAN_PATHS];
	/* A batch's put: its record's links (when links is set) and
	 * next_review_on (when given) are applied too (batch.c checks
	 * them). */
	bool batch;
	bool links;
};

void records_put_plan_init(struct records_put_plan *);
int records_put_plan(const Isms__V1__Put *put, struct records_put_plan *,
                     struct isms_err *err);
int records_put_planned(struct store_txn *, const Isms__V1__Put *put,
                        const struct records_put_plan *,
                        const struct records_actor *, Isms__V1__Record **out,
                        struct isms_err *err);
void records_put_plan_clear(struct records_put_plan *);

/* Archives a record (hidden from lists, kept in history). */
int records_archive(struct store_txn *, const Isms__V1__Archive *arc,
                    const struct records_actor *, Isms__V1__Record **out,
                    struct isms_err *err);

/* Brings an archived record back into lists; a live one is refused. */
int records_unarchive(struct store_txn *, const Isms__V1__Unarchive *u,
                      const struct records_actor *, Isms__V1__Record **out,
                      struct isms_err *err);

/* Records a review: last_reviewed_at now, the next review date moves, and
 * the journal keeps the note. */
int records_review(struct store_txn *, const Isms__V1__Review *rv,
                   const struct records_actor *, Isms__V1__Record **out,
                   struct isms_err *err);

/* Reads the latest record, or revision rev (> 0) from history. */
int records_get(struct store_txn *, const char *id, uint64_t rev,
                Isms__V1__Record **out, struct isms_err *err);

/* One page of a register's records in natural order. */
int records_list(struct store_txn *, const Isms__V1__List *list,
                 Isms__V1__ListResult *out, struct isms_err *err);

/* Every revision of a record, oldest first. */
int records_history(struct store_txn *, const char *id,
                    Isms__V1__HistoryResult *out, struct isms_err *err);

/* Live and archived record counts of a register. */
int records_count(struct store_txn *, uint8_t code, uint64_t *live,
                  uint64_t *archived);

/* --- the engine's parts, for links, catalog and method ------------- */

struct register_def;

#define RECORDS_UNCHANGED 1 /* records_store_change: nothing to store */

/* Adds dlive and darch to the live and archived counts of a register. */
void records_count_add(struct store_txn *, uint8_t code, int dlive, int darch);

/* Unpacks a stored record. */
int records_unpack(const MDB_val *v, Isms__V1__Record **out,
                   struct isms_err *err);

/* Reads the latest record of id with its register and key (rk holds
 * RECKEY_MAX bytes). */
int records_load(struct store_txn *, const char *id,
                 const struct register_def **regp, uint8_t *rk, size_t *rklen,
                 Isms__V1__Record **out, struct isms_err *err);

/* Reads a record about to change: refuses archived records and, when
 * has_expect, a rev other than expect (ABORTED naming the current rev). */
int records_load_for_change(struct store_txn *, const char *id,
                            protobuf_c_boolean has_expect, uint64_t expect,
                            const struct register_def **reg,
                            Isms__V1__Record **out, struct isms_err *err);

/* Every check of a record about to be stored (old NULL on create). */
int records_validate(struct store_txn *, const struct register_def *reg,
                     Isms__V1__Record *rec, const Isms__V1__Record *old,
                     const struct records_actor *who, struct isms_err *err);

/* Stores rec (its id set) as rev 1, created now by who. */
int records_store_new(struct store_txn *, const struct register_def *reg,
                      Isms__V1__Record *rec, const struct records_actor *who,
                      struct isms_err *err);

/* What a change journals: its event type and one-line summary. */
struct records_event {
	int type;            /* ISMS__V1__EVENT_TYPE_* */
	const char *summary; /* NULL: "ID updated: changed fields" */
};

/*
 * Creates rec (no id yet; its initial status and review interval given
 * when unset) after every check, as records of a client's put are, and
 * journals it as ev (NULL: created; ev->summary, if any, is what
 * follows the new id in the journal's summary). rec stays the caller's, stored and stamped.
 */
int records_add(struct store_txn *, const struct register_def *reg,
                Isms__V1__Record *rec, const struct records_actor *who,
                const struct records_event *ev, struct isms_err *err);

/* Stores rec (a copy of old, changed) as the next revision of old and
 * journals it (ev NULL: an update); RECORDS_UNCHANGED when they hold the
 * same data (nothing is written; rec is stamped all the same: drop it). */
int records_store_change(struct store_txn *, const struct register_def *reg,
                         const Isms__V1__Record *old, Isms__V1__Record *rec,
                         const struct records_actor *who,
                         const struct records_event *ev, struct isms_err *err);

/* A change in progress, for a records_change_fn: change rec (a copy of
 * old); set type and summary to journal other than an update (summary
 * left empty: "ID updated: changed fields"). */
struct records_edit {
	struct store_txn *txn;
	const struct register_def *reg;
	const struct records_actor *who;
	const Isms__V1__Record *old;
	Isms__V1__Record *rec;
	int type; /* ISMS__V1__EVENT_TYPE_*, UPDATED unless set */
	char summary[300];
};

/* Changes ed->rec; 0, or -code with err to store nothing. */
typedef int records_change_fn(void *arg, struct records_edit *ed,
                              struct isms_err *err);

/* Which record to change, and how. */
struct records_change {
	const char *id;
	protobuf_c_boolean has_expect; /* refuse a rev other than expect */
	uint64_t expect;
	records_change_fn *fn;
	void *arg;
	bool archived; /* the record must be archived (unarchive), not live */
};

/*
 * Changes a record in one sequence: load (refusing archived records and a
 * stale rev), copy, ch->fn, store as the next revision unless it holds the
 * same data. *out (owned) is the stored record: 0; or the record as it
 * was: RECORDS_UNCHANGED.
 */
int records_change(struct store_txn *, const struct records_change *ch,
                   const struct records_actor *who, Isms__V1__Record **out,
                   struct isms_err *err);

/* Allocates the next id of reg (owned): RSK-0001, RSK-0002, ... */
char *records_new_id(struct store_txn *, const struct register_def *reg);

/* Moves reg's id counter past id, a PREFIX-NUMBER id of reg that a batch
 * keeps; -ISMS_EINVAL when id has another form. */
int records_claim_id(struct store_txn *, const struct register_def *reg,
                     const char *id);

/* Journals what happened to rec (bytes: its stored form, or NULL). */
int records_journal(struct store_txn *, const struct register_def *reg,
                    const Isms__V1__Record *rec,
                    const struct records_actor *who, int type,
                    const char *summary, const void *bytes, size_t len,
                    struct isms_err *err);

/* Calls fn with each index (idx db) key that rec, stored under rk, calls
 * for: the very keys a write puts. */
void records_index_keys(const struct register_def *reg,
                        const Isms__V1__Record *rec, const uint8_t *rk,
                        size_t rklen, store_key_fn *fn, void *arg);

#endif
