/*
 * due_index.h: the due index: every date a record is due for something (its next
 * review, a due date, an expiry, an acceptance's end, a target), keyed by
 * date so the scheduler and the due report read only what is due.
 *
 * Key: date (YYYY-MM-DD) kind record key; value: flags of the notices
 * already journaled for that date (due, overdue), so each fires once per
 * cycle; a new date is a new cycle.
 */
#ifndef ISMS_DUE_INDEX_H
#define ISMS_DUE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "store.h"

struct store_txn;
struct register_def;
struct records_actor;

#define DUE_GRACE_DEFAULT 7 /* days after which due becomes overdue */
#define DUE_ENTRIES_MAX   8

/*
 * The dates a record is due on, one item per date: a later kind on the
 * same date as an earlier one is left out, and a register whose
 * definition says due_replaces_review has no review item while a due
 * date is set. A metric's next measurement is dated from its latest
 * measurement (or its creation) by its frequency: read on txn.
 */
struct due_set {
	struct {
		char date[11];
		int kind;
	} e[DUE_ENTRIES_MAX];
	size_t n;
};

/* The due set of rec, stored under rk, as of txn. */
void due_set_of(struct store_txn *, const struct register_def *reg,
                const uint8_t *rk, size_t rklen, const Isms__V1__Record *rec,
                struct due_set *out);

/* Moves a record's due keys from was to now, keeping the fired flags of
 * dates that did not move. */
void due_set_apply(struct store_txn *, const uint8_t *rk, size_t rklen,
                   const struct due_set *was, const struct due_set *now);

/* Re-indexes a record's dates (old may be NULL), keeping fired flags of
 * dates that did not move. */
void due_index(struct store_txn *, const struct register_def *reg,
               const uint8_t *rk, size_t rklen, const Isms__V1__Record *old,
               const Isms__V1__Record *rec);

/* Calls fn with each due db key rec (stored under rk) calls for: the very
 * keys due_index puts; the value passed is NULL (fired flags vary). */
void due_keys(struct store_txn *, const struct register_def *reg,
              const uint8_t *rk, size_t rklen, const Isms__V1__Record *rec,
              store_key_fn *fn, void *arg);

/* Rebuilds the due db from the records under today's rules: keys no
 * record calls for go, missing ones come (unfired); the flags of the
 * others stay. For a schema upgrade. */
int due_rebuild(struct store_txn *, struct isms_err *err);

/* Items due on or before today + q->within_days, by date. */
int due_query(struct store_txn *, const Isms__V1__Due *q, const char *today,
              Isms__V1__DueResult *out, struct isms_err *err);

/* Whether some notice is waiting to be journaled as of today. */
bool due_pending(struct store_txn *, const char *today, int grace_days);

/* Journals the due and overdue notices that today calls for, once each;
 * *fired counts them. */
int due_fire(struct store_txn *, const char *today, int grace_days,
             const struct records_actor *who, size_t *fired,
             struct isms_err *err);

#endif
