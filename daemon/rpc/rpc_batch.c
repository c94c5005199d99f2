/*
 * rpc_batch.c: Batch, many puts as one unit, and the stage that lets one
 * batch span many frames.
 *
 * A staged request's puts move from its request into its connection's
 * stage (loop thread only); the stage is counted against a total and a
 * per-user share so one user cannot take what others need. The request
 * that applies takes the stage into its prep: the writer sees every put
 * of the batch as one array.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch.h"
#include "conn.h"
#include "pbfield.h"
#include "rpc.h"
#include "server.h"
#include "xmalloc.h"

/* Puts held on a connection for its next Batch. */
struct batch_stage {
	Isms__V1__Put **puts;
	size_t n, cap;
	size_t bytes; /* decoded memory of the requests they came in */
	char user[USER_NAME_MAX + 1];
};

/* What one user holds staged, across connections (loop thread). */
struct stage_user {
	struct stage_user *next;
	size_t bytes;
	char name[USER_NAME_MAX + 1];
};

static size_t stage_total;       /* bytes staged, every conn */
static struct stage_user *users; /* users holding some */

/* The share record of user, created when create. */
static struct stage_user *
stage_user(const char *user, bool create)
{
	struct stage_user *u;

	for (u = users; u != NULL; u = u->next)
		if (strcmp(u->name, user) == 0)
			return u;
	if (!create)
		return NULL;
	u = xcalloc(1, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", user);
	u->next = users;
	users = u;
	return u;
}

/* Takes bytes off the counts of user. */
static void
stage_release(const char *user, size_t bytes)
{
	struct stage_user *u = stage_user(user, false), **pp;

	stage_total -= bytes;
	if (u == NULL)
		return;
	u->bytes -= bytes;
	if (u->bytes > 0)
		return;
	for (pp = &users; *pp != u; pp = &(*pp)->next)
		;
	*pp = u->next;
	free(u);
}

static void
stage_free(struct batch_stage *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		protobuf_c_message_free_unpacked(&s->puts[i]->base, NULL);
	free(s->puts);
	free(s);
}

/* Takes c's stage away from it (NULL when none); its bytes are free. */
static struct batch_stage *
stage_take(struct conn *c)
{
	struct batch_stage *s = c->stage;

	if (s != NULL)
		stage_release(s->user, s->bytes);
	c->stage = NULL;
	return s;
}

void
rpc_batch_conn_gone(struct conn *c)
{
	stage_free(stage_take(c));
}

/* What a Batch leaves its apply: staged puts (owned), or only a count. */
struct batch_prep {
	bool stage_only;
	size_t staged;
	struct batch_stage *stage; /* the puts before the request's own */
};

static void
batch_prep_free(void *arg)
{
	struct batch_prep *p = arg;

	stage_free(p->stage);
	free(p);
}

/* Refuses a stage that would pass its caps (and drops c's stage). */
static int
stage_check_caps(struct rpc_call *call, size_t puts, size_t bytes)
{
	struct conn *c = call->conn;
	size_t max = call->srv->cfg.batch_stage_max;
	struct stage_user *u = stage_user(call->actor, false);
	size_t mine = u != NULL ? u->bytes : 0;

	if (puts > BATCH_PUTS_MAX) {
		stage_free(stage_take(c));
		return isms_err_set(&call->err, ISMS_EEXHAUSTED,
		                    "a batch holds at most %d puts; the stage "
		                    "is dropped",
		                    BATCH_PUTS_MAX);
	}
	if (stage_total + bytes > max || mine + bytes > max / 2) {
		stage_free(stage_take(c));
		return isms_err_set(&call->err, ISMS_EEXHAUSTED,
		                    "staged batches are at their limit (%zu "
		                    "bytes in all, %zu per user); the stage is "
		                    "dropped",
		                    max, max / 2);
	}
	return 0;
}

/* Moves b's puts to the connection's stage (shape checked first). */
static int
batch_stage_puts(Isms__V1__Batch *b, struct rpc_call *call,
                 struct batch_prep *p)
{
	struct conn *c = call->conn;
	struct batch_stage *s = c->stage;
	size_t held = s != NULL ? s->n : 0, i;
	struct isms_err e;
	int rc;

	for (i = 0; i < b->n_puts; i++)
		if ((rc = batch_put_shape(b->puts[i], &e)) != 0)
			return isms_err_set(&call->err, -rc, "put %zu: %s",
			                    held + i, e.msg);
	if ((rc = stage_check_caps(call, held + b->n_puts, call->req_bytes)) !=
	    0)
		return rc;
	if (s == NULL) {
		s = c->stage = xcalloc(1, sizeof *s);
		snprintf(s->user, sizeof s->user, "%s", call->actor);
	}
	if (s->n + b->n_puts > s->cap) {
		s->cap = (s->n + b->n_puts) * 2;
		s->puts = xreallocarray(s->puts, s->cap, sizeof *s->puts);
	}
	memcpy(s->puts + s->n, b->puts, b->n_puts * sizeof *b->puts);
	s->n += b->n_puts;
	/* The stage owns them now, not the request. */
	b->n_puts = 0;
	s->bytes += call->req_bytes;
	stage_total += call->req_bytes;
	stage_user(s->user, true)->bytes += call->req_bytes;
	p->stage_only = true;
	p->staged = s->n;
	return 0;
}

/* Stages the puts, or takes the stage for the writer to apply. */
int
rpc_batch_check(const void *body, struct rpc_call *call)
{
	Isms__V1__Batch *b = (Isms__V1__Batch *)body; /* dispatch's own */
	struct batch_prep *p = xcalloc(1, sizeof *p);
	int rc = 0;

	if (b->stage && b->n_users > 0)
		rc = isms_err_set(&call->err, ISMS_EINVAL,
		                  "batch.users go in the request that applies, "
		                  "not in a staged one");
	else if (b->stage)
		rc = batch_stage_puts(b, call, p);
	else {
		p->stage = stage_take(call->conn);
		if ((p->stage != NULL ? p->stage->n : 0) + b->n_puts >
		    BATCH_PUTS_MAX)
			rc = isms_err_set(&call->err, ISMS_EEXHAUSTED,
			                  "a batch holds at most %d puts",
			                  BATCH_PUTS_MAX);
		else if ((p->stage != NULL ? p->stage->n : 0) + b->n_puts +
		             b->n_users ==
		         0)
			rc = isms_err_set(&call->err, ISMS_EINVAL,
			                  "a batch needs at least one put");
	}
	if (rc != 0) {
		batch_prep_free(p);
		return rc;
	}
	call->prep = p;
	call->prep_free = batch_prep_free;
	return 0;
}

/* The puts of the batch: the staged ones, then the request's own. */
static Isms__V1__Put **
batch_all_puts(const struct batch_prep *p, const Isms__V1__Batch *b, size_t *n)
{
	size_t held = p->stage != NULL ? p->stage->n : 0;
	Isms__V1__Put **all =
	    xreallocarray(NULL, held + b->n_puts + 1, sizeof *all);

	if (held > 0)
		memcpy(all, p->stage->puts, held * sizeof *all);
	if (b->n_puts > 0)
		memcpy(all + held, b->puts, b->n_puts * sizeof *all);
	*n = held + b->n_puts;
	return all;
}

/* Lists users[i]'s failure in res. */
static void
batch_user_error(Isms__V1__BatchResult *res, size_t i, int rc,
                 const struct isms_err *e)
{
	Isms__V1__BatchError *be;

	be = (Isms__V1__BatchError *)pb_new(&isms__v1__batch_error__descriptor);
	be->has_user_index = 1;
	be->user_index = (uint32_t)i;
	be->has_code = 1;
	be->code = (uint32_t)-rc;
	be->message = xstrdup(e->msg);
	res->errors =
	    xreallocarray(res->errors, res->n_errors + 1, sizeof *res->errors);
	res->errors[res->n_errors++] = be;
	res->has_error_count = 1;
	res->error_count++;
}

/* Creates or changes the batch's users first (as UserPut): 0, or the
 * first failure's -code with call->err (each listed in res). */
static int
batch_users(struct store_txn *txn, const Isms__V1__Batch *b,
            Isms__V1__BatchResult *res, struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now, false};
	const char *dir = call->srv->cfg.data_dir;
	Isms__V1__User *u;
	struct isms_err e;
	struct stat sb;
	int rc, first = 0;
	size_t i;

	if (b->n_users == 0)
		return 0;
	/* The owner now, as users_bootstrap saw it at first start. */
	if (stat(dir, &sb) != 0)
		return isms_err_set(&call->err, ISMS_EINTERNAL, "%s: %s", dir,
		                    strerror(errno));
	for (i = 0; i < b->n_users && txn->ret == 0; i++) {
		u = NULL;
		if (b->users[i]->user == NULL)
			rc = isms_err_set(&e, ISMS_EINVAL,
			                  "user_put.user is required");
		else
			rc = users_put(txn, b->users[i], sb.st_uid, &who, &u,
			               &e);
		if (u != NULL)
			protobuf_c_message_free_unpacked(&u->base, NULL);
		if (rc == 0)
			continue;
		batch_user_error(res, i, rc, &e);
		if (first == 0) {
			first = rc;
			isms_err_set(&call->err, -rc, "user %zu: %s", i, e.msg);
		}
	}
	return first;
}

/* Applies the batch in a txn of its own: committed into the writer's
 * when every put applied and it is no dry run, else aborted. */
int
rpc_batch_apply(struct store_txn *txn, const void *body, void *result,
                struct rpc_call *call)
{
	const Isms__V1__Batch *b = body;
	const struct batch_prep *p = call->prep;
	Isms__V1__BatchResult *res = result;
	struct records_actor who = {call->actor, call->now, false};
	struct batch_opts opt = {b->dry_run, b->upsert, b->keep_ids};
	struct store_txn inner;
	Isms__V1__Put **all;
	size_t n;
	int rc = 0, urc;

	if (p->stage_only) {
		res->has_staged = 1;
		res->staged = (uint32_t)p->staged;
		return 0;
	}
	if ((rc = store_write_begin(txn->st, txn, &inner)) != 0)
		return isms_err_set(&call->err, rc, "%s", inner.msg);
	all = batch_all_puts(p, b, &n);
	urc = batch_users(&inner, b, res, call);
	if (n > 0 || urc != 0)
		rc = batch_apply(&inner, all, n, &opt, &who, res,
		                 urc != 0 ? &(struct isms_err){0} : &call->err);
	free(all);
	if (urc != 0)
		rc = urc;
	if (rc == 0 && !opt.dry_run) {
		if ((rc = store_commit(&inner)) != 0)
			return isms_err_set(&call->err, rc, "%s", inner.msg);
		return 0;
	}
	store_abort(&inner);
	return opt.dry_run ? 0 : rc;
}
