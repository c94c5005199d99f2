/*
 * catalog.h: the ISO/IEC 27001:2022 catalog: clauses 4-10 become
 * requirement records, the 93 Annex A controls control records (themes
 * group them). Seeded once into an empty data dir; an admin may load
 * another catalog file (licensed full text, a later edition): titles, text
 * and edition change, the organisation's answers stay.
 */
#ifndef ISMS_CATALOG_H
#define ISMS_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct store_txn;
struct records_actor;

#define CATALOG_EDITION "ISO/IEC 27001:2022"

/* One row of the built-in catalog (data/iso27001-2022.csv). */
struct catalog_row {
	const char *kind; /* clause | theme | control */
	const char *ref;
	const char *parent;
	const char *title;
	bool assessable;
};

extern const struct catalog_row catalog_builtin[];
extern const size_t catalog_builtin_len;

/* Creates missing items and updates catalog fields of existing ones. */
int catalog_apply(struct store_txn *, Isms__V1__CatalogItem *const *items,
                  size_t n, const struct records_actor *who,
                  Isms__V1__CatalogLoadResult *res, struct isms_err *err);

/* Seeds the built-in catalog unless done before; *seeded tells. */
int catalog_seed(struct store_txn *, const struct records_actor *who,
                 bool *seeded, struct isms_err *err);

#endif
