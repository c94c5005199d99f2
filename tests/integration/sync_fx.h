/*
 * sync_fx.h: a real ismsd per test (cmocka setup and teardown) and the
 * synchronous calls the daemon tests make to it, each failing the test
 * on a lost link.
 */
#ifndef ISMS_SYNC_FX_H
#define ISMS_SYNC_FX_H

#include <stddef.h>
#include <stdint.h>

#include "daemon_fx.h"
#include "ismsclient.h"

/* Starts a daemon_fx in *state; teardown stops and removes it. */
int sfx_setup(void **state);
int sfx_teardown(void **state);
/* sfx_setup, then the users the tests name as owners (a record's owner is
 * a user): sfx_owners, alice, bob, carol, dave and writer. */
extern const char *const sfx_owners[];
int sfx_setup_owners(void **state);
/* Connects and says hello. */
struct isms_sync *sfx_connect(struct daemon_fx *fx);
/* Sends req and returns the reply. */
Isms__V1__Reply *sfx_call(struct isms_sync *s, Isms__V1__Request *req);
/* The reply's status code, or -1 without one. */
int sfx_code_of(const Isms__V1__Reply *r);
/* Adds user name (no login; viewer; name@example.org), an owner to be. */
void sfx_add_user(struct isms_sync *s, const char *name);
/* Creates a risk owned by owner (a user); returns its id (malloc'ed). */
char *sfx_add_risk(struct isms_sync *s, const char *title, const char *owner,
                   uint32_t impact);
/* Gets record id. */
Isms__V1__Reply *sfx_get(struct isms_sync *s, const char *id);
/* Counts live risks through List, following pages. */
size_t sfx_count_risks(struct isms_sync *s);
/* Verifies the journal; returns the entries checked. */
uint64_t sfx_verify_ok(struct daemon_fx *fx);

#endif
