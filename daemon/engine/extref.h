/*
 * extref.h: the ingest dedupe index, (source, external id) → incident id,
 * in its own db (DB_EXTREF).
 *
 * Derived from the records: every incident whose source and external_id
 * are set gives its key, and where several do (a closed incident whose
 * alert fired again got a new one) the newest, the highest id, holds the
 * key. Only Ingest sets those two fields (they are server-owned for every
 * other write), and it only ever points a key at the incident it just
 * created, so the stored index is exactly this derivation; journal verify
 * --deep recomputes it both ways, together with the external_ref index
 * below.
 */
#ifndef ISMS_EXTREF_H
#define ISMS_EXTREF_H

#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "keys.h"
#include "proto/isms.pb-c.h"
#include "store.h"

#define EXTREF_SOURCE_MAX 64  /* bytes of a source name */
#define EXTREF_EXTID_MAX  256 /* bytes of an external id */

/* The key of (source, ext) into out (cap >= STORE_KEY_MAX); 0 when either
 * is empty or too long. */
size_t extref_key(const char *source, const char *ext, uint8_t *out,
                  size_t cap);

/* The incident id holding (source, ext) into id (ID_MAX + 1 bytes);
 * -ISMS_ENOTFOUND when none does. */
int extref_get(struct store_txn *, const char *source, const char *ext,
               char *id);

/* Points (source, ext) at id (sticky errors on txn). */
void extref_put(struct store_txn *, const char *source, const char *ext,
                const char *id);

/* Calls fn with each key and value (the id) the records call for. */
int extref_keys(struct store_txn *, store_key_fn *fn, void *arg);

/*
 * Every register's external_ref index, in the same db under keys that
 * start with 0x00 (an ingest key never does: its source is never empty):
 * 0x00, the register's code, the reference → the record id. Derived from
 * the latest records, archived ones included; unique per register.
 */
#define EXTREF_REF_MAX 200 /* bytes of a record's external_ref */

/* Refuses an external_ref that is too long or holds a control byte. */
int extref_ref_valid(const char *ref, struct isms_err *err);

/* The id of the record of register code holding ref into id (ID_MAX + 1
 * bytes); -ISMS_ENOTFOUND when none does. */
int extref_ref_get(struct store_txn *, uint8_t code, const char *ref, char *id);

/* Refuses (ALREADY_EXISTS naming the holder) rec's external_ref when a
 * record other than rec (id NULL on create) holds it. */
int extref_ref_free(struct store_txn *, uint8_t code,
                    const Isms__V1__Record *rec, struct isms_err *err);

/* Moves the index from old's reference (old may be NULL) to rec's. */
void extref_ref_move(struct store_txn *, uint8_t code,
                     const Isms__V1__Record *old, const Isms__V1__Record *rec);

/* Rebuilds the db from the records (a schema step). */
int extref_rebuild(struct store_txn *, struct isms_err *err);

#endif
