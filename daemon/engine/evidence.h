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

#endif
