/*
 * batch_fx.h: what the Batch tests (test_batch.c, test_batch_stage.c)
 * share: a real ismsd on its Unix socket and on loopback TCP, and the
 * calls they make to it through the client library.
 */
#ifndef ISMS_BATCH_FX_H
#define ISMS_BATCH_FX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon_fx.h"
#include "ismsclient.h"

#define RD        (&isms__v1__record__descriptor)
#define INVALID   3
#define NOT_FOUND 5
#define EXISTS    6
#define DENIED    7
#define EXHAUSTED 8

/* A daemon on its Unix socket (the test's uid is admin there) and on
 * plain TCP on loopback, where a token names the connection. */
struct batch_fx {
	struct daemon_fx d; /* first: fx->d and the state are the same */
	char listen[64], tcp[64];
	const char *argv[4];
	struct isms_sync *admin;
};

/* cmocka setup and teardown: the daemon, with --batch-stage-max=1M for
 * setup_small_stage (a user may stage 512 KiB). */
int setup(void **state);
int setup_small_stage(void **state);
int teardown(void **state);
/* A request whose call is the oneof member name, with an empty body. */
Isms__V1__Request *request_for(const char *call);
/* Sends req (then frees it); the reply (never NULL). */
Isms__V1__Reply *call(struct isms_sync *s, Isms__V1__Request *req);
int code(const Isms__V1__Reply *r);
/* Creates user name with role; a token (malloc'ed) when token. */
char *add_user(struct isms_sync *s, const char *name, const char *role,
               bool token);
/* Connects over TCP, named by token secret. */
struct isms_sync *token_conn(struct batch_fx *fx, const char *secret);
/* A put of a new record of reg owned by alice, "path=value" pairs, NULL. */
Isms__V1__Put *put_new(const char *reg, ...);
/* A risk: title, external_ref (or NULL), impact. */
Isms__V1__Put *risk(const char *title, const char *ref, unsigned impact);
/* Adds a link (rel, target) to a put's record. */
void link_to(Isms__V1__Put *p, const char *rel, const char *target);
void free_puts(Isms__V1__Put **p, size_t n);
/* Runs a batch of puts (freed after) with flags; the reply. */
Isms__V1__Reply *batch(struct isms_sync *s, Isms__V1__Put **p, size_t n,
                       const struct isms_batch_opts *o);
/* The journal's entries, verified. */
uint64_t verify(struct isms_sync *s);
/* The records of reg matching filter (or NULL), archived ones too. */
size_t count(struct isms_sync *s, const char *reg, const char *filter);
/* Gets record id (free with rec_free). */
Isms__V1__Record *get(struct isms_sync *s, const char *id);
/* Puts one record (freed after); the reply. */
Isms__V1__Reply *put1(struct isms_sync *s, Isms__V1__Put *p);
void rec_free(Isms__V1__Record *r);

#endif
