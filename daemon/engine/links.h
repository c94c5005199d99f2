/*
 * links.h: typed relations between records, the only way records refer to
 * each other (a risk treated_by A.8.5, a finding found_in AUD-0002).
 *
 * A link lives in its source record's header (so it is versioned with the
 * record) and, for "what links here", in the links db keyed by target.
 * Records archived stop counting as linking anywhere.
 */
#ifndef ISMS_LINKS_H
#define ISMS_LINKS_H

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "records.h"
#include "store.h"

struct register_def;

/* Adds or removes one link; *out is the source record as stored. */
int links_edit(struct store_txn *, const Isms__V1__LinkEdit *,
               const struct records_actor *, Isms__V1__Record **out,
               struct isms_err *err);

/* A record's links both ways. */
int links_query(struct store_txn *, const char *id, Isms__V1__LinksResult *out,
                struct isms_err *err);

/* Fills rec->linked_from with the live records linking to it. */
int links_fill_incoming(struct store_txn *, const struct register_def *reg,
                        Isms__V1__Record *rec, struct isms_err *err);

/* Calls fn with each links db key (and value) rec's links call for: the
 * very keys links_edit puts. */
void links_keys(const Isms__V1__Record *rec, store_key_fn *fn, void *arg);

/* Calls fn(arg, rel, source) for each live record linking to id, a
 * record of reg. */
int links_each_incoming(struct store_txn *, const struct register_def *reg,
                        const char *id,
                        void (*fn)(void *, const char *, const char *),
                        void *arg, struct isms_err *err);

/* Moves the links db from old's links (old may be NULL) to rec's: a
 * batch stores records with their links (batch.c). */
void links_index_move(struct store_txn *, const Isms__V1__Record *old,
                      const Isms__V1__Record *rec);

/* Refuses the link source rel target (source a record of reg) as Link
 * would add it: a malformed rel, a relation the table does not allow, a
 * target that does not exist or is archived. */
int links_check_new(struct store_txn *, const struct register_def *reg,
                    const char *source, const char *rel, const char *target,
                    struct isms_err *err);

/* FAILED_PRECONDITION naming them when live records link to id. */
int links_check_unreferenced(struct store_txn *, const struct register_def *reg,
                             const char *id, struct isms_err *err);

#endif
