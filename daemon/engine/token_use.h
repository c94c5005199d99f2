/*
 * token_use.h: when each token was last used.
 *
 * A hello with a token only notes the time in memory (loop thread); the
 * note reaches the store, under an unjournaled key of its own
 * (tokens_last_used_put), at most once a minute per token and at a clean
 * stop. So hellos are not durable writes (500 hellos with one token: one
 * commit, not 500, no amplifier), and a token's stored bytes, which the
 * journal covers, never change on use. "token list" merges the memory in.
 */
#ifndef ISMS_TOKEN_USE_H
#define ISMS_TOKEN_USE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/isms.pb-c.h"

struct server;
struct token_use;

#define TOKEN_USE_WRITE_SECS 60 /* at most one write per token per minute */

struct token_use *token_use_new(void);
void token_use_free(struct token_use *);

/* Notes that token id was used at now; queues its write when the last one
 * is a minute old. */
void token_use_note(struct server *, const char *id, int64_t now);

/* Queues the write of every use not yet written (before a stop). */
void token_use_flush(struct server *);

/* Sets last_used_at of the n tokens where memory knows a later use. */
void token_use_merge(const struct token_use *, Isms__V1__Token **tokens,
                     size_t n);

#endif
