/*
 * owners.h: the owner of a record is a user (a person, with or without a
 * login). Checked in the writer's transaction on every write:
 *
 * - an owner that is set or changed must name a user that exists and is
 *   not disabled (records that keep the owner they had are not checked
 *   again, so data stored before this rule keeps working);
 * - an owner given as an e-mail address that is exactly one user's e-mail
 *   is stored as that user's name;
 * - where the register's definition requires an owner (owner_required,
 *   while its owner_when field is true), a record without one is refused
 *   on create, when it enters that condition, and when an update would
 *   clear the owner it had.
 *
 * An unknown owner is refused with the "ismsctl user add" line that fixes
 * it.
 */
#ifndef ISMS_OWNERS_H
#define ISMS_OWNERS_H

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct store_txn;
struct register_def;

/* Checks (and resolves) rec->owner; old is NULL on create. */
int owners_check(struct store_txn *, const struct register_def *reg,
                 Isms__V1__Record *rec, const Isms__V1__Record *old,
                 struct isms_err *err);

/*
 * The user name an owner filter means: name itself, or the user whose
 * e-mail it is (exactly one). *out is name or a malloc'ed name; free it
 * when it is not name.
 */
const char *owners_filter(struct store_txn *, const char *name, char **out);

#endif
