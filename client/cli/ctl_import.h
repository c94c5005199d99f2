/*
 * ctl_import.h: what the files of "ismsctl import" share: one source
 * file (its table and column map), the owners pass and the batch calls.
 */
#ifndef ISMS_CTL_IMPORT_H
#define ISMS_CTL_IMPORT_H

#include <stdbool.h>

#include "ctl.h"
#include "import_map.h"
#include "import_puts.h"
#include "import_read.h"

/* One file of an import. */
struct import_src {
	char *file; /* as messages name it */
	struct import_table t;
	struct import_map m;
};

/* The options of one import. */
struct import_opts {
	const char *map; /* --map, several joined by ',' */
	char **scales;   /* --scale, each */
	size_t nscales;
	const char *key;    /* --key COLUMN */
	const char *format; /* --format csv|jsonl */
	const char *all;    /* --all DIR */
	bool dry_run;
	bool create_owners;
};

/*
 * ctl_import.c: the owners, the puts and the batch of loaded sources;
 * known: user names the import creates first (--all). An exit code.
 */
int ctl_import_run(struct ctl_ctx *, struct import_src *srcs, size_t n,
                   const struct import_opts *o, char *const *known,
                   size_t nknown);
/* ctl_export.c: the server's Describe of register reg (its derived
 * fields); *out owned by the caller. 0 or an exit code (printed). */
int ctl_describe(struct ctl_ctx *, const char *reg, Isms__V1__Reply **out);

/* Loads one file of register reg into s (freed with ctl_import_src_free,
 * also on error). 0 or an exit code (printed). */
int ctl_import_src_load(struct ctl_ctx *, struct import_src *s,
                        const ProtobufCFieldDescriptor *reg, const char *path,
                        const struct import_opts *o);
void ctl_import_src_free(struct import_src *s);

/* ctl_import_all.c: "import --all DIR". */
int ctl_import_all(struct ctl_ctx *, const struct import_opts *o);

/* The distinct owners an import names, and each one's user name. */
struct import_owners {
	char **text;
	char **name;
	bool *fresh; /* not a user yet: created by the import */
	size_t n;
};

/*
 * ctl_import_owners.c: the owner cells of every source resolved to user
 * names (a user's name, or its display name, in any case); known names
 * (nknown, may be 0) count as users. Missing owners are refused with the
 * list (an exit code), or with create named for creation (fresh). Cells
 * are rewritten to the names. Free o with ctl_import_owners_free.
 */
int ctl_import_owners(struct ctl_ctx *, struct import_src *srcs, size_t nsrcs,
                      char *const *known, size_t nknown, bool create,
                      struct import_owners *o);
/* Creates the fresh owners as users without login (dry run: lists them). */
int ctl_import_owners_create(struct ctl_ctx *, const struct import_owners *o,
                             bool dry_run);
/* Whether user name is one the import creates. */
bool ctl_import_owner_fresh(const struct import_owners *o, const char *name);
void ctl_import_owners_free(struct import_owners *o);

/*
 * ctl_import_batch.c: sends the puts as one Batch (staged over several
 * frames when large); *out is the final reply (owned by the caller).
 * Every error the server lists is added to errs (then 0 and errs->n > 0).
 * An exit code (printed) when the call itself fails.
 */
int ctl_import_batch(struct ctl_ctx *, const struct import_puts *p,
                     bool dry_run, bool upsert, struct import_errs *errs,
                     Isms__V1__Reply **out);
/* The same, on a dry run whose fresh owners are not users yet: refusals
 * of an owner fresh names are not errors. */
int ctl_import_batch_check(struct ctl_ctx *, const struct import_puts *p,
                           bool upsert, const struct import_owners *fresh,
                           struct import_errs *errs, Isms__V1__Reply **out);

#endif
