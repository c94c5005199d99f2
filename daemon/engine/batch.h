/*
 * batch.h: many puts applied as one unit (the Batch RPC, for imports).
 *
 * The writer applies a batch inside one transaction of its own (nested in
 * the group commit's): records first, each with its links, in put order;
 * then, on the state the whole batch leaves, every link target and every
 * record's evidence. Any failure fails the batch and the caller aborts the
 * transaction: nothing is written, no journal entry, no id counter moved.
 * Each record written is journaled once (created or updated), as a single
 * put is.
 */
#ifndef ISMS_BATCH_H
#define ISMS_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "records.h"
#include "store.h"

#define BATCH_PUTS_MAX    200000 /* puts in one batch, staged ones included */
#define BATCH_ERRORS_MAX  1000   /* errors listed in a result */
#define BATCH_RECORDS_MAX 1000   /* larger batches return ids, not records */
#define BATCH_REF_PREFIX  '@'    /* a link target "@risk:R-17" */

struct batch_opts {
	bool dry_run;
	bool upsert;
	bool keep_ids;
};

/*
 * Checks what needs no store in one put (a record, its register, the
 * fields a client may send, a mask's paths): 0 or -code with err. A put's
 * links and next_review_on are the batch's to check.
 */
int batch_put_shape(const Isms__V1__Put *put, struct isms_err *err);

/*
 * Applies puts[0..n) on txn as who. 0: every put applied, res holds ids,
 * records (small batches) and counts. Otherwise the first failure's
 * -code with err, and res->errors lists each failed put by index; the
 * caller must abort txn (a dry run aborts it in any case).
 */
int batch_apply(struct store_txn *txn, Isms__V1__Put *const *puts, size_t n,
                const struct batch_opts *opt, const struct records_actor *who,
                Isms__V1__BatchResult *res, struct isms_err *err);

#endif
