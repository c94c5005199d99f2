/*
 * reg_fx.h: the shared fixture of the register tests (test_registers.c,
 * test_register_rules.c): a temp LMDB store with one write txn per test,
 * a valid body per register, and helpers to add, change and check records.
 */
#ifndef ISMS_REG_FX_H
#define ISMS_REG_FX_H

#include <stdbool.h>
#include <stddef.h>

#include "records.h"
#include "registers.h"
#include "store.h"

#define TODAY   "2025-11-28" /* the date of who.now */
#define NSTATE  16           /* status enum values stay below this */
#define NFIELDS 16

struct fx {
	char dir[64];
	struct store *st;
	struct store_txn txn; /* one write txn per test, aborted at the end */
};

/* A body every rule of its register accepts in every status. */
struct fixture {
	const char *reg;
	const char *sets[NFIELDS]; /* "path=value" under the body */
	const char *catalog_id;    /* the id a catalog register's record gets */
};

extern const struct records_actor who;

int setup(void **state);
int teardown(void **state);
const struct fixture *fixture_of(const char *name);
void set_path(ProtobufCMessage *m, const char *path, const char *text);
Isms__V1__Record *new_record(const struct register_def *reg,
                             const char *const *extra, const char *omit);
int add_rec(struct store_txn *txn, const struct register_def *reg,
            Isms__V1__Record *rec, bool catalog, char *id, size_t idlen,
            struct isms_err *err);
int add(struct store_txn *txn, const struct register_def *reg,
        const char *const *extra, const char *omit, char *id, size_t idlen,
        struct isms_err *err);
void add_ok(struct store_txn *txn, const struct register_def *reg,
            const char *const *extra, char *id, size_t idlen);
int change(struct store_txn *txn, const char *id,
           const struct register_def *reg, const char *const *sets, bool nomask,
           struct isms_err *err);
int set1(struct store_txn *txn, const char *id, const struct register_def *reg,
         const char *a, const char *b, struct isms_err *err);
void set_ok(struct store_txn *txn, const char *id,
            const struct register_def *reg, const char *a, const char *b);
bool stored(struct store_txn *txn, const char *id, const char *path, char *buf,
            size_t len);
void assert_stored(struct store_txn *txn, const char *id, const char *path,
                   const char *want);
void assert_einval(int rc, const struct isms_err *err, const char *n1,
                   const char *n2);

/* Shortest move path from reg's initial status to s (initial excluded):
 * its length, or -1 if s cannot be reached. */
int path_to(const struct register_def *reg, const ProtobufCEnumDescriptor *ed,
            int s, int *path);

/*
 * Moves id to status value s as a client would: a register's signed state
 * through its sign-off (as an admin, with a note where it takes one) when
 * the move is allowed, else a set through the update mask; a record of a
 * state that needs a linked record gets one first (made, moved, linked).
 */
int move_to(struct store_txn *txn, const char *id,
            const struct register_def *reg, int s, struct isms_err *err);

/* Signs id as user (admin or not); note and until may be NULL. */
int sign(struct store_txn *txn, const char *id, const char *user, bool admin,
         const char *note, const char *until, struct isms_err *err);

#endif
