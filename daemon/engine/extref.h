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
 * --deep recomputes it both ways.
 */
#ifndef ISMS_EXTREF_H
#define ISMS_EXTREF_H

#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "keys.h"
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

/* Rebuilds the db from the records (a schema step). */
int extref_rebuild(struct store_txn *, struct isms_err *err);

#endif
