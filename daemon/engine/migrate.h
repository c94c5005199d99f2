/*
 * migrate.h: the data dir's schema version (meta "schema", be32) and the
 * steps that bring an older data dir up to it, each in one write txn at
 * start, before anything is served.
 *
 * Schema 2: the journal covers users, tokens and the risk method with their
 * stored bytes. A data dir from before has token events without bytes, and
 * tokens whose last_used_at changed without any event. The step moves
 * last_used_at out of each token (into its unjournaled key), then journals
 * one baseline entry, actor "ismsd", with the current bytes of each user,
 * token and method that no entry covers yet. Nothing already covered is
 * re-baselined: a user whose bytes differ from its last journaled change
 * stays a failure for "journal verify" to report, not something the
 * upgrade blesses.
 *
 * Schema 3: measurements (their own db, created empty at open) schedule
 * due dates, planned audits are due, and a record has one due item per
 * date (an action's due date replaces its review item). The step
 * rebuilds the due db from the records under those rules, keeping the
 * fired flags of the dates that stay; records are not rewritten.
 *
 * Schema 4: the ingest dedupe index (extref.h), (source, external id) →
 * incident id. The step builds it from the incidents that carry both
 * (several of one key: the newest holds it); records are not rewritten.
 *
 * Schema 5: every register's external_ref index, in the same db under its
 * own key prefix (extref.h); the step rebuilds the db from the records.
 */
#ifndef ISMS_MIGRATE_H
#define ISMS_MIGRATE_H

#include "errcode.h"

struct store;

#define MIGRATE_SCHEMA 5 /* what this ismsd writes */

/* Brings the store up to MIGRATE_SCHEMA (a new one is simply stamped);
 * refuses a store from a newer ismsd. */
int migrate_run(struct store *, int64_t now, struct isms_err *err);

/* Refuses a store from a newer ismsd (or with a malformed schema) before
 * anything is written to it; reads only. */
int migrate_check(struct store *, struct isms_err *err);

#endif
