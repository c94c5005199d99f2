/*
 * signoff.h: sign-offs by the signer (a risk accepted, a document or a
 * management review approved, a nonconformity's corrective action verified
 * effective). What each register signs is its row's signoff (registers.h);
 * this is the one code path that writes one.
 */
#ifndef ISMS_SIGNOFF_H
#define ISMS_SIGNOFF_H

#include <stdbool.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "records.h"
#include "store.h"

/*
 * Signs record so->id as who (admin: who holds the admin role): writes
 * who and now into its sign-off, moves it to its signed state, checks that
 * state's evidence and journals a "signed" entry naming the signer and
 * whether as owner or admin. Only the record's owner or an admin may sign.
 * *out (owned) is the stored record.
 */
int signoff_apply(struct store_txn *, const Isms__V1__SignOff *so,
                  const struct records_actor *who, bool admin,
                  Isms__V1__Record **out, struct isms_err *err);

#endif
