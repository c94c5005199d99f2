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

/* The users an import creates in its batch (owners, users.csv). */
struct import_users {
	Isms__V1__UserPut **up;
	size_t n;
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
 * users: those the batch creates (--all's users.csv), owners added. An
 * exit code.
 */
int ctl_import_run(struct ctl_ctx *, struct import_src *srcs, size_t n,
                   const struct import_opts *o, struct import_users *users);
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

/*
 * ctl_import_owners.c: the owner cells of every source resolved to user
 * names (a user's name, or its display name, in any case; or one of
 * users, created by the same batch). Missing owners are refused with the
 * list (an exit code), or with create added to users as users without a
 * login. Cells are rewritten to the names. 0 or an exit code (printed).
 */
int ctl_import_owners(struct ctl_ctx *, struct import_src *srcs, size_t nsrcs,
                      bool create, struct import_users *users);
/* Adds a user to create: name, display name and e-mail (may be NULL). */
void ctl_import_user_add(struct import_users *, const char *name,
                         const char *display, const char *email,
                         Isms__V1__AccessRole role);
/* "created user NAME ("Display"): role R, no login" for each (would
 * create, on a dry run). */
void ctl_import_users_print(struct ctl_ctx *, const struct import_users *,
                            bool dry_run);
void ctl_import_users_free(struct import_users *);

/*
 * ctl_import_batch.c: sends the users and puts as one Batch (staged
 * over several frames when large); *out is the final reply (owned by the
 * caller). Every error the server lists is added to errs (then 0 and
 * errs->n > 0). An exit code (printed) when the call itself fails.
 */
int ctl_import_batch(struct ctl_ctx *, const struct import_puts *p,
                     const struct import_users *users, bool dry_run,
                     bool upsert, struct import_errs *errs,
                     Isms__V1__Reply **out);

#endif
