/*
 * evidence.h: what a state requires, checked on every write that stores a
 * record, and sign-offs voided by a change of what they covered. One
 * generic check reads each register's states table (registers.h); no
 * register has code of its own for what that data says.
 */
#ifndef ISMS_EVIDENCE_H
#define ISMS_EVIDENCE_H

#include <stddef.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "registers.h"

/*
 * Refuses rec (old: the stored record, NULL on create) when its state's
 * evidence is missing: -ISMS_EINVAL naming the status and every item
 * missing. An item old lacked in the same state may stay missing.
 */
int evidence_check(struct register_ctx *ctx, const struct register_def *reg,
                   const Isms__V1__Record *rec, const Isms__V1__Record *old,
                   struct isms_err *err);

/*
 * Voids rec's sign-off when a field it covers differs from old's: clears
 * it and, in the signed state, moves rec to the fallback. Writes what it
 * did ("acceptance voided: residual_impact changed") into note (empty when
 * nothing was voided).
 */
void evidence_void(const struct register_def *reg, const Isms__V1__Record *old,
                   Isms__V1__Record *rec, char *note, size_t len);

/* Whether a body field holds a value (a non-empty string, a non-zero
 * enum, a present scalar or message, a non-empty list) at path. */
bool evidence_has(const ProtobufCMessage *body, const char *path);

/* Describes a linked-record need: "a linked action in status done". */
void evidence_link_text(const struct register_linked *l, char *buf, size_t len);

/*
 * A write to a record of reg can take away what a linked record's state
 * needs: unlinking the done action of a closed nonconformity, archiving
 * it, or moving it out of done. begin notes the records linked with rec
 * (either way) whose state needs a linked record of reg and has one; end,
 * once the write is stored, refuses it (-ISMS_EPRECOND naming the record
 * and its need) if one of them has none any more. A need that did not
 * hold before the write is not this write's doing and is left alone.
 */
struct evidence_watch {
	struct store_txn *txn;
	const struct register_def *reg;
	char **ids;
	size_t n;
};

void evidence_watch_begin(struct evidence_watch *, struct store_txn *,
                          const struct register_def *reg,
                          const Isms__V1__Record *rec);
/* Checks and frees the watch; id names the record written. */
int evidence_watch_end(struct evidence_watch *, const char *id,
                       struct isms_err *err);
void evidence_watch_free(struct evidence_watch *);

#endif
