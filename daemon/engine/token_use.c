/* token_use.c: tokens' last use, in memory, written now and then. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "token_use.h"
#include "users.h"
#include "writer.h"
#include "xmalloc.h"

/* One token's use: the latest, and the latest written. */
struct token_seen {
	char id[33];
	int64_t used;
	int64_t written; /* when the last write was queued (server clock) */
	int64_t stored;  /* the use that write carried */
};

struct token_use {
	struct token_seen *t;
	size_t n;
};

/* A write of one token's last use, for the writer. */
struct token_use_op {
	struct wop op;
	char id[33];
	int64_t when;
};

struct token_use *
token_use_new(void)
{
	return xcalloc(1, sizeof(struct token_use));
}

void
token_use_free(struct token_use *u)
{
	if (u == NULL)
		return;
	free(u->t);
	free(u);
}

/* The entry of id, made on first use. */
static struct token_seen *
token_use_get(struct token_use *u, const char *id)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (strcmp(u->t[i].id, id) == 0)
			return &u->t[i];
	u->t = xreallocarray(u->t, u->n + 1, sizeof *u->t);
	memset(&u->t[u->n], 0, sizeof *u->t);
	snprintf(u->t[u->n].id, sizeof u->t[u->n].id, "%s", id);
	return &u->t[u->n++];
}

/* Writer: stores the use. */
static int
token_use_apply(struct store_txn *txn, struct wop *op)
{
	struct token_use_op *w = op->arg;

	tokens_last_used_put(txn, w->id, w->when);
	return txn->ret != 0 ? isms_err_set(&op->err, txn->ret, "%s", txn->msg)
	                     : 0;
}

/* Loop: the write is done (or failed: the next use writes again). */
static void
token_use_done(struct wop *op)
{
	if (op->rc != 0)
		log_warn("token %s: last use not stored: %s",
		         ((struct token_use_op *)op->arg)->id, op->err.msg);
	free(op->arg);
}

/* Queues the write of t's latest use. */
static void
token_use_write(struct server *srv, struct token_seen *t, int64_t now)
{
	struct token_use_op *w;

	if (srv->writer == NULL)
		return;
	w = xcalloc(1, sizeof *w);
	w->op.apply = token_use_apply;
	w->op.done = token_use_done;
	w->op.arg = w;
	snprintf(w->id, sizeof w->id, "%s", t->id);
	w->when = t->used;
	if (writer_submit(srv->writer, &w->op) != 0) {
		free(w);
		return;
	}
	t->written = now;
	t->stored = t->used;
}

void
token_use_note(struct server *srv, const char *id, int64_t now)
{
	struct token_seen *t = token_use_get(srv->token_use, id);

	if (now > t->used)
		t->used = now;
	if (t->written == 0 || now - t->written >= TOKEN_USE_WRITE_SECS)
		token_use_write(srv, t, now);
}

void
token_use_flush(struct server *srv)
{
	struct token_use *u = srv->token_use;
	size_t i;

	for (i = 0; u != NULL && i < u->n; i++)
		if (u->t[i].used > u->t[i].stored)
			token_use_write(srv, &u->t[i], u->t[i].used);
}

void
token_use_merge(const struct token_use *u, Isms__V1__Token **tokens, size_t n)
{
	size_t i, j;

	for (i = 0; u != NULL && i < n; i++)
		for (j = 0; j < u->n; j++)
			if (tokens[i]->id != NULL &&
			    strcmp(tokens[i]->id, u->t[j].id) == 0 &&
			    (!tokens[i]->has_last_used_at ||
			     u->t[j].used > tokens[i]->last_used_at)) {
				tokens[i]->has_last_used_at = 1;
				tokens[i]->last_used_at = u->t[j].used;
			}
}
