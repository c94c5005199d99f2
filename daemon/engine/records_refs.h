/*
 * records_refs.h: the header fields a record brings from elsewhere, which
 * records.c checks and indexes on every write: external_ref (unique per
 * register, extref.h), identified_on (a date the client sets), and a
 * next_review_on the client gave instead of the computed one.
 */
#ifndef ISMS_RECORDS_REFS_H
#define ISMS_RECORDS_REFS_H

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "store.h"

struct register_def;

/* Refuses a malformed date field, or an external_ref that is malformed or
 * held by another record of reg (old: the stored record, NULL on create). */
int records_refs_check(struct store_txn *, const struct register_def *reg,
                       const Isms__V1__Record *rec, const Isms__V1__Record *old,
                       struct isms_err *err);

/* Moves the external_ref index from old (NULL on create) to rec. */
void records_refs_save(struct store_txn *, const struct register_def *reg,
                       const Isms__V1__Record *old,
                       const Isms__V1__Record *rec);

/*
 * Whether rec's next_review_on is to be computed again: on create unless
 * the client gave one; on a change when a review, the interval or the
 * client changed what it derives from (old's date otherwise stands, so a
 * date an import gave survives later edits).
 */
bool records_refs_reschedule(const Isms__V1__Record *old,
                             const Isms__V1__Record *rec);

#endif
