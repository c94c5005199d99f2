/*
 * measures.h: measurements of metrics (9.1), their own keyspace (the
 * measures db): metric key 0x00 at (YYYY-MM-DD) seq (be64) → packed
 * Measurement, where seq is the journal entry that recorded it. A
 * measurement is appended with its journal entry (type MEASURED, id the
 * metric, the stored bytes hashed) in one txn and never rewritten: no
 * call changes or deletes one. The stored bytes carry no seq; reads fill
 * it from the key.
 */
#ifndef ISMS_MEASURES_H
#define ISMS_MEASURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct store_txn;
struct records_actor;

#define MEASURES_PAGE_DEFAULT 100
#define MEASURES_PAGE_MAX     1000

/* Appends a measurement (at defaults to today); *out (owned) is it. */
int measures_record(struct store_txn *, const Isms__V1__MetricRecord *mr,
                    const struct records_actor *who, const char *today,
                    Isms__V1__Measurement **out, struct isms_err *err);

/* One page of a metric's measurements, by date then by recording. */
int measures_values(struct store_txn *, const Isms__V1__MetricValues *q,
                    Isms__V1__MetricValuesResult *out, struct isms_err *err);

/* The latest measurement (by date, then recording) of the metric stored
 * under rk into *out (owned); false when it has none. */
bool measures_latest(struct store_txn *, const uint8_t *rk, size_t rklen,
                     Isms__V1__Measurement **out);

/* Fills an objective's derived progress from its measured_by metric
 * (nothing when it has no such link or no target). */
void measures_fill_progress(struct store_txn *, Isms__V1__Record *rec);

/*
 * The measurements against the journal, on txn's snapshot: every stored
 * one is the bytes its entry (the seq in its key) hashed, under the
 * metric that entry names, and the store holds as many as the journal
 * recorded (journaled: the MEASURED entries the chain verified). 0 with
 * problem[0] == '\0' when they agree, 0 with problem set when not, or an
 * error of the store.
 */
int measures_check(struct store_txn *, uint64_t journaled, char *problem,
                   size_t cap);

#endif
