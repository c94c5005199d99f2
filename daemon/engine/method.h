/*
 * method.h: the risk method (ISO 27001 6.1.2), one record in meta.
 *
 * Scales, level bands with their review intervals and the acceptance
 * threshold. Until an admin sets one, the default method is rev 1:
 * 1-5 x 1-5, low 1-4 (365 d), medium 5-9 (180 d), high 10-19 (90 d),
 * critical 20-25 (30 d), acceptance threshold 9.
 */
#ifndef ISMS_METHOD_H
#define ISMS_METHOD_H

#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "store.h"

/* The id its journal entries carry. */
#define METHOD_JOURNAL_ID "method"

struct store_txn;

#define METHOD_SCALE_MAX 10

/* Loads the current method (the default when none is stored). */
int method_load(struct store_txn *, Isms__V1__RiskMethod **out,
                struct isms_err *err);

/* The current method, borrowed, for a write txn: unpacked once and kept
 * while the stored bytes stay the same (a batch of risk writes); valid
 * until the next method_peek or store_close. */
int method_peek(struct store_txn *, const Isms__V1__RiskMethod **out,
                struct isms_err *err);

/* A new default method, malloc'ed. */
Isms__V1__RiskMethod *method_default(void);

/* Checks a method an admin wants to set. */
int method_check(const Isms__V1__RiskMethod *, struct isms_err *err);

/* The stored method's bytes, as journaled; -ISMS_ENOTFOUND while the
 * default (never stored) applies. */
int method_stored(struct store_txn *, MDB_val *v);

/* Stores m (its rev already set). */
void method_store(struct store_txn *, const Isms__V1__RiskMethod *m);

/* The level band of a score, or NULL (score 0). */
const Isms__V1__RiskLevel *method_level(const Isms__V1__RiskMethod *,
                                        uint32_t score);

struct records_actor;

/*
 * Replaces the method (rev + 1) and re-derives every live risk with it, in
 * the caller's txn: all or nothing. A risk the new method would make
 * invalid (a likelihood beyond the new scale) refuses the change, naming
 * the risk. *out is the stored method.
 */
int method_set(struct store_txn *, const Isms__V1__MethodSet *set,
               const struct records_actor *who, Isms__V1__RiskMethod **out,
               struct isms_err *err);

#endif
